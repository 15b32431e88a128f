"""RemoteBackend: the Backend protocol over HTTP to ``cso-tui serve`` (httpx).

It only forwards: every method is generated from :func:`cso_tui.services.api.methods`
(the same table the server's routes come from). One ``httpx.Client`` is reused for every
call (a new one costs ~21 ms). Errors come back as the same typed exceptions; a server
that cannot be reached is an :class:`UnavailableError`.

Retries: a call whose request surely never reached the server (connect failure) is
retried; after a timeout or a dropped connection only calls that are safe to repeat are:
reads, and mutating calls, which carry their idempotency key so the server answers a
repeat with the first result instead of acting twice.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from datetime import date, time
from typing import Any, cast

import httpx
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from cso_tui.services import api
from cso_tui.services.backend import Backend
from cso_tui.services.errors import ServiceError, UnavailableError

#: Seconds: connecting is quick on a LAN; a call may wait on a busy database.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=3.0)
#: Retries after a transport failure (so at most 1 + RETRIES requests per call).
RETRIES = 2
#: Pause before each retry, seconds.
BACKOFF = (0.2, 0.6)


class RemoteBackend:
    """The Backend protocol on a server URL (``http://host:port``, a path prefix allowed).

    Its protocol methods are generated from the wire table; see the module docstring.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = RETRIES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.retries = retries
        self._client = httpx.Client(
            base_url=self.url,
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": "cso-tui"},
        )

    def _call(self, method: api.Method, arguments: dict[str, Any]) -> Any:
        headers = {}
        if method.needs_token:
            headers["Authorization"] = f"Bearer {arguments[api.TOKEN]}"
        body = _jsonable(method.body(arguments))
        attempt = 0
        while True:
            try:
                response = self._client.post(method.path, json=body, headers=headers)
                break
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                if attempt >= self.retries or not (never_sent or method.repeatable):
                    raise self._unreachable(exc) from exc
                _time.sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                attempt += 1
        if response.status_code >= 400:
            raise _error_of(response)
        try:
            return method.response.validate_json(response.content)
        except ValueError as exc:
            raise ServiceError(
                f"The server at {self.url} sent an answer this version cannot read."
            ) from exc

    def _unreachable(self, exc: httpx.TransportError) -> UnavailableError:
        what = "did not answer in time" if isinstance(exc, httpx.TimeoutException) else ""
        reason = what or "is not reachable"
        return UnavailableError(f"Cannot reach the server at {self.url}: it {reason}.")

    def close(self) -> None:
        """Close the HTTP connections (the server's sessions are untouched)."""
        self._client.close()

    def __repr__(self) -> str:
        return f"RemoteBackend({self.url!r})"


def _jsonable(value: Any) -> Any:
    """JSON-ready ``value``; times as ``isoformat()`` (as LocalBackend stores them in free-form
    properties), models as their JSON dump."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return to_jsonable_python(value)


def _error_of(response: httpx.Response) -> ServiceError:
    """The typed exception of an error response."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("code"), str):
        return api.error_from_dict(data)
    if response.status_code in (502, 503, 504):
        return UnavailableError(
            f"The server is unavailable (HTTP {response.status_code}): try again shortly."
        )
    if response.status_code in (404, 405):
        return ServiceError(
            f"The server does not offer {response.request.url.path}: is it an older version?"
        )
    return ServiceError(f"The server answered HTTP {response.status_code}.")


def _remote_method(method: api.Method) -> Callable[..., Any]:
    signature = method.signature

    def call(self: RemoteBackend, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        return self._call(method, bound.arguments)

    call.__name__ = call.__qualname__ = method.name
    call.__doc__ = method.doc
    call.__signature__ = signature  # type: ignore[attr-defined]
    return call


for _method in api.methods().values():
    setattr(RemoteBackend, _method.name, _remote_method(_method))


def connect(url: str, **kwargs: Any) -> Backend:
    """A RemoteBackend on ``url``, typed as the protocol it implements."""
    backend = RemoteBackend(url, **kwargs)
    assert isinstance(backend, Backend)
    return cast(Backend, backend)
