"""A pipeline after the merge that fails on an article, or a feed that fails to upload at the end: the articles are
not marked written, the run says so, and the next run writes them."""

import json
import subprocess
import sys

from crawler import settings as project_settings
from tests.conftest import FAST, FIXTURE_SITE, ROOT, crawl_with_stats
from tests.expected import B, C

PIPELINES = json.dumps({**project_settings.ITEM_PIPELINES, "tests.recording.FailOncePipeline": 650})


def test_an_article_a_later_pipeline_fails_on_is_counted_the_run_exits_1_and_the_next_run_writes_it(tmp_path):
    failing = C
    settings = ["-s", f"ITEM_PIPELINES={PIPELINES}", "-s", f"FAIL_ONCE_URL={failing}",
                "-s", f"FAIL_ONCE_MARK={tmp_path / 'failed'}"]
    first = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "hometown", "-a", f"replay={FIXTURE_SITE}",
         "-s", f"STATE_FILE={tmp_path / 'state.sqlite'}", *FAST, *settings, "-O", str(tmp_path / "first.jsonl")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 1, first.stderr[-3000:]
    assert "'articles/failed_downstream': 1" in first.stderr
    assert "1 articles were not written: a pipeline failed on them" in first.stderr
    assert "articles not written here: a pipeline after the merge failed on them 1" in first.stderr
    written = [json.loads(line)["url"] for line in (tmp_path / "first.jsonl").read_text().splitlines()]
    assert failing not in written and B in written

    second = crawl_with_stats(tmp_path, "-a", f"replay={FIXTURE_SITE}", *settings, out_name="second.jsonl")
    assert [(r["url"], r["status"]) for r in second.records] == [(failing, "new")]


STORAGES = json.dumps({"uploading": "tests.recording.UploadAtClose", "failing": "tests.recording.UploadAtClose"})


def test_a_feed_that_fails_to_upload_at_the_end_leaves_the_run_s_articles_unknown_for_the_next_run(tmp_path):
    def run(feed: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "hometown", "-a", f"replay={FIXTURE_SITE}",
             "-s", f"STATE_FILE={tmp_path / 'state.sqlite'}", *FAST, "-s", f"FEED_STORAGES={STORAGES}", "-O", feed],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)

    failed = run(f"failing://{tmp_path / 'first.jsonl'}")
    assert failed.returncode == 1, failed.stderr[-3000:]
    assert "the upload was refused" in failed.stderr and not (tmp_path / "first.jsonl").exists()
    assert "articles are not recorded in the state: 1 feeds failed to store them at the end" in failed.stderr
    # The next run, whose upload goes through, writes them all as new; the state then knows them.
    uploaded = run(f"uploading://{tmp_path / 'second.jsonl'}")
    assert uploaded.returncode == 0, uploaded.stderr[-3000:]
    records = [json.loads(line) for line in (tmp_path / "second.jsonl").read_text().splitlines()]
    assert {B, C} <= {r["url"] for r in records} and {r["status"] for r in records} == {"new"}
    assert f"'articles/not_recorded': {len(records)}" in failed.stderr
    third = crawl_with_stats(tmp_path, "-a", f"replay={FIXTURE_SITE}", out_name="third.jsonl")
    assert third.records == [] and "articles/new" not in third.stats  # all known: nothing new to write
