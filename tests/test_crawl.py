"""The whole crawl, as a user runs it: `scrapy crawl hometown`, by replay and over real HTTP on 127.0.0.1."""

import json
import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import FIXTURE_SITE, SITE_URL, crawl, crawl_with_stats
from tests.expected import TEXTS, A, B, C, D, E, F
from tools.replica import generate, text_digest

READING = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    return {r["url"]: r for r in crawl(tmp_path_factory.mktemp("replay"), "-a", f"replay={FIXTURE_SITE}")}


def test_replay_writes_one_record_per_article(replayed):
    assert sorted(replayed) == sorted([f"{A}.html", B, C, D, E, F])


def test_ten_page_article_is_one_record_with_the_seed_page_inside(replayed, seed_clean):
    article = replayed[f"{A}.html"]
    assert article["title"] == "黨建引領基層治理 陽江各地亮點紛呈"
    assert article["page_count"] == 10 and article["complete"] and article["missing_pages"] == []
    assert article["page_urls"] == [f"{A}.html"] + [f"{A}_{n}.html" for n in range(2, 11)]
    text = article["text"]
    assert text.startswith("編者按:今年以來,陽江市各地堅持以黨建引領基層治理,")
    assert text.endswith("讓黨群服務中心真正成為群眾身邊的“連心橋”。")
    # page 6 is the seed page; its last sentence goes on at the top of page 7
    assert "\n" + seed_clean + "問題比較突出。為此,江城區實施“黨建五進”工程," in text
    assert "陽東區人民醫院:黨建引領醫療服務提質增效" in text  # page 5, before the seed
    # 5+5+3+4+3 lines on pages 1-5, 49 on the seed page, 2+3+2+2 on pages 7-10, one join
    assert len(text.split("\n")) == 77
    assert article["author"] == "胡斌" and article["published"] == "2023-06-28T09:12"
    assert article["images"] == [f"{SITE_URL}/uploads/allimg/230628/4521-2.jpg"]


def test_small_articles_have_exactly_their_text(replayed):
    for url, text in TEXTS.items():
        assert replayed[url]["text"] == text, url
    assert replayed[B]["page_count"] == 1 and replayed[C]["page_count"] == 2
    assert replayed[E]["page_count"] == 4 and replayed[F]["page_count"] == 3
    assert replayed[B]["images"] == [f"{SITE_URL}/uploads/allimg/230618/4510-1.jpg"]
    assert replayed[F]["author"] is None and replayed[F]["published"] == "2023-07-12"


def test_article_with_a_lost_page_is_incomplete(replayed):
    article = replayed[D]
    assert article["complete"] is False
    assert article["missing_pages"] == [2]
    assert article["page_count"] == 3
    assert article["page_urls"] == [D, D.replace(".html", "_2.html"), D.replace(".html", "_3.html")]
    assert all(replayed[u]["complete"] for u in replayed if u != D)


def test_no_reading_source_line_disclaimer_or_page_bar_left(replayed):
    for article in replayed.values():
        for field in (article["title"], article["text"]):
            assert not READING.search(field)
            for residue in ("文章來源", "慎重判斷", "上一頁", "下一頁", "上一页", "下一页", "[2]"):
                assert residue not in field, (article["url"], residue)


def test_timestamps_are_utc_iso_8601(replayed):
    for article in replayed.values():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", article["crawled_at"])


def _comparable(records, base):
    out = {}
    for record in records:
        record = {k: v for k, v in record.items() if k != "crawled_at"}
        text = __import__("json").dumps(record, ensure_ascii=False, sort_keys=True).replace(base, SITE_URL)
        out[record["url"].replace(base, SITE_URL)] = text
    return out


def test_http_crawl_gives_the_same_records_as_replay(tmp_path, site_server, replayed):
    records = crawl(tmp_path, "-a", f"start_url={site_server}/")
    assert _comparable(records, site_server) == _comparable(replayed.values(), SITE_URL)


def test_started_at_a_middle_page_the_whole_article_comes_back(tmp_path, site_server, replayed):
    records = crawl(tmp_path, "-a", f"start_url={site_server}/html/2023/0628/4521_5.html")
    assert len(records) == 1
    assert _comparable(records, site_server) == _comparable([replayed[f"{A}.html"]], SITE_URL)


