"""Scheduled runs against a generated replica served on 127.0.0.1: only what is new or changed is emitted.

These runs use -a recheck=first: every listing page, and every known article through its first page (a
conditional request, or its hash). The default cycle (recheck=due) is tested in test_rerun.py.
"""

import shutil

import pytest

from crawler.storage.layout import url_to_path
from tests.conftest import crawl_with_stats
from tools.replica import HOST, Article, generate
from tools.server import ReplicaServer

ARTICLES, PAGES = 6, 6


def page_file(site, number: int, page: int):
    return site / url_to_path(f"http://{HOST}{Article(number, PAGES).url(page)}")


def by_path(records):
    return {r["url"].split("/", 3)[3]: r for r in records}


@pytest.fixture
def replica(tmp_path):
    site = tmp_path / "site"
    generate(site, ARTICLES, PAGES)
    server = ReplicaServer(site)
    yield site, server.start() + "/"
    server.stop()


def test_runs_emit_only_new_changed_and_completed_articles(tmp_path, replica):
    site, url = replica
    run = tmp_path / "runs"
    run.mkdir()

    def crawl(*args):
        return crawl_with_stats(run, "-a", f"start_url={url}", "-a", "recheck=first", *args)

    # Run 1: page 3 of article 2 cannot be had.
    missing = page_file(site, 2, 3)
    shutil.move(missing, tmp_path / "aside.html")
    records, stats, _ = crawl()
    assert len(records) == ARTICLES and {r["status"] for r in records} == {"new"}
    assert [r for r in records if not r["complete"]] == [r for r in records if r["missing_pages"] == [3]]
    assert stats["articles/new"] == ARTICLES and stats["articles/incomplete"] == 1

    # Run 2: the page is back. Only that article comes out, completed; the
    # others are checked through their first page alone.
    shutil.move(tmp_path / "aside.html", missing)
    records, stats, _ = crawl()
    assert [(r["status"], r["complete"], r["page_count"]) for r in records] == [("completed", True, PAGES)]
    assert records[0]["url"].endswith(Article(2, PAGES).url(1))
    assert stats["pages/skipped_known"] == (ARTICLES - 1) * (PAGES - 1)

    # Run 3: nothing changed. Nothing is written; only the listing, robots.txt,
    # /sitemap.xml (it names none; the replica has none) and the first page of
    # each article are fetched, and those answer 304.
    records, stats, _ = crawl()
    assert records == []
    assert stats["downloader/response_count"] == 1 + 1 + 1 + ARTICLES
    assert stats["downloader/response_status_count/304"] == ARTICLES
    assert stats["pages/skipped_known"] == ARTICLES * (PAGES - 1)

    # Run 4: the first page of article 4 changed on the server.
    first = page_file(site, 4, 1)
    html = first.read_text(encoding="utf-8")
    position = html.index("<p>&nbsp;&nbsp;&nbsp;&nbsp;") + len("<p>&nbsp;&nbsp;&nbsp;&nbsp;")
    first.write_text(html[:position] + "更正：" + html[position:], encoding="utf-8")
    records, _, _ = crawl()
    assert [r["status"] for r in records] == ["changed"]
    assert records[0]["url"].endswith(Article(4, PAGES).url(1))
    assert records[0]["text"].startswith("更正：")

    # Run 5: page 5 of article 1 changed. The first-page check cannot see it...
    fifth = page_file(site, 1, 5)
    html = fifth.read_text(encoding="utf-8")
    position = html.index("<p>&nbsp;&nbsp;&nbsp;&nbsp;") + len("<p>&nbsp;&nbsp;&nbsp;&nbsp;")
    fifth.write_text(html[:position] + "補充：" + html[position:], encoding="utf-8")
    records, _, _ = crawl()
    assert records == []
    # ...re-checking every page does, and emits that article alone.
    records, stats, _ = crawl("-a", "recheck=all")
    assert [r["status"] for r in records] == ["changed"]
    assert records[0]["url"].endswith(Article(1, PAGES).url(1)) and "補充：" in records[0]["text"]
    assert stats["articles/unchanged"] == ARTICLES - 1

    # full=1 writes every article, the unchanged ones marked so.
    records, _, _ = crawl("-a", "full=1")
    assert len(records) == ARTICLES and {r["status"] for r in records} == {"unchanged"}


def test_without_validators_the_first_page_is_compared_by_its_hash(tmp_path):
    site = tmp_path / "site"
    generate(site, 3, 4)
    server = ReplicaServer(site, validators=False)
    url = server.start() + "/"
    try:
        first, _, _ = crawl_with_stats(tmp_path, "-a", f"start_url={url}", "-a", "recheck=first")
        again, stats, _ = crawl_with_stats(tmp_path, "-a", f"start_url={url}", "-a", "recheck=first")
    finally:
        server.stop()
    assert len(first) == 3 and again == []
    assert "downloader/response_status_count/304" not in stats
    assert stats["articles/unchanged_first_page"] == 3 and stats["pages/skipped_known"] == 3 * 3
