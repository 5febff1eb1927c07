"""Reach beyond the listings: a home page with only a menu, listings capped, older articles only in the sitemap
(named by robots.txt, an index with a .gz member), a feed; and a start page that leads nowhere is an error."""

import gzip
import json
import subprocess
import sys

import pytest

from tests.conftest import FAST, ROOT, crawl_with_stats
from tools.replica import HOST, seed_lines, write_page
from tools.server import ReplicaServer

HEAD = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_鄉里新聞</title>{extra}</head><body>
<div class="top"><div class="menu"><a href="/">首頁</a> <a href="/news/">新聞</a> <a href="/local/">本地</a>
<a href="/about.html">關於我們</a></div></div>
"""
FOOT = '<div class="foot">Copyright 鄉里新聞</div></body></html>'
FEED = '<link rel="alternate" type="application/rss+xml" title="新聞" href="/rss.xml">'


def article(n: int) -> str:
    """Article n: its title is line n of the seed page, its text five of the lines after."""
    lines = [clean for _, clean in seed_lines() if len(clean) > 30]
    title = f"第{n}篇：{lines[n][:16]}"
    body = "\n".join(f"<p>{line}</p>" for line in lines[n + 1: n + 6])
    return (HEAD.format(title=title, extra="") + f'<div class="main"><h1>{title}</h1>'
            f'<div class="info">2023-05-{n:02d} 10:00 來源：鄉里新聞</div><div class="text">{body}</div></div>' + FOOT)


def listing(title: str, numbers: list[int]) -> str:
    rows = "".join(f'<li><span>2023-05-{n:02d}</span><a href="/news/{n}.html">第{n}篇新聞的標題在這裡</a></li>'
                   for n in numbers)
    return HEAD.format(title=title, extra="") + f'<div class="list"><h2>{title}</h2><ul>{rows}</ul></div>' + FOOT


def urlset(base: str, entries: list[tuple[str, str]]) -> bytes:
    urls = "".join(f"<url><loc>{base}{path}</loc><lastmod>{lastmod}</lastmod></url>" for path, lastmod in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


@pytest.fixture()
def site(tmp_path):
    """News 7-9 on the capped news listing, 1-6 only in the sitemaps, 10 only in the feed; local 11-12 listed."""
    root = tmp_path / "site"
    home = (HEAD.format(title="首頁", extra=FEED) + '<div class="welcome"><p>歡迎來到鄉里新聞。</p>'
            '<h3>新聞 <a href="/news/">更多>></a></h3></div>' + FOOT)
    write_page(root, "/", home)
    write_page(root, "/news/", listing("新聞", [9, 8, 7]))
    write_page(root, "/local/", listing("本地", [12, 11]))
    write_page(root, "/about.html", HEAD.format(title="關於我們", extra="") + "<p>鄉里新聞，一個小網站。</p>" + FOOT)
    for n in range(1, 13):
        write_page(root, f"/news/{n}.html", article(n))
    server = ReplicaServer(root)
    base = server.start()
    write_page(root, "/robots.txt", "User-agent: *\nAllow: /\nSitemap: /sitemap_index.xml\n")
    index = "".join(f"<sitemap><loc>{base}{path}</loc></sitemap>" for path in ("/sitemap-new.xml.gz", "/sitemap-old.xml"))
    (root / HOST / "sitemap_index.xml").write_text(
        f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>')
    (root / HOST / "sitemap-new.xml.gz").write_bytes(
        gzip.compress(urlset(base, [(f"/news/{n}.html", f"2023-05-{n:02d}") for n in (4, 5, 6)])))
    (root / HOST / "sitemap-old.xml").write_bytes(
        urlset(base, [("/", "2023-05-12"), ("/about.html", "2023-01-01")]
               + [(f"/news/{n}.html", f"2023-05-{n:02d}") for n in (1, 2, 3)]))
    (root / HOST / "rss.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>新聞</title>'
        f"<item><title>第10篇</title><link>{base}/news/10.html</link></item>"
        f"<item><title>第9篇</title><link>{base}/news/9.html</link></item></channel></rss>")
    yield root, base
    server.stop()


def numbers(records: list[dict]) -> list[int]:
    return sorted(int(r["url"].rsplit("/", 1)[1].removesuffix(".html")) for r in records)


def test_every_article_is_reached_through_the_menu_the_sitemaps_and_the_feed_and_a_rerun_fetches_only_the_due(
        tmp_path, site):
    root, base = site
    first = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", out_name="first.jsonl")
    assert numbers(first.records) == list(range(1, 13))
    assert all(r["complete"] and r["status"] == "new" for r in first.records)
    assert first.stats["reach/sitemap/files"] == 3  # the index and its two members, one gzipped
    assert first.stats["reach/sitemap/articles"] == 6 and first.stats["reach/feed/articles"] == 1
    assert first.stats["reach/menu/urls"] >= 2  # the news and local listings, from the menu
    assert "beyond the listings: sitemap 8 URLs (0 known and not due), 6 article pages first reached there" in first.log

    again = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", out_name="again.jsonl")
    assert again.records == []
    # Both sitemaps of pages are as they were (the server answers 304 to their validators): not read again. The
    # index is read whole each time: its members may change while it does not.
    assert again.stats["reach/sitemap/unchanged"] == 2 and again.stats["reach/sitemap/files"] == 1
    assert "reach/sitemap/urls" not in again.stats
    assert "sitemaps unchanged, not read again 2" in again.log
    assert " WARNING: " not in again.log

    # The site edits article 4 and says so in its sitemap: the next run fetches it then, not a day later.
    page = root / HOST / "news" / "4.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</p></div></div>", "</p><p>當地政府表示，相關工作將於下月全面展開，並將持續跟進後續的進展情況。</p></div></div>"),
                    encoding="utf-8")
    member = root / HOST / "sitemap-new.xml.gz"
    member.write_bytes(gzip.compress(gzip.decompress(member.read_bytes()).replace(b"2023-05-04", b"2999-01-01")))
    edited = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", out_name="edited.jsonl")
    assert [(r["url"], r["status"]) for r in edited.records] == [(f"{base}/news/4.html", "changed")]
    assert edited.stats["reach/sitemap/known"] == 2  # 5 and 6: known, checked lately, their lastmod as before
    assert edited.records[0]["text"].endswith("當地政府表示，相關工作將於下月全面展開，並將持續跟進後續的進展情況。")


def test_without_sitemaps_and_feeds_only_what_the_listings_show_is_written(tmp_path, site):
    _, base = site
    run = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", "-s", "SITEMAPS=False", "-s", "SITE_FEEDS=False")
    assert numbers(run.records) == [7, 8, 9, 11, 12]
    assert not any(key.startswith(("reach/sitemap", "reach/feed")) for key in run.stats)


def test_a_start_page_that_leads_nowhere_exits_1_naming_it(tmp_path):
    root = tmp_path / "site"
    write_page(root, "/", HEAD.replace('<div class="top">', '<div class="top" hidden>').format(title="首頁", extra="")
               + "<p>網站維護中，請稍後再來。</p>" + FOOT)
    server = ReplicaServer(root)
    base = server.start()
    try:
        run = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "hometown", "-a", f"start_url={base}/", *FAST,
                              "-s", "STATE_FILE=", "-O", str(tmp_path / "out.jsonl")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    finally:
        server.stop()
    assert run.returncode == 1
    assert run.stderr.splitlines()[-1].endswith(
        f"Exit status 1: the start page {base}/ leads to no listing and no article, after its menu, sitemaps and "
        f"feeds: see why with scrapy explain {base}/")
    assert json.loads("[]") == [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]


def test_a_rerun_after_two_articles_are_published_writes_those_two_within_20_requests(tmp_path, site):
    root, base = site
    crawl_with_stats(tmp_path, "-a", f"start_url={base}/", out_name="first.jsonl")
    for n in (13, 14):
        write_page(root, f"/news/{n}.html", article(n))
    write_page(root, "/news/", listing("新聞", [14, 13, 9]))  # published at the top; the cap pushes 8 and 7 off
    again = crawl_with_stats(tmp_path, "-a", f"start_url={base}/", out_name="again.jsonl")
    assert numbers(again.records) == [13, 14] and {r["status"] for r in again.records} == {"new"}
    assert again.stats["downloader/request_count"] <= 20, again.stats["downloader/request_count"]
