"""Page parsing on saved pages of the fixture site, and on markup it has never seen."""

from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.page.parse import ARTICLE, LISTING, OTHER, Extraction, parse_page, redecoded
from tests.conftest import FIXTURE_SITE, SITE_HOST, SITE_URL, fixture_response

EXTRACTION = Extraction.from_settings(Settings(vars(project_settings)))
A = f"{SITE_URL}/html/2023/0628/4521"


def test_home_page_is_a_listing_with_its_articles_and_next_listing():
    page = parse_page(fixture_response("index.html", f"{SITE_URL}/"), EXTRACTION)
    assert page.kind == LISTING
    assert page.bar.current == 1
    assert page.bar.next_url == f"{SITE_URL}/news/list_2.html"
    assert page.bar.prev_url is None
    assert page.bar.numbered == {2: f"{SITE_URL}/news/list_2.html", 3: f"{SITE_URL}/news/list_3.html"}
    items = [item.url for item in page.items]
    assert items == [f"{A}.html", f"{SITE_URL}/html/2023/0618/4510.html"]
    # the header, the sidebar (熱門文章) and the footer are navigation
    assert (f"{SITE_URL}/about.html", "navigation") in page.skipped_links


def test_seed_page_is_page_six_of_ten(seed_text):
    page = parse_page(fixture_response("html/2023/0628/4521_6.html"), EXTRACTION)
    assert page.kind == ARTICLE
    assert page.bar.current == 6
    assert sorted(page.bar.numbered) == [1, 2, 3, 4, 5, 7, 8, 9, 10]
    assert page.bar.numbered[1] == f"{A}.html"
    assert page.bar.prev_url == f"{A}_5.html" and page.bar.next_url == f"{A}_7.html"
    assert not page.bar.is_last
    # Every line of the seed page but its page bar, in order, still annotated:
    # cleaning is the pipelines' job.
    lines = seed_text.splitlines()
    assert page.content.paragraphs == lines[:-3] + lines[-2:]
    assert page.content.title == "黨(dǎng)建引領基層治理 陽江各地亮點紛呈"
    assert page.content.author == "胡斌"
    assert page.content.published == "2023-06-28T09:12"


def test_first_and_last_pages_of_the_ten():
    first = parse_page(fixture_response("html/2023/0628/4521.html"), EXTRACTION)
    assert first.bar.current == 1 and first.bar.prev_url is None
    last = parse_page(fixture_response("html/2023/0628/4521_10.html"), EXTRACTION)
    assert last.bar.current == 10 and last.bar.is_last


def test_relative_image_url_is_made_absolute():
    page = parse_page(fixture_response("html/2023/0628/4521_2.html"), EXTRACTION)
    assert page.content.images == [f"{SITE_URL}/uploads/allimg/230628/4521-2.jpg"]
    assert "陽西縣網格員入戶走訪,收集群眾意見" in page.content.paragraphs


def test_current_page_linked_to_itself_in_a_window_of_numbers():
    url = f"{SITE_URL}/plus/view.php?aid=4550&pageno=4"
    page = parse_page(fixture_response("plus/view.php@aid=4550&pageno=4", url), EXTRACTION)
    assert page.kind == ARTICLE
    assert page.bar.current == 4
    assert page.bar.is_last
    assert page.bar.numbered == {2: f"{SITE_URL}/plus/view.php?aid=4550&pageno=2", 3: f"{SITE_URL}/plus/view.php?aid=4550&pageno=3"}
    assert page.content.paragraphs[0] == "25億美元,同比增長12%。下一步,陽江將繼續擦亮“陽江刀剪”金字招牌。"


def test_simplified_page_words_and_bare_numbers():
    page = parse_page(fixture_response("html/2023/0712/4561_2.html"), EXTRACTION)
    assert page.bar.current == 2
    assert page.bar.prev_url.endswith("/4561.html") and page.bar.next_url.endswith("/4561_3.html")
    assert page.content.author is None and page.content.published == "2023-07-12"


def test_bar_outside_the_content_with_plain_previous_on_page_one():
    page = parse_page(fixture_response("html/2023/0816/4533.html"), EXTRACTION)
    assert page.bar.current == 1
    assert page.bar.numbered == {2: f"{SITE_URL}/html/2023/0816/4533_2.html"}
    assert page.content.paragraphs[:2] == [
        "8月16日,南海休漁期結(jié)束,海陵島閘坡漁港迎來開漁節。上千艘漁船(chuán)揚帆出海,場麵壯觀。",
        "開漁節期間,當地還舉辦了祭海儀式、漁家美食節和攝影(yǐng)比賽,吸引了大批遊客前來觀看。",
    ]


UNSEEN = """<html><head><title>某地新聞 - 家鄉網</title></head><body>
<div id="hd"><a href="/">首頁</a> <a href="/a">本地</a> <a href="/b">國內</a></div>
<div id="x1"><div id="x2">發布於 2024年3月5日 作者:王五</div>
<div id="x3"><span>第一段:本地新聞的正文,字數足夠多,足以成為全頁文字最密的區塊。</span><br/>
第二段:正文繼續,這裏還有更多的文字,用來測試沒有見過的頁面結構。<img src="pic/1.png"/><br/>
第三段:正文到這裏就要結束了,最後再寫幾句話,讓正文的字數超過一百個字,像一篇真正的新聞那樣。</div>
<p id="pg">上一頁 <strong>1</strong> <a href="/n/2.html">2</a> <a href="/n/3.html">3</a> <a href="/n/2.html">下一頁</a></p></div>
<div id="ft">版權所有 <a href="mailto:a@b.c">聯繫</a></div></body></html>"""


