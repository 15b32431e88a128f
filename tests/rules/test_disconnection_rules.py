"""Seed 003's rules for disconnection requests: the lifecycle (a state machine), the money of
the settlement and the final bill (to the cent), and the SLA clock (with holds and an office
calendar). The seed's sample figures first, then properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cso_tui.services.errors import ConflictError, ValidationError
from cso_tui.services.rules import lifecycle, settlement, sla
from cso_tui.services.rules.lifecycle import Action, Status

CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hh: int, mm: int = 0, month: int = 12) -> datetime:
    """December 2024, office time (Chicago), as UTC."""
    return datetime(2024, month, day, hh, mm, tzinfo=CHICAGO).astimezone(UTC)


# ---------------------------------------------------------------- lifecycle


def test_the_seeds_lifecycle() -> None:
    s = lifecycle.next_status(Status.PENDING, Action.ACKNOWLEDGE)
    assert s is Status.IN_PROGRESS
    assert lifecycle.BUTTON[s].label == "Put on Hold"
    s = lifecycle.next_status(s, Action.HOLD)
    assert s is Status.ON_HOLD and lifecycle.BUTTON[s].label == "Resume"
    s = lifecycle.next_status(s, Action.RESUME)
    assert s is Status.IN_PROGRESS
    assert lifecycle.next_status(s, Action.RESOLVE) is Status.COMPLETED
    assert lifecycle.next_status(Status.ON_HOLD, Action.CLOSE) is Status.CLOSED
    assert lifecycle.BUTTON[Status.PENDING].label == "Acknowledge"


def test_an_illegal_change_says_what_to_do_instead() -> None:
    with pytest.raises(ConflictError) as err:
        lifecycle.next_status("on_hold", "resolve")
    assert err.value.message == "A request that is On Hold cannot be resolved: resume it first."
    with pytest.raises(ConflictError, match="it is closed"):
        lifecycle.next_status("closed", "acknowledge")


@given(st.lists(st.sampled_from(list(Action)), max_size=12))
def test_any_sequence_of_actions_stays_in_the_machine(actions: list[Action]) -> None:
    status = Status.PENDING
    for action in actions:
        if action in lifecycle.allowed(status):
            after = lifecycle.next_status(status, action)
            assert (status, action) in lifecycle.TRANSITIONS
            status = after
        else:
            with pytest.raises(ConflictError):
                lifecycle.next_status(status, action)
    if status.final:
        assert lifecycle.allowed(status) == []  # nothing leaves Completed or Closed
        assert status not in lifecycle.BUTTON


# ---------------------------------------------------------------- money

money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)


def test_the_seeds_settlement() -> None:
    s = settlement.settle(Decimal("456.78"), Decimal("200.00"), True)
    assert s.deposit_refund == Decimal("200.00") and s.net == Decimal("256.78")
    assert s.direction.label == "Amount payable by consumer"
    assert settlement.use_deposit_by_default(Decimal("456.78"))
    off = settlement.settle(Decimal("456.78"), Decimal("200.00"), False)
    assert off.deposit_refund == Decimal("0.00") and off.net == Decimal("456.78")
    cleared = settlement.settle(Decimal("0"), Decimal("200.00"), False)
    assert cleared.cleared and not settlement.use_deposit_by_default(Decimal("0"))
    refund = settlement.settle(Decimal("50.00"), Decimal("200.00"), True)
    assert refund.net == Decimal("-150.00") and refund.direction.label == "Refund due to consumer"


@given(money, money, st.booleans())
def test_settlement_to_the_cent(outstanding: Decimal, deposit: Decimal, use: bool) -> None:
    s = settlement.settle(outstanding, deposit, use)
    assert s.net == s.outstanding - s.deposit_refund
    assert s.deposit_refund == (deposit if use else 0)
    assert s.net == s.net.quantize(Decimal("0.01"))


@given(money, money, money, st.booleans())
def test_final_bill_to_the_cent(
    billed: Decimal, outstanding: Decimal, deposit: Decimal, use: bool
) -> None:
    bill = settlement.final_bill(billed, outstanding, deposit, use)
    assert bill.final_due == billed + outstanding - bill.deposit_applied
    assert 0 <= bill.deposit_applied <= deposit  # capped at the deposit held
    assert bill.final_due >= 0  # fully settled shows $0.00, never a negative due
    if use:
        assert bill.deposit_applied + bill.deposit_refund == deposit
    else:
        assert bill.deposit_applied == 0 and bill.deposit_refund == 0


def test_final_bill_fully_settled_by_the_deposit() -> None:
    bill = settlement.final_bill(Decimal("40.00"), Decimal("100.00"), Decimal("200.00"), True)
    assert bill.deposit_applied == Decimal("140.00") and bill.final_due == Decimal("0.00")
    assert bill.deposit_refund == Decimal("60.00")


@pytest.mark.parametrize("bad", [Decimal("1.005"), Decimal("-1"), Decimal("NaN")])
def test_a_bad_amount_names_its_field(bad: Decimal) -> None:
    with pytest.raises(ValidationError) as err:
        settlement.settle(bad, Decimal(0), False)
    assert err.value.field == "outstanding"


# ---------------------------------------------------------------- SLA clock


def test_the_seeds_sla_sample() -> None:
    line = sla.Timeline(created=at(10, 9, 30), acknowledged=at(10, 11, 0))
    c = sla.clock(line, sla.Targets(), now=at(10, 14, 45))
    assert c.due == at(11, 9, 30)
    assert c.remaining == timedelta(hours=18, minutes=45)
    assert sla.remaining_text(c.remaining) == "18 hours 45 minutes"
    assert c.status.label == "On Track"
    ack, response, resolution = c.metrics
    assert ack.achieved == Decimal("1.50") and ack.within
    assert response.achieved is None and resolution.achieved is None  # Pending


def test_breached_when_a_metric_passes_its_target() -> None:
    late_ack = sla.Timeline(created=at(10, 9, 30), acknowledged=at(10, 12, 0))
    c = sla.clock(late_ack, sla.Targets(), now=at(10, 12, 5))
    assert c.status is sla.SlaStatus.BREACHED and c.metrics[0].achieved == Decimal("2.50")
    never = sla.Timeline(created=at(10, 9, 30))
    assert sla.clock(never, sla.Targets(), now=at(10, 11, 29)).status is sla.SlaStatus.ON_TRACK
    assert sla.clock(never, sla.Targets(), now=at(10, 11, 31)).status is sla.SlaStatus.BREACHED
    past = sla.clock(never, sla.Targets(), now=at(11, 10, 10))
    assert sla.remaining_text(past.remaining) == "overdue by 40 minutes"


def test_a_hold_pauses_the_clock_when_set() -> None:
    line = sla.Timeline(
        created=at(10, 9, 30),
        acknowledged=at(10, 10, 0),
        holds=((at(10, 12, 0), at(10, 15, 0)),),
    )
    seeds = sla.clock(line, sla.Targets(), now=at(10, 16, 0))
    assert seeds.due == at(11, 9, 30)  # by default the hold changes nothing
    paused = sla.clock(line, sla.Targets(), now=at(10, 16, 0), pause_on_hold=True)
    assert paused.due == at(11, 12, 30)
    still_held = sla.Timeline(created=at(10, 9, 30), holds=((at(10, 12, 0), None),))
    c = sla.clock(still_held, sla.Targets(), now=at(10, 18, 0), pause_on_hold=True)
    assert c.paused and c.due == at(11, 15, 30)  # moves on while the hold lasts


def test_office_hours_and_holidays() -> None:
    office = sla.Calendar(
        zone=CHICAGO,
        open_at=time(8),
        close_at=time(17),
        workdays=frozenset(range(5)),
        holidays=frozenset({date(2024, 12, 25)}),
    )
    # Tuesday Dec 24, 3 PM + 24 office hours: 2 h on the 24th, the 25th is a holiday,
    # 9 h each on the 26th and 27th (Thu, Fri), the weekend skipped, 4 h on Monday the 30th
    due = sla.add(office, at(24, 15), Decimal(24))
    assert due == at(30, 12)
    assert sla.elapsed(office, at(24, 15), due) == timedelta(hours=24)
    # created out of hours: the clock starts at the next opening
    assert sla.add(office, at(21, 10), Decimal(2)) == at(23, 10)  # Saturday -> Monday


@given(
    st.integers(min_value=0, max_value=60 * 24 * 20),
    st.integers(min_value=1, max_value=200),
    st.integers(min_value=0, max_value=6),
)
def test_adding_then_measuring_gives_the_hours_back(
    start_minute: int, quarter_hours: int, first_workday: int
) -> None:
    office = sla.Calendar(
        zone=CHICAGO,
        open_at=time(8, 30),
        close_at=time(17),
        workdays=frozenset({first_workday, (first_workday + 2) % 7, (first_workday + 3) % 7}),
        holidays=frozenset({date(2024, 12, 25), date(2025, 1, 1)}),
    )
    start = at(1, 0) + timedelta(minutes=start_minute)
    target = Decimal(quarter_hours) / 4
    due = sla.add(office, start, target)
    assert due >= start
    assert sla.elapsed(office, start, due) == timedelta(minutes=quarter_hours * 15)
    assert sla.hours(sla.elapsed(office, start, due)) == target.quantize(Decimal("0.01"))


def test_a_calendar_without_working_days_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        sla.Calendar(workdays=frozenset())
    assert err.value.field == "workdays"
    with pytest.raises(ValidationError):
        sla.Calendar(open_at=time(17), close_at=time(8))
