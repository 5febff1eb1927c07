"""A scheduled re-run costs what is new: listings walked newest first stop at the known, known articles are
re-checked on a cycle, and every new article is still found."""

import re
import sqlite3

import pytest

from crawler.storage.layout import url_to_path
from tests.conftest import crawl_with_stats
from tools.replica import HOST, Article, generate, listing_url
from tools.server import ReplicaServer

ARTICLES, PAGES, PER_LISTING = 300, 2, 20
SMALL = (300, 900)  # bytes of text a page: small pages, a quick crawl


def page_file(site, number: int, page: int = 1):
    return site / url_to_path(f"http://{HOST}{Article(number, PAGES).url(page)}")


def edit_text(site, number: int, page: int, mark: str) -> None:
    path = page_file(site, number, page)
    html = path.read_text(encoding="utf-8")
    at = html.index("<p>&nbsp;&nbsp;&nbsp;&nbsp;") + len("<p>&nbsp;&nbsp;&nbsp;&nbsp;")
    path.write_text(html[:at] + mark + html[at:], encoding="utf-8")


def age_state(state, days: float = 2) -> None:
    """The clock moved on: every check in the state file happened ``days`` earlier."""
    db = sqlite3.connect(state)
    earlier = f"replace(datetime({{}}, '-{days} days'), ' ', 'T') || '+00:00'"
    db.execute(f"UPDATE articles SET last_checked = {earlier.format('last_checked')}")
    db.execute(f"UPDATE listings SET last_fetched = {earlier.format('last_fetched')}")
    db.commit()
    db.close()


def requests(stats) -> int:
    return stats.get("downloader/request_count", 0)


def path_of(record) -> str:
    return "/" + record["url"].split("/", 3)[3]


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    generate(root, ARTICLES, PAGES, per_listing=PER_LISTING, page_bytes=SMALL, newest_first=True)
    server = ReplicaServer(root)
    yield root, server.start() + "/", tmp_path / "runs"
    server.stop()


def test_a_rerun_fetches_what_is_new_and_rechecks_on_a_cycle(site):
    root, url, runs = site
    runs.mkdir()

    def crawl(*args):
        return crawl_with_stats(runs, "-a", f"start_url={url}", *args)

    # Run 1: everything is new.
    first = crawl()
    assert len(first.records) == ARTICLES and {r["status"] for r in first.records} == {"new"}
    assert first.stats["pages/listing"] == ARTICLES // PER_LISTING

    # Run 2: nothing changed. The first listing page holds only known articles: the walk stops there.
    second = crawl()
    assert second.records == []
    assert requests(second.stats) <= 5, second.stats  # robots.txt and the first listing page
    assert second.stats["listings/stopped"] == 1 and second.stats["articles/skipped_recent"] == PER_LISTING
    assert "listing walk: 1 listing pages fetched, stopped at" in second.log

    # Three articles published at the top push the oldest of page 1 onto page 2.
    generate(root, ARTICLES + 3, PAGES, per_listing=PER_LISTING, page_bytes=SMALL, newest_first=True)
    third = crawl()
    new = [Article(n, PAGES).url(1) for n in range(ARTICLES, ARTICLES + 3)]
    assert sorted(path_of(r) for r in third.records) == sorted(new)
    assert {r["status"] for r in third.records} == {"new"}
    assert requests(third.stats) <= 5 + 3 * PAGES, third.stats
    assert third.stats["pages/listing"] == 2  # page 1 had new articles; page 2 only known ones

    # An article on listing page 1 changes: within RECHECK_AFTER the default run does not look at it...
    edit_text(root, ARTICLES - 5, 1, "更正：")
    assert crawl().records == []
    # ...-a recheck=first does, at once.
    rechecked = crawl("-a", "recheck=first")
    assert [(path_of(r), r["status"]) for r in rechecked.records] == [
        (Article(ARTICLES - 5, PAGES).url(1), "changed")]

    # Another one changes, and a deep one (listing page 10): the default run finds them once RECHECK_AFTER passed.
    edit_text(root, ARTICLES - 6, 1, "補充：")
    edit_text(root, 100, 1, "補充：")
    assert crawl().records == []
    age_state(runs / "state.sqlite")
    due = crawl()
    assert sorted((path_of(r), r["status"]) for r in due.records) == sorted(
        [(Article(ARTICLES - 6, PAGES).url(1), "changed"), (Article(100, PAGES).url(1), "changed")])
    assert due.stats["articles/recheck_due"] == ARTICLES + 3
    assert due.stats["pages/listing"] == 16, "\n".join(l for l in due.log.splitlines() if "list" in l)  # listings too are walked in full once RECHECK_AFTER passed

    # A new title on the listing (and the page): the very next run re-checks that article and writes it.
    listing, article = root / url_to_path(f"http://{HOST}/"), page_file(root, ARTICLES - 8)
    for path in (listing, article):
        path.write_text(path.read_text(encoding="utf-8").replace("（292）", "（292·更新）"), encoding="utf-8")
    retitled = crawl()
    assert [(path_of(r), r["status"], r["title"].endswith("（292·更新）")) for r in retitled.records] == [
        (Article(ARTICLES - 8, PAGES).url(1), "changed", True)]


