"""The `cso-tui` command. Heavy modules are imported inside the command that needs them:
start-up time is a feature (the TUI must paint its login screen within 0.8 s).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer

from cso_tui.launch import open_backend, open_local, run_tui

if TYPE_CHECKING:
    from cso_tui.config import Settings
    from cso_tui.services.backend import Backend
    from cso_tui.services.local import LocalBackend

B = TypeVar("B")

app = typer.Typer(
    name="cso-tui",
    help="Customer-service office for a water and electricity utility, in your terminal.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema: create and upgrade.", no_args_is_help=True)
consumer_app = typer.Typer(help="Consumer accounts.", no_args_is_help=True)
request_app = typer.Typer(
    help="Disconnection and reconnection requests (seed 003).", no_args_is_help=True
)
user_app = typer.Typer(help="Staff users.", no_args_is_help=True)
payment_app = typer.Typer(help="Payments received (admins mark bills paid).", no_args_is_help=True)
outbox_app = typer.Typer(
    help="Notifications: SLA escalations and the email outbox.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(consumer_app, name="consumer")
app.add_typer(request_app, name="request")
app.add_typer(user_app, name="user")
app.add_typer(payment_app, name="payment")
app.add_typer(outbox_app, name="outbox")

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="Database URL (sqlite:///path or postgresql://...). Default: CSO_TUI_DATABASE, "
        "the config file, else the embedded SQLite file in the user data folder.",
        show_default=False,
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user",
        "-u",
        help="Log in as this user (default: CSO_TUI_USER). The password is read from "
        "CSO_TUI_PASSWORD or asked for.",
        show_default=False,
    ),
]
ServerOpt = Annotated[
    str | None,
    typer.Option(
        "--server",
        "-s",
        help="Use the cso-tui server at this URL (http://host:port, see `cso-tui serve`) "
        "instead of a database. Default: CSO_TUI_SERVER or the config file.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _settings(database: str | None, server: str | None = None) -> Settings:
    from cso_tui.config import load_settings

    return load_settings(database=database, server=server)


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"cso-tui: {message}", err=True)
    raise typer.Exit(code)


def _open_local(settings: Settings) -> LocalBackend:
    return _opened(open_local, settings)


def _open_backend(settings: Settings) -> Backend:
    return _opened(open_backend, settings)


def _opened(opener: Callable[[Settings], B], settings: Settings) -> B:
    """``opener(settings)``, or a clean exit saying why the backend cannot be opened."""
    from cso_tui.services.errors import ServiceError

    try:
        return opener(settings)
    except ServiceError as exc:
        _fail(exc.message)


@contextmanager
def _signed_in(
    database: str | None, server: str | None, user: str | None
) -> Iterator[tuple[Settings, Backend, str]]:
    """Settings, an open backend and a session token, as the app would have them."""
    settings = _settings(database, server)
    backend = _open_backend(settings)
    try:
        yield settings, backend, _login(backend, user)
    finally:
        backend.close()


def _login(backend: Backend, user: str | None) -> str:
    """Authenticate like the TUI does; returns the session token."""
    from cso_tui.services.errors import ServiceError

    name = user or os.environ.get("CSO_TUI_USER")
    if not name:
        _fail("who are you? Pass --user NAME (or set CSO_TUI_USER).", 2)
    password = os.environ.get("CSO_TUI_PASSWORD")
    if password is None:
        password = typer.prompt(f"Password for {name}", hide_input=True, err=True)
    try:
        return backend.login(name, password, client="cso-tui cli").token
    except ServiceError as exc:
        _fail(exc.message, 3)


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    from cso_tui.services.errors import ServiceError, ValidationError

    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        _fail(f"{exc.field}: {exc.message}", 2)
    except ServiceError as exc:
        _fail(exc.message, 4 if exc.code == "permission_denied" else 1)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


# ---------------------------------------------------------------- the TUI


@app.callback(invoke_without_command=True)
def run(
    ctx: typer.Context,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Start the app (login, then unified consumer search). Subcommands below do the rest."""
    if version:
        from cso_tui import __version__

        typer.echo(f"cso-tui {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is not None:
        return
    run_tui(lambda: _settings(database, server))


# ---------------------------------------------------------------- server


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8765,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes (PostgreSQL: several).")
    ] = 1,
    database: DatabaseOpt = None,
) -> None:
    """Serve the database over HTTP (FastAPI on uvicorn) for `cso-tui --server URL`.

    Every rule runs here, in the same service layer as the embedded app; terminals log in
    with a session token. Health check: GET /healthz; API schema: /openapi.json."""
    from cso_tui.server.run import run_server

    settings = _settings(database)
    # migrate an empty database once, before the workers start
    _open_local(settings).close()
    run_server(settings.database, host=host, port=port, workers=workers)


