"""crawler.text.cleaning on the seed page, on the examples of what goes and what stays, and by property."""

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.text.cleaning import clean_text, strip_disclaimer, strip_pinyin
from crawler.text.pagewords import is_page_bar
from crawler.text.script import to_simplified
from tests.conftest import ROOT

READING = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
TEXT_PARENTHESES = ["家(的)", "千奇(萬)", "無(不)", "無(沒)", "村(社區)", "企(事)", "巷長(樓長)", "鎮(街道)"]


def test_seed_page_loses_every_reading_and_nothing_else(seed_text, seed_clean):
    assert len(READING.findall(seed_text)) == 305
    assert READING.findall(strip_pinyin(seed_text)) == []
    body = "\n".join(seed_text.splitlines()[:-3])  # without page bar, source line, disclaimer
    assert strip_pinyin(body) == seed_clean


def test_seed_page_clean_text(seed_text, seed_clean):
    cleaned = clean_text(seed_text)
    assert cleaned == seed_clean
    assert sum(cleaned.count(p) for p in TEXT_PARENTHESES) == 9
    assert "家鄉網" not in cleaned and "上一頁" not in cleaned and "慎重判斷" not in cleaned


@pytest.mark.parametrize(
    "annotated, clean",
    [
        ("黨(dǎng)員", "黨員"),
        ("綠(lǜ)色", "綠色"),
        ("女(nǚ)士", "女士"),
        ("我們(men)", "我們"),
        ("好的(de)事", "好的事"),
        ("來了(le)。", "來了。"),
        ("具備著(zhe)一定", "具備著一定"),
        ("進行(háng)的", "進行的"),
        ("(東北師范大學(xué) 人文學(xué)院,吉林 長春 130117)", "(東北師范大學 人文學院,吉林 長春 130117)"),
        ("必議(yì);涉及", "必議;涉及"),
        ("取得了良好成效(xiào)", "取得了良好成效"),
        ("一(yí)個", "一個"),
        ("不(bú)是", "不是"),
        ("家(jiā)(jiā)鄉", "家鄉"),
        ("家(jiā)(的)", "家(的)"),
    ],
)
def test_readings_go(annotated, clean):
    assert strip_pinyin(annotated) == clean


@pytest.mark.parametrize(
    "text",
    [
        "衣服是你家(的)?",
        "千奇(萬)無(不)外掛",
        "由16個村(社區)構成",
        "企(事)業法人",
        "巷長(樓長)",
        "國內生產總值(GDP)",
        "選項(E)",
        "甲組(A)",
        "血糖(mmol)",
        "團契(Koinonia)",
        "標準(2019年版)",
        "方案(a)",
        "附錄(an)",
        "拼音(pīnyīn)",
        "(zhèn)",
        "word(de)",
    ],
)
def test_text_parentheses_stay(text):
    assert strip_pinyin(text) == text


def test_character_missing_from_dictionary_takes_a_toned_syllable_only():
    rare = "\U0002a6d6"  # an Extension B character pypinyin has no reading for
    assert strip_pinyin(f"{rare}(dǎng)") == rare
    assert strip_pinyin(f"{rare}(dang)") == f"{rare}(dang)"
    assert strip_pinyin(f"{rare}(xyz)") == f"{rare}(xyz)"


SOURCE = "文章來源於:http://www.xiangtianlong.com 家鄉網"
DISCLAIMER = "網站內容來源於網絡,其真實性與本站無關,請網友慎重判斷"


@pytest.mark.parametrize(
    "boilerplate",
    [
        SOURCE,
        DISCLAIMER,
        "文章來源於:http://www.xiangtianlong.com 家(jiā)鄉網",
        "網站內容來源於網絡,其真(zhēn)實性與(yǔ)本站無關,請網友慎重判斷",
        "文章來源于：http://xiangtianlong.com/ 家鄉網",
        "文章來源於:www.xiangtianlong.com家鄉網",
        "網站內容來源於網絡，其真實性與本站無關，請網友慎重判斷。",
        "文章来源于:http://www.xiangtianlong.com 家乡网",
        "网站内容来源于网络,其真实性与本站无关,请网友慎重判断",
    ],
)
def test_source_line_and_disclaimer_go(boilerplate):
    assert strip_disclaimer(f"第一段。\n{boilerplate}\n") == "第一段。\n"
    assert strip_disclaimer(f"最後一段。{boilerplate}") == "最後一段。"


def test_source_line_and_disclaimer_together_stuck_to_last_paragraph():
    assert clean_text(f"最後一段。{SOURCE} {DISCLAIMER}") == "最後一段。"
    assert clean_text(f"最後一段。\n{SOURCE}\n{DISCLAIMER}") == "最後一段。"


