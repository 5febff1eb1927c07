"""Which pages are articles, on a second markup family (fixtures/portal) and on every saved site: each
article once, whole, with its exact text, whatever mode or start URL; navigation never a record."""

import json
import subprocess
import sys

import pytest

from tests.conftest import FIXTURE_SITE, ROOT, SITE_HOST, crawl_with_stats
from tools.hostile import HostileServer, generate_hostile
from tools.server import ReplicaServer

PORTAL = ROOT / "fixtures" / "portal"
PORTAL_HOST = "www.portal.test"


def seed(n: int) -> str:
    """Line n of the seed page as cleaned by hand (fixtures/seed-page.clean.txt)."""
    return (ROOT / "fixtures" / "seed-page.clean.txt").read_text(encoding="utf-8").split("\n")[n - 1]


# The portal's articles, by path: title, pages, text, author, published. Written by hand
# from the pages: their lines are the seed page's, or written for the fixture.
ARTICLES = {
    "/show-2-101-1.html": ("通知", 1, ("因城區供電線路檢修,3月9日(星期六)8時至12時,東風路、新江路部分路段將暫停供電。\n"
                                       "請沿線居民和商戶提前做好準備,由此帶來的不便,敬請諒解。"), "林小梅", "2024-03-08T16:20"),
    "/show-2-102-1.html": ("黃志強", 2, "\n".join([seed(19), seed(20), seed(21)]), "胡斌", "2024-03-07T10:05"),
    "/show-2-103-1.html": ("漁港新貌", 3, "\n".join(seed(n) for n in range(22, 27)), "謝金利", "2024-03-06T08:45"),
    "/show-2-104-1.html": ("陽東區開啟“六課堂六進”學習模式", 3,
                           "\n".join(["連日來,陽東區組織黨員幹部開啟“六課堂六進”學習模式。", *(seed(n) for n in range(5, 11))]),
                           "簡盈盈", "2024-03-06T11:30"),
    "/show-2-105-1.html": ("公告", 1, "陽江門戶網將於3月2日0時至6時進行係統升級,期間網站暫停訪問。", "林小梅", "2024-03-01T09:00"),
    # Page 1 ends in the middle of seed line 27, which goes on on page 2.
    "/show-2-106-1.html": ("馬南社區大眾議事團議事紀實", 2, "\n".join([seed(28), seed(27), seed(31)]), "胡斌", "2024-02-28T15:40"),
}


def comparable(records, base):
    """Records keyed by path, without crawled_at, the server's address taken out."""
    out = {}
    for record in records:
        record = {k: v for k, v in record.items() if k != "crawled_at"}
        dumped = json.dumps(record, ensure_ascii=False, sort_keys=True).replace(base, "")
        out[record["url"].replace(base, "")] = dumped
    return out


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """The portal crawled over HTTP, started on another name that redirects, mirrored, and replayed."""
    root = tmp_path_factory.mktemp("portal")
    server = ReplicaServer(PORTAL, PORTAL_HOST, one_name=True)
    base = server.start()
    runs = {}
    try:
        runs["http"] = crawl_with_stats(root, "-a", f"start_url={base}/", "-s", "STATE_FILE=", out_name="http.jsonl")
        other_name = base.replace("127.0.0.1", "localhost")
        runs["redirected"] = crawl_with_stats(root, "-a", f"start_url={other_name}/", "-s", "STATE_FILE=",
                                              out_name="redirected.jsonl")
        runs["mirror"] = crawl_with_stats(root, "-a", f"start_url={base}/", "-s", "STATE_FILE=",
                                          "-s", f"MIRROR_DIR={root / 'mirror'}", out_name="mirror.jsonl")
    finally:
        server.stop()
    runs["replay"] = crawl_with_stats(root, "-a", f"replay={root / 'mirror'}", "-a", f"start_url={base}/",
                                      "-s", "STATE_FILE=", out_name="replay.jsonl")
    runs["mirror_dir"] = root / "mirror"
    return base, runs