# ---------------------------------------------------------------- demo


@app.command()
def demo(
    consumers: Annotated[
        int, typer.Option("--consumers", "-n", min=0, help="Synthetic consumers to add.")
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same data.")] = 42,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "-d",
            help="Where to build it (default: demo.sqlite in the user data folder, never the "
            "real database). PostgreSQL URLs work too.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Date the data leads up to (YYYY-MM-DD). Default: today."),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Rebuild even if a matching demo database exists.")
    ] = False,
    no_start: Annotated[
        bool, typer.Option("--no-start", help="Build the database but do not start the app.")
    ] = False,
) -> None:
    """Build a demo database (seed documents' sample records + N synthetic consumers) and
    start the app on it. Log in as admin, manager, executive, callcenter, recovery, billing,
    technician or utilityadmin with the password `demo`."""
    from cso_tui.config import demo_database_url, load_settings

    url = database or demo_database_url()
    day = date.fromisoformat(as_of) if as_of else None
    _ensure_demo(url, consumers, seed, day, fresh)
    if not no_start:
        run_tui(lambda: load_settings(database=url))


def _ensure_demo(url: str, consumers: int, seed: int, day: date | None, fresh: bool) -> None:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from cso_tui.demo import build

    found = _demo_marker(url)
    wanted = {"seed": seed, "consumers": consumers}
    if (
        found is not None
        and not fresh
        and all(found.get(k) == v for k, v in wanted.items())
        and (day is None or found.get("as_of") == day.isoformat())
    ):
        typer.echo(f"Using the demo database at {url} (as of {found.get('as_of')}).", err=True)
        _upgrade_demo(url)
        return
    if found is None and _has_consumers(url):
        _fail(f"{url} holds a database that is not a demo: refusing to overwrite it.")
    wipe(url)
    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or 1)
            bar.update(tasks[stage], completed=done, total=total or 1)

        report = build(url, consumers=consumers, seed=seed, as_of=day, progress=progress)
    typer.echo(f"Demo database ready at {url} in {report.seconds:.1f} s.", err=True)


def _upgrade_demo(url: str) -> None:
    """A demo made by an older cso-tui is brought to the current schema (it is only a demo)."""
    from cso_tui.services import db

    engines = db.make_engines(url)
    try:
        revision = db.stored_revision(engines.read)
    finally:
        engines.dispose()
    if revision != db.SCHEMA_REVISION:
        typer.echo(f"Upgrading it from schema {revision} to {db.SCHEMA_REVISION}…", err=True)
        db.upgrade(url)


def _demo_marker(url: str) -> dict[str, Any] | None:
    """The demo marker of the database at ``url``, or None (no database, or not a demo)."""
    from sqlalchemy import text

    from cso_tui.services import db

    engines = db.make_engines(url)
    try:
        if "app_setting" not in db.table_names(engines.read):
            return None
        with engines.read.connect() as conn:
            row = conn.execute(text("SELECT value FROM app_setting WHERE key = 'demo'")).first()
        if row is None:
            return None
        value = row[0]
        return dict(json.loads(value) if isinstance(value, str) else value)
    finally:
        engines.dispose()


def _has_consumers(url: str) -> bool:
    from sqlalchemy import text

    from cso_tui.services import db

    engines = db.make_engines(url)
    try:
        if "consumer" not in db.table_names(engines.read):
            return False
        with engines.read.connect() as conn:
            return conn.execute(text("SELECT 1 FROM consumer LIMIT 1")).first() is not None
    finally:
        engines.dispose()


def wipe(url: str) -> None:
    """Remove a demo database: delete the SQLite file, or downgrade PostgreSQL to empty."""
    from sqlalchemy.engine import make_url

    from cso_tui.services import db

    if db.dialect_of(url) == "sqlite":
        path = make_url(db.normalise_url(url)).database
        if path and path != ":memory:":
            # -journal too: a killed bulk load (rollback journal) must not replay into the new file
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        return
    db.downgrade_to_empty(url)