def test_unseen_markup_falls_back_to_the_densest_block():
    response = HtmlResponse("http://example.test/n/1.html", body=UNSEEN.encode(), encoding="utf-8")
    page = parse_page(response, EXTRACTION)
    assert page.kind == ARTICLE
    assert page.content.title == "某地新聞"
    assert page.content.paragraphs == [
        "第一段:本地新聞的正文,字數足夠多,足以成為全頁文字最密的區塊。",
        "第二段:正文繼續,這裏還有更多的文字,用來測試沒有見過的頁面結構。",
        "第三段:正文到這裏就要結束了,最後再寫幾句話,讓正文的字數超過一百個字,像一篇真正的新聞那樣。",
    ]
    assert page.content.images == ["http://example.test/n/pic/1.png"]
    assert page.bar.current == 1 and page.bar.numbered == {2: "http://example.test/n/2.html", 3: "http://example.test/n/3.html"}
    assert page.content.published == "2024-03-05" and page.content.author == "王五"


def test_decorated_page_words_are_recognised():
    html = """<html><body><div class="content"><p>正文。</p></div>
    <div class="pg"><a href="/a_1.html">« 上一頁</a> <a href="/a_1.html">1</a> <span>2</span> <a href="/a_3.html">下一頁 »</a></div>
    </body></html>"""
    page = parse_page(HtmlResponse("http://example.test/a_2.html", body=html.encode()), EXTRACTION)
    assert page.bar.current == 2
    assert page.bar.prev_url == "http://example.test/a_1.html" and page.bar.next_url == "http://example.test/a_3.html"


# --- fuzzing: mutated saved pages never make the parser raise ----------------------

SAVED_PAGES = sorted((FIXTURE_SITE / SITE_HOST).rglob("*"))
SAVED_PAGES = [p for p in SAVED_PAGES if p.is_file()]


def assert_read_from(page, response):
    """What the parser read is the page's: every line of the body is made of the page's text, in its order
    (what it leaves out aside), and every article link is absolute. The page is decoded as the parser
    decodes it (a header's charset that garbles the page gives way to the page's own)."""
    assert page.kind in (ARTICLE, LISTING, OTHER)
    page_text = "".join("".join(redecoded(response).xpath("//text()").getall()).split())
    for line in page.content.paragraphs:
        rest = iter(page_text)
        assert line.strip() and all(char in rest for char in "".join(line.split())), line
    assert all(item.url.startswith(("http://", "https://")) for item in page.items)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(SAVED_PAGES),
    st.integers(min_value=0, max_value=30000),
    st.integers(min_value=0, max_value=30000),
    st.text(alphabet=st.sampled_from(list("<>/\"'=&;ap 上一頁下一頁[]1234567890()dǎng黨")), max_size=40),
)
def test_parser_survives_mutated_pages(path, start, length, insert):
    body = path.read_bytes().decode("utf-8")
    mutated = body[:start] + insert + body[start + length:]
    response = HtmlResponse("http://www.xiangtianlong.com/html/x.html", body=mutated.encode("utf-8"), encoding="utf-8")
    page = parse_page(response, EXTRACTION)
    assert_read_from(page, response)


TAGS = ["p", "div", "a", "b", "span", "script", "table", "td", "br", "h1", "title", "body", "li"]
WORDS = ["上一頁", "下一頁", "[1]", "[2]", "3", "共5頁", "黨(dǎng)員", "首頁", "文章來源於", " ", "。", "&nbsp;"]


@st.composite
def tag_soup(draw, depth=0):
    """Random HTML: nested tags, attributes, page-bar words and broken markup."""
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        choice = draw(st.integers(0, 3 if depth < 4 else 1))
        if choice == 0:
            parts.append(draw(st.sampled_from(WORDS)))
        elif choice == 1:
            parts.append(draw(st.text(max_size=8)))
        else:
            tag = draw(st.sampled_from(TAGS))
            href = draw(st.sampled_from(["", ' href="x_2.html"', ' href="#"', ' href="javascript:0"', " href"]))
            close = draw(st.sampled_from([f"</{tag}>", ""]))
            parts.append(f"<{tag}{href}>{draw(tag_soup(depth + 1))}{close}")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(tag_soup(), st.sampled_from(["utf-8", "gbk", "big5", "latin-1"]), st.sampled_from(["utf-8", "gbk", None]))
def test_parser_survives_random_markup_in_any_encoding(soup, body_encoding, header_charset):
    body = f'<html><head><meta charset="{body_encoding}"></head><body>{soup}</body></html>'
    content_type = "text/html" + (f"; charset={header_charset}" if header_charset else "")
    response = HtmlResponse("http://www.xiangtianlong.com/a.html", body=body.encode(body_encoding, "replace"),
                            headers={"Content-Type": content_type})
    page = parse_page(response, EXTRACTION)
    assert_read_from(page, response)
    assert all(isinstance(p, str) and p for p in page.content.paragraphs)
