"""A crawl with JOBDIR stopped by one SIGINT and resumed equals one uninterrupted crawl."""

import json
import signal
import subprocess
import sys

from tests.conftest import FAST, ROOT, RunningCrawl, crawl, rows
from tools.replica import generate
from tools.server import ReplicaServer

ARTICLES, PAGES = 20, 5


def read(path):
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def essence(record):
    return {k: record[k] for k in ("title", "text", "page_count", "page_urls", "complete", "missing_pages")}


def test_stopped_and_resumed_crawl_writes_every_article_once(tmp_path):
    site = tmp_path / "site"
    generate(site, ARTICLES, PAGES)
    # A slow server, so that the stop comes with articles half merged.
    server = ReplicaServer(site, delay=0.1)
    url = server.start() + "/"
    try:
        whole = tmp_path / "whole"
        whole.mkdir()
        expected = {r["url"]: essence(r) for r in crawl(whole, "-a", f"start_url={url}")}
        assert len(expected) == ARTICLES

        job = tmp_path / "job"
        args = ["-a", f"start_url={url}", "-s", f"JOBDIR={job}", "-s", f"STATE_FILE={tmp_path / 'state.sqlite'}",
                "-s", "CONCURRENT_REQUESTS=2"]
        first = RunningCrawl(*args, "-O", str(tmp_path / "part1.jsonl"))
        # Stopped once pages wait in JOBDIR for the rest of their articles.
        first.wait_until(lambda: rows(job / "merge.sqlite", "pages") >= 3, "3 pages waiting in JOBDIR")
        first.process.send_signal(signal.SIGINT)
        assert first.finish(timeout=60) == 0 and "Traceback" not in first.log, first.log[-3000:]
        assert "Closing spider (shutdown)" in first.log
        part1 = read(tmp_path / "part1.jsonl")
        assert len(part1) < ARTICLES
        assert all(r["complete"] for r in part1)  # pages waiting were kept in JOBDIR, not written incomplete

        command = [sys.executable, "-m", "scrapy", "crawl", "hometown", *FAST, *args]
        second = subprocess.run([*command, "-O", str(tmp_path / "part2.jsonl")], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, check=False)
        assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr[-3000:]
        part2 = read(tmp_path / "part2.jsonl")
    finally:
        server.stop()

    urls = [r["url"] for r in part1 + part2]
    assert len(urls) == len(set(urls)), "an article was written twice"
    assert {r["url"]: essence(r) for r in part1 + part2} == expected
