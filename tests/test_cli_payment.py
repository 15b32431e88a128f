"""`cso-tui payment record`: the scriptable twin of recording a payment, on the demo data
(seed 003's John Michael Smith owes $456.78 under DIS-2024-001234, in progress; Deborah
Olson, WU-10008, was cut for non-payment owing $486.64)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cso_tui.cli import app

ENV = {"CSO_TUI_PASSWORD": "demo"}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_a_payment_cancels_the_seeds_pending_disconnection(
    runner: CliRunner, demo_url: str
) -> None:
    args = ["payment", "record", "acc-2024-001789", "456.78", "-d", demo_url, "--user", "admin"]
    out = runner.invoke(
        app,
        [*args, "--method", "online banking", "--reference", "TXN-9", "--json"],
        env=ENV,
    )
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert (got["payment"]["amount"], got["payment"]["method"]) == ("456.78", "Online Banking")
    assert (got["reference"], got["balance"], got["outstanding"]) == ("TXN-9", "0.00", "0.00")
    assert got["payment_standing"] == "current"
    assert (got["cancelled"], got["raised"]) == (["DIS-2024-001234"], [])
    shown = runner.invoke(
        app, ["request", "show", "DIS-2024-001234", "-d", demo_url, "--user", "admin"], env=ENV
    )
    assert "Closed" in shown.stdout


def test_a_cleared_debt_raises_a_reconnection_once_per_key(
    runner: CliRunner, demo_url: str
) -> None:
    args = ["payment", "record", "WU-10008", "486.64", "-d", demo_url, "--user", "admin"]
    out = runner.invoke(app, [*args, "--method", "Cheque", "--key", "till-7-0042"], env=ENV)
    assert out.exit_code == 0, out.output
    lines = dict(line.split(None, 1) for line in out.stdout.splitlines() if line.strip())
    assert lines["balance"].strip() == "$0.00"
    assert lines["standing"].strip() == "Current"
    assert lines["raised"].endswith("(reconnection: dues cleared)")
    payment_no = lines["payment"].split()[0]
    assert payment_no.startswith("PAY-") and "$486.64 Cheque" in lines["payment"]
    # run again with the same key (a script retrying): the same answer, nothing twice
    again = runner.invoke(app, [*args, "--method", "Cheque", "--key", "till-7-0042"], env=ENV)
    assert again.exit_code == 0, again.output
    assert again.stdout == out.stdout
    listed = runner.invoke(
        app,
        ["request", "list", "-q", "WU-10008", "--type", "reconnection", "--json",
         "-d", demo_url, "--user", "admin"],
        env=ENV,
    )  # fmt: skip
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)["items"]) == 1


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["abc"], 2, "amount: Amount must be a number"),
        (["0"], 2, "amount: Amount must be more than zero"),
        (["1.005"], 2, "amount: Amount has more than two decimals"),
        (["10", "--method", "Bitcoin"], 2, "method: Payment method must be one of"),
        (["10", "--on", "2999-01-01"], 2, "paid_on: A payment cannot be dated in the future"),
        (["10", "--on", "soon"], 2, "is not a date"),
    ],
)
def test_bad_input_names_its_field(
    runner: CliRunner, demo_url: str, extra: list[str], code: int, message: str
) -> None:
    args = ["payment", "record", "WU-10001", *extra, "-d", demo_url, "--user", "admin"]
    out = runner.invoke(app, args, env=ENV)
    assert out.exit_code == code, out.output
    assert message in out.output


def test_only_admins_record_payments(runner: CliRunner, demo_url: str) -> None:
    args = ["payment", "record", "WU-10001", "10", "-d", demo_url, "--user", "recovery"]
    out = runner.invoke(app, args, env=ENV)
    assert out.exit_code == 4, out.output
    assert "may not record payment" in out.output