# ---------------------------------------------------------------- db


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Bring the database to the current schema (creates it when empty; keeps every row)."""
    from cso_tui.services import db

    settings = _settings(database)
    db.upgrade(settings.database)
    typer.echo(f"Database at revision {db.head_revision()}.")


@db_app.command("current")
def db_current(database: DatabaseOpt = None) -> None:
    """Print the database's schema revision and the code's."""
    from cso_tui.services import db

    settings = _settings(database)
    engines = db.make_engines(settings.database)
    try:
        typer.echo(f"database: {db.stored_revision(engines.read) or '(empty)'}")
        typer.echo(f"code:     {db.head_revision()}")
    finally:
        engines.dispose()


# ---------------------------------------------------------------- search and consumers


@app.command()
def search(
    term: Annotated[str, typer.Argument(help="Account no, meter no, phone, email or name.")],
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="Rows to print.")] = 20,
) -> None:
    """Unified consumer search, as in the app (same service layer, same permissions)."""
    with _signed_in(database, server, user) as (settings, backend, token):
        page = _call(backend.search_consumers, token, term, None, limit)
    if as_json:
        _print_json(page.model_dump(mode="json"))
        return
    from rich.console import Console
    from rich.table import Table

    from cso_tui.formatting import format_money, status_label

    table = Table(title=f"{len(page.items)} match(es) for {term!r} ({page.kind.value})")
    for col in ("Account", "Name", "Status", "Category", "Phone", "Service address", "Balance"):
        table.add_column(col, justify="right" if col == "Balance" else "left")
    for hit in page.items:
        table.add_row(
            hit.account_no,
            hit.name + (" ★VIP" if hit.vip else ""),
            status_label(hit.status),
            hit.category,
            hit.phone or "",
            hit.service_address,
            format_money(hit.balance, settings.display.currency_symbol),
        )
    Console().print(table)
    if page.next_cursor:
        typer.echo("(more matches: narrow the search or raise --limit)")


@consumer_app.command("show")
def consumer_show(
    account_no: Annotated[str, typer.Argument(help="Account number, e.g. WU-10001.")],
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The consumer's details and profile figures: balance, outstanding, payment compliance,
    account age, relationship health score with its parts and band, and a count per tab."""
    with _signed_in(database, server, user) as (settings, backend, token):
        summary = _call(backend.get_consumer, token, account_no)
        profile = _call(backend.get_profile, token, account_no)
    data = summary.model_dump(mode="json")
    figures = {
        "balance": str(profile.balance),
        "outstanding": str(profile.outstanding),
        "payment_compliance": profile.compliance,
        "account_age_months": profile.account_age_months,
        "health": profile.health.model_dump(mode="json"),
        "days_past_due": profile.days_past_due,
        "risk": profile.risk,
        "next_bill_estimate": None
        if profile.estimate_low is None
        else [str(profile.estimate_low), str(profile.estimate_high)],
        "alerts": [a.text for a in profile.alerts],
        "counts": profile.counts.model_dump(),
    }
    if as_json:
        _print_json({**data, "profile": figures})
        return
    from cso_tui.formatting import format_date, format_money, status_label

    symbol = settings.display.currency_symbol
    data["status"] = status_label(summary.status)
    data["balance"] = format_money(summary.balance, symbol)
    if summary.connection_date:
        data["connection_date"] = format_date(summary.connection_date, settings)
    for key, value in data.items():
        if key == "meters":
            value = ", ".join(f"{m['meter_no']} / {m['device_no']} ({m['utility']})" for m in value)
        typer.echo(f"{key.replace('_', ' '):<18} {value if value is not None else '--'}")
    h = profile.health
    compliance = "--" if profile.compliance is None else f"{profile.compliance}%"
    typer.echo(f"{'outstanding':<18} {format_money(profile.outstanding, symbol)}")
    typer.echo(f"{'compliance':<18} {compliance}")
    typer.echo(f"{'account age':<18} {profile.account_age_months} months")
    typer.echo(f"{'health score':<18} {h.score}/100 {h.band}")
    for f in h.factors:
        typer.echo(f"  {f.name:<30} {f.weight:>4} x {f.value:>6} = {f.points:>6}  ({f.detail})")
    for p in h.penalties:
        if p.count:
            typer.echo(f"  {p.name:<30} {p.count} x -{p.each} = -{p.points}")
    if profile.alerts:
        typer.echo(f"{'alerts':<18} {'; '.join(a.text for a in profile.alerts)}")
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in profile.counts.model_dump().items())
    typer.echo(f"{'records':<18} {counts}")