@pytest.mark.parametrize(
    "sentence",
    [
        "本報記者從家鄉網獲悉,活動將於下月舉行。",
        "詳情請見http://www.xiangtianlong.com 的專題頁面。",
        "文章來源於:http://www.xiangtianlong.com 家鄉網的專題報道,記者整理。",
        "他說網站內容來源於網絡,其真實性與本站無關,請網友慎重判斷,這句話大家都熟悉。",
    ],
)
def test_sentences_that_mention_the_site_stay(sentence):
    assert strip_disclaimer(sentence) == sentence
    assert clean_text(sentence) == sentence


def test_clean_text_normalises_whitespace():
    text = "\u3000\u3000第一段。  \n\n\xa0\xa0第二段。\n&nbsp;&nbsp;第三段。\n   \n"
    assert clean_text(text) == "第一段。\n第二段。\n第三段。"


def test_page_bar_lines():
    assert is_page_bar("上一頁 [1] [2] [3] [4] [5] [6] [7] [8] [9] [10] 下一頁")
    assert is_page_bar("上一页 1 2 3 … 9 下一页")
    assert is_page_bar("共3頁: 上一頁 1 2 3 下一頁")
    assert not is_page_bar("[1] [2] [3]")
    assert not is_page_bar("點擊下一頁查看更多內容")


def test_simplified_recovers_machine_converted_text():
    # Lines of the seed page, cleaned; the site converted Simplified to Traditional
    # by program (全麵, 機製, 誌願, 怎麽), and t2s gives back the original.
    assert to_simplified("堅持以陣地建設為抓手全麵打通城市基層治理“最後一公裏”") == (
        "坚持以阵地建设为抓手全面打通城市基层治理“最后一公里”"
    )
    assert to_simplified("不斷完善工作機製") == "不断完善工作机制"
    assert to_simplified("黨員誌願者") == "党员志愿者"
    assert to_simplified("唱好“誰來議、何時議、怎麽議”") == "唱好“谁来议、何时议、怎么议”"


def test_command_line_cleans_a_file(seed_clean):
    out = subprocess.run(
        [sys.executable, "-m", "crawler.text", str(ROOT / "fixtures" / "seed-page.txt")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    assert out.rstrip("\n") == seed_clean


def test_command_line_reads_standard_input():
    out = subprocess.run(
        [sys.executable, "-m", "crawler.text", "--simplified"],
        input="黨(dǎng)員誌願(yuàn)者\n", capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    assert out == "党员志愿者\n"


# --- properties -------------------------------------------------------------

pinyinish = st.text(
    alphabet=st.sampled_from(list("黨員家鄉的們了著一不案錄()aneīdǎngmüǜlx 字\n,。")), max_size=60
)


@settings(max_examples=300)
@given(st.one_of(pinyinish, st.text(max_size=80)))
def test_strip_pinyin_is_idempotent(text):
    once = strip_pinyin(text)
    assert strip_pinyin(once) == once


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@settings(max_examples=300)
@given(st.one_of(pinyinish, st.text(max_size=80)))
def test_strip_pinyin_only_deletes(text):
    out = strip_pinyin(text)
    assert len(out) <= len(text) and _is_subsequence(out, text)


@given(st.text().filter(lambda t: "(" not in t))
def test_text_without_parenthesis_is_unchanged(text):
    assert strip_pinyin(text) == text


@given(st.text())
def test_cleaning_never_raises_and_only_takes_away(text):
    assert len(strip_disclaimer(text)) <= len(text)
    cleaned = clean_text(text)
    # One paragraph a line: none empty, none with spaces left at its end.
    assert all(line and line == line.rstrip() for line in cleaned.split("\n")) or cleaned == ""


def test_a_page_with_no_text_left_after_cleaning_is_a_failed_page():
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler.items import PageContent, PageItem
    from crawler.pipelines.clean import CleanPipeline

    crawler = get_crawler()
    crawler.spider = Spider("test")
    pipeline = CleanPipeline.from_crawler(crawler)
    page = PageItem(article_url="http://h.test/a.html", page_number=2, url="http://h.test/a_2.html",
                    content=PageContent(paragraphs=["上一頁 [1] [2] 下一頁", SOURCE, DISCLAIMER]))
    assert pipeline.process_item(page).failed == "no text left after cleaning"
    kept = PageItem(article_url="http://h.test/a.html", page_number=3, url="http://h.test/a_3.html",
                    content=PageContent(images=["http://h.test/p.jpg"]))
    assert pipeline.process_item(kept).failed is None  # a picture page is a page