def test_each_article_once_whole_with_its_exact_text(portal):
    base, runs = portal
    records = {r["url"][len(base):]: r for r in runs["http"].records}
    assert sorted(records) == sorted(ARTICLES)  # no navigation page, no listing, no duplicate URL
    for path, (title, pages, text, author, published) in ARTICLES.items():
        record = records[path]
        assert (record["title"], record["page_count"], record["complete"]) == (title, pages, True), path
        assert record["text"] == text, path
        assert (record["author"], record["published"]) == (author, published), path
    assert records["/show-2-103-1.html"]["page_urls"] == [f"{base}/show-2-103-{n}.html" for n in (1, 2, 3)]
    assert records["/show-2-104-1.html"]["images"] == [f"{base}/uploadfile/2024/0306/104-1.jpg"]


def test_navigation_is_not_followed_and_counted(portal):
    _, runs = portal
    stats = runs["http"].stats
    assert stats["pages/listing"] == 2 and stats.get("pages/other", 0) == 0
    assert stats["links/skipped/navigation"] >= 5  # header, crumbs, side boxes and footer, on both listings
    # The picture headline links the dynamic URL of an article the list links by its static URL: the dynamic
    # page names the static one as canonical, and the article is walked from the static URL (page_urls above).
    assert stats["pages/alias"] == 1
    assert "pages fetched" in runs["http"].log and "listing 2, other 0" in runs["http"].log


def test_crawl_mirror_and_replay_give_the_same_articles(portal):
    base, runs = portal
    http = comparable(runs["http"].records, base)
    assert comparable(runs["mirror"].records, base) == http
    assert comparable(runs["replay"].records, base) == http
    # In mirror mode every link is fetched: the site's own pages are read, and are "other", and so is the
    # page of readers' comments on an article. A tag page is a listing.
    stats = runs["mirror"].stats
    assert stats["pages/other"] == 4  # about, contact, site map, comments
    assert stats["pages/listing"] == 4  # the two listing pages, the two tag pages
    assert "  other page: " in runs["mirror"].log
    # The RSS feed the home page links is saved and read as a feed, never as a page; the print version is saved,
    # and written once, as its article.
    assert stats["reach/feed/files"] == 1 and "pages/not_html" not in stats
    assert stats["articles/same_text"] == 1
    saved = next(path for path in runs["mirror_dir"].iterdir() if path.is_dir())  # the host's folder
    for name in ("rss.xml", "print.php@id=101", "comment.php@id=101", "tag/1.html", "tag/2.html"):
        assert (saved / name).is_file(), name


def test_a_start_url_that_redirects_to_the_site_gives_the_same_articles(portal):
    base, runs = portal
    assert "lands on 127.0.0.1" in runs["redirected"].log
    assert comparable(runs["redirected"].records, base) == comparable(runs["http"].records, base)


def test_the_fixture_site_gives_the_same_articles_crawled_mirrored_and_replayed(tmp_path, site_server):
    start = ("-a", f"start_url={site_server}/", "-s", "STATE_FILE=")
    http = crawl_with_stats(tmp_path, *start, out_name="http.jsonl")
    mirror = crawl_with_stats(tmp_path, *start, "-s", f"MIRROR_DIR={tmp_path / 'mirror'}", out_name="mirror.jsonl")
    replay = crawl_with_stats(tmp_path, "-a", f"replay={tmp_path / 'mirror'}", *start, out_name="replay.jsonl")
    assert len(http.records) == 6
    assert comparable(mirror.records, site_server) == comparable(http.records, site_server)
    assert comparable(replay.records, site_server) == comparable(http.records, site_server)
    assert mirror.stats["pages/other"] == 1  # about.html


