"""FastAPI app exposing a LocalBackend over HTTP: one ``POST /api/<method>`` per entry of
:func:`cso_tui.services.api.methods` (routes are generated, never written by hand).

Every rule runs in the LocalBackend; this module only moves calls and typed errors
across the wire. Endpoints are plain functions: FastAPI runs them in its thread pool, so a
slow database call never blocks the event loop.
"""

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from cso_tui import __version__
from cso_tui.services import api
from cso_tui.services.errors import (
    ServiceError,
    SessionExpiredError,
    UnavailableError,
    ValidationError,
)
from cso_tui.services.local import LocalBackend

log = logging.getLogger("cso_tui.server")

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="session",
    description="The session token `login` returns.",
)
_NO_TOKEN = "Log in first: this call needs a session token."
JSON = "application/json"

#: Error responses each route documents (the body is always ErrorOut).
_ERROR_STATUSES = {
    401: "No valid session (missing, expired or ended token), or a failed login",
    403: "The caller's role may not do this",
    404: "No such record",
    409: "A stale version or a reused idempotency key",
    422: "Invalid input; `field` names the field to fix",
    500: "A server bug (a generic message; details are in the server log)",
    503: "The database cannot be reached",
}


def _error_response(error: ServiceError) -> JSONResponse:
    return JSONResponse(error.to_dict(), status_code=api.status_of(error))


def _session_token(
    credentials: HTTPAuthorizationCredentials | None = Security(_bearer),
) -> str:
    """The caller's bearer token (none at all is refused earlier: :class:`_TokenBeforeBody`)."""
    if credentials is None:
        raise SessionExpiredError(_NO_TOKEN)
    return credentials.credentials


class _TokenBeforeBody:
    """Refuses a call that needs a session but brings no bearer token before its body is read.

    FastAPI parses the body before it resolves dependencies: without this, a body that is not
    JSON would answer 422 to a caller that has not logged in, instead of 401.
    """

    def __init__(self, app: ASGIApp, paths: frozenset[str]) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].removeprefix(scope.get("root_path", "")) in self.paths
            and await _bearer(Request(scope)) is None
        ):
            await _error_response(SessionExpiredError(_NO_TOKEN))(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _endpoint(backend: LocalBackend, method: api.Method) -> Callable[..., Any]:
    """The route function of ``method``: body in, LocalBackend call, result out."""
    call = getattr(backend, method.name)

    # the real annotations are set per route through __signature__ (FastAPI reads it)
    def endpoint(body: Any, token: str | None = None) -> Any:
        kwargs = dict(body)
        if method.needs_token:
            kwargs[api.TOKEN] = token
        # serialised here by the wire table's own adapter: FastAPI would validate the model
        # it was just given and encode it again (~0.5 ms for a page of 50 hits)
        return Response(method.response.dump_json(call(**kwargs)), media_type=JSON)

    params = [
        inspect.Parameter(
            "body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=method.request_model
        )
    ]
    if method.needs_token:
        params.append(
            inspect.Parameter(
                "token",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=Security(_session_token),
                annotation=str,
            )
        )
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = method.name
    endpoint.__doc__ = method.doc
    return endpoint


def create_app(backend: LocalBackend) -> FastAPI:
    """The HTTP face of ``backend``: /api/<method> per protocol method, /healthz, /openapi.json.

    The caller owns ``backend`` (close it after the server stops).
    """
    app = FastAPI(
        title="cso-tui",
        version=__version__,
        description="The cso-tui Backend protocol over HTTP (one POST route per method).",
    )
    error_responses: dict[int | str, dict[str, Any]] = {
        status: {"model": api.ErrorOut, "description": text}
        for status, text in _ERROR_STATUSES.items()
    }
    for method in api.methods().values():
        app.add_api_route(
            method.path,
            _endpoint(backend, method),
            methods=["POST"],
            response_model=method.returns,
            summary=method.doc.splitlines()[0],
            description=method.doc,
            responses=error_responses,
            operation_id=method.name,
            tags=["backend"],
        )
    token_paths = frozenset(m.path for m in api.methods().values() if m.needs_token)
    app.add_middleware(_TokenBeforeBody, paths=token_paths)

    @app.get("/healthz", tags=["ops"], responses={503: {"model": api.ErrorOut}})
    def healthz() -> dict[str, str]:
        """Ready when the database answers."""
        backend.execute_sql("SELECT 1")
        return {"status": "ok"}

    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return _error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI parses the body before the token dependency runs: a caller with no live
        # session learns nothing about the body (401, as with a well-formed one)
        credentials = await _bearer(request)
        path = request.scope["path"].removeprefix(request.scope.get("root_path", ""))
        if credentials is not None and path in token_paths:
            try:
                await run_in_threadpool(backend.check_session, credentials.credentials)
            except ServiceError as error:
                return _error_response(error)
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(part) for part in first.get("loc", ()) if part != "body"]
        # not JSON at all: the whole body is wrong (loc holds a character offset, not a field)
        field = "body" if first.get("type") == "json_invalid" else ".".join(loc) or "body"
        message = str(first.get("msg", "Invalid request."))
        return _error_response(ValidationError(field, f"{field}: {message}"))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400:
            # FastAPI's "There was an error parsing the body" (e.g. bytes that are not UTF-8):
            # the same typed error as any other body that is not JSON, not an undocumented 400
            return _error_response(ValidationError("body", "body: The body is not valid JSON."))
        return await http_exception_handler(request, exc)

    @app.exception_handler(Exception)
    async def server_bug(request: Request, exc: Exception) -> JSONResponse:
        if _is_database_down(exc):
            return _error_response(UnavailableError("The database cannot be reached."))
        log.exception("unhandled error in %s", request.url.path, exc_info=exc)
        return JSONResponse({"code": "error", "message": api.SERVER_BUG}, status_code=500)

    return app


def _is_database_down(exc: Exception) -> bool:
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and exc.connection_invalidated


#: Seconds between the server's notification runs (SLA escalations, outbox by SMTP).
NOTIFY_EVERY = 30.0


async def notification_loop(backend: LocalBackend, every: float = NOTIFY_EVERY) -> None:
    """Deliver the outbox and escalate SLA breaches every ``every`` seconds, in a thread (each
    of several workers may run it: a message is claimed by one run)."""
    import anyio.to_thread

    while True:
        await asyncio.sleep(every)
        try:
            await anyio.to_thread.run_sync(backend.run_notification_jobs)
        except Exception:
            log.exception("notification run failed; trying again in %s s", every)


def from_settings() -> FastAPI:
    """The app on the configured database (uvicorn factory for ``cso-tui serve``).

    Reads settings like the app does (CSO_TUI_DATABASE, the config file); the LocalBackend
    opens on start-up and closes on shutdown.
    """
    from cso_tui.config import load_settings
    from cso_tui.launch import open_local

    backend = open_local(load_settings())
    app = create_app(backend)
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        import anyio.to_thread

        from cso_tui.services.db import POOL_SIZE

        # Endpoints run in anyio's thread pool (40 threads by default): no more calls at
        # once than the database pool holds, so connections are reused, never churned.
        anyio.to_thread.current_default_thread_limiter().total_tokens = POOL_SIZE
        jobs = asyncio.create_task(notification_loop(backend))
        async with previous(a) as state:
            try:
                yield state
            finally:
                jobs.cancel()
                backend.close()

    app.router.lifespan_context = lifespan
    return app