@request_app.command("show")
def request_show(
    request_no: Annotated[str, typer.Argument(help="Request number, e.g. DIS-2024-001234.")],
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Evaluate the SLA clock at this time (ISO 8601, e.g. 2024-12-10T14:45; "
            "without a zone: the office's). Default: now.",
        ),
    ] = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The request with its status, SLA due date, SLA status, time remaining and each SLA
    metric, and the financial settlement (outstanding, deposit, net)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    with _signed_in(database, server, user) as (settings, backend, token):
        when = None
        if at is not None:
            try:
                when = datetime.fromisoformat(at)
            except ValueError:
                raise typer.BadParameter(
                    f"{at!r} is not a time: use e.g. 2024-12-10T14:45.", param_hint="--at"
                ) from None
            if when.tzinfo is None:
                when = when.replace(tzinfo=ZoneInfo(settings.display.timezone))
        got = _call(backend.get_disconnection_request, token, request_no, when)
    if as_json:
        _print_json(got.model_dump(mode="json"))
        return
    from cso_tui.formatting import format_date, format_datetime, format_money
    from cso_tui.services.rules.lifecycle import Status

    symbol = settings.display.currency_symbol
    r, sla, money = got.request, got.sla, got.settlement
    preferred = (
        f"{format_date(r.preferred_date, settings)} {r.time_slot or ''}".strip()
        if r.preferred_date
        else "Not specified"
    )
    rows = [
        ("request", f"{r.request_no} ({r.request_type.title()} request)"),
        ("consumer", f"{r.consumer_name}{' (VIP)' if r.vip else ''}, {r.account_no}"),
        ("status", Status(r.status).label),
        ("priority", r.priority.title()),
        ("reason", f"{r.reason} ({r.reason_code})"),
        ("preferred", preferred),
        ("approval", "Yes" if r.required_approval else "No"),
        ("created", f"{format_datetime(r.created_at, settings)} by {r.created_by}"),
        ("sla due", format_datetime(sla.due, settings)),
        ("sla status", sla.label + (" (paused: on hold)" if sla.paused else "")),
        ("time remaining", sla.remaining),
    ]
    for m in sla.metrics:
        took = "Pending" if m.achieved_hours is None else f"{m.achieved_hours} h"
        mark = "breached" if m.breached else "within target"
        rows.append((f"  {m.name.lower()}", f"{took} (target {m.target_hours} h, {mark})"))
    rows += [
        (
            "outstanding",
            format_money(money.outstanding, symbol) + (" Cleared" if money.cleared else ""),
        ),
        (
            "deposit",
            format_money(money.deposit, symbol) + (" (use in bill)" if money.use_deposit else ""),
        ),
        ("net", f"{format_money(money.net, symbol)} ({money.direction_label})"),
    ]
    for key, value in rows:
        typer.echo(f"{key:<18} {value}")


