"""The scriptable twins: same service layer, same authentication and permissions."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cso_tui.cli import app
from cso_tui.launch import plain_run
from cso_tui.services import db
from cso_tui.services.errors import AuthenticationError, SessionExpiredError
from cso_tui.services.local import LocalBackend


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None, None)),
        (["--database", "sqlite:///x"], (True, "sqlite:///x", None)),
        (["-d", "sqlite:///x"], (True, "sqlite:///x", None)),
        (["--database=sqlite:///x"], (True, "sqlite:///x", None)),
        (["--server", "http://h:1"], (True, None, "http://h:1")),
        (["-s", "http://h:1"], (True, None, "http://h:1")),
        (["--server=http://h:1", "-d", "sqlite:///x"], (True, "sqlite:///x", "http://h:1")),
        (["--server", "http://h:1", "--server", "http://h:2"], (False, None, None)),
        (["--help"], (False, None, None)),
        (["--version"], (False, None, None)),
        (["search", "doe"], (False, None, None)),
        (["--database", "--help"], (False, None, None)),
        (["--server"], (False, None, None)),
    ],
)
def test_only_a_plain_run_skips_typer(
    args: list[str], expected: tuple[bool, str | None, str | None]
) -> None:
    assert plain_run(args) == expected


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_search_and_consumer_show_print_json_through_the_service_layer(
    runner: CliRunner, demo_url: str
) -> None:
    env = {"CSO_TUI_PASSWORD": "demo"}
    out = runner.invoke(
        app, ["search", "M-5678", "-d", demo_url, "--user", "admin", "--json"], env=env
    )
    assert out.exit_code == 0, out.output
    page = json.loads(out.stdout)
    assert page["kind"] == "meter"
    assert [h["account_no"] for h in page["items"]] == ["WU-10001"]
    out = runner.invoke(
        app,
        ["consumer", "show", "wu-10001", "-d", demo_url, "--user", "executive", "--json"],
        env=env,
    )
    assert out.exit_code == 0, out.output
    shown = json.loads(out.stdout)
    assert shown["name"] == "John Doe"
    assert shown["balance"] == "75.30"
    assert shown["meters"][0]["meter_no"] == "M-5678"


def test_cli_authenticates_like_the_app(runner: CliRunner, demo_url: str) -> None:
    out = runner.invoke(
        app, ["search", "doe", "-d", demo_url, "--user", "admin"], env={"CSO_TUI_PASSWORD": "wrong"}
    )
    assert out.exit_code == 3
    assert "Wrong user name or password" in out.output
    out = runner.invoke(
        app,
        ["consumer", "show", "WU-99999999", "-d", demo_url, "--user", "admin"],
        env={"CSO_TUI_PASSWORD": "demo"},
    )
    assert out.exit_code == 1
    assert "No consumer with account number WU-99999999" in out.output


def test_permissions_apply_to_the_cli(runner: CliRunner, demo_url: str) -> None:
    out = runner.invoke(
        app,
        ["user", "add", "newbie", "--role", "call_center", "-d", demo_url, "--user", "technician"],
        env={"CSO_TUI_PASSWORD": "demo", "CSO_TUI_NEW_PASSWORD": "long enough"},
    )
    assert out.exit_code == 4, out.output
    assert "may not create user" in out.output


def test_first_user_of_an_empty_database_then_login(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    assert runner.invoke(app, ["db", "upgrade", "-d", url]).exit_code == 0
    out = runner.invoke(
        app,
        ["user", "add", "boss", "--role", "utility_admin", "--full-name", "Bo Ss", "-d", url],
        env={"CSO_TUI_NEW_PASSWORD": "correct horse"},
    )
    assert out.exit_code == 0, out.output
    assert "Created boss (utility_admin)" in out.output
    out = runner.invoke(
        app,
        ["user", "add", "second", "--role", "call_center", "-d", url, "--user", "boss"],
        env={"CSO_TUI_NEW_PASSWORD": "x", "CSO_TUI_PASSWORD": "correct horse"},
    )
    assert out.exit_code == 2
    assert "password" in out.output.lower()
    out = runner.invoke(app, ["db", "current", "-d", url])
    assert out.exit_code == 0
    assert f"database: {db.SCHEMA_REVISION}" in out.output


def test_admins_list_disable_enable_and_end_sessions(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'staff.sqlite'}"
    boss = {"CSO_TUI_PASSWORD": "correct horse", "CSO_TUI_USER": "boss"}
    env = {**boss, "CSO_TUI_NEW_PASSWORD": "correct horse"}
    for name, role in (("boss", "cso_admin"), ("desk", "call_center")):
        out = runner.invoke(app, ["user", "add", name, "--role", role, "-d", url], env=env)
        assert out.exit_code == 0, out.output
    desk = LocalBackend(url)
    try:
        token = desk.login("desk", "correct horse").token
        out = runner.invoke(app, ["user", "list", "-d", url, "--json"], env=boss)
        assert out.exit_code == 0, out.output
        rows = {u["username"]: u for u in json.loads(out.output)}
        assert (rows["desk"]["open_sessions"], rows["desk"]["active"]) == (1, True)
        out = runner.invoke(app, ["user", "end-sessions", "desk", "-d", url], env=boss)
        assert out.exit_code == 0, out.output
        assert "Ended 1 open session(s) of desk." in out.output
        with pytest.raises(SessionExpiredError):
            desk.get_consumer(token, "WU-10001")
        out = runner.invoke(app, ["user", "disable", "desk", "-d", url], env=boss)
        assert (out.exit_code, out.output.strip()) == (
            0,
            "desk is disabled (their sessions were ended).",
        )
        out = runner.invoke(app, ["user", "list", "-d", url], env=boss)
        assert "DISABLED" in out.output
        with pytest.raises(AuthenticationError):
            desk.login("desk", "correct horse")
        out = runner.invoke(app, ["user", "disable", "boss", "-d", url], env=boss)
        assert out.exit_code == 2
        assert "username: You cannot disable your own account" in out.output
        out = runner.invoke(app, ["user", "enable", "desk", "-d", url], env=boss)
        assert out.exit_code == 0 and "desk is enabled." in out.output
        assert desk.login("desk", "correct horse").username == "desk"
        out = runner.invoke(
            app, ["user", "end-sessions", "boss", "-d", url, "--user", "desk"], env=boss
        )
        assert out.exit_code == 4, out.output
    finally:
        desk.close()


def test_a_reused_demo_from_an_older_version_is_upgraded(runner: CliRunner, tmp_path: Path) -> None:
    from alembic import command

    from cso_tui.services import db

    url = f"sqlite:///{tmp_path / 'old-demo.sqlite'}"
    out = runner.invoke(app, ["demo", "--consumers", "5", "-d", url, "--no-start"])
    assert out.exit_code == 0, out.output
    command.downgrade(db.alembic_config(url), "0001")  # as an older cso-tui left it
    out = runner.invoke(app, ["demo", "--consumers", "5", "-d", url, "--no-start"])
    assert out.exit_code == 0, out.output
    assert f"Upgrading it from schema 0001 to {db.SCHEMA_REVISION}" in out.output
    assert "Demo database ready" not in out.output  # reused, not rebuilt
    backend = LocalBackend(url)
    try:
        token = backend.login("admin", "demo").token
        assert backend.get_consumer(token, "WU-10001").name == "John Doe"
    finally:
        backend.close()


def test_demo_refuses_to_overwrite_a_real_database(runner: CliRunner, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from cso_tui.models import Consumer
    from cso_tui.services.local import LocalBackend

    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    out = runner.invoke(app, ["demo", "--consumers", "5", "-d", url, "--no-start"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["demo", "--consumers", "6", "-d", url, "--no-start"])
    assert out.exit_code == 0, out.output  # a demo database: rebuilt at the new size
    assert "Demo database ready" in out.output

    real = f"sqlite:///{tmp_path / 'office.sqlite'}"
    backend = LocalBackend(real)
    now = datetime.now(UTC)
    with backend._write() as s:
        s.add(
            Consumer(
                account_no="WU-1",
                name="Real Person",
                status="active",
                category="Residential",
                service_address="1 Real St",
                created_at=now,
                updated_at=now,
            )
        )
    backend.close()
    out = runner.invoke(app, ["demo", "--consumers", "5", "-d", real, "--no-start"])
    assert out.exit_code == 1
    assert "not a demo: refusing to overwrite it" in out.output
    assert (tmp_path / "office.sqlite").exists()


def test_consumer_show_gives_the_profile_figures(runner: CliRunner, demo_url: str) -> None:
    env = {"CSO_TUI_PASSWORD": "demo"}
    args = ["consumer", "show", "WU-10001", "-d", demo_url, "--user", "recovery"]
    out = runner.invoke(app, [*args, "--json"], env=env)
    assert out.exit_code == 0, out.output
    profile = json.loads(out.stdout)["profile"]
    assert profile["payment_compliance"] == 92
    assert profile["balance"] == profile["outstanding"] == "75.30"
    health = profile["health"]
    assert health["factors"][0]["name"] == "Payment compliance"
    assert health["band"] in ("Excellent", "Good", "Average", "Poor", "At Risk")
    assert profile["counts"]["payments"] == 26
    assert profile["account_age_months"] >= 28  # from Jan 15, 2023
    text = runner.invoke(app, args, env=env)
    assert text.exit_code == 0, text.output
    assert "compliance         92%" in text.stdout
    assert f"health score       {health['score']}/100 {health['band']}" in text.stdout
    assert "Late payments                  2 x -2 = -4" in text.stdout


def test_request_show_evaluates_the_clock_at_a_time(runner: CliRunner, demo_url: str) -> None:
    """Seed 003's sample at its "Current Time" (office time, no zone given)."""
    env = {"CSO_TUI_PASSWORD": "demo"}
    args = ["request", "show", "DIS-2024-001234", "-d", demo_url, "--user", "recovery"]
    out = runner.invoke(app, [*args, "--at", "2024-12-10T14:45", "--json"], env=env)
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert got["sla"]["due"] == "2024-12-11T15:30:00Z"
    assert (got["sla"]["label"], got["sla"]["remaining"]) == ("On Track", "18 hours 45 minutes")
    assert got["settlement"]["net"] == "256.78"
    text = runner.invoke(app, [*args, "--at", "2024-12-10T14:45"], env=env)
    assert text.exit_code == 0, text.output
    assert "time remaining     18 hours 45 minutes" in text.stdout
    assert "net                $256.78 (Amount payable by consumer)" in text.stdout
    bad = runner.invoke(app, [*args, "--at", "soon"], env=env)
    assert bad.exit_code == 2 and "is not a time" in bad.output


