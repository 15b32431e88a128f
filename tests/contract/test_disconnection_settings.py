"""Contract: a new database holds seed 003's disconnection settings (migration 0006), and
every role reads them the same way on every backend."""

from __future__ import annotations

from decimal import Decimal

from contract.support import World


def test_a_new_database_has_the_seeds_settings(world: World) -> None:
    got = world.backend.disconnection_settings(world.token("call_center"))
    np001 = got.reasons[0]
    assert (np001.code, np001.name, np001.priority, np001.requires_approval) == (
        "NP-001",
        "Non-payment of bills",
        "high",
        True,
    )
    assert np001.description == "Customer has outstanding balance exceeding 90 days"
    assert {r.applies_to for r in got.reasons} == {"disconnection", "reconnection"}
    # AC005: two-hour blocks
    assert "10:00 AM - 12:00 PM" in [s.label for s in got.time_slots]
    assert all(s.end_minute - s.start_minute == 120 for s in got.time_slots)
    targets = {t.request_type: t for t in got.sla_targets}
    dis = targets["disconnection"]
    assert (dis.acknowledgement_hours, dis.response_hours, dis.resolution_hours) == (
        Decimal(2),
        Decimal(4),
        Decimal(24),
    )
    assert len(got.checklist) == 6 and got.checklist_required == 6


def test_checklist_required_follows_its_setting(world: World) -> None:
    from cso_tui.models import AppSetting

    with world.db.write() as s:
        s.add(AppSetting(key="checklist_required", value=4, updated_at=world.clock()))
    got = world.backend.disconnection_settings(world.token("field_technician"))
    assert got.checklist_required == 4
