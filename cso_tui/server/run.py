"""Run the server (``cso-tui serve``): uvicorn on a socket bound here, N workers."""

from __future__ import annotations

import os
import socket


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, created as TCP explicitly.

    asyncio sets TCP_NODELAY on accepted connections only when the listening socket's
    ``proto`` is IPPROTO_TCP; uvicorn's own socket for ``--workers`` has proto 0, and every
    kept-alive request then waits ~44 ms for a delayed ACK (uvicorn issue 3149).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run_server(database: str, *, host: str, port: int, workers: int = 1) -> None:
    """Serve ``database`` until interrupted (SIGINT/SIGTERM stop it cleanly)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    # the workers build the app from settings: pass the database the parent chose
    os.environ["CSO_TUI_DATABASE"] = database
    config = uvicorn.Config(
        "cso_tui.server:from_settings",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=5,
        # longer than clients keep an idle connection (httpx: 5 s), so the server never
        # closes one a terminal is just reusing (a ReadError and a retry on the next call)
        timeout_keep_alive=75,
    )
    sock = bind(host, port)
    try:
        if workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
