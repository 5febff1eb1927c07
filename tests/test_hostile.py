"""The hostile replica: errors, traps, encodings and bad links never lose a page, and the crawl ends by itself."""

import json

import pytest

from tests.conftest import crawl_with_stats
from tools.hostile import HostileServer, generate_hostile

PAGE_LIMIT = 350  # above the 300-page article, below the trap's endless pages
TIMEOUT = 1  # seconds; the server's slow page takes 5


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    generate_hostile(root)
    expected = json.loads((root / "hostile.json").read_text(encoding="utf-8"))["expected"]
    server = HostileServer(root)
    base = server.start()
    run = crawl_with_stats(
        root, "-a", f"start_url={base}/", "-s", f"MAX_ARTICLE_PAGES={PAGE_LIMIT}", "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    )
    server.stop()
    records = {r["url"][len(base):]: r for r in run.records}
    yield expected, records, run


def test_the_crawl_ends_by_itself_with_no_unhandled_error(hostile):
    _, _, run = hostile  # crawl_with_stats has checked the exit status and that no traceback was logged
    assert "Spider closed (finished)" in run.log
    assert "Unhandled" not in run.log and "never awaited" not in run.log


def test_every_article_has_its_pages_and_text(hostile):
    expected, records, _ = hostile
    assert set(records) == set(expected)
    for url, want in expected.items():
        record = records[url]
        assert record["missing_pages"] == want["missing"], url
        assert record["complete"] == (not want["missing"]), url
        if want["pages"] is not None:
            assert record["page_count"] == want["pages"], url
        if want["text"] is not None:
            assert record["text"] == want["text"], url


def test_retried_failures_are_recovered(hostile):
    _, records, run = hostile
    assert records["/hostile/flaky.html"]["complete"]
    assert run.stats["retry/reason_count/500 Internal Server Error"] >= 1
    assert run.stats["retry/reason_count/503 Service Unavailable"] == 1


def test_every_encoding_decodes_to_the_source_text(hostile):
    expected, records, _ = hostile
    for name in ("gbk_meta", "utf8_header_gbk_body", "no_charset", "bom"):
        url = f"/hostile/{name}.html"
        assert records[url]["text"] == expected[url]["text"], name
        assert records[url]["title"] == expected[url]["title"], name


def test_the_trap_is_cut_at_the_page_limit(hostile):
    _, records, run = hostile
    assert records["/hostile/trap_1.html"]["page_count"] == PAGE_LIMIT
    assert run.stats["skipped/page_limit"] == 1


def test_every_page_discovered_is_in_exactly_one_place(hostile):
    expected, records, run = hostile
    # Pages the site links to: every article's pages, the trap's pages up to the
    # limit and the one after it, page 3's 下一頁 back to page 1, and the link
    # off the site on the listing.
    discovered = sum(want["pages"] or PAGE_LIMIT + 1 for want in expected.values()) + 1 + 1
    written = sum(r["page_count"] - len(r["missing_pages"]) for r in records.values())
    missing = sum(len(r["missing_pages"]) for r in records.values())
    skipped = run.stats["skipped/page_limit"] + run.stats["skipped/loop"] + run.stats["offsite/filtered"]
    assert written + missing + skipped == discovered
    assert written == run.stats["pages/article"]
    assert missing == run.stats["pages/failed"]


def test_a_page_over_the_size_limit_is_recorded_missing(tmp_path_factory):
    root = tmp_path_factory.mktemp("too-large")
    generate_hostile(root)
    server = HostileServer(root)
    base = server.start()
    try:
        run = crawl_with_stats(root, "-a", f"start_url={base}/", "-s", f"MAX_ARTICLE_PAGES={PAGE_LIMIT}",
                               "-s", f"DOWNLOAD_TIMEOUT={TIMEOUT}", "-s", "DOWNLOAD_MAXSIZE=5000000")
    finally:
        server.stop()
    huge = next(r for r in run.records if r["url"] == f"{base}/hostile/huge.html")
    assert huge["missing_pages"] == [1] and not huge["complete"]
    assert "larger than download max size" in run.log
