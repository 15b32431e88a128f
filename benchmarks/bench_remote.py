"""`cso-tui serve` over loopback HTTP: search latency, throughput and an office of 200 terminals.

Starts a real ``cso-tui serve --workers N --database URL`` on a free loopback port (stopped at
the end, also on Ctrl-C, SIGTERM or an error; its log goes to a file in /tmp) and measures what
a terminal sees: request sent -> answer parsed, the client's own work included.

1. latency: one RemoteBackend, sequential calls: p50/p95 per identifier type (the terms
   bench_search.py times, sampled the same way), on a server with ``--latency-workers``
   (default 1); plus ``get_consumer`` and ``info`` (a ping).
2. throughput (server with ``--workers``, default 2): C clients (``--clients``, 16) in a closed
   loop, no think time, for D seconds (``--throughput-duration``, 20; the first
   ``--warmup`` seconds are not counted): a search mix, then ``get_consumer`` alone: req/s,
   p50/p95/p99, errors. Before it, a TCP_NODELAY probe: sequential ``info`` calls on one
   kept-alive connection vs a new connection each; kept-alive ~40 ms slower means the workers'
   connections lost TCP_NODELAY (Nagle waits for the client's delayed ACK: uvicorn issue 3149).
3. load (same server): T terminals (``--terminals``, 200) log in (spread over the demo users:
   T sessions; the logins run before the measured window, at most 2 per worker at a time,
   because each costs an argon2 hash), then for ``--duration`` seconds (60) loop: search a term
   (the mix below), open one of the first hits (``get_consumer``), and in 1 cycle out of
   ``--note-every`` (5) add a note (a fresh idempotency key). Each action is followed by think
   time, exponential with mean ``--think`` seconds (3). Per operation: count, p50/p95/p99/max,
   errors by kind, retries; PASS when search p95 <= ``--target-p95`` ms (100) and no call failed
   (logins included). The exit status is 1 on FAIL.

The async clients of 2 and 3 (asyncio + httpx.AsyncClient, one per client, so one kept-alive
connection per terminal as in the app) follow RemoteBackend's call path: the same request body,
headers, timeouts, retry rule, response parsing and typed errors (cso_tui/services/remote.py).
A call that failed counts in the percentiles at the moment the failure reached the caller.

Coordinated omission: a terminal's think time starts when its answer arrives (a person reads the
screen before the next action), so each terminal is a closed loop and the schedule is decided by
the terminal, not the server; with think times of seconds and answers of milliseconds the offered
load hardly depends on the server's speed (the report prints planned and achieved req/s: if the
achieved rate falls short, the server throttled the terminals and the percentiles flatter it).
The generator can still omit: on 2 cores its event loop may wake a terminal late. So every
latency is timed from the instant the action was due (end of the think time as drawn), not from
when the coroutine got to run, and the lateness itself is reported ("generator lag"); late
wake-ups count against the server, never silently thin the load. The closed-loop throughput runs
measure capacity (every client always busy): their percentiles are service times at saturation.

CPU: the report gives, per phase, how busy the machine was and the shares of the server's
processes, PostgreSQL's (local server) and this generator (it competes with the server for the
same cores); on PostgreSQL also how many connections the server opened (pool churn). The run
writes to the database: sessions, usage events, notes and their audit events (use a demo
database). With the defaults it takes about 4 minutes.

    .venv/bin/cso-tui demo --consumers 20000 --database sqlite:////tmp/bench-small.sqlite --no-start
    .venv/bin/python benchmarks/bench_remote.py --database sqlite:////tmp/bench-small.sqlite
    .venv/bin/python benchmarks/bench_remote.py --database postgresql://postgres@127.0.0.1:5432/bench1m
    .venv/bin/python benchmarks/bench_remote.py --database URL --only load --terminals 200 \\
        --duration 60 --think 3 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    SEARCH_KINDS,
    big_database,
    big_database_path,
    pct,
    sample_consumers,
    search_terms,
    summary,
)

from cso_tui.services import api, remote
from cso_tui.services.errors import ServiceError, UnavailableError
from cso_tui.services.schemas import ConsumerSummary, SearchPage

DEMO_USERS = ("admin", "manager", "executive", "callcenter", "recovery", "billing")
PHASES = ("latency", "throughput", "load")
#: What the desks search for, in percent: callers quote the account number from a bill or are
#: found by their phone (caller ID) most often, then by name; meters, emails and addresses less.
SEARCH_MIX: dict[str, int] = {
    "account (exact)": 25,
    "account (prefix)": 5,
    "meter no": 5,
    "device no": 2,
    "phone (full)": 15,
    "phone (last 7)": 10,
    "email (prefix)": 5,
    "name (first + last prefix)": 18,
    "name (surname)": 7,
    "address (street word)": 5,
    "fragment (3+ chars)": 3,
}
assert set(SEARCH_MIX) == set(SEARCH_KINDS) and sum(SEARCH_MIX.values()) == 100
NODELAY_SUSPECT_MS = 25.0  # kept-alive slower than a fresh connection by this: delayed-ACK stall


# ---------------------------------------------------------------- the server


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # also its process group: the workers are in it
    workers: int
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _cso_tui() -> list[str]:
    script = Path(sys.executable).parent / "cso-tui"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cso_tui"]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def serve(database: str, workers: int) -> Iterator[Server]:
    """A ``cso-tui serve`` subprocess on a free port, ready (/healthz answered), stopped after."""
    port = _free_port()
    fd, log_name = tempfile.mkstemp(prefix=f"bench_remote-serve-w{workers}-", suffix=".log")
    log = Path(log_name)
    command = [*_cso_tui(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--database", database]
    with os.fdopen(fd, "wb") as out:
        # its own session: Ctrl-C in the terminal reaches only us, and we stop it in order
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        with httpx.Client(base_url=url, timeout=5) as probe:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"cso-tui serve exited ({proc.returncode}):\n{_tail(log)}")
                with contextlib.suppress(httpx.TransportError):
                    if probe.get("/healthz").status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"cso-tui serve not ready after 120 s:\n{_tail(log)}")
                time.sleep(0.1)
        yield Server(url, proc.pid, workers, log)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (uvicorn stops its workers), SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if _group_members(proc.pid):  # a worker outlived its supervisor
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------- CPU accounting (/proc)

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stats() -> Iterator[tuple[int, str, int, float]]:
    """(pid, comm, process group, CPU seconds) of every visible process: its user + system
    time plus that of its children it has reaped (PostgreSQL's postmaster reaps the backends
    of closed connections: without it their CPU would vanish from the account)."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.find("(") + 1 : raw.rfind(")")]
        rest = raw[raw.rfind(")") + 2 :].split()
        used = sum(int(v) for v in rest[11:15])  # utime stime cutime cstime
        yield int(entry.name), comm, int(rest[2]), used / _TICK


