"""`cso-tui serve` and RemoteBackend: the server as a real process, the wire contract
(routes, bearer auth, typed errors), retries with the same idempotency key, and the CLI's
``--server``. The Backend contract itself runs on ``remote`` in tests/contract/."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract.support import PASSWORD, Db
from loopback import loopback_server
from serving import ServeProcess, free_port, seeded_database
from typer.testing import CliRunner

from cso_tui.cli import app as cli_app
from cso_tui.services import api
from cso_tui.services.errors import (
    NotFoundError,
    ServiceError,
    SessionExpiredError,
    UnavailableError,
    ValidationError,
)
from cso_tui.services.remote import RemoteBackend
from cso_tui.services.schemas import ConsumerUpdate


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """One `cso-tui serve` for the module, on a database with staff and sample consumers."""
    home = tmp_path_factory.mktemp("serve")
    server = ServeProcess(seeded_database(home), home, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def remote(served: ServeProcess) -> Iterator[RemoteBackend]:
    backend = RemoteBackend(served.url)
    yield backend
    backend.close()


# ---------------------------------------------------------------- the real server


def test_openapi_has_one_route_per_protocol_method_and_the_bearer_scheme(
    served: ServeProcess,
) -> None:
    schema = httpx.get(f"{served.url}/openapi.json").json()
    assert schema["components"]["securitySchemes"]["session"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The session token `login` returns.",
    }
    for method in api.methods().values():
        operation = schema["paths"][method.path]["post"]
        assert operation["operationId"] == method.name
        assert ("security" in operation) == method.needs_token
    assert "close" not in str(list(schema["paths"]))


def test_every_call_but_info_and_login_needs_a_token(served: ServeProcess) -> None:
    with httpx.Client(base_url=served.url) as client:
        for method in api.methods().values():
            response = client.post(method.path, json={})
            if method.name == "info":
                assert response.status_code == 200
            elif method.name == "login":
                assert response.status_code == 422  # no user name: but no token needed
            else:
                assert response.status_code == 401, method.name
                assert response.json()["code"] == "session_expired"


def test_remote_backend_round_trip_and_typed_errors(remote: RemoteBackend) -> None:
    assert remote.info().has_users
    token = remote.login("executive", PASSWORD, client="pytest").token
    page = remote.search_consumers(token, "M-5678")
    assert [hit.account_no for hit in page.items] == ["WU-10001"]
    consumer = remote.get_consumer(token, "wu-10001")
    assert consumer.name == "John Doe"
    with pytest.raises(NotFoundError) as missing:
        remote.get_consumer(token, "WU-99999999")
    assert "WU-99999999" in missing.value.message
    with pytest.raises(ValidationError) as bad:
        remote.update_consumer(
            token, "WU-10001", ConsumerUpdate(email="not-an-email"), consumer.version, "k-1"
        )
    assert bad.value.field == "email"
    with pytest.raises(SessionExpiredError):
        remote.search_consumers("forged-token", "john")
    remote.logout(token)
    with pytest.raises(SessionExpiredError):
        remote.search_consumers(token, "john")


def test_a_body_the_server_cannot_parse_is_a_validation_error_naming_the_field(
    served: ServeProcess,
) -> None:
    with httpx.Client(base_url=served.url) as client:
        login = client.post("/api/login", json={"username": "admin", "password": PASSWORD})
        token = login.json()["token"]
        bad = {"term": "john", "limit": "many"}
        response = client.post(
            "/api/search_consumers", json=bad, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 422
        body = response.json()
        assert (body["code"], body["field"]) == ("validation", "limit")
        # no live session: nothing about the body, the same 401 as for a well-formed one
        forged = client.post(
            "/api/search_consumers", json=bad, headers={"Authorization": "Bearer forged"}
        )
        assert (forged.status_code, forged.json()["code"]) == (401, "session_expired")


def test_cli_twins_take_server(served: ServeProcess) -> None:
    runner = CliRunner()
    env = {"CSO_TUI_PASSWORD": PASSWORD}
    out = runner.invoke(
        cli_app, ["search", "M-5678", "--server", served.url, "--user", "admin", "--json"], env=env
    )
    assert out.exit_code == 0, out.output
    assert [h["account_no"] for h in json.loads(out.stdout)["items"]] == ["WU-10001"]
    out = runner.invoke(
        cli_app,
        ["consumer", "show", "WU-10002", "-s", served.url, "--user", "executive", "--json"],
        env=env,
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["balance"] == "1250.00"
    name = f"u{uuid.uuid4().hex[:8]}"
    out = runner.invoke(
        cli_app,
        ["user", "add", name, "--role", "call_center", "-s", served.url, "--user", "admin"],
        env={**env, "CSO_TUI_NEW_PASSWORD": "long enough pass"},
    )
    assert out.exit_code == 0, out.output
    assert f"Created {name} (call_center)" in out.output
    out = runner.invoke(
        cli_app,
        ["user", "add", "nobody2", "--role", "call_center", "-s", served.url, "--user", "billing"],
        env={**env, "CSO_TUI_NEW_PASSWORD": "long enough pass"},
    )
    assert out.exit_code == 4, out.output


def test_unreachable_server_is_unavailable() -> None:
    backend = RemoteBackend(f"http://127.0.0.1:{free_port()}", retries=1)
    try:
        with pytest.raises(UnavailableError) as exc:
            backend.info()
    finally:
        backend.close()
    assert exc.value.message.startswith("Cannot reach the server at http://127.0.0.1:")


def test_stopped_server_is_unreachable_and_works_again_when_back(
    tmp_path: Path,
) -> None:
    server = ServeProcess(seeded_database(tmp_path), tmp_path, free_port())
    server.start()
    backend = RemoteBackend(server.url, retries=0)
    try:
        token = backend.login("callcenter", PASSWORD).token
        assert backend.search_consumers(token, "john").items
        server.stop()
        with pytest.raises(UnavailableError) as exc:
            backend.search_consumers(token, "john")
        assert f"Cannot reach the server at {server.url}" in exc.value.message
        server.start()
        # the same client and the same session carry on (sessions live in the database)
        assert backend.search_consumers(token, "john").items
    finally:
        backend.close()
        server.stop()


# ---------------------------------------------------------------- in-process server


class LoseFirstAnswers(httpx.BaseTransport):
    """Delivers each request to the server, then loses the first ``n`` answers (a timeout
    after the server acted)."""

    def __init__(self, n: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = n
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path.rsplit("/", 1)[1])
        response = self.inner.handle_request(request)
        response.read()
        if self.lost and self.paths[-1] != "login":
            self.lost -= 1
            raise httpx.ReadTimeout("lost", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def served_in_process(tmp_path: Path) -> Iterator[tuple[str, Db, Any]]:
    from cso_tui.server import create_app
    from cso_tui.services.local import LocalBackend

    url = seeded_database(tmp_path)
    local = LocalBackend(url)
    base = loopback_server().add(create_app(local))
    db = Db(url, lambda: datetime.now(UTC))
    yield base, db, local
    loopback_server().remove(base)
    db.close()
    local.close()


def test_a_mutating_call_is_retried_with_the_same_key_and_acts_once(
    served_in_process: tuple[str, Db, Any],
) -> None:
    base, db, _local = served_in_process
    transport = LoseFirstAnswers(2)
    backend = RemoteBackend(base, transport=transport)
    try:
        token = backend.login("admin", PASSWORD).token
        note = backend.add_note(token, "WU-10001", "Called about the bill", str(uuid.uuid4()))
    finally:
        backend.close()
    assert transport.paths == ["login", "add_note", "add_note", "add_note"]
    (stored,) = db.notes("WU-10001")
    assert (stored.id, stored.body) == (note.id, "Called about the bill")


def test_gives_up_after_the_retries(served_in_process: tuple[str, Db, Any]) -> None:
    base, db, _local = served_in_process
    transport = LoseFirstAnswers(3)
    backend = RemoteBackend(base, transport=transport)
    try:
        token = backend.login("admin", PASSWORD).token
        with pytest.raises(UnavailableError, match="did not answer in time"):
            backend.add_note(token, "WU-10001", "Once only", str(uuid.uuid4()))
    finally:
        backend.close()
    assert transport.paths.count("add_note") == 3
    assert len(db.notes("WU-10001")) == 1


def test_a_failed_login_is_not_repeated_after_a_timeout(
    served_in_process: tuple[str, Db, Any],
) -> None:
    base, db, _local = served_in_process

    class LoseLogin(LoseFirstAnswers):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            self.paths.append("login")
            self.inner.handle_request(request).read()
            raise httpx.ReadTimeout("lost", request=request)

    transport = LoseLogin(1)
    backend = RemoteBackend(base, transport=transport)
    try:
        with pytest.raises(UnavailableError):
            backend.login("admin", "wrong password")
    finally:
        backend.close()
    assert transport.paths == ["login"]
    assert len(db.audit("login_failed")) == 1


def test_a_server_bug_is_a_500_with_a_generic_message(
    served_in_process: tuple[str, Db, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _db, local = served_in_process
    backend = RemoteBackend(base)
    try:
        token = backend.login("admin", PASSWORD).token

        def broken(*_args: Any, **_kw: Any) -> Any:
            raise RuntimeError("secret internals")

        monkeypatch.setattr(local, "list_notes", broken)
        # routes are bound when the app is made: make the bug reachable through a new app
        from cso_tui.server import create_app

        buggy = loopback_server().add(create_app(local))
        raw = httpx.post(
            f"{buggy}/api/list_notes",
            json={"account_no": "WU-10001"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert raw.status_code == 500
        assert raw.json() == {"code": "error", "message": api.SERVER_BUG}
        assert "secret" not in raw.text
        buggy_backend = RemoteBackend(buggy)
        with pytest.raises(ServiceError) as exc:
            buggy_backend.list_notes(token, "WU-10001")
        buggy_backend.close()
        loopback_server().remove(buggy)
        assert type(exc.value) is ServiceError
        assert exc.value.message == api.SERVER_BUG
    finally:
        backend.close()


async def test_the_server_runs_the_notification_jobs_and_survives_a_failure() -> None:
    import asyncio

    from cso_tui.server.app import notification_loop

    calls: list[int] = []

    class Jobs:
        def run_notification_jobs(self) -> None:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("the database went away")

    task = asyncio.create_task(notification_loop(Jobs(), every=0.01))  # type: ignore[arg-type]
    for _ in range(200):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    assert len(calls) >= 3  # the first run's failure did not stop the loop
