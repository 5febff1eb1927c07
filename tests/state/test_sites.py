"""One state file, two sites: a crawl re-checks only its own site's articles."""

from tests.conftest import FIXTURE_SITE, SITE_HOST, crawl_with_stats
from tests.servers import CountingServer
from tools.replica import generate
from tools.server import ReplicaServer


def test_a_crawl_of_another_site_in_the_same_folder_sends_nothing_to_the_first_and_writes_nothing_of_it(tmp_path):
    first = CountingServer(FIXTURE_SITE, SITE_HOST)
    generate(tmp_path / "other", 6, 2)
    other = ReplicaServer(tmp_path / "other")
    try:
        first_url, other_url = first.start(), other.start().replace("127.0.0.1", "localhost")
        known = crawl_with_stats(tmp_path, "-a", f"start_url={first_url}/", out_name="first.jsonl")
        assert [r["url"] for r in known.records if not r["complete"]] == [f"{first_url}/html/2023/0705/4540.html"]
        asked = first.requests

        second = crawl_with_stats(tmp_path, "-a", f"start_url={other_url}/", out_name="second.jsonl")
        assert first.requests == asked
        # The first site's incomplete article is not this crawl's to re-check: not even asked for (and left to
        # Scrapy's offsite filter), as the summary's "0 due from the state file" says.
        assert second.stats["articles/recheck_due"] == 0 and "offsite/filtered" not in second.stats
        assert len(second.records) == 6
        assert all(r["url"].startswith(f"{other_url}/") for r in second.records)
    finally:
        first.stop()
        other.stop()
