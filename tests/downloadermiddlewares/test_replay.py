"""The replay layout: which file a URL is saved under, and that no URL reads outside the folder."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.storage.folder import FolderStorage
from crawler.storage.layout import MAX_NAME_BYTES, saved_file, saved_url, url_to_path


@pytest.mark.parametrize(
    "url, path",
    [
        ("http://www.xiangtianlong.com/", "www.xiangtianlong.com/index.html"),
        ("http://www.xiangtianlong.com", "www.xiangtianlong.com/index.html"),
        ("http://www.xiangtianlong.com/news/", "www.xiangtianlong.com/news/index.html"),
        ("http://www.xiangtianlong.com/html/2023/0628/4521_6.html", "www.xiangtianlong.com/html/2023/0628/4521_6.html"),
        ("http://www.xiangtianlong.com/plus/view.php?aid=4550&pageno=2", "www.xiangtianlong.com/plus/view.php@aid=4550&pageno=2"),
        ("http://www.xiangtianlong.com/list/?page=2", "www.xiangtianlong.com/list/index.html@page=2"),
        ("http://www.xiangtianlong.com/a?next=/b/c", "www.xiangtianlong.com/a@next=%2Fb%2Fc"),
        ("http://WWW.XiangTianLong.com:8080/a.html", "www.xiangtianlong.com+8080/a.html"),
        ("http://www.xiangtianlong.com/%E6%96%B0%E8%81%9E/1.html", "www.xiangtianlong.com/新聞/1.html"),
        ("http://h.test/../../etc/passwd", "h.test/etc/passwd"),
        ("http://h.test/a/%2e%2e/%2e%2e/%2e%2e/b", "h.test/b"),
        ("http://h.test/a\\..\\..\\b", "h.test/b"),
    ],
)
def test_url_to_path(url, path):
    assert str(url_to_path(url)) == path


def test_source_never_reads_outside_its_folder(tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    site = tmp_path / "site"
    (site / "h.test").mkdir(parents=True)
    (site / "h.test" / "index.html").write_text("<html>yes</html>")
    storage = FolderStorage(site)
    assert storage.retrieve("http://h.test/").body == b"<html>yes</html>"
    assert storage.retrieve("http://h.test/../secret.txt") is None
    assert storage.retrieve("http://h.test/%2e%2e/%2e%2e/secret.txt") is None
    assert storage.retrieve("http://h.test/missing.html") is None


# --- path safety: no URL from the site writes outside the mirror, or onto another URL's file ----

WINDOWS_FORBIDDEN = set('<>:"|?*\\') | {chr(c) for c in range(32)}
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def assert_safe(relative):
    for name in relative.parts:
        assert name not in ("", ".", "..")
        assert not WINDOWS_FORBIDDEN & set(name), name
        assert name.split(".")[0].lower() not in RESERVED, name
        assert not name.endswith((".", " ")), name
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES, name


@pytest.mark.parametrize(
    "url, path",
    [
        ("http://h.test/CON", "h.test/%43ON"),
        ("http://h.test/nul.html", "h.test/%6Eul.html"),
        ("http://h.test/a/Com1.txt", "h.test/a/%43om1.txt"),
        ("http://h.test/name.", "h.test/name%2E"),
        ("http://h.test/a%3Ab%7Cc%3F*", "h.test/a%3Ab%7Cc%3F%2A"),
        ("http://h.test/%2Fetc%2Fpasswd", "h.test/etc/passwd"),
        ("http://h.test//etc/passwd", "h.test/etc/passwd"),
        ("http://h.test/100%25.html", "h.test/100%25.html"),
        ("http://h.test/a@b.html", "h.test/a%40b.html"),
        ("http://h.test/a.html?x@y", "h.test/a.html@x%40y"),
    ],
)
def test_unsafe_names_are_escaped(url, path):
    assert str(url_to_path(url)) == path


def test_urls_differing_only_by_query_have_distinct_files():
    urls = [f"http://h.test/view.php?{q}" for q in ("", "aid=1", "aid=2", "aid=1&p=2", "aid=1/2", "aid=1%2F2")]
    paths = {str(url_to_path(u)) for u in urls}
    assert len(paths) == len(urls)


def test_very_long_names_are_cut_and_stay_distinct():
    a, b = "http://h.test/" + "長" * 300 + "a.html", "http://h.test/" + "長" * 300 + "b.html"
    assert url_to_path(a) != url_to_path(b)
    assert_safe(url_to_path(a))


def test_a_name_that_is_also_a_folder_is_its_index(tmp_path):
    (tmp_path / "h.test" / "news").mkdir(parents=True)
    root = tmp_path.resolve()
    assert saved_file(root, "http://h.test/news") == root / "h.test" / "news" / "index.html"


segment = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.lists(segment, min_size=1, max_size=5), st.none() | st.text(max_size=40))
def test_any_url_maps_inside_the_folder_to_a_safe_name(tmp_path_factory, segments, query):
    from urllib.parse import quote

    url = "http://h.test/" + "/".join(quote(s, safe="") for s in segments) + (f"?{quote(query)}" if query else "")
    relative = url_to_path(url)
    assert_safe(relative)
    root = tmp_path_factory.getbasetemp().resolve()
    path = saved_file(root, url)
    assert os.path.normpath(path) == str(path) and path.is_relative_to(root)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(segment.filter(lambda s: s not in (".", "..") and not {"/", "\\"} & set(s)),
                         min_size=1, max_size=3), min_size=2, max_size=6, unique_by=lambda s: tuple(s)))
def test_distinct_urls_never_share_a_file(paths):
    # Distinct paths, that is: "/a/../b" is "/b", and an escaped "/" or "\\" separates as the plain one does.
    from urllib.parse import quote

    urls = ["http://h.test/" + "/".join(quote(s, safe="") for s in p) for p in paths]
    assert len({url_to_path(u) for u in urls}) == len(urls)


def test_urls_a_server_reads_alike_share_a_file_and_no_others_do():
    # The rule of crawler/storage/layout.py: same host and port, same query, same path as a server reads it.
    alike = ["http://h.test/a/b", "http://h.test/a%2Fb", "http://h.test/a//b", "http://h.test/a/./b",
             "http://h.test/x/../a/b", "http://H.TEST:80/a/b", "http://h.test/a\\b"]
    assert {url_to_path(u) for u in alike} == {url_to_path("http://h.test/a/b")}
    assert url_to_path("http://h.test/news/") == url_to_path("http://h.test/news/index.html")
    different = ["http://h.test/a/b", "http://h.test/a/b?x=1", "http://h.test/a/b/", "http://h.test:8080/a/b",
                 "http://h.test/a%252Fb", "http://h.test/A/b"]
    assert len({url_to_path(u) for u in different}) == len(different)


def test_a_warc_of_2000_pages_is_opened_once_and_gives_back_every_page(tmp_path, monkeypatch):
    from pathlib import Path

    from scrapy.http import HtmlResponse, Request

    from crawler.storage.formats import open_storage
    from crawler.storage.warc import WarcStorage

    path = tmp_path / "crawl.warc.gz"
    writer = WarcStorage(path)
    pages = {f"http://h.test/a/{n}.html": f"<html><body><p>第{n}頁</p></body></html>".encode() for n in range(2000)}
    for url, body in pages.items():
        writer.store(Request(url), HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"}))
    writer.close()

    opened = []
    path_open = Path.open

    def counting_open(self, *args, **kwargs):
        if self == path:
            opened.append(args)
        return path_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)  # undone after the test, unlike an audit hook
    storage = open_storage(path)
    for url, body in pages.items():
        saved = storage.retrieve(url)
        assert saved.status == 200 and saved.body == body
    assert storage.retrieve("http://h.test/missing.html") is None
    storage.close()
    assert len(opened) == 1


def test_a_saved_file_knows_its_url_whatever_dots_the_folders_around_it_hold(tmp_path):
    checkout = tmp_path / "my.checkout"  # a dot above the saved site, as in /tmp/tmp.x1Y or ~/my.project,
    (checkout / "docs").mkdir(parents=True)
    (tmp_path / "notes").mkdir()  # among other folders, as a checkout is
    page = checkout / "saved" / "www.portal.test" / "news" / "v1.2" / "a.html"  # and one in the page's path
    page.parent.mkdir(parents=True)
    page.write_text("<html></html>")
    assert saved_url(page) == "http://www.portal.test/news/v1.2/a.html"
    (checkout / "saved" / "www.portal.test+8080").mkdir()
    port = checkout / "saved" / "www.portal.test+8080" / "index.html"
    port.write_text("<html></html>")
    assert saved_url(port) == "http://www.portal.test:8080/"
    assert saved_url(checkout / "docs").startswith("file://")