def _group_members(pgid: int) -> list[int]:
    if not Path("/proc/self/stat").exists():
        return []
    return [pid for pid, _, group, _ in _proc_stats() if group == pgid]


@dataclass(frozen=True)
class Cpu:
    """A snapshot of CPU seconds used so far."""

    wall: float
    own: float  # this process (the load generator)
    server: float  # the server's process group
    postgres: float  # processes named postgres (a local PostgreSQL)
    busy: float  # the whole machine, all cores
    total: float
    pg_sessions: int  # connections ever opened to a PostgreSQL database (0: not PostgreSQL)

    @staticmethod
    def now(server_pid: int | None) -> Cpu:
        times = os.times()
        own = times.user + times.system
        server = postgres = busy = total = 0.0
        if Path("/proc/stat").exists():
            for _, comm, group, used in _proc_stats():
                if server_pid is not None and group == server_pid:
                    server += used
                elif comm == "postgres":
                    postgres += used
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
            total = sum(fields[:8]) / _TICK  # user nice system idle iowait irq softirq steal
            busy = total - (fields[3] + fields[4]) / _TICK
        sessions = _pg_sessions() if _pg_sessions is not None else 0
        return Cpu(time.perf_counter(), own, server, postgres, busy, total, sessions)

    def since(self, start: Cpu) -> str:
        wall = self.wall - start.wall
        cores = os.cpu_count() or 1
        capacity = wall * cores  # core-seconds the machine had
        if capacity <= 0:
            return "CPU: -"

        def share(used: float) -> str:
            return f"{100 * used / capacity:.0f}%"

        own = self.own - start.own
        text = f"CPU over {wall:.1f} s x {cores} cores: "
        if self.total > start.total:
            text += (
                f"machine busy {100 * (self.busy - start.busy) / (self.total - start.total):.0f}%"
            )
            server, postgres = self.server - start.server, self.postgres - start.postgres
            text += f"; server {share(server)}"
            if postgres > 0:
                text += f", postgres {share(postgres)}"
            other = (self.busy - start.busy) - server - postgres - own
            text += f", other processes {share(max(0.0, other))}, "
        text += f"generator {share(own)} of the machine ({100 * own / wall:.0f}% of one core)"
        if self.pg_sessions > start.pg_sessions:
            opened = self.pg_sessions - start.pg_sessions
            text += f"; PostgreSQL connections opened: {opened} ({opened / wall:.1f}/s)"
        return text


