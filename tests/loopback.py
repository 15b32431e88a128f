"""Real HTTP on a loopback port for the contract suite's ``remote`` backend.

One uvicorn server per test process (per xdist worker), started on first use in a daemon
thread on 127.0.0.1:<free port>. It serves any number of apps, each under its own path
prefix ``/b/<id>``: every remote backend a test opens gets ``create_app(LocalBackend(url,
**kw))`` of its own, so each test keeps its own database, its own backend options and the
test's clock (the server runs in this process), while requests still cross a real socket,
uvicorn and FastAPI. ``tests/test_server.py`` runs the real ``cso-tui serve`` command in a
subprocess.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any

from cso_tui.services.local import LocalBackend
from cso_tui.services.remote import RemoteBackend

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


class LoopbackServer:
    """uvicorn in a thread, dispatching ``/b/<id>/...`` to the app registered as ``id``."""

    def __init__(self) -> None:
        import uvicorn

        self.apps: dict[str, ASGIApp] = {}
        self._ids = itertools.count(1)
        # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted connections only when the
        # listening socket says TCP; with proto 0 every request waits ~40 ms (delayed ACK).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self, lifespan="off", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True, name="loopback"
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the loopback server did not start")
            time.sleep(0.01)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        _, _, rest = scope["path"].partition("/b/")
        key, _, tail = rest.partition("/")
        app = self.apps.get(key)
        if app is None:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        path = "/" + tail
        await app({**scope, "path": path, "raw_path": path.encode()}, receive, send)

    def add(self, app: ASGIApp) -> str:
        """Serve ``app``; returns its base URL."""
        key = str(next(self._ids))
        self.apps[key] = app
        return f"http://127.0.0.1:{self.port}/b/{key}"

    def remove(self, url: str) -> None:
        self.apps.pop(url.rsplit("/", 1)[1], None)


@cache
def loopback_server() -> LoopbackServer:
    return LoopbackServer()


class ServedRemoteBackend(RemoteBackend):
    """A RemoteBackend to a LocalBackend served on the loopback server; closing it stops
    serving and closes that LocalBackend too."""

    def __init__(self, url: str, **local_kw: Any) -> None:
        from cso_tui.server import create_app

        self.local = LocalBackend(url, **local_kw)
        server = loopback_server()
        super().__init__(server.add(create_app(self.local)))

    def close(self) -> None:
        super().close()
        loopback_server().remove(self.url)
        self.local.close()
