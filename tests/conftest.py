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


def crawl_with_stats(tmp_path, *args: str, out_name: str = "articles.jsonl") -> Crawl:
    """As crawl, with the crawl's stats and log."""
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
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    stats = {k: int(v) for k, v in re.findall(r"'([^']+)': (\d+)[,}]?$", result.stderr, re.MULTILINE)}
    with out.open(encoding="utf-8") as f:
        return Crawl([json.loads(line) for line in f], stats, result.stderr)


def wait_for(path: Path, timeout: float = 60) -> None:
    """Wait until a file appears (a crawl's feed file appears when its spider opens)."""
    import time

    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)
