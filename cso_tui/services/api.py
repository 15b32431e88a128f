"""The wire contract, derived from the :class:`~cso_tui.services.backend.Backend` protocol.

One definition serves both ends: :data:`METHODS` is built by introspecting the protocol's
methods and type hints, the server (:mod:`cso_tui.server`) makes one ``POST /api/<name>``
route per entry and :class:`~cso_tui.services.remote.RemoteBackend` one client method per
entry. Adding a method to the protocol (and to LocalBackend) adds it to the wire.

Per method: the request body is a pydantic model of its parameters minus ``token``; the
token travels in ``Authorization: Bearer``; the response is the return annotation as JSON
(``null`` for None). Errors are ``{"code", "message", ...}`` (``ServiceError.to_dict()``)
with the HTTP status of :data:`STATUS_OF`.

Nothing here imports fastapi, httpx or textual: the services stay light and UI-free.
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, create_model

from cso_tui.services import backend as backend_module
from cso_tui.services import schemas
from cso_tui.services.backend import Backend
from cso_tui.services.errors import ERRORS_BY_CODE, ServiceError

#: Where the routes live: ``/api/<method>``.
PREFIX = "/api"
#: Protocol members that are not calls across the wire (they act on the local object).
LOCAL_ONLY = frozenset({"close"})
#: Methods callable without a session token.
PUBLIC = frozenset({"info", "login"})
#: Calls without an idempotency key whose repetition is not harmless (a repeated failed
#: login counts twice towards lockout; a repeated usage event is counted twice). They are
#: retried only when the request surely never reached the server (connect failure).
NOT_REPEATABLE = frozenset({"login", "record_usage"})
#: The parameter that carries the caller's session (sent as a bearer token).
TOKEN = "token"
#: The parameter that makes a mutating call safe to retry.
IDEMPOTENCY_KEY = "idempotency_key"

#: HTTP status per error code; anything else (a bug) is 500.
STATUS_OF: dict[str, int] = {
    "validation": 422,
    "not_found": 404,
    "permission_denied": 403,
    "authentication": 401,
    "account_locked": 401,
    "session_expired": 401,
    "conflict": 409,
    "duplicate_consumer": 409,
    "unavailable": 503,
}
#: What a client shows for a server bug (details stay in the server's log).
SERVER_BUG = "The server failed to handle the request; it has been logged. Try again."


class ErrorOut(BaseModel):
    """The body of every error response (documentation: fields beyond code/message vary)."""

    model_config = ConfigDict(extra="allow")

    code: str
    message: str
    field: str | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Method:
    """One protocol method as it crosses the wire."""

    name: str
    doc: str
    signature: inspect.Signature  # the protocol's, including ``self``
    request_model: type[BaseModel]  # the parameters minus ``token``
    returns: Any  # the return annotation (None for no result)
    response: TypeAdapter[Any]

    @property
    def path(self) -> str:
        return f"{PREFIX}/{self.name}"

    @property
    def needs_token(self) -> bool:
        return TOKEN in self.signature.parameters

    @property
    def mutating(self) -> bool:
        return IDEMPOTENCY_KEY in self.signature.parameters

    @property
    def repeatable(self) -> bool:
        """May be sent again after a timeout without acting twice."""
        return self.mutating or self.name not in NOT_REPEATABLE

    def body(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The request body of a call's bound arguments (``token`` excluded)."""
        return {k: v for k, v in arguments.items() if k not in ("self", TOKEN)}


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def _build(name: str) -> Method:
    fn = getattr(Backend, name)
    namespace = {**vars(typing), **vars(backend_module), **vars(schemas)}
    hints = typing.get_type_hints(fn, globalns=namespace)
    signature = inspect.signature(fn)
    fields: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.name in ("self", TOKEN):
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], default)
    request_model: type[BaseModel] = create_model(
        f"{_camel(name)}Request",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"The parameters of `{name}`.",
        **fields,
    )
    returns = hints.get("return")
    returns = None if returns is type(None) else returns
    return Method(
        name=name,
        doc=inspect.getdoc(fn) or name,
        signature=signature,
        request_model=request_model,
        returns=returns,
        response=TypeAdapter(returns if returns is not None else type(None)),
    )


@cache
def methods() -> dict[str, Method]:
    """Every wire method of the Backend protocol, in declaration order."""
    names = [
        name
        for name, value in vars(Backend).items()
        if inspect.isfunction(value) and not name.startswith("_") and name not in LOCAL_ONLY
    ]
    return {name: _build(name) for name in names}


# ---------------------------------------------------------------- errors on the wire


def status_of(error: ServiceError) -> int:
    return STATUS_OF.get(error.code, 500)


def error_from_dict(data: dict[str, Any]) -> ServiceError:
    """The exception an error body describes: same class (by ``code``), same fields."""
    code = str(data.get("code") or "error")
    cls = ERRORS_BY_CODE.get(code, ServiceError)
    message = str(data.get("message") or "The server refused the request.")
    init = cls.__init__
    hints = typing.get_type_hints(init)
    kwargs: dict[str, Any] = {}
    for param in list(inspect.signature(init).parameters.values())[1:]:
        if param.name == "message":
            kwargs["message"] = message
            continue
        value = data.get(param.name)
        if value is None:
            return ServiceError(message)  # a field is missing: keep the message, drop the type
        try:
            kwargs[param.name] = TypeAdapter(hints[param.name]).validate_python(value)
        except ValueError:
            return ServiceError(message)
    return cls(**kwargs)