def test_the_hostile_replica_gives_the_same_articles_crawled_mirrored_and_replayed(tmp_path):
    generate_hostile(tmp_path / "site")
    limits = ("-s", "MAX_ARTICLE_PAGES=350", "-s", "DOWNLOAD_TIMEOUT=1", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
              "-s", "STATE_FILE=")
    runs = {}
    for name, extra in (("http", ()), ("mirror", ("-s", f"MIRROR_DIR={tmp_path / 'mirror'}"))):
        server = HostileServer(tmp_path / "site")  # a fresh server: its faults start over
        base = server.start()
        try:
            runs[name] = comparable(crawl_with_stats(tmp_path, "-a", f"start_url={base}/", *limits, *extra,
                                                     out_name=f"{name}.jsonl").records, base)
        finally:
            server.stop()
        runs[name + "_base"] = base
    replay = crawl_with_stats(tmp_path, "-a", f"replay={tmp_path / 'mirror'}", "-a", f"start_url={runs['mirror_base']}/",
                              *limits, out_name="replay.jsonl")
    assert len(runs["http"]) == 21
    assert runs["mirror"] == runs["http"]
    assert comparable(replay.records, runs["mirror_base"]) == runs["http"]


def test_listings_that_link_no_article_raise_the_alarm(tmp_path):
    site = tmp_path / "site" / SITE_HOST
    site.mkdir(parents=True)
    rows = "".join(f'<li><a href="/list_{n}.html">欄目{n}</a> <span>2024-03-0{n}</span></li>' for n in range(1, 5))
    for name in ["index.html", *(f"list_{n}.html" for n in range(1, 5))]:
        (site / name).write_text(f"<html><head><title>欄目</title></head><body><ul>{rows}</ul></body></html>",
                                 encoding="utf-8")
    run = crawl_with_stats(tmp_path, "-a", f"replay={tmp_path / 'site'}", "-a", f"start_url=http://{SITE_HOST}/",
                           status=1)
    assert run.records == []
    assert run.stats["pages/listing"] == 5 and run.stats.get("pages/article", 0) == 0
    assert "WARNING: 5 listing pages were fetched but not one article page" in run.log
    assert run.stats["summary/warnings"] >= 1
    assert run.log.splitlines()[-1].endswith(
        f"Exit status 1: the start page http://{SITE_HOST}/ leads to listings that link no article page, after its "
        f"menu, sitemaps and feeds: see why with scrapy explain http://{SITE_HOST}/")


def test_the_fixture_site_raises_no_alarm(tmp_path):
    run = crawl_with_stats(tmp_path, "-a", f"replay={FIXTURE_SITE}")
    assert run.stats["summary/warnings"] == 0 and "markup may have changed" not in run.log


def explain(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "crawler.explain", *args], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=60).stdout


def test_explain_an_article_page():
    out = explain(str(PORTAL / PORTAL_HOST / "show-2-104-1.html"))
    assert out.startswith("http://www.portal.test/show-2-104-1.html\nkind: article\n")
    assert "+1  headline repeats the title" in out and "+2  dated byline" in out
    assert "page bar: page 1 of 3" in out
    assert "navigation: http://www.portal.test/sitemap.html" in out
    assert "連日來,陽東區組織黨員幹部開啟“六課堂六進”學習模式。" in out.split("first lines cleaned:")[1]


