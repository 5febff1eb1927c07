"""The merge step on pages made by hand: order, joins, missing pages, when an article is whole."""

from crawler.items import PageContent, PageItem
from crawler.merge.stores import MemoryPageStore, build_article, is_whole

U = "http://site.test/a"


def page(n, paragraphs, links=(), last=False, failed=None):
    others = {m: f"{U}_{m}.html" for m in links}
    return PageItem(article_url=f"{U}_1.html", page_number=n, url=f"{U}_{n}.html",
                    content=PageContent(title="標題", paragraphs=paragraphs), others=others, is_last=last,
                    failed=failed)


def test_pages_arriving_in_any_order_are_merged_in_page_order():
    store = MemoryPageStore()
    arrivals = [page(3, ["丙。"], (1, 2), last=True), page(1, ["甲。"], (2, 3)), page(2, ["乙。"], (1, 3))]
    taken = [store.add(p) for p in arrivals]
    assert taken[:2] == [None, None]
    article = build_article(taken[2])
    assert article.text == "甲。\n乙。\n丙。"
    assert article.page_count == 3 and article.complete and article.missing_pages == []
    assert article.page_urls == [f"{U}_1.html", f"{U}_2.html", f"{U}_3.html"]
    assert store.article_urls() == []


def test_paragraph_cut_by_a_page_break_is_joined_again():
    pages = {1: page(1, ["第一段。", "尤其是“老舊小危”的"], (2,)), 2: page(2, ["問題比較突出。", "第三段。"], (1,), last=True)}
    assert build_article(pages).text == "第一段。\n尤其是“老舊小危”的問題比較突出。\n第三段。"


def test_paragraph_ending_a_sentence_is_not_joined():
    pages = {1: page(1, ["第一段。"], (2,)), 2: page(2, ["第二段。"], (1,), last=True)}
    assert build_article(pages).text == "第一段。\n第二段。"


def test_no_join_across_a_missing_page():
    pages = {1: page(1, ["未完的"], (2, 3)), 2: page(2, [], failed="HTTP 404"), 3: page(3, ["另一段"], (1, 2), last=True)}
    assert is_whole(pages)
    article = build_article(pages)
    assert article.text == "未完的\n另一段"
    assert not article.complete and article.missing_pages == [2] and article.page_count == 3


def test_window_of_page_numbers_keeps_the_article_open_until_the_last_page():
    # Pages 1-3 show links only up to 4; page 4 shows 5; nothing says 5 is the last until it comes.
    pages = {1: page(1, ["一"], (2, 3)), 2: page(2, ["二"], (1, 3)), 3: page(3, ["三"], (2, 4))}
    assert not is_whole(pages)
    pages[4] = page(4, ["四"], (3, 5))
    assert not is_whole(pages)
    pages[5] = page(5, ["五"], (3, 4), last=True)
    assert is_whole(pages)


def test_failed_last_known_page_closes_the_article():
    pages = {1: page(1, ["一。"], (2,)), 2: page(2, [], failed="timeout")}
    assert is_whole(pages)
    assert build_article(pages).missing_pages == [2]


def test_first_page_failed_title_comes_from_the_next():
    pages = {1: page(1, [], failed="HTTP 500"), 2: page(2, ["二。"], (1,), last=True)}
    article = build_article(pages)
    assert article.title == "標題" and article.missing_pages == [1] and article.text == "二。"


def test_same_page_twice_is_kept_once():
    store = MemoryPageStore()
    store.keep(page(1, ["一。"], (2,)))
    pages = store.keep(page(1, ["一。"], (2,)))
    assert len(pages) == 1


def test_a_page_after_its_article_was_taken_is_late():
    import pytest

    from crawler.merge.stores import LatePage

    store = MemoryPageStore()
    assert store.add(page(1, ["一。"], (2,))) is None
    assert set(store.add(page(2, ["二。"], (1,), last=True))) == {1, 2}
    with pytest.raises(LatePage):
        store.add(page(2, ["二。"], (1,), last=True))


def test_pages_waiting_on_disk_survive_the_process(tmp_path):
    from crawler.merge.stores import DiskPageStore

    store = DiskPageStore(tmp_path / "merge.sqlite")
    assert store.add(page(1, ["甲。"], (2, 3))) is None
    assert store.add(page(3, ["丙。"], (1, 2), last=True)) is None
    store.close()

    resumed = DiskPageStore(tmp_path / "merge.sqlite")  # the crawl resumed with the same JOBDIR
    assert resumed.article_urls() == [f"{U}_1.html"]
    article = build_article(resumed.add(page(2, ["乙。"], (1, 3))))
    assert article.text == "甲。\n乙。\n丙。" and article.complete
    assert resumed.was_written(f"{U}_1.html") and resumed.article_urls() == []
    resumed.close()

    # Killed before the article reached the feed: the next part of the crawl has its pages again.
    again = DiskPageStore(tmp_path / "merge.sqlite")
    assert again.article_urls() == [f"{U}_1.html"] and not again.was_written(f"{U}_1.html")
    assert build_article(again.take(f"{U}_1.html")).text == "甲。\n乙。\n丙。"
    again.written(f"{U}_1.html")
    again.close()
    last = DiskPageStore(tmp_path / "merge.sqlite")
    assert last.article_urls() == [] and last.was_written(f"{U}_1.html")
