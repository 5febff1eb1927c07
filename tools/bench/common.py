"""What the benchmarks share: the generated site served on 127.0.0.1, and measured child processes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..replica import FIXTURES
from ..server import free_port

ROOT = FIXTURES.parent
# The same for every crawl measured: fixed concurrency, no AutoThrottle, no telnet.
CRAWL_SETTINGS = {
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "TELNETCONSOLE_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


@dataclass
class Run:
    name: str
    pages: int
    seconds: float
    cpu: float | None = None
    rss_mb: float | None = None

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds

    def row(self) -> str:
        cpu = f"{self.cpu * 1000 / self.pages:>9.2f}" if self.cpu is not None else f"{'-':>9}"
        rss = f"{self.rss_mb:>9.0f}" if self.rss_mb is not None else f"{'-':>9}"
        return f"{self.name:<28}{self.pages:>7}{self.seconds:>8.1f}{self.pages_per_second:>9.0f}{cpu}{rss}"


def measure_process(name: str, command: list[str], log: Path) -> Run:
    """Run a Scrapy command; pages and time from its stats, CPU and peak RSS from the kernel."""
    with log.open("w") as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(encoding="utf-8", errors="replace")
    if process.returncode or "Traceback" in text:
        sys.exit(f"{name} failed (exit {process.returncode}); see {log}")
    pages = int(re.search(r"'response_received_count': (\d+)", text).group(1))
    seconds = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", text).group(1))
    return Run(name, pages, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)



@contextmanager
def served(site: Path, delay: float = 0.0) -> Iterator[str]:
    """The replica server in a process of its own (so that it does not share the crawler's CPU); its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "tools.server", str(site), "--port", str(port), "--delay", str(delay)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait()