def test_scrapy_explain_is_the_same_command_beside_scrapy_parse():
    page = str(PORTAL / PORTAL_HOST / "show-2-104-1.html")
    scrapy = subprocess.run([sys.executable, "-m", "scrapy", "explain", page], cwd=ROOT, capture_output=True,
                            text=True, check=True, timeout=60).stdout
    assert scrapy == explain(page)
    assert "kind: article" in scrapy
    missing = subprocess.run([sys.executable, "-m", "scrapy", "explain", "no-such-page.html"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=False)
    assert missing.returncode == 1 and "Cannot read no-such-page.html" in missing.stderr


def test_explain_a_listing():
    out = explain(str(PORTAL / PORTAL_HOST / "index.html"))
    assert "kind: listing" in out
    links = out.split("article links (5), followed from a listing:\n")[1].split("links skipped")[0]
    assert [line.split()[0] for line in links.strip().split("\n")] == [
        "http://www.portal.test/index.php?m=content&c=index&a=show&catid=2&id=103",
        *(f"http://www.portal.test/show-2-10{n}-1.html" for n in range(1, 5)),
    ]
    assert "navigation: http://www.portal.test/about.html" in out


def test_an_article_page_holding_only_the_disclaimer_is_missing_not_empty(tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    page = site / SITE_HOST / "html" / "2023" / "0816" / "4533_2.html"
    html = page.read_text(encoding="utf-8")
    start, end = html.index('<div class="content">'), html.index('<div class="page">')
    page.write_text(html[:start] + '<div class="content"><p>文章來源於:http://www.xiangtianlong.com 家(jiā)鄉網</p>'
                    "<p>網站內容來源於網絡,其真(zhēn)實性與(yǔ)本站無關,請網友慎重判斷</p>" + html[end:], encoding="utf-8")
    url = f"http://{SITE_HOST}/html/2023/0816/4533.html"
    [record] = crawl_with_stats(tmp_path, "-a", f"replay={site}", "-a", f"start_url={url}").records
    assert record["complete"] is False and record["missing_pages"] == [2] and record["page_count"] == 2
    assert record["text"] == ("8月16日,南海休漁期結束,海陵島閘坡漁港迎來開漁節。上千艘漁船揚帆出海,場麵壯觀。\n"
                              "開漁節期間,當地還舉辦了祭海儀式、漁家美食節和攝影比賽,吸引了大批遊客前來觀看。")


def _article_html(title: str, paragraphs: list[str], extra_head: str = "", bar: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}_別名網</title>{extra_head}</head>"
            f"<body><div class='nav'><a href='/'>首頁</a></div><h1>{title}</h1>"
            f"<div class='info'>2024-03-05 10:00 來源：別名網</div><div class='content'>{body}{bar}</div></body></html>")


def test_an_alias_whose_canonical_page_fails_is_read_where_it_is(tmp_path):
    # A dynamic URL names a canonical page that answers 404: its article is read at the dynamic URL, not lost.
    site = tmp_path / "site" / "www.alias.test"
    (site / "a").mkdir(parents=True)
    rows = "".join(f'<li><a href="{href}">{title}</a><span>2024-03-0{n}</span></li>'
                   for n, (href, title) in enumerate([("/a/1.html", "城南新建兩座公園"),
                                                      ("/view.php?aid=2", "東風路段暫停供電"),
                                                      ("/a/3.html", "端午節公交延時運營")], 1))
    (site / "index.html").write_text(f"<html><head><meta charset='utf-8'><title>新聞_別名網</title></head>"
                                     f"<body><ul class='list'>{rows}</ul></body></html>", encoding="utf-8")
    (site / "a" / "1.html").write_text(_article_html("城南新建兩座公園", ["城南新建的兩座公園今天開放。"]),
                                       encoding="utf-8")
    (site / "view.php@aid=2").write_text(_article_html(
        "東風路段暫停供電", ["因線路檢修,東風路部分路段明天暫停供電。", "請沿線居民提前做好準備。"],
        extra_head='<link rel="canonical" href="/a/2.html">'), encoding="utf-8")
    (site / "a" / "3.html").write_text(_article_html("端午節公交延時運營", ["端午節期間城區公交延長運營一小時。"]),
                                       encoding="utf-8")
    server = ReplicaServer(tmp_path / "site", "www.alias.test")
    base = server.start()
    try:
        run = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", "-s", "STATE_FILE=")
    finally:
        server.stop()
    records = {r["url"][len(base):]: r for r in run.records}
    assert sorted(records) == ["/a/1.html", "/a/3.html", "/view.php?aid=2"]
    alias = records["/view.php?aid=2"]
    assert alias["complete"] and alias["text"] == "因線路檢修,東風路部分路段明天暫停供電。\n請沿線居民提前做好準備。"
    assert run.stats["pages/canonical_failed"] == 1