#: Reads pg_stat_database.sessions of the benchmarked database (set by main on PostgreSQL).
_pg_sessions: Callable[[], int] | None = None


def _watch_pg_sessions(url: str) -> Callable[[], None]:
    """Make :class:`Cpu` count new PostgreSQL connections (pool churn); returns the closer."""
    global _pg_sessions
    from sqlalchemy import text

    from cso_tui.services import db

    engine = db.make_engines(url).read

    def sessions() -> int:
        with engine.connect() as conn:
            query = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            return int(conn.execute(text(query)).scalar_one())

    _pg_sessions = sessions
    return engine.dispose


# ---------------------------------------------------------------- statistics


@dataclass
class Op:
    """The calls of one operation: latencies (ms, failed ones included), errors, retries."""

    samples: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)  # transport failures retried

    def line(self, label: str, width: int = 36) -> str:
        n = len(self.samples)
        if not n:
            return f"{label:<{width}} n=0"
        s = self.samples
        return (
            f"{label:<{width}} n={n:<6} p50 {pct(s, 50):7.1f}  p95 {pct(s, 95):7.1f}  "
            f"p99 {pct(s, 99):7.1f}  max {max(s):7.1f} ms  errors {sum(self.errors.values())}"
            + (f"  retries {self.retries.total()}" if self.retries else "")
        )


def error_kind(exc: BaseException) -> str:
    """How a failure is counted: the service error code, else the exception class."""
    if isinstance(exc, ServiceError):
        cause = exc.__cause__
        if isinstance(cause, httpx.HTTPError):  # unreachable: name the transport failure
            return f"{exc.code} ({type(cause).__name__})"
        return f"{exc.code}: {exc.message[:70]}"
    return type(exc).__name__


def _print_errors(ops: dict[str, Op]) -> None:
    for name, op in ops.items():
        for kind, count in op.errors.most_common():
            print(f"    error  {name}: {count} x {kind}")
        for kind, count in op.retries.most_common():
            print(f"    retry  {name}: {count} x {kind} (then answered)")


# ---------------------------------------------------------------- the async client


