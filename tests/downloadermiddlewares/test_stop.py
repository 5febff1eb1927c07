"""A crawl stopped without JOBDIR (Ctrl-C, a CLOSESPIDER limit) writes every article it has pages of, through
every pipeline, and records what it did not fetch."""

import json
import re
import signal

from tests.conftest import FIXTURE_SITE, SITE_URL, RunningCrawl, crawl_with_stats
from tools.replica import generate
from tools.server import ReplicaServer

ARTICLES, PAGES = 20, 5


def test_a_pipeline_after_the_merge_sees_the_articles_written_at_the_end(tmp_path):
    from crawler import settings

    record = tmp_path / "seen.txt"
    pipelines = {**settings.ITEM_PIPELINES, "tests.recording.RecordingPipeline": 800}
    # Stopped after 3 pages: the ten-page article is still waiting for the rest when the crawl ends.
    run = crawl_with_stats(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-a", f"start_url={SITE_URL}/html/2023/0628/4521_3.html",
                           "-s", "CLOSESPIDER_PAGECOUNT=3", "-s", "CONCURRENT_REQUESTS=1",
                           "-s", f"ITEM_PIPELINES={json.dumps(pipelines)}", "-s", f"RECORD_TO={record}")
    assert record.read_text(encoding="utf-8") == f"{SITE_URL}/html/2023/0628/4521.html incomplete\n"
    assert [r["url"] for r in run.records] == [f"{SITE_URL}/html/2023/0628/4521.html"]
    assert run.stats["item_scraped_count"] == 1
    assert "Run summary (stopped: closespider_pagecount)" in run.log


def test_ctrl_c_without_jobdir_writes_every_article_it_has_pages_of(tmp_path):
    site = tmp_path / "site"
    generate(site, ARTICLES, PAGES)
    server = ReplicaServer(site, delay=0.05)  # slow enough that the stop comes mid-crawl
    base = server.start()
    out = tmp_path / "out.jsonl"
    try:
        crawl = RunningCrawl("-a", f"start_url={base}/", "-s", "STATE_FILE=", "-s", "CONCURRENT_REQUESTS=2",
                             "-s", "LOGSTATS_INTERVAL=0.1", "-O", str(out))

        def fetched() -> int:
            counts = re.findall(r"; (\d+) pages fetched", crawl.log)
            return int(counts[-1]) if counts else 0

        crawl.wait_until(lambda: fetched() >= 12, "12 pages fetched")
        crawl.process.send_signal(signal.SIGINT)
        assert crawl.finish() == 0, crawl.log[-3000:]
    finally:
        server.stop()
    log = crawl.log
    assert "Traceback" not in log
    assert "Stopping (SIGINT)" in log and "Run summary (stopped: SIGINT)" in log
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert 0 < len(records) < ARTICLES
    assert any(not r["complete"] for r in records)
    for record in records:
        assert record["page_count"] == PAGES and len(record["page_urls"]) == PAGES
        assert record["complete"] == (not record["missing_pages"])
    stats = {k: int(v) for k, v in re.findall(r"'([^']+)': (\d+)[,}]?$", log, re.MULTILINE)}
    # Every article page fetched is in a written article; every page not fetched is counted.
    written = sum(r["page_count"] - len(r["missing_pages"]) for r in records)
    assert written == stats["pages/article"]
    assert stats["pages/not_fetched"] > 0
