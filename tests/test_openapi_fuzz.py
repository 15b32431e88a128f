"""Schemathesis over the ``/openapi.json`` of a real server, signed in as the demo admin.

Every operation of the schema the server publishes is fuzzed (a method the protocol gains
is covered with no change here): the coverage phase's boundary and schema-breaking cases,
then ``MAX_EXAMPLES`` generated ones, schema-valid and not. Every generated call must show:

1. no server error (no 5xx);
2. no schema violation: a documented status code, a JSON content type and a body matching
   the documented model (the result model, or ErrorOut for an error);
3. for an operation that needs a token: the same request without a token answers 401
   ``session_expired`` (any body, even one that is not JSON), and so does it with a garbage
   token or an ended session's token (bodies the schema accepts; a body it rejects is a 422
   before any token is looked at).

The server is the loopback one of tests/loopback.py: uvicorn on a real TCP socket, in a
thread of this process, serving ``create_app(LocalBackend)`` on this module's copy of the
demo database. Requests cross the socket, uvicorn, the middleware and FastAPI's parsing as
with ``cso-tui serve`` (tests/test_server.py runs that command itself), while password
hashing keeps the suite's cheap cost and there is no process to start.

Authentication goes through schemathesis's auth mechanism: an ``admin``/``demo`` login,
cached, and renewed on a 401 (the request is then sent again with the new token). Generated
``logout`` and ``end_sessions`` calls end that session on purpose; a new login per call
instead costs ~10 ms (a write transaction) and added ~8 s. A 401 on a call that carried a
token just issued is a failure. Generated logins never name ``admin`` (wrong guesses would
lock the account the fuzzer uses); the fixture checks at the end that it still signs in.

Random strings seldom name a consumer or a user, so most calls would stop at a 404 and the
response models of successful calls would hardly be checked: body fields are drawn, half of
the time, from real values of the demo database by field name (``account_no``,
``username``, ``role``...), whatever the operation.

Checks left out on purpose: ``positive_data_acceptance`` (the schema does not carry the
business rules: an empty account number is schema-valid and a 422 by design);
``negative_data_rejection`` (pydantic's lax mode takes ``false`` or ``"5"`` for an integer);
``ignored_auth`` (check 3 is stricter: every case, not one per operation, and the code).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from conftest import copy_sqlite
from hypothesis import strategies as st
from loopback import loopback_server
from schemathesis import AuthContext, Case, GenerationMode, HookContext
from schemathesis.config import HealthCheck, SchemathesisConfig

from cso_tui.models.enums import Role
from cso_tui.server import create_app
from cso_tui.services.local import LocalBackend

AnyCase = Case[Any]

#: The identity the fuzzer signs in as (the demo database's admin).
ADMIN, DEMO_PASSWORD = "admin", "demo"
#: Generated cases per operation after the coverage phase's (~35 per operation); with it,
#: the module takes ~25 s on 2 cores (~1,000 calls and ~1,000 probes).
MAX_EXAMPLES = 30
#: Checks run on every generated call (the module docstring says why others are not).
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "missing_required_header",
    "unsupported_method",
]
#: A token no session ever had.
GARBAGE_TOKEN = "garbage-not-a-session-token"
#: Operations that answer an unknown or ended token with success, by contract:
#: ``Backend.logout`` says "Ending an ended session is not an error".
ACCEPTS_ENDED_TOKEN = frozenset({"logout"})


@dataclass
class FuzzServer:
    """The served app, the tokens handed out and what the generated calls got back."""

    url: str
    local: LocalBackend
    http: requests.Session = field(default_factory=requests.Session)
    issued: set[str] = field(default_factory=set)  # "Bearer <token>" of every admin login
    ended_token: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)

    def login(self) -> str:
        response = self.http.post(
            f"{self.url}/api/login",
            json={"username": ADMIN, "password": DEMO_PASSWORD, "client": "schemathesis"},
        )
        assert response.status_code == 200, f"admin cannot log in: {response.text}"
        token = str(response.json()["token"])
        self.issued.add(f"Bearer {token}")
        self.counts["admin logins"] += 1
        return token


@pytest.fixture(scope="module")
def fuzz_server(
    tmp_path_factory: pytest.TempPathFactory, demo_sqlite_template: Path
) -> Iterator[FuzzServer]:
    """A LocalBackend on its own copy of the demo database, served on the loopback server."""
    path = tmp_path_factory.mktemp("fuzz") / "demo.sqlite"
    copy_sqlite(demo_sqlite_template, path)
    local = LocalBackend(f"sqlite:///{path}")
    url = loopback_server().add(create_app(local))
    server = FuzzServer(url, local)
    try:
        server.ended_token = server.login()
        server.http.post(
            f"{url}/api/logout", json={}, headers={"Authorization": f"Bearer {server.ended_token}"}
        ).raise_for_status()
        yield server
        server.login()  # the fuzzing left the admin able to sign in (not locked, not disabled)
    finally:
        loopback_server().remove(url)
        server.http.close()
        local.close()
        statuses = sorted(server.statuses.items())
        print(f"\nopenapi fuzz: {dict(server.counts)}\n{statuses}")


def _real_values(server: FuzzServer) -> dict[str, tuple[type, st.SearchStrategy[Any]]]:
    """Per body field name: its JSON type and values of the demo database (admin aside)."""
    token = server.login()
    found = server.local.search_consumers(token, "WU-1", limit=5).items
    users = [u.username for u in server.local.info().demo_users if u.username != ADMIN]
    assert found and users
    new_user = st.from_regex(r"fuzz-[a-z0-9]{2,12}", fullmatch=True)
    return {
        "account_no": (str, st.sampled_from([hit.account_no for hit in found])),
        "username": (str, st.sampled_from(users) | new_user),
        "full_name": (str, st.just("Fuzz Tester")),
        "role": (str, st.sampled_from([role.value for role in Role])),
        "password": (str, st.just("correct-horse-battery-9")),
        "expected_version": (int, st.integers(0, 3)),
    }


def _needs_token(operation: Any) -> bool:
    return bool(operation.definition.raw.get("security"))


def _operation_id(case: AnyCase) -> str:
    return str(case.operation.definition.raw.get("operationId"))


@pytest.fixture(scope="module")
def api_schema(fuzz_server: FuzzServer) -> Any:
    """The server's own /openapi.json; deterministic generation; the admin's token."""
    schema = schemathesis.openapi.from_url(
        f"{fuzz_server.url}/openapi.json", config=SchemathesisConfig()
    )
    # too_slow measures wall time: under `pytest -n auto` the machine is busy
    schema.config.update(base_url=fuzz_server.url, suppress_health_check=[HealthCheck.too_slow])
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
    schema.config.checks.update(included_check_names=CHECKS)

    real = _real_values(fuzz_server)

    def flatmap_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
        # a value of another JSON type stays: replacing it could make a schema-breaking
        # body valid, or a valid one invalid
        fields = [
            k
            for k in (body if isinstance(body, dict) else ())
            if k in real and type(body[k]) is real[k][0]
        ]
        if not fields:
            return st.just(body)
        choices = {k: st.just(body[k]) | real[k][1] for k in fields}
        return st.fixed_dictionaries(choices).map(lambda drawn: {**body, **drawn})

    schema.hook(flatmap_body)

    class AdminToken:
        def get(self, case: AnyCase, context: AuthContext) -> str:
            return fuzz_server.login()

        def set(self, case: AnyCase, data: str, context: AuthContext) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    # cached; a 401 invalidates it, logs in again and sends the request once more
    register = schema.auth(refresh_interval=3600, retry_on=[401])
    register.apply_to(lambda ctx: _needs_token(ctx.operation))(AdminToken)
    return schema


def _targets_admin_login(case: AnyCase) -> bool:
    body = case.body
    if _operation_id(case) != "login" or not isinstance(body, dict):
        return False
    name = body.get("username")
    return isinstance(name, str) and name.strip().lower() == ADMIN


def _probe(server: FuzzServer, case: AnyCase, authorization: str | None) -> requests.Response:
    """The generated request again, its Authorization header replaced (or removed)."""
    kwargs = case.as_transport_kwargs(base_url=server.url)
    headers = kwargs["headers"]
    headers.pop("Authorization", None)
    if authorization is not None:
        headers["Authorization"] = authorization
    return server.http.request(**kwargs)


def _assert_refused(response: requests.Response, what: str) -> None:
    assert response.status_code == 401, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.json()["code"] == "session_expired", f"{what}: {response.text[:300]}"


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_generated_calls_conform_and_need_a_token(case: AnyCase, fuzz_server: FuzzServer) -> None:
    if _targets_admin_login(case):
        return  # a wrong guess would count towards locking the account the fuzzer uses
    operation = case.operation.label
    # checks 1 and 2
    response = case.call_and_validate(session=fuzz_server.http)
    fuzz_server.counts["validated"] += 1
    fuzz_server.statuses[(operation, response.status_code)] += 1
    if not _needs_token(case.operation) or case.method.upper() != case.operation.method.upper():
        return  # (the coverage phase also sends other HTTP methods: a 405, checked above)
    if case.headers.get("Authorization") in fuzz_server.issued:
        assert response.status_code != 401, f"the admin's new token was refused: {response.text}"
    # check 3
    _assert_refused(_probe(fuzz_server, case, None), f"{operation} without a token")
    fuzz_server.counts["without token"] += 1
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return  # a body the schema rejects is a 422 before any token is looked at
    for label, token in (("garbage", GARBAGE_TOKEN), ("ended", fuzz_server.ended_token)):
        probe = _probe(fuzz_server, case, f"Bearer {token}")
        what = f"{operation} with a {label} token"
        if _operation_id(case) in ACCEPTS_ENDED_TOKEN:
            assert probe.status_code == 200, f"{what}: {probe.status_code} {probe.text[:300]}"
        else:
            _assert_refused(probe, what)
            fuzz_server.counts[f"{label} token"] += 1