@request_app.command("list")
def request_list(
    text_: Annotated[
        str, typer.Option("--search", "-q", help="Request id (or its start), name or account no.")
    ] = "",
    tab: Annotated[
        str,
        typer.Option(
            "--tab",
            help="current (pending, in progress, on hold), history (completed, closed) or all.",
        ),
    ] = "current",
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="pending, in_progress, on_hold, completed or closed (repeat for several).",
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--type", help="disconnection or reconnection (repeat for several)."),
    ] = None,
    priority: Annotated[
        list[str] | None,
        typer.Option("--priority", help="high, medium or low (repeat for several)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--from", help="Requested on or after (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="Requested on or before (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="Rows to print.")] = 50,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The landing list with the app's tabs and filters, under the month's KPI cards."""
    from pydantic import ValidationError as BadQuery

    from cso_tui.services.schemas import DisconnectionQuery

    try:
        query = DisconnectionQuery.model_validate(
            {"text": text_, "tab": tab, "statuses": status or [], "request_types": kind or [],
             "priorities": priority or [], "created_from": since, "created_to": until}
        )  # fmt: skip
    except BadQuery as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        _fail(f"bad option: {problems}", 2)
    with _signed_in(database, server, user) as (settings, backend, token):
        kpis = _call(backend.disconnection_kpis, token)
        rows: list[Any] = []
        cursor = None
        while len(rows) < limit:
            page = _call(
                backend.list_disconnection_requests,
                token, query, cursor, min(200, limit - len(rows)),
            )  # fmt: skip
            rows += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
    if as_json:
        _print_json(
            {"kpis": kpis.model_dump(mode="json"), "matches": page.matches,
             "items": [r.model_dump(mode="json") for r in rows]}
        )  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table

    from cso_tui.formatting import format_date, format_money
    from cso_tui.services.rules.lifecycle import Status

    symbol = settings.display.currency_symbol
    now = kpis.current
    typer.echo(
        f"{now.month:%B %Y}: disconnections pending {now.pending_disconnections:,}, "
        f"completed {now.completed_disconnections:,} · reconnections pending "
        f"{now.pending_reconnections:,}, completed {now.completed_reconnections:,}"
    )
    console = Console()
    heads = ("Request ID", "Consumer", "Account no", "Address", "Type", "Requested", "Status",
             "Outstanding", "Priority")  # fmt: skip
    lines = [
        (
            r.request_no,
            r.consumer_name + (" ★VIP" if r.vip else ""),
            r.account_no,
            r.service_address,
            r.request_type.title(),
            format_date(r.created_at.astimezone(_zone(settings)).date(), settings),
            Status(r.status).label,
            format_money(r.outstanding, symbol),
            r.priority.title(),
        )
        for r in rows
    ]
    title = f"{page.matches:,} request(s), {len(rows)} shown"
    if console.width >= 120:
        table = Table(title=title)
        for col in heads:
            table.add_column(col, justify="right" if col == "Outstanding" else "left")
        for cells in lines:
            table.add_row(*cells)
        console.print(table)
        return
    # narrow (a thin terminal): two lines a request, the request's then the consumer's
    typer.echo(title)
    for cells in lines:
        typer.echo(f"{cells[0]}  {cells[6]:<11}  {cells[4]:<13}  {cells[8]:<6}  {cells[5]}")
        about = f"  {cells[1]} · {cells[2]} · {cells[7]} outstanding · {cells[3]}"
        typer.echo(about if len(about) <= console.width else about[: console.width - 1] + "…")


def _zone(settings: Settings) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.display.timezone)


@payment_app.command("record")
def payment_record(
    account_no: Annotated[str, typer.Argument(help="Account number, e.g. WU-10001.")],
    amount: Annotated[str, typer.Argument(help="Amount received, e.g. 120.50.")],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="Cash, Cheque, Credit Card, Bank Transfer, Online Banking or Auto-pay.",
        ),
    ] = "Cash",
    paid_on: Annotated[
        str | None,
        typer.Option("--on", help="The date it was paid (YYYY-MM-DD). Default: today."),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Receipt or transaction reference.")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            help="Idempotency key: run again with the same key and the payment is recorded "
            "once (default: a new one each run).",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a payment: it settles the oldest bills first and lowers the balance. A balance
    left at the guard-rails' threshold cancels a pending non-payment disconnection; a debt
    cleared after a non-payment cut raises a reconnection request (both are printed)."""
    from decimal import Decimal, InvalidOperation

    from pydantic import ValidationError as BadInput

    from cso_tui.services.schemas import NewPayment

    try:
        when = date.fromisoformat(paid_on) if paid_on is not None else None
    except ValueError:
        raise typer.BadParameter(
            f"{paid_on!r} is not a date: use e.g. 2024-12-10.", param_hint="--on"
        ) from None
    try:
        payment = NewPayment(
            amount=Decimal(amount.strip().replace(",", "")), method=method, paid_on=when,
            reference=reference,
        )  # fmt: skip
    except (InvalidOperation, BadInput):
        _fail("amount: Amount must be a number, e.g. 120.50.", 2)
    with _signed_in(database, server, user) as (settings, backend, token):
        got = _call(backend.record_payment, token, account_no, payment, key or str(uuid.uuid4()))
    if as_json:
        _print_json(got.model_dump(mode="json"))
        return
    from cso_tui.formatting import format_datetime, format_money

    symbol = settings.display.currency_symbol
    p = got.payment
    rows = [
        ("payment", f"{p.payment_no} {format_money(p.amount, symbol)} {p.method}"
                    + (f" (ref {got.reference})" if got.reference else "")),
        ("paid at", format_datetime(p.paid_at, settings)),
        ("settled", "; ".join(
            f"{a.bill_no} {format_money(a.amount, symbol)} ({a.status.replace('_', ' ')})"
            for a in got.applied) or "no open bill: kept as credit"),
        ("balance", format_money(got.balance, symbol)
                    + (" (in credit)" if got.balance < 0 else "")),
        ("unpaid bills", format_money(got.outstanding, symbol)),
        ("standing", got.payment_standing.replace("_", " ").title()),
    ]  # fmt: skip
    rows += [("cancelled", f"{no} (disconnection: payment received)") for no in got.cancelled]
    rows += [("raised", f"{no} (reconnection: dues cleared)") for no in got.raised]
    for label, value in rows:
        typer.echo(f"{label:<18} {value}")


@outbox_app.command("send")
def outbox_send(
    loop: Annotated[
        float | None,
        typer.Option(
            "--loop",
            min=1.0,
            help="Keep running, every this many seconds (e.g. 30), until interrupted.",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Escalate SLA breaches to supervisors and send the due emails by SMTP (the database
    setting `smtp`), once or in a loop. `cso-tui serve` does this by itself every 30 s."""
    import time

    backend = _open_local(_settings(database))
    try:
        while True:
            report = backend.run_notification_jobs()
            if not report.configured:
                typer.echo(
                    "No SMTP server is set (database setting `smtp`): nothing was sent.", err=True
                )
            typer.echo(
                f"escalated {report.escalated} · sent {report.sent} · retrying "
                f"{report.retrying} · failed {report.failed} · waiting {report.waiting}"
            )
            if loop is None:
                return
            time.sleep(loop)
    except KeyboardInterrupt:
        return
    finally:
        backend.close()


@consumer_app.command("list")
def consumer_list(
    text_: Annotated[
        str, typer.Option("--search", "-q", help="Name, account no, phone, email or address.")
    ] = "",
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="active, inactive, temporarily_disconnected, "
            "disconnected or pending (repeat for several).",
        ),
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Category (repeat for several).")
    ] = None,
    payment: Annotated[
        list[str] | None,
        typer.Option("--payment", help="current, past_due or collection (repeat for several)."),
    ] = None,
    vip: Annotated[bool | None, typer.Option("--vip/--not-vip", help="Only VIPs, or none.")] = None,
    balance_min: Annotated[str | None, typer.Option("--min-balance", help="e.g. 100.00")] = None,
    balance_max: Annotated[str | None, typer.Option("--max-balance", help="e.g. 500.00")] = None,
    sort: Annotated[str, typer.Option("--sort", help="name, account_no or balance.")] = "name",
    descending: Annotated[bool, typer.Option("--desc", help="Largest / last first.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="Rows to print.")] = 50,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (the app's export).")] = False,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The consumer list with the app's filters and sort, and the dashboard figures."""
    from decimal import Decimal, InvalidOperation

    from cso_tui.services.schemas import ConsumerQuery, ConsumerSort

    try:
        query = ConsumerQuery(
            text=text_,
            statuses=status or [],
            categories=category or [],
            standings=payment or [],
            vip=vip,
            balance_min=None if balance_min is None else Decimal(balance_min),
            balance_max=None if balance_max is None else Decimal(balance_max),
            sort=ConsumerSort(sort),
            descending=descending,
        )
    except (ValueError, InvalidOperation) as exc:
        _fail(f"bad option: {exc}", 2)
    with _signed_in(database, server, user) as (settings, backend, token):
        kpis = _call(backend.consumer_kpis, token)
        rows: list[Any] = []
        cursor = None
        while len(rows) < limit:
            page = _call(backend.list_consumers, token, query, cursor, min(200, limit - len(rows)))
            rows += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        if as_csv:
            typer.echo(
                _call(backend.export_consumers, token, [r.account_no for r in rows]), nl=False
            )
            return
    if as_json:
        _print_json(
            {"kpis": kpis.model_dump(mode="json"), "matches": page.matches,
             "items": [r.model_dump(mode="json") for r in rows]}
        )  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table

    from cso_tui.formatting import format_money, status_label

    symbol = settings.display.currency_symbol
    typer.echo(
        f"Total {kpis.total:,} · Active {kpis.active:,} ({kpis.percent(kpis.active)}%) · "
        f"Inactive {kpis.inactive:,} ({kpis.percent(kpis.inactive)}%) · Temporarily "
        f"disconnected {kpis.temporarily_disconnected:,} "
        f"({kpis.percent(kpis.temporarily_disconnected)}%) · Total balance "
        f"{format_money(kpis.total_balance, symbol)}"
    )
    shown = f"{page.count_cap:,}+" if page.matches > page.count_cap else f"{page.matches:,}"
    table = Table(title=f"{shown} consumer(s), {len(rows)} shown")
    for col in ("Account", "Name", "Status", "Category", "Balance", "Payment", "Address"):
        table.add_column(col, justify="right" if col == "Balance" else "left")
    for r in rows:
        table.add_row(
            r.account_no,
            r.name + (" ★VIP" if r.vip else ""),
            status_label(r.status),
            r.category,
            format_money(r.balance, symbol),
            status_label(r.payment_standing),
            r.service_address,
        )
    Console().print(table)


# ---------------------------------------------------------------- users


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Login name, e.g. sjohnson.")],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            help="cso_admin, cso_manager, customer_executive, call_center, recovery_executive, "
            "billing_specialist, field_technician or utility_admin.",
        ),
    ],
    full_name: Annotated[str | None, typer.Option("--full-name", help="Shown name.")] = None,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
) -> None:
    """Add a staff user. On an empty database the first user needs no login."""
    settings = _settings(database, server)
    backend = _open_backend(settings)
    try:
        new_password = os.environ.get("CSO_TUI_NEW_PASSWORD") or typer.prompt(
            f"New password for {username}", hide_input=True, confirmation_prompt=True, err=True
        )
        if not _call(backend.info).has_users:
            if settings.server:
                _fail(
                    "the server's database has no users yet: add the first one on the server "
                    "machine with `cso-tui user add NAME --role cso_admin --database URL`."
                )
            out = _call(
                cast("LocalBackend", backend).create_first_user,
                username,
                full_name or username,
                role,
                new_password,
            )
        else:
            token = _login(backend, user)
            out = _call(
                backend.create_user,
                token,
                username,
                full_name or username,
                role,
                new_password,
                str(uuid.uuid4()),
            )
    finally:
        backend.close()
    typer.echo(f"Created {out.username} ({out.role}).")


UserNameArg = Annotated[str, typer.Argument(help="The staff user's login name.")]


@user_app.command("list")
def user_list(
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Staff users with their role, state and open sessions (admins only)."""
    with _signed_in(database, server, user) as (settings, backend, token):
        users = _call(backend.list_users, token)
    if as_json:
        _print_json([u.model_dump(mode="json") for u in users])
        return
    from rich.console import Console
    from rich.table import Table

    from cso_tui.formatting import format_datetime

    table = Table(title=f"{len(users)} staff user(s)")
    for col in ("User", "Name", "Role", "State", "Open sessions", "Last login"):
        table.add_column(col, justify="right" if col == "Open sessions" else "left")
    for u in users:
        table.add_row(
            u.username,
            u.full_name,
            u.role,
            "active" if u.active else "DISABLED",
            str(u.open_sessions),
            format_datetime(u.last_login_at, settings) if u.last_login_at else "never",
        )
    Console().print(table)


@user_app.command("end-sessions")
def user_end_sessions(
    username: UserNameArg,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
) -> None:
    """Log a user out everywhere at once (admins only); they may log in again."""
    with _signed_in(database, server, user) as (_, backend, token):
        out = _call(backend.end_sessions, token, username, str(uuid.uuid4()))
    typer.echo(f"Ended {out.ended} open session(s) of {out.username}.")


def _set_active(
    username: str, active: bool, database: str | None, server: str | None, user: str | None
) -> None:
    with _signed_in(database, server, user) as (_, backend, token):
        out = _call(backend.set_user_active, token, username, active, str(uuid.uuid4()))
    state = "enabled" if out.active else "disabled (their sessions were ended)"
    typer.echo(f"{out.username} is {state}.")


@user_app.command("disable")
def user_disable(
    username: UserNameArg,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
) -> None:
    """Disable a user (admins only): their sessions end at once and logins are refused."""
    _set_active(username, False, database, server, user)


@user_app.command("enable")
def user_enable(
    username: UserNameArg,
    database: DatabaseOpt = None,
    server: ServerOpt = None,
    user: UserOpt = None,
) -> None:
    """Enable a disabled user again (admins only)."""
    _set_active(username, True, database, server, user)


def main() -> None:
    """Subcommands and --help (the launcher sends a plain run straight to the app)."""
    app(prog_name="cso-tui")


if __name__ == "__main__":  # pragma: no cover
    main()