def test_started_at_a_last_page_whose_bar_does_not_show_page_one(tmp_path, site_server, replayed):
    records = crawl(tmp_path, "-a", f"start_url={site_server}/plus/view.php?aid=4550&pageno=4")
    assert [(r["url"], r["page_count"], r["complete"]) for r in records] == [(f"{site_server}/plus/view.php?aid=4550", 4, True)]
    assert records[0]["text"] == TEXTS[E]


def test_walk_back_to_page_one_broken_by_a_lost_page(tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    (site / "www.xiangtianlong.com" / "plus" / "view.php@aid=4550&pageno=2").unlink()
    records = crawl(tmp_path, "-a", f"replay={site}", "-a", f"start_url={E}&pageno=4")
    assert len(records) == 1
    article = records[0]
    # Page 2 was the only way to page 1: the article is filed under the page the crawl started on.
    assert article["url"] == f"{E}&pageno=4"
    assert article["missing_pages"] == [1, 2] and article["page_count"] == 4 and not article["complete"]
    assert article["text"] == TEXTS[E].split("\n", 2)[2]


def test_simplified_script_setting(tmp_path):
    records = crawl(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-a", f"start_url={D}", "-s", "CHINESE_SCRIPT=simplified")
    assert records[0]["title"] == "阳春市推进农村人居环境整治"
    assert records[0]["text"].split("\n")[0] == "今年以来,阳春市以“三清三拆三整治”为抓手,全面推进农村人居环境整治,村容村貌焕然一新。"
    assert "建立长效管护机制" in records[0]["text"]
    assert records[0]["url"] == D and records[0]["author"] == "陳靜"


def test_crawl_cut_short_still_writes_every_article_it_started(tmp_path):
    records = crawl(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-a", f"start_url={A}_3.html", "-s", "CLOSESPIDER_PAGECOUNT=3", "-s", "CONCURRENT_REQUESTS=1")
    assert len(records) == 1
    article = records[0]
    assert article["url"] == f"{A}.html" and article["complete"] is False
    assert article["page_count"] == 10 and article["missing_pages"] and 3 not in article["missing_pages"]
    assert "街道黨工委牽頭成立“紅色物業”服務隊" in article["text"]  # page 3's text is kept


def test_without_output_option_a_timestamped_feed_is_written(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    feed = tmp_path / "output" / "%(name)s-%(time)s.jsonl"
    subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "hometown", "-a", f"replay={FIXTURE_SITE}", "-a", f"start_url={B}",
         "-s", f"DEFAULT_FEED={feed}", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )
    written = list((tmp_path / "output").glob("hometown-*.jsonl"))
    assert len(written) == 1
    assert '"title": "陽江市全民健身運動會開幕"' in written[0].read_text(encoding="utf-8")


def test_the_run_ends_with_a_summary_and_shows_progress(tmp_path, site_server):
    run = crawl_with_stats(tmp_path, "-a", f"start_url={site_server}/", "-s", "LOGSTATS_INTERVAL=0.2",
                           "-s", "DOWNLOAD_DELAY=0.1", "-s", "CONCURRENT_REQUESTS=1")
    assert "Progress: " in run.log  # at least once per LOGSTATS_INTERVAL while it runs
    assert "Run summary (finished): 6 articles written (new 6, changed 0, completed 0, unchanged 0), 1 incomplete" in run.log
    assert f"incomplete: {site_server}/html/2023/0705/4540.html missing pages [2]" in run.log
    # The seed page alone has 305 readings (counted by hand); the other pages have more.
    assert run.stats["cleaning/readings_stripped"] > 305
    assert run.stats["summary/articles_written"] == 6 and run.stats["summary/incomplete_articles"] == 1


def test_every_article_of_a_large_replica_has_exactly_its_text(tmp_path):
    # 7,000 pages split anywhere, in mid-sentence too, as the site splits them: no rule may take the piece of a
    # sentence that ends a page for something that is not the text (作者 ending page 4 of article 688, its name on
    # page 5, once went as a credit). The replica's expected.jsonl holds each article's text, not read by the crawler.
    site = tmp_path / "site"
    generate(site, 700, 10)
    expected = {}
    for line in (site / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected[record["path"]] = record["sha256"]
    records = crawl(tmp_path, "-a", f"replay={site}")
    assert len(records) == len(expected) == 700
    wrong = [r["url"] for r in records if text_digest(r["text"]) != expected[urlsplit(r["url"]).path]]
    assert wrong == []
    assert all(r["complete"] for r in records)
