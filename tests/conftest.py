"""Shared test fixtures: the seed page (the one real page of the site we hold) and its cleaned text."""

from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SITE = ROOT / "fixtures" / "site"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The visible text of one real page of the site, as saved (with readings)."""
    return (ROOT / "fixtures" / "seed-page.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_clean() -> str:
    """The seed page cleaned by hand: 305 readings, the page bar, source line and disclaimer gone."""
    return (ROOT / "fixtures" / "seed-page.clean.txt").read_text(encoding="utf-8").rstrip("\n")


SITE_HOST = "www.xiangtianlong.com"
SITE_URL = f"http://{SITE_HOST}"


def fixture_response(path: str, url: str | None = None):
    """A saved page of the fixture site as Scrapy would receive it."""
    from scrapy.http import HtmlResponse

    body = (FIXTURE_SITE / SITE_HOST / path).read_bytes()
    return HtmlResponse(url or f"{SITE_URL}/{path}", body=body, headers={"Content-Type": "text/html"})


@pytest.fixture(scope="session")
def site_server():
    """The fixture site served over real HTTP on 127.0.0.1; yields its base URL."""
    from tools.server import ReplicaServer

    server = ReplicaServer(FIXTURE_SITE, SITE_HOST)
    yield server.start()
    server.stop()


# Tests run against 127.0.0.1: no politeness delays, no waiting before retries.
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_BACKOFF_BASE=0")


def crawl(tmp_path, *args: str, out_name: str = "articles.jsonl") -> list[dict]:
    """Run `scrapy crawl hometown ARGS -O out.jsonl` as a user would; return the records.

    The incremental state goes to tmp_path/state.sqlite, shared by the crawls of one test.
    """
    return crawl_with_stats(tmp_path, *args, out_name=out_name).records


class Crawl(NamedTuple):
    records: list[dict]
    stats: dict[str, int]  # the integer stats Scrapy dumps at the end
    log: str


def crawl_with_stats(tmp_path, *args: str, out_name: str = "articles.jsonl", status: int = 0) -> Crawl:
    """As crawl, with the crawl's stats and log; the crawl must exit with ``status``."""
    import json
    import re
    import subprocess
    import sys

    out = tmp_path / out_name
    command = [
        sys.executable, "-m", "scrapy", "crawl", "hometown", "-s", f"STATE_FILE={tmp_path / 'state.sqlite'}",
        *FAST, *args, "-O", str(out), "-s", "LOG_LEVEL=INFO",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == status, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    stats = {k: int(v) for k, v in re.findall(r"'([^']+)': (\d+)[,}]?$", result.stderr, re.MULTILINE)}
    with out.open(encoding="utf-8") as f:
        return Crawl([json.loads(line) for line in f], stats, result.stderr)


class RunningCrawl:
    """`scrapy crawl hometown ARGS` running in the background, its log read as it comes."""

    def __init__(self, *args: str):
        import subprocess
        import sys
        import threading

        self.log_lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "hometown", *FAST, *args], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace",
        )
        self._reader = threading.Thread(target=lambda: self.log_lines.extend(self.process.stderr), daemon=True)
        self._reader.start()

    def wait_until(self, condition, what: str, timeout: float = 60) -> None:
        """Wait until ``condition()`` is true (polled), failing after ``timeout`` seconds."""
        import time

        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"the crawl ended before {what}:\n{self.log[-3000:]}"
            assert time.monotonic() < deadline, f"{what} never happened"
            time.sleep(0.05)

    @property
    def log(self) -> str:
        return "".join(self.log_lines)

    def finish(self, timeout: float = 120) -> int:
        """Wait for the crawl to end; its exit status."""
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return self.process.returncode


def rows(database: Path, table: str) -> int:
    """Rows in an SQLite table another process is writing (0 while it does not exist yet)."""
    import sqlite3

    if not database.exists():
        return 0
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0
    finally:
        connection.close()


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis server for one test (tools.redisserver)."""
    from tools.redisserver import RedisServer

    server = RedisServer(tmp_path)
    yield server
    server.stop()
