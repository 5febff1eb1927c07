"""The article walk on its own, no crawl running: page numbers, walking back to page 1, loops, the page limit."""

from crawler.page.pagebar import PageBar
from crawler.spiders.walk import (
    ARTICLE_PAGE,
    ITEM,
    LINK,
    LISTING_PAGE,
    LostPage,
    Trail,
    article_key,
    walk_failure,
    walk_page,
)

A = "http://site.test/a"


def url(n: int) -> str:
    return f"{A}.html" if n == 1 else f"{A}_{n}.html"


def bar(current, numbers, total=None, prev=True, next_=True):
    """A bar showing ``numbers`` (current among them) with 上一頁/下一頁 where there are such pages."""
    numbered = {n: url(n) for n in numbers if n != current}
    return PageBar(current=current, total=total, numbered=numbered,
                   prev_url=url(current - 1) if prev and current > 1 else None,
                   next_url=url(current + 1) if next_ else None)


def test_first_page_is_filed_under_itself_and_asks_for_every_other_page():
    step = walk_page(url(1), bar(1, [1, 2, 3]), Trail(ITEM), max_pages=500)
    assert (step.filed.article_url, step.filed.number, step.filed.is_last) == (url(1), 1, False)
    assert step.filed.others == {2: url(2), 3: url(3)}
    assert [(f.url, f.trail.article_url, f.trail.page_number) for f in step.follow] == [
        (url(2), url(1), 2), (url(3), url(1), 3)]
    assert not step.loop and step.cut == 0 and step.lost == []


def test_a_page_does_not_ask_again_for_pages_its_chain_asked_for():
    first = walk_page(url(1), bar(1, [1, 2, 3]), Trail(ITEM), max_pages=500)
    second = walk_page(url(2), bar(2, [1, 2, 3]), first.follow[0].trail, max_pages=500)
    assert second.filed.article_url == url(1) and second.filed.number == 2
    assert second.follow == []  # pages 1 and 3 were asked for by page 1


def test_last_page_without_next_is_last():
    step = walk_page(url(3), bar(3, [1, 2, 3], next_=False), Trail(ARTICLE_PAGE, url(1), 3), max_pages=500)
    assert step.filed.is_last and step.filed.number == 3


def test_walk_back_from_a_page_whose_bar_does_not_reach_page_one():
    # Page 9 of a window 5..9: page 1 is not named, so walk back through 上一頁, page 9 waiting.
    step = walk_page(url(9), bar(9, [5, 6, 7, 8, 9], next_=False), Trail(LINK), max_pages=500)
    assert step.filed is None
    [back] = step.follow
    assert back.url == url(8) and back.trail.page_number == 8 and back.trail.waiting == (url(9),)
    # Page 8's bar does not reach page 1 either: the walk goes on, both waiting.
    step = walk_page(url(8), bar(8, [4, 5, 6, 7, 8]), back.trail, max_pages=500)
    assert step.filed is None and step.follow[0].trail.waiting == (url(9), url(8))
    # Page 4 names page 1: it is filed, its article known, and the waiting pages fetched again.
    step = walk_page(url(4), bar(4, [1, 2, 3, 4, 5]), Trail(ARTICLE_PAGE, None, 4, (url(9), url(8))), max_pages=500)
    assert step.filed.article_url == url(1) and step.filed.number == 4
    again = [f for f in step.follow if f.again]
    assert [(f.url, f.trail.article_url) for f in again] == [(url(9), url(1)), (url(8), url(1))]


def test_a_next_link_back_to_an_earlier_page_is_a_loop_not_a_new_page():
    loop = PageBar(current=3, numbered={1: url(1), 2: url(2)}, prev_url=url(2), next_url=url(1))
    step = walk_page(url(3), loop, Trail(ARTICLE_PAGE, url(1), 3), max_pages=500)
    assert step.loop
    assert step.filed.is_last and step.filed.others == {1: url(1), 2: url(2)}


def test_the_page_limit_cuts_an_endless_next():
    step = walk_page(url(5), bar(5, [4, 5]), Trail(ARTICLE_PAGE, url(1), 5), max_pages=5)
    assert step.cut == 1  # page 6, beyond the limit
    assert step.filed.number == 5 and step.filed.is_last and 6 not in step.filed.others
    assert all(f.trail.page_number != 6 for f in step.follow)


def test_the_page_limit_counts_pages_a_total_announces():
    step = walk_page(url(5), bar(5, [4, 5], total=12), Trail(ARTICLE_PAGE, url(1), 5), max_pages=5)
    assert step.cut == 7 and step.filed.total == 5


def test_a_page_beyond_the_limit_is_not_filed():
    step = walk_page(url(7), bar(7, [6, 7]), Trail(LINK), max_pages=5)
    assert step.filed is None and step.follow == [] and step.cut == 1


def test_a_broken_walk_back_files_the_article_under_the_first_page_reached():
    trail = Trail(ARTICLE_PAGE, None, 3, waiting=(url(5), url(4)))
    step = walk_failure(url(3), "HTTP 404", trail)
    assert step.filed is None and step.lost == []
    assert [(f.url, f.trail.article_url, f.again) for f in step.follow] == [(url(5), url(5), True), (url(4), url(5), True)]
    # The lost page rides with the first waiting page and is filed once that page is.
    assert step.follow[0].trail.lost == (LostPage(3, url(3), "HTTP 404"),) and step.follow[1].trail.lost == ()
    filed = walk_page(url(5), bar(5, [4, 5], next_=False), step.follow[0].trail, max_pages=500)
    assert filed.filed.article_url == url(5)
    assert filed.lost == [(url(5), LostPage(3, url(3), "HTTP 404"))]


def test_a_failed_article_link_is_a_missing_first_page_and_a_failed_listing_is_nothing():
    step = walk_failure(url(1), "HTTP 500", Trail(ITEM))
    assert step.lost == [(url(1), LostPage(1, url(1), "HTTP 500"))]
    step = walk_failure(url(2), "timeout", Trail(ARTICLE_PAGE, url(1), 2))
    assert step.lost == [(url(1), LostPage(2, url(2), "timeout"))]
    assert walk_failure("http://site.test/list_2.html", "HTTP 500", Trail(LISTING_PAGE)).lost == []
    assert walk_failure("http://site.test/about.html", "HTTP 500", Trail(LINK)).lost == []


def test_canonical_url_is_the_key_only_when_it_names_this_page_elsewhere_on_the_site():
    dynamic = "http://site.test/view.php?aid=7"
    static = "http://site.test/html/7.html"
    domains = ["site.test"]
    assert article_key(dynamic, static, None, Trail(ITEM), domains) == static
    assert article_key(static, static, None, Trail(ITEM), domains) == static
    # http/https and www/bare name the same page.
    assert article_key(static, "https://www.site.test/html/7.html", None, Trail(ITEM), domains) == static
    # Not trusted: off the site, the home page, or another page of the same article.
    assert article_key(dynamic, "http://other.test/7.html", None, Trail(ITEM), domains) == dynamic
    assert article_key(dynamic, "http://site.test/", None, Trail(ITEM), domains) == dynamic
    assert article_key(url(2), url(1), bar(2, [1, 2, 3]), Trail(ARTICLE_PAGE, url(1), 2), domains) == url(2)