class AsyncTerminal:
    """One terminal's connection: RemoteBackend's call path (remote.py) on httpx.AsyncClient.

    Same body (the protocol's signature with defaults applied), headers, timeout, retries
    (connect failures always; after a timeout or a dropped connection only repeatable calls),
    parsing (``method.response.validate_json``) and typed errors (``remote._error_of``).
    """

    def __init__(self, url: str, tls: ssl.SSLContext) -> None:
        self._client = httpx.AsyncClient(
            base_url=url,
            timeout=remote.DEFAULT_TIMEOUT,
            headers={"User-Agent": "cso-tui"},
            verify=tls,  # shared: a context per client costs ~20 ms
        )
        self.token = ""
        self.retried: list[str] = []  # the transport failures the last call retried

    async def call(self, name: str, **params: Any) -> Any:
        method = api.methods()[name]
        headers = {}
        if method.needs_token:
            params[api.TOKEN] = self.token
            headers["Authorization"] = f"Bearer {self.token}"
        bound = method.signature.bind(None, **params)
        bound.apply_defaults()
        body = remote._jsonable(method.body(bound.arguments))
        self.retried = []
        while True:
            try:
                response = await self._client.post(method.path, json=body, headers=headers)
                break
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                attempt = len(self.retried)
                if attempt >= remote.RETRIES or not (never_sent or method.repeatable):
                    raise UnavailableError(f"Cannot reach the server: {exc!r}") from exc
                self.retried.append(type(exc).__name__)
                await asyncio.sleep(remote.BACKOFF[min(attempt, len(remote.BACKOFF) - 1)])
        if response.status_code >= 400:
            raise remote._error_of(response)
        return method.response.validate_json(response.content)

    async def aclose(self) -> None:
        await self._client.aclose()


async def timed(
    ops: dict[str, Op],
    op: str,
    due: float,
    terminal: AsyncTerminal,
    name: str,
    params: dict[str, Any],
    also: Op | None = None,
) -> Any:
    """``terminal.call(name, **params)`` recorded under ``op`` (and in ``also``) from ``due``
    (the instant the call was meant to start) to its parsed answer; None when it failed."""
    records = [ops.setdefault(op, Op())] + ([also] if also is not None else [])
    error = None
    try:
        result = await terminal.call(name, **params)
    except Exception as exc:
        result = None
        error = error_kind(exc)
    ms = (time.perf_counter() - due) * 1000
    for record in records:
        record.samples.append(ms)
        record.retries.update(terminal.retried)
        if error:
            record.errors[error] += 1
    return result


async def _bounded(jobs: Sequence[Callable[[], Awaitable[None]]], limit: int) -> None:
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(run(job) for job in jobs))


async def open_terminals(
    url: str, count: int, password: str, limit: int, ops: dict[str, Op]
) -> list[AsyncTerminal]:
    """``count`` terminals, logged in round-robin as the demo users (``limit`` logins at once)."""
    tls = ssl.create_default_context()
    terminals = [AsyncTerminal(url, tls) for _ in range(count)]

    def login(i: int) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            t = terminals[i]
            user = DEMO_USERS[i % len(DEMO_USERS)]
            params = {"username": user, "password": password, "client": "bench_remote"}
            info = await timed(ops, "login", time.perf_counter(), t, "login", params)
            t.token = info.token if info is not None else ""

        return job

    await _bounded([login(i) for i in range(count)], limit)
    return terminals


async def close_terminals(terminals: list[AsyncTerminal], limit: int) -> None:
    def logout(t: AsyncTerminal) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            with contextlib.suppress(Exception):
                if t.token:
                    await t.call("logout")
            await t.aclose()

        return job

    await _bounded([logout(t) for t in terminals], limit)


# ---------------------------------------------------------------- 1. latency


def run_latency(
    server: Server, terms: dict[str, list[str]], accounts: list[str], password: str, queries: int
) -> None:
    backend = remote.connect(server.url)
    try:
        token = backend.login("admin", password, client="bench_remote").token
        for account, name in zip(accounts[:20], terms["name (surname)"][:20], strict=False):
            backend.search_consumers(token, account)  # warm caches and connections
            backend.search_consumers(token, name)
        start = Cpu.now(server.pid)
        print(f"{'identifier':<28} {'detected':<9} {'hits':>5}  latency (sequential, one client)")
        worst, worst_kind = 0.0, ""
        for kind in SEARCH_KINDS:
            samples: list[float] = []
            detected: Counter[str] = Counter()
            hits = 0
            for term in terms[kind][:queries]:
                started = time.perf_counter()
                page = backend.search_consumers(token, term)
                samples.append((time.perf_counter() - started) * 1000)
                detected[page.kind.value] += 1
                hits += len(page.items)
            main_kind = detected.most_common(1)[0][0]
            print(f"{kind:<28} {main_kind:<9} {hits / len(samples):5.1f}  {summary(samples)}")
            if pct(samples, 95) > worst:
                worst, worst_kind = pct(samples, 95), kind
        for label, call in (
            ("get_consumer", lambda a: backend.get_consumer(token, a)),
            ("info (ping, no session)", lambda a: backend.info()),
        ):
            samples = []
            for account in accounts[:queries]:
                started = time.perf_counter()
                call(account)
                samples.append((time.perf_counter() - started) * 1000)
            print(f"{label:<44}  {summary(samples)}")
        print(f"worst search p95: {worst:.2f} ms ({worst_kind})")
        print(Cpu.now(server.pid).since(start))
        backend.logout(token)
    finally:
        backend.close()


