"""The alarm for a site whose text format drifts: readings in a new form, a reworded disclaimer."""

import re
import shutil

from crawler.text.cleaning import clean_text
from crawler.text.drift import measure, suspects
from tests.conftest import FIXTURE_SITE, SITE_HOST, crawl_with_stats

READING = re.compile(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")


def test_what_looks_like_a_reading_but_stays_is_found():
    kept = clean_text("黨（dǎng）員、群眾(Zhòng)、黨( dǎng )建、黨(dang3)委、村(社區)、國內生產總值(GDP)、拼音")
    assert kept == "黨（dǎng）員、群眾(Zhòng)、黨( dǎng )建、黨(dang3)委、村(社區)、國內生產總值(GDP)、拼音"
    found = suspects(kept)
    assert len(found) == 4  # the four readings in other forms; not 村(社區), not (GDP)
    assert all("社區" not in s or "dang3" in s for s in found)


def test_the_seed_page_has_no_suspect_and_its_counts_are_the_hand_counted_ones(seed_text):
    drift = measure(seed_text, clean_text(seed_text))
    assert (drift.readings_stripped, drift.source_lines, drift.disclaimers, drift.suspects) == (305, 1, 1, [])


def test_a_site_that_writes_readings_another_way_and_rewords_its_disclaimer_raises_the_alarm(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, site)
    pages = [p for p in (site / SITE_HOST).rglob("*") if p.is_file()]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        html = READING.sub(r"（\1）", html)  # full-width parentheses
        html = html.replace("網站內容來源於網絡,其真（zhēn）實性與（yǔ）本站無關,請網友慎重判斷",
                            "本站文章轉載自網絡,內容真偽請讀者自行判斷")
        page.write_text(html, encoding="utf-8")
    run = crawl_with_stats(tmp_path, "-a", f"replay={site}", "-s", "STATE_FILE=")
    stats = run.stats
    assert stats["cleaning/readings_stripped"] == 0
    assert stats["cleaning/suspected_readings"] > 300  # the seed page alone has 305 readings
    assert stats["cleaning/pages_without_disclaimer"] == stats["cleaning/pages"]
    assert f"WARNING: the text's format may have drifted: {stats['cleaning/suspected_readings']} syllables" in run.log
    assert f"WARNING: {stats['cleaning/pages']} of {stats['cleaning/pages']} article pages have no disclaimer" in run.log
    assert "http://www.xiangtianlong.com/html/" in run.log.split("the text's format may have drifted")[1]
    # Nothing was removed on suspicion: the readings are still in the text.
    assert any("（" in r["text"] for r in run.records)


def test_the_fixture_site_as_it_is_raises_no_drift_alarm(tmp_path):
    run = crawl_with_stats(tmp_path, "-a", f"replay={FIXTURE_SITE}", "-s", "STATE_FILE=")
    assert run.stats["cleaning/suspected_readings"] == 0
    assert run.stats.get("cleaning/pages_without_disclaimer", 0) == 0
    assert "may have drifted" not in run.log and "article pages have no" not in run.log


def test_a_site_that_places_the_source_line_and_disclaimer_after_the_body_raises_no_alarm(tmp_path):
    from tools.replica import generate

    generate(tmp_path / "site", 6, 2, notes_after=True)
    run = crawl_with_stats(tmp_path, "-a", f"replay={tmp_path / 'site'}", "-s", "STATE_FILE=")
    assert len(run.records) == 6 and run.stats["cleaning/pages"] == 12
    assert all("來源於" not in r["text"] for r in run.records)  # the body leaves the notes out ...
    assert run.stats.get("cleaning/pages_without_disclaimer", 0) == 0  # ... and the page still carries them
    assert run.stats.get("cleaning/pages_without_source_line", 0) == 0
    assert " WARNING: " not in run.log