def test_an_incomplete_article_is_fetched_again_until_it_is_complete(site):
    root, url, runs = site
    runs.mkdir()
    aside = runs.parent / "aside.html"
    page_file(root, 40, 2).rename(aside)
    first = crawl_with_stats(runs, "-a", f"start_url={url}")
    [incomplete] = [r for r in first.records if not r["complete"]]
    assert incomplete["missing_pages"] == [2]
    aside.rename(page_file(root, 40, 2))
    again = crawl_with_stats(runs, "-a", f"start_url={url}")
    assert [(r["url"], r["status"], r["complete"]) for r in again.records] == [(incomplete["url"], "completed", True)]


def test_a_listing_oldest_first_still_gives_every_new_article(tmp_path):
    root = tmp_path / "site"
    generate(root, 100, PAGES, per_listing=PER_LISTING, page_bytes=SMALL)  # oldest first: new ones at the end
    server = ReplicaServer(root)
    url = server.start() + "/"
    try:
        first = crawl_with_stats(tmp_path, "-a", f"start_url={url}")
        generate(root, 103, PAGES, per_listing=PER_LISTING, page_bytes=SMALL)
        second = crawl_with_stats(tmp_path, "-a", f"start_url={url}")
    finally:
        server.stop()
    assert len(first.records) == 100
    assert sorted(path_of(r) for r in second.records) == sorted(Article(n, PAGES).url(1) for n in range(100, 103))
    assert second.stats["listings/not_newest_first"] == 1
    assert "is not ordered newest first" in second.log


def test_a_listing_without_dates_not_newest_first_gives_new_articles_within_recheck_after(tmp_path):
    """Without dates the order cannot be seen: the walk stops at the known, and walks on once RECHECK_AFTER passed."""
    root, runs = tmp_path / "site", tmp_path / "runs"
    runs.mkdir()

    def publish(articles: int) -> None:
        generate(root, articles, PAGES, per_listing=PER_LISTING, page_bytes=SMALL)  # oldest first
        for number in range(1, -(-articles // PER_LISTING) + 1):
            listing = root / url_to_path(f"http://{HOST}{listing_url(number)}")
            html = listing.read_text(encoding="utf-8")
            assert '<span class="date">' in html
            listing.write_text(re.sub(r'<span class="date">[^<]*</span>', "", html), encoding="utf-8")

    publish(100)
    server = ReplicaServer(root)
    url = server.start() + "/"
    try:
        first = crawl_with_stats(runs, "-a", f"start_url={url}")
        publish(103)  # the new ones at the end of the last listing page
        second = crawl_with_stats(runs, "-a", f"start_url={url}")
        age_state(runs / "state.sqlite")
        third = crawl_with_stats(runs, "-a", f"start_url={url}")
    finally:
        server.stop()
    assert len(first.records) == 100
    assert second.records == [] and second.stats["listings/stopped"] == 1  # the miss the README owns up to
    assert sorted(path_of(r) for r in third.records) == sorted(Article(n, PAGES).url(1) for n in range(100, 103))
    assert third.stats["listings/walked_due"] == 5  # pages 2 to 6 (page 6 is new: 103 articles need 6)
