"""Manners per host, measured where they matter: at the server, which records when each request arrived."""

import subprocess
import sys
import time

import pytest

from crawler.storage.layout import url_to_path
from tests.conftest import ROOT
from tools.replica import HOST, generate
from tools.server import ReplicaServer

NO_THROTTLE = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_BACKOFF_BASE=0", "-s", "STATE_FILE=",
               "-s", "LOG_LEVEL=INFO")


class RecordingServer(ReplicaServer):
    """The replica server, noting when each request other than robots.txt arrived."""

    def __init__(self, root):
        super().__init__(root)
        self.arrivals: list[float] = []

    def respond(self, method, target, headers):
        if target != "/robots.txt":
            self.arrivals.append(time.monotonic())
        return super().respond(method, target, headers)


@pytest.fixture
def server(tmp_path):
    def start(articles: int, crawl_delay: float | None = None) -> RecordingServer:
        root = tmp_path / "site"
        generate(root, articles, 2, per_listing=10, page_bytes=(300, 900))
        if crawl_delay is not None:
            robots = root / url_to_path(f"http://{HOST}/robots.txt")
            robots.write_text(f"User-agent: *\nCrawl-delay: {crawl_delay}\n", encoding="utf-8")
        running = RecordingServer(root)
        running.start()
        servers.append(running)
        return running

    servers: list[RecordingServer] = []
    yield start
    for running in servers:
        running.stop()


def run_workers(tmp_path, url: str, count: int, *args: str) -> None:
    workers = [
        subprocess.Popen([sys.executable, "-m", "scrapy", "crawl", "hometown", *NO_THROTTLE, *args,
                          "-a", f"start_url={url}/", "-O", str(tmp_path / f"w{n}.jsonl")],
                         cwd=ROOT, stderr=(tmp_path / f"w{n}.log").open("w"))
        for n in range(count)
    ]
    for n, worker in enumerate(workers):
        status = worker.wait(timeout=180)
        log = (tmp_path / f"w{n}.log").read_text() if status else ""
        errors = [line for line in log.splitlines() if " ERROR: " in line or "Traceback" in line]
        assert status == 0, "\n".join([*errors, "…", log[-2000:]])  # the errors first: the tail is stats


def rate(arrivals: list[float]) -> float:
    """Requests a second over the run: the gaps between the first and the last request."""
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def test_three_workers_together_keep_one_crawls_download_delay(tmp_path, server, redis_server):
    site = server(30)  # 30 articles of 2 pages and 3 listing pages: 63 requests
    run_workers(tmp_path, site.url, 3, "-s", "DOWNLOAD_DELAY=0.2", "-s", f"REDIS_URL={redis_server.url}")
    assert len(site.arrivals) >= 63
    assert rate(site.arrivals) <= 1.1 * 5, site.arrivals


@pytest.mark.parametrize("workers", [1, 3])
def test_robots_crawl_delay_is_the_least_gap_between_two_requests(tmp_path, server, redis_server, workers):
    site = server(3, crawl_delay=1)  # 3 articles of 2 pages and a listing page: 7 requests
    shared = ("-s", f"REDIS_URL={redis_server.url}") if workers > 1 else ()
    run_workers(tmp_path, site.url, workers, "-s", "DOWNLOAD_DELAY=0", *shared)
    assert len(site.arrivals) >= 7
    assert rate(site.arrivals) <= 1.1
    gaps = [b - a for a, b in zip(site.arrivals, site.arrivals[1:])]
    assert min(gaps) >= 0.9, gaps  # no random jitter below the delay (a few ms of the server's own timing)
    records = [line for n in range(workers) for line in (tmp_path / f"w{n}.jsonl").read_text().splitlines()]
    assert len(records) == 3