def test_request_list_tabs_filters_and_cards(runner: CliRunner, demo_url: str) -> None:
    env = {"CSO_TUI_PASSWORD": "demo"}
    base = ["request", "list", "-d", demo_url, "--user", "callcenter"]
    out = runner.invoke(app, [*base, "--tab", "history", "--json", "--limit", "500"], env=env)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["items"] and {r["status"] for r in data["items"]} <= {"completed", "closed"}
    assert data["matches"] == len(data["items"])
    assert [m["month"] for m in data["kpis"]["trend"]][-1] == data["kpis"]["current"]["month"]
    out = runner.invoke(app, [*base, "-q", "DIS-2024-001234", "--tab", "all"], env=env)
    assert out.exit_code == 0, out.output
    assert "1 request(s), 1 shown" in out.stdout and "DIS-2024-001234" in out.stdout
    assert "disconnections pending" in out.stdout.splitlines()[0]
    bad = runner.invoke(app, [*base, "--tab", "later"], env=env)
    assert bad.exit_code == 2 and "bad option: tab" in bad.output
    bad = runner.invoke(app, [*base, "--status", "done"], env=env)
    assert bad.exit_code == 2 and "Unknown status 'done'" in bad.output


def test_consumer_list_filters_sorts_and_exports(runner: CliRunner, demo_url: str) -> None:
    env = {"CSO_TUI_PASSWORD": "demo"}
    base = ["consumer", "list", "-d", demo_url, "--user", "manager"]
    out = runner.invoke(
        app, [*base, "--payment", "collection", "--sort", "balance", "--desc", "--json"], env=env
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    balances = [float(r["balance"]) for r in data["items"]]
    assert balances == sorted(balances, reverse=True) and balances
    assert {r["payment_standing"] for r in data["items"]} == {"collection"}
    assert data["kpis"]["total"] >= 7
    out = runner.invoke(app, [*base, "-q", "john doe", "--csv"], env=env)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].startswith("account_no,name,status")
    assert lines[1].startswith("WU-10001,John Doe,active")
    out = runner.invoke(app, [*base, "--status", "asleep"], env=env)
    assert out.exit_code == 2
    assert "statuses: Unknown status 'asleep'" in out.output
    out = runner.invoke(app, [*base], env=env)
    assert out.exit_code == 0, out.output
    assert "Total balance $" in out.stdout


def test_outbox_send_delivers_by_smtp_and_escalates(runner: CliRunner, demo_url: str) -> None:
    """The demo's queued emails and its breached requests, sent to a real local SMTP server."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    from contract.test_notifications import Inbox, free_port

    from cso_tui.models import AppSetting

    inbox = Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        backend = LocalBackend(demo_url)
        try:
            with backend._write() as s:
                smtp = {"host": "127.0.0.1", "port": controller.port}
                s.merge(AppSetting(key="smtp", value=smtp, updated_at=datetime.now(UTC)))
        finally:
            backend.close()
        out = runner.invoke(app, ["outbox", "send", "-d", demo_url])
        assert out.exit_code == 0, out.output
        escalated, sent = (int(re.search(rf"{w} (\d+)", out.stdout).group(1))  # type: ignore[union-attr]
                           for w in ("escalated", "sent"))  # fmt: skip
        assert escalated >= 1 and sent == len(inbox.messages) >= escalated
        assert any(m["Subject"].startswith("SLA breached: ") for m in inbox.messages)
        again = runner.invoke(app, ["outbox", "send", "-d", demo_url])
        assert "escalated 0 · sent 0" in again.stdout
    finally:
        controller.stop()