# ---------------------------------------------------------------- 2. throughput


def nodelay_probe(server: Server, calls: int = 60) -> float:
    """How much longer a sequential ``info`` takes on a kept-alive connection than on a fresh
    one (``Connection: close``), p50 in ms: ~40 means the server's accepted connections lack
    TCP_NODELAY (Nagle holds the response's second segment until the client's delayed ACK)."""
    p50: dict[str, float] = {}
    texts = []
    for mode, headers in (("kept-alive", {}), ("new connection each", {"Connection": "close"})):
        with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
            samples: list[float] = []
            for _ in range(calls):
                started = time.perf_counter()
                client.post("/api/info", json={}).raise_for_status()
                samples.append((time.perf_counter() - started) * 1000)
        p50[mode] = pct(samples[calls // 6 :], 50)
        texts.append(f"{mode} p50 {p50[mode]:.2f} ms")
    extra = p50["kept-alive"] - p50["new connection each"]
    verdict = (
        f"SUSPECT: kept-alive requests wait {extra:.0f} ms more: the delayed-ACK stall, "
        "the workers' connections lack TCP_NODELAY (see cso_tui/server/run.py)"
        if extra >= NODELAY_SUSPECT_MS
        else "ok: no delayed-ACK stall, TCP_NODELAY is in effect"
    )
    print(f"TCP_NODELAY probe, --workers {server.workers}, sequential info: {', '.join(texts)}")
    print(f"  -> {verdict}")
    return extra


async def closed_loop(
    server: Server,
    clients: int,
    duration: float,
    warmup: float,
    password: str,
    pick: Callable[[random.Random], tuple[str, dict[str, Any]]],
    seed: int,
) -> tuple[dict[str, Op], str]:
    """``clients`` terminals calling back to back for ``warmup + duration`` s; returns the ops
    recorded after the warm-up and the CPU line of the measured window."""
    setup: dict[str, Op] = {}
    terminals = await open_terminals(server.url, clients, password, 2 * server.workers, setup)
    ops: dict[str, Op] = {}
    scratch: dict[str, Op] = {}
    begin = time.perf_counter() + warmup
    end = begin + duration

    async def client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        t = terminals[i]
        while (now := time.perf_counter()) < end:
            name, params = pick(rng)
            await timed(ops if now >= begin else scratch, name, now, t, name, params)

    async def cpu_of_window() -> str:
        await asyncio.sleep(max(0.0, begin - time.perf_counter()))
        start = Cpu.now(server.pid)
        await asyncio.sleep(max(0.0, end - time.perf_counter()))
        return Cpu.now(server.pid).since(start)

    window = asyncio.create_task(cpu_of_window())
    try:
        await asyncio.gather(*(client(i) for i in range(clients)))
        cpu = await window
    finally:
        window.cancel()
        await close_terminals(terminals, 2 * server.workers)
    for name, op in setup.items():
        if op.errors:
            ops[name] = op
    return ops, cpu


def run_throughput(
    server: Server, terms: dict[str, list[str]], accounts: list[str], args: argparse.Namespace
) -> None:
    nodelay_probe(server)
    kinds = list(SEARCH_MIX)
    weights = list(SEARCH_MIX.values())

    def search(rng: random.Random) -> tuple[str, dict[str, Any]]:
        kind = rng.choices(kinds, weights)[0]
        return "search_consumers", {"term": rng.choice(terms[kind])}

    def consumer(rng: random.Random) -> tuple[str, dict[str, Any]]:
        return "get_consumer", {"account_no": rng.choice(accounts)}

    print(
        f"closed loop: {args.clients} clients, no think time, {args.throughput_duration:.0f} s "
        f"measured after {args.warmup:.0f} s warm-up, --workers {server.workers}"
    )
    for label, name, pick in (
        ("search mix", "search_consumers", search),
        ("get_consumer", "get_consumer", consumer),
    ):
        ops, cpu = asyncio.run(
            closed_loop(
                server,
                args.clients,
                args.throughput_duration,
                args.warmup,
                args.password,
                pick,
                args.seed,
            )
        )
        main = ops.get(name, Op())
        print(f"{label}: {len(main.samples) / args.throughput_duration:7.1f} req/s")
        for op_name, op in ops.items():
            print("  " + op.line(op_name))
        _print_errors(ops)
        print("  " + cpu)


# ---------------------------------------------------------------- 3. load


async def load(
    server: Server,
    terms: dict[str, list[str]],
    args: argparse.Namespace,
) -> tuple[dict[str, Op], dict[str, Op], dict[str, Op], list[float], float, str]:
    """The terminals' run. Returns (ops, search ops per kind, login ops, generator lags in ms,
    measured seconds, CPU line of the measured window)."""
    logins: dict[str, Op] = {}
    started = time.perf_counter()
    terminals = await open_terminals(
        server.url, args.terminals, args.password, 2 * server.workers, logins
    )
    seconds = time.perf_counter() - started
    print(
        f"logins: {args.terminals} in {seconds:.1f} s ({args.terminals / seconds:.1f}/s, "
        f"{2 * server.workers} at a time)"
    )
    ops: dict[str, Op] = {"search_consumers": Op(), "get_consumer": Op(), "add_note": Op()}
    by_kind: dict[str, Op] = {kind: Op() for kind in SEARCH_KINDS}
    lags: list[float] = []
    empty = 0
    kinds = list(SEARCH_MIX)
    weights = list(SEARCH_MIX.values())
    begin = time.perf_counter() + 0.5
    end = begin + args.duration

    async def until(due: float) -> bool:
        """Sleep until ``due``; False when the run is over by then."""
        if due >= end:
            return False
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        lags.append((time.perf_counter() - due) * 1000)
        return True

    async def terminal(i: int) -> None:
        nonlocal empty
        t = terminals[i]
        if not t.token:
            return  # its login failed (counted)
        rng = random.Random(args.seed * 100_003 + i)

        def think() -> float:
            return rng.expovariate(1 / args.think) if args.think > 0 else 0.0

        # the first action of each terminal falls anywhere in one think time: no herd at t=0
        due = begin + (rng.uniform(0, args.think) if args.think > 0 else 0.0)
        cycle = 0
        while await until(due):
            kind = rng.choices(kinds, weights)[0]
            term = {"term": rng.choice(terms[kind])}
            page: SearchPage | None = await timed(
                ops, "search_consumers", due, t, "search_consumers", term, by_kind[kind]
            )
            due = time.perf_counter() + think()
            if page is None or not page.items:
                empty += page is not None
                continue
            hit = rng.choice(page.items[:3])
            if not await until(due):
                break
            summary_: ConsumerSummary | None = await timed(
                ops, "get_consumer", due, t, "get_consumer", {"account_no": hit.account_no}
            )
            due = time.perf_counter() + think()
            cycle += 1
            if summary_ is not None and cycle % args.note_every == i % args.note_every:
                if not await until(due):
                    break
                note = {
                    "account_no": summary_.account_no,
                    "body": f"Caller asked about the last bill (bench_remote terminal {i}).",
                    "idempotency_key": uuid.uuid4().hex,
                }
                await timed(ops, "add_note", due, t, "add_note", note)
                due = time.perf_counter() + think()

    start_cpu = Cpu.now(server.pid)
    try:
        if any(t.token for t in terminals):
            await asyncio.gather(*(terminal(i) for i in range(args.terminals)))
        cpu = Cpu.now(server.pid).since(start_cpu)
        measured = max(0.0, time.perf_counter() - begin)
    finally:
        await close_terminals(terminals, 2 * server.workers)
    if empty:
        print(f"searches without hits: {empty} (the terminal searched again)")
    return ops, by_kind, logins, lags, measured, cpu


def run_load(server: Server, terms: dict[str, list[str]], args: argparse.Namespace) -> bool:
    actions_per_cycle = 2 + 1 / args.note_every  # search, open, sometimes a note
    planned = args.terminals / args.think if args.think > 0 else float("inf")
    print(
        f"{args.terminals} terminals, think time exponential mean {args.think:g} s after each "
        f"answer, a note every {args.note_every} cycles, {args.duration:.0f} s, --workers "
        f"{server.workers}"
    )
    if args.think > 0:
        cycles = planned / actions_per_cycle
        print(
            f"offered load (planned): {planned:.1f} req/s = search {cycles:.1f} + get_consumer "
            f"{cycles:.1f} + add_note {cycles / args.note_every:.1f}"
        )
    else:
        print("offered load: no think time, every terminal calls back to back (closed loop)")
    print("search mix: " + ", ".join(f"{k} {v}%" for k, v in SEARCH_MIX.items()))
    ops, by_kind, logins, lags, seconds, cpu = asyncio.run(load(server, terms, args))
    calls = sum(len(op.samples) for op in ops.values())
    seconds = max(seconds, 1e-9)  # no terminal could log in: nothing ran
    print(
        f"achieved: {calls / seconds:.1f} req/s over {seconds:.1f} s"
        + (
            f"  (short of the plan by {100 * (1 - calls / seconds / planned):.0f}%: the terminals "
            "waited on the server)"
            if calls and planned != float("inf") and calls / seconds < 0.9 * planned
            else ""
        )
    )
    print("  " + logins["login"].line("login (before the window)"))
    for name, op in ops.items():
        print("  " + op.line(name))
    for kind, op in by_kind.items():
        print("    " + op.line(f"search: {kind}", 35))
    _print_errors({**logins, **ops})
    if lags:
        print(
            f"  generator lag (late wake-ups, included above): p50 {pct(lags, 50):.1f}  "
            f"p99 {pct(lags, 99):.1f}  max {max(lags):.1f} ms"
        )
    print("  " + cpu)
    search = ops["search_consumers"].samples
    p95 = pct(search, 95) if search else float("inf")
    errors = sum(sum(op.errors.values()) for op in (*ops.values(), *logins.values()))
    passed = p95 <= args.target_p95 and errors == 0
    print(
        f"{'PASS' if passed else 'FAIL'}: search p95 {p95:.1f} ms (target <= {args.target_p95:g})"
        f", errors {errors} (target 0)"
    )
    return passed


# ---------------------------------------------------------------- main


def _database_facts(
    url: str, sample: int, seed: int
) -> tuple[str, int, dict[str, list[str]], list[str]]:
    """Dialect, consumer count, search terms per kind and account numbers (from the database)."""
    from cso_tui.services.local import LocalBackend

    try:
        backend = LocalBackend(url, create_if_empty=False)
    except ServiceError as exc:
        raise SystemExit(f"{url}: {exc.message}") from exc
    try:
        consumers = int(backend.execute_sql("SELECT count(*) FROM consumer")[0][0])
        rows = sample_consumers(backend, sample)
        dialect = backend.dialect
    finally:
        backend.close()
    if len(rows) < 10:
        raise SystemExit("not enough sample rows: is it a demo database?")
    rng = random.Random(seed)
    terms = {kind: search_terms(rows, kind, rng) for kind in SEARCH_KINDS}
    accounts = [r.account_no for r in rows]
    rng.shuffle(accounts)
    return dialect, consumers, terms, accounts


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # run the finally blocks: the server is stopped


def main() -> int:
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument(
        "--database",
        default=None,
        help="database URL (default: the 1M-consumer SQLite demo of bench_search.py, if built)",
    )
    ap.add_argument("--workers", type=int, default=2, help="server workers for throughput/load")
    ap.add_argument("--latency-workers", type=int, default=1, help="server workers for latency")
    ap.add_argument("--queries", type=int, default=200, help="latency: queries per type")
    ap.add_argument("--clients", type=int, default=16, help="throughput: concurrent clients")
    ap.add_argument("--throughput-duration", type=float, default=20.0, help="seconds per run")
    ap.add_argument("--warmup", type=float, default=2.0, help="throughput: seconds not counted")
    ap.add_argument("--terminals", type=int, default=200, help="load: simulated terminals")
    ap.add_argument("--duration", type=float, default=60.0, help="load: measured seconds")
    ap.add_argument("--think", type=float, default=3.0, help="load: mean think time, s (0: none)")
    ap.add_argument("--note-every", type=int, default=5, help="load: a note every N cycles")
    ap.add_argument("--target-p95", type=float, default=100.0, help="load: search p95 target, ms")
    ap.add_argument("--sample", type=int, default=1000, help="consumers sampled for terms")
    ap.add_argument("--seed", type=int, default=7, help="random seed (terms, mix, think times)")
    ap.add_argument("--password", default="demo", help="the demo users' password")
    ap.add_argument("--only", choices=PHASES, action="append", help="run only this phase")
    for phase in PHASES:
        ap.add_argument(f"--skip-{phase}", action="store_true", help=f"do not run {phase}")
    args = ap.parse_args()
    if args.note_every < 1 or args.terminals < 1 or args.clients < 1:
        ap.error("--note-every, --terminals and --clients must be >= 1")
    phases = [p for p in PHASES if p in (args.only or PHASES) and not getattr(args, f"skip_{p}")]

    url = args.database
    if url is None:
        if not big_database_path().exists():
            ap.error(f"--database is required ({big_database_path()} is not built)")
        url = big_database()
    signal.signal(signal.SIGTERM, _terminate)

    dialect, consumers, terms, accounts = _database_facts(url, args.sample, args.seed)
    print(f"database: {url} ({dialect}, {consumers:,} consumers)")
    print(
        f"machine: {os.cpu_count()} CPUs; load generator: this process (asyncio + httpx, "
        f"pid {os.getpid()}); server: cso-tui serve on 127.0.0.1; code: "
        f"{Path(api.__file__).parents[1]}"
    )
    idle = Cpu.now(None)
    time.sleep(1.0)
    quiet = Cpu.now(None)
    if quiet.total > idle.total:
        busy = 100 * (quiet.busy - idle.busy) / (quiet.total - idle.total)
        print(f"machine busy before the run: {busy:.0f}%" + (" (NOT idle)" if busy > 10 else ""))
    passed = True
    with contextlib.ExitStack() as stack:
        if dialect == "postgresql":
            stack.callback(_watch_pg_sessions(url))
        if "latency" in phases:
            with serve(url, args.latency_workers) as server:
                print(
                    f"\n== 1. remote search latency: server --workers {server.workers} "
                    f"(log {server.log})"
                )
                run_latency(server, terms, accounts, args.password, args.queries)
        if "throughput" in phases or "load" in phases:
            with serve(url, args.workers) as server:
                if "throughput" in phases:
                    print(
                        f"\n== 2. throughput: server --workers {server.workers} (log {server.log})"
                    )
                    run_throughput(server, terms, accounts, args)
                if "load" in phases:
                    print(f"\n== 3. load: server --workers {server.workers} (log {server.log})")
                    passed = run_load(server, terms, args)
                problems = sum(
                    line.startswith(("ERROR", "Traceback"))
                    for line in server.log.read_text(errors="replace").splitlines()
                )
                if problems:
                    print(f"server log: {problems} ERROR/Traceback lines in {server.log}")
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: server stopped", file=sys.stderr)
        sys.exit(130)
