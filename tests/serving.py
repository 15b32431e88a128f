"""`cso-tui serve` as a real process on a loopback port, for tests that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from contract.support import SAMPLES, Db, seed_staff


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServeProcess:
    """`cso-tui serve` in a subprocess on a loopback port."""

    database: str
    home: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CSO_TUI_")}
        env |= {"CSO_TUI_CONFIG_DIR": str(self.home / "config")}
        env |= {"CSO_TUI_DATA_DIR": str(self.home / "data")}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cso_tui",
                "serve",
                *("--port", str(self.port)),
                *("--database", self.database),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.home / "serve.log", "ab"),  # noqa: SIM115 (the child owns it)
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.home / "serve.log").read_text()
                raise RuntimeError(f"cso-tui serve exited: {log[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("cso-tui serve did not become ready")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def seeded_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'served.sqlite'}"
    db = Db(url, lambda: datetime.now(UTC))  # creates the schema
    seed_staff(db)
    db.add(*SAMPLES)
    db.close()
    return url
