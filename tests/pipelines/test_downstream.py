"""A pipeline after the merge that fails on an article: the article is not marked written, the run says so, and
the next run writes it."""

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
    written = [json.loads(line)["url"] for line in (tmp_path / "first.jsonl").read_text().splitlines()]
    assert failing not in written and B in written

    second = crawl_with_stats(tmp_path, "-a", f"replay={FIXTURE_SITE}", *settings, out_name="second.jsonl")
    assert [(r["url"], r["status"]) for r in second.records] == [(failing, "new")]
