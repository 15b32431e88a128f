"""Several processes write to one database at once through LocalBackend: nothing is lost.

Each worker is a separate process (spawn), as several terminals on one machine would be.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from cso_tui.models import Consumer
from cso_tui.services.local import LocalBackend

#: (processes, updates each, notes each) per database. SQLite is the shape of "several
#: terminals on one machine"; PostgreSQL is checked too, smaller (it costs more per call).
SIZES = {"sqlite": (6, 15, 15), "postgres": (4, 10, 10)}
ACCOUNT = "WU-10001"
USER, PASSWORD = "admin", "long-enough-1"
RESULT_TIMEOUT = 120  # seconds: a deadlock fails the test instead of hanging it


def _worker(url: str, worker: int, sizes: tuple[int, int, int], barrier: Any, results: Any) -> None:
    """Phase 1: versioned updates with retry; phase 2: notes; phase 3: one shared key."""
    from cso_tui.services.errors import ConflictError
    from cso_tui.services.schemas import ConsumerUpdate

    _, updates_each, notes_each = sizes
    report: dict[str, Any] = {
        "worker": worker,
        "errors": [],
        "updates": 0,
        "conflicts": 0,
        "versions": [],  # (version read, version after) of each successful update
    }
    backend = None
    try:
        backend = LocalBackend(url)
        token = backend.login(USER, PASSWORD).token
        barrier.wait(timeout=60)
        attempt = 0
        while report["updates"] < updates_each and attempt < 50 * updates_each:
            attempt += 1
            current = backend.get_consumer(token, ACCOUNT)
            changes = ConsumerUpdate(billing_address=f"P{worker}-{report['updates']}")
            try:
                done = backend.update_consumer(
                    token, ACCOUNT, changes, current.version, f"upd-{worker}-{attempt}"
                )
            except ConflictError:
                report["conflicts"] += 1
                continue
            report["updates"] += 1
            report["versions"].append((current.version, done.version))

        barrier.wait(timeout=60)
        report["notes"] = [
            backend.add_note(token, ACCOUNT, f"note {worker}-{i}", f"note-{worker}-{i}").id
            for i in range(notes_each)
        ]

        barrier.wait(timeout=60)
        shared = backend.add_note(token, ACCOUNT, "said once", "shared-key")
        report["shared_note"] = shared.model_dump(mode="json")
    except Exception:
        report["errors"].append(traceback.format_exc())
        barrier.abort()  # the others stop waiting for this one
    finally:
        if backend is not None:
            backend.close()
        results.put(report)


def test_processes_editing_one_consumer_lose_nothing(database_kind: str, database_url: str) -> None:
    processes, updates_each, notes_each = SIZES[database_kind]
    setup = LocalBackend(database_url)
    try:
        setup.create_first_user(USER, "Alice Admin", "cso_admin", PASSWORD)
        now = datetime.now(UTC)
        with setup._write() as s:
            s.add(
                Consumer(account_no=ACCOUNT, name="John Doe", status="active",
                         category="residential", service_address="123 Main Street",
                         created_at=now, updated_at=now)
            )  # fmt: skip
    finally:
        setup.close()

    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    sizes = SIZES[database_kind]
    procs = [
        ctx.Process(target=_worker, args=(database_url, i, sizes, barrier, results))
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    reports = [results.get(timeout=RESULT_TIMEOUT) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert [p.exitcode for p in procs] == [0] * processes

    errors = [e for r in reports for e in r["errors"]]
    assert errors == [], "\n".join(errors)
    assert sorted(r["updates"] for r in reports) == [updates_each] * processes
    # every success was based on the version it read, and each version was made once
    steps = [step for r in reports for step in r["versions"]]
    assert [(read, after) for read, after in steps if after != read + 1] == []
    assert sorted(after for _, after in steps) == list(range(2, 2 + len(steps)))

    check = LocalBackend(database_url)
    try:
        token = check.login(USER, PASSWORD).token
        total = processes * updates_each
        consumer = check.get_consumer(token, ACCOUNT)
        assert consumer.version == 1 + total
        audited = check.execute_sql(
            "SELECT count(*) FROM audit_event WHERE action = 'consumer_updated'"
        )[0][0]
        assert audited == total

        # every note of every process is there exactly once, plus the shared one once
        notes = check.list_notes(token, ACCOUNT, limit=200)
        bodies = sorted(n.body for n in notes)
        expected = sorted(
            [f"note {w}-{i}" for w in range(processes) for i in range(notes_each)] + ["said once"]
        )
        assert bodies == expected
        assert sorted(n.id for n in notes if n.body != "said once") == sorted(
            i for r in reports for i in r["notes"]
        )
        note_rows = check.execute_sql(
            "SELECT count(*) FROM audit_event WHERE action = 'note_added'"
        )[0][0]
        assert note_rows == processes * notes_each + 1
    finally:
        check.close()
    # the same key sent by every process at once acted once and gave everyone one answer
    assert len({str(r["shared_note"]) for r in reports}) == 1


def test_concurrent_wrong_passwords_still_lock_after_five(database_url: str) -> None:
    """Parallel guessing gets no more tries than serial guessing (no lost failure counts)."""
    from cso_tui.services.errors import AccountLockedError, AuthenticationError

    attempts = 12
    backend = LocalBackend(database_url)
    try:
        backend.create_first_user(USER, "Alice Admin", "cso_admin", PASSWORD)
        barrier = threading.Barrier(attempts)

        def guess(i: int) -> str:
            barrier.wait(timeout=30)
            try:
                backend.login(USER, f"wrong-guess-{i}")
            except AccountLockedError:
                return "locked"
            except AuthenticationError:
                return "wrong"
            return "in"

        with ThreadPoolExecutor(max_workers=attempts) as pool:
            outcomes = list(pool.map(guess, range(attempts)))
        wrong = outcomes.count("wrong")
        assert outcomes.count("in") == 0
        # the 5th failure locks (it answers "locked"); every later try is refused as locked
        assert wrong == 4, outcomes
        assert outcomes.count("locked") == attempts - 4
        failed = backend.execute_sql(
            "SELECT count(*) FROM audit_event WHERE action = 'login_failed'"
        )[0][0]
        assert failed == 5
        try:
            backend.login(USER, PASSWORD)
        except AccountLockedError:
            pass
        else:
            raise AssertionError("the right password got in while the account is locked")
    finally:
        backend.close()


def test_only_one_first_user_even_when_bootstrapped_at_once(database_url: str) -> None:
    """Two admins running the first-user bootstrap at the same moment get one user, not two."""
    from cso_tui.services.errors import PermissionDeniedError

    tries = 6
    backend = LocalBackend(database_url)
    try:
        barrier = threading.Barrier(tries)

        def bootstrap(i: int) -> str:
            barrier.wait(timeout=30)
            try:
                backend.create_first_user(f"admin{i}", f"Admin {i}", "cso_admin", PASSWORD)
            except PermissionDeniedError:
                return "refused"
            return "created"

        with ThreadPoolExecutor(max_workers=tries) as pool:
            outcomes = list(pool.map(bootstrap, range(tries)))
        users = backend.execute_sql("SELECT count(*) FROM app_user")[0][0]
        assert (outcomes.count("created"), users) == (1, 1), outcomes
    finally:
        backend.close()
