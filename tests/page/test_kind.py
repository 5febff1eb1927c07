"""A page's kind and body from the page alone, on markup of many kinds the crawler was not written for.

Each page here is written by hand in the shape of a common CMS or layout; the
expected kind, links and first and last lines of the body are read off the
page by eye.
"""

import pytest
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.page.parse import ARTICLE, LISTING, OTHER, Extraction, parse_page
from crawler.text.cleaning import clean_text

EXTRACTION = Extraction.from_settings(Settings(vars(project_settings)))
SOURCE = "文章來源於:http://www.xiangtianlong.com 家(jiā)鄉網"
DISCLAIMER = "網站內容來源於網絡,其真(zhēn)實性與(yǔ)本站無關,請網友慎重判斷"


def parse(body: str, url: str = "http://news.test/a/1.html", title: str = "", head: str = ""):
    html = f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>"
    return parse_page(HtmlResponse(url, body=html.encode("utf-8")), EXTRACTION)


def text(page) -> str:
    return clean_text("\n".join(page.content.paragraphs))


WORDPRESS_ARTICLE = """
<header class="site-header"><a href="/">本地新聞網</a><nav><ul><li><a href="/local/">本地</a></li>
<li><a href="/china/">國內新聞與時事評論頻道</a></li><li><a href="/about/">關於我們</a></li></ul></nav></header>
<main><article class="post">
 <header class="entry-header"><h1 class="entry-title">社區議事會解決飲水機難題</h1>
 <div class="entry-meta"><time datetime="2024-03-05T09:00">2024年3月5日</time> 作者：王五</div></header>
 <div class="entry-content"><p>晚上大媽們在公園裏跳廣場舞,一家老小在這裏活動,大家都希望裝一台飲水機。</p>
 <p>議事團把居民的意見帶到議事會上,很快就有了結果。</p><p>現在飲水機已經安裝到位,群眾拍手稱讚。</p></div>
 <footer class="entry-footer">分類：<a href="/local/">本地</a> 標籤：<a href="/tag/1">社區</a></footer>
</article>
<aside id="secondary"><section class="widget"><h2>近期文章</h2><ul>
<li><a href="/a/2.html">市民公園新增兩條健身步道</a></li><li><a href="/a/3.html">老舊小區改造工程年內完工</a></li>
<li><a href="/a/4.html">夜市經濟帶動城區消費回暖</a></li><li><a href="/a/5.html">漁港碼頭完成升級改造</a></li>
</ul></section></aside></main>
<footer class="site-footer">© 2024 本地新聞網</footer>
"""

TABLE_ARTICLE = """
<table width="960"><tr><td class="dh"><a href="/">首頁</a> | <a href="/news/">新聞</a></td></tr>
<tr><td><table><tr><td width="700">
 <table><tr><td align="center"><b>城區部分路段暫停供電</b></td></tr>
 <tr><td align="center">2024-03-08 16:20 來源：陽江日報</td></tr>
 <tr><td class="zw">因線路檢修,3月9日(星期六)8時至12時,東風路部分路段暫停供電。<br><br>請沿線居民提前做好準備,由此帶來的不便,敬請諒解。<br><br>特此通知。</td></tr></table>
</td><td width="250"><div class="t">熱點新聞</div>
 <a href="/n/1.html">市民公園新增兩條健身步道</a><br><a href="/n/2.html">老舊小區改造工程年內完工</a><br>
 <a href="/n/3.html">夜市經濟帶動城區消費回暖</a><br><a href="/n/4.html">漁港碼頭完成升級改造</a><br>
 <a href="/n/5.html">全民健身運動會開幕</a><br><a href="/n/6.html">荔枝喜獲豐收</a></td></tr></table></td></tr>
<tr><td align="center">Copyright 2008 某某信息網 All Rights Reserved</td></tr></table>
"""


def test_a_wordpress_article_is_an_article_with_its_text_alone():
    page = parse(WORDPRESS_ARTICLE, title="社區議事會解決飲水機難題 – 本地新聞網")
    assert page.kind == ARTICLE
    assert page.content.title == "社區議事會解決飲水機難題"
    assert text(page) == ("晚上大媽們在公園裏跳廣場舞,一家老小在這裏活動,大家都希望裝一台飲水機。\n"
                          "議事團把居民的意見帶到議事會上,很快就有了結果。\n現在飲水機已經安裝到位,群眾拍手稱讚。")
    assert page.content.published == "2024-03-05" and page.content.author == "王五"


def test_an_old_table_layout_article_without_h1():
    page = parse(TABLE_ARTICLE, title="城區部分路段暫停供電_某某信息網")
    assert page.kind == ARTICLE
    assert page.content.title == "城區部分路段暫停供電"
    assert text(page) == ("因線路檢修,3月9日(星期六)8時至12時,東風路部分路段暫停供電。\n"
                          "請沿線居民提前做好準備,由此帶來的不便,敬請諒解。\n特此通知。")
    assert page.content.published == "2024-03-08T16:20"


def test_one_short_paragraph_in_an_unknown_container_is_the_body_not_the_disclaimer():
    # The article's text is shorter than the source line and the disclaimer together.
    page = parse(f"""<div class="q1"><h1>公告</h1><div class="q2"><span>網站今晚升級,暫停訪問。</span></div>
        <div class="q3"><p>{SOURCE}</p><p>{DISCLAIMER}</p></div></div>""", title="公告_家鄉網")
    assert page.kind == ARTICLE
    assert text(page) == "網站今晚升級,暫停訪問。"


def test_paragraphs_each_in_a_div_are_all_kept():
    paragraphs = ["第一段,很短。", "第二段寫得長一些,講了事情的來龍去脈,也講了各方的看法和下一步的打算。", "第三段。"]
    body = "".join(f"<div>{p}</div>" for p in paragraphs)
    page = parse(f'<div class="x"><h1>議事紀實</h1><div class="y">{body}</div></div>', title="議事紀實")
    assert page.kind == ARTICLE and page.content.paragraphs == paragraphs


def test_text_split_over_two_blocks_is_kept_whole():
    page = parse("""<h1>標題文字</h1><div class="w"><div class="a"><p>上半篇的第一段,寫了很多字,講的是事情的開頭。</p>
        <p>上半篇的第二段,接著講事情的經過和細節。</p></div><div class="b"><p>下半篇的第一段,講事情的結果。</p>
        <p>下半篇的第二段,講各方的評價。</p></div></div>""", title="標題文字")
    assert page.kind == ARTICLE and len(page.content.paragraphs) == 4


def test_metadata_makes_a_short_page_an_article():
    page = parse('<div class="m"><h2>圖片新聞</h2><img src="/p/1.jpg"><p>碼頭夜景</p></div>',
                 head='<meta property="og:type" content="article">', title="碼頭夜景")
    assert page.kind == ARTICLE and page.content.images == ["http://news.test/p/1.jpg"]


LISTING_ROWS = "".join(
    f'<li><a href="/a/{n}.html" title="t">{title}</a><span class="time">2024-03-0{n}</span></li>'
    for n, title in enumerate(["通知", "公告", "黃志強", "漁港新貌", "社區議事會解決飲水機難題", "市民公園新增健身步道"], 1)
)


def test_a_listing_with_short_titles_gives_every_title():
    page = parse(f"""<div id="top"><a href="/">首頁</a> <a href="/about.html">關於本站的介紹與聯繫方式說明</a></div>
        <div class="col"><h2>本地新聞</h2><p>本欄目刊發陽江本地的時政、民生和社會新聞,每日更新。</p>
        <ul class="lst">{LISTING_ROWS}</ul>
        <div class="pg">上一頁 1 <a href="/list_2.html">2</a> <a href="/list_2.html">下一頁</a></div></div>""",
                 url="http://news.test/list_1.html", title="本地新聞_某某網")
    assert page.kind == LISTING
    assert [i.title for i in page.items] == ["通知", "公告", "黃志強", "漁港新貌", "社區議事會解決飲水機難題",
                                           "市民公園新增健身步道"]
    assert page.bar.next_url == "http://news.test/list_2.html"


def test_a_table_listing_and_a_br_listing():
    rows = "".join(f'<tr><td>·<a href="/n/{n}.html">新聞標題第{n}條</a></td><td>03-0{n}</td></tr>' for n in range(1, 6))
    page = parse(f"<table>{rows}</table>", url="http://news.test/list.asp")
    assert page.kind == LISTING and len(page.items) == 5 and all(i.dated for i in page.items)
    lines = "".join(f'<a href="/n/{n}.html">新聞標題第{n}條</a><br>' for n in range(1, 9))
    page = parse(f'<div class="lb">{lines}</div>', url="http://news.test/list.asp")
    assert page.kind == LISTING and len(page.items) == 8


def test_a_picture_headline_is_one_article_with_its_caption_as_title():
    page = parse(f"""<div class="focus"><a href="/a/9.html"><img src="/p/9.jpg"></a><p><a href="/a/9.html">碼頭</a></p></div>
        <ul>{LISTING_ROWS}</ul>""", url="http://news.test/")
    assert page.kind == LISTING
    assert page.items[0].url == "http://news.test/a/9.html" and page.items[0].title == "碼頭"
    assert len(page.items) == 7


def test_category_links_beside_each_title_are_not_articles():
    rows = "".join(f'<li><a href="/c/local/">[本地]</a> <a href="/a/{n}.html">新聞標題第{n}條</a></li>' for n in range(1, 5))
    page = parse(f"<ul>{rows}</ul>", url="http://news.test/list.html")
    assert [i.url for i in page.items] == [f"http://news.test/a/{n}.html" for n in range(1, 5)]
    assert ("http://news.test/c/local/", "category or tag") in page.skipped_links


def test_side_boxes_menus_and_footers_are_navigation_on_a_listing():
    page = parse(f"""<div class="header"><ul><li><a href="/news/">新聞</a></li><li><a href="/sitemap.html">網站地圖與全部欄目導航一覽</a></li></ul></div>
        <div class="main"><ul class="list">{LISTING_ROWS}</ul></div>
        <div class="box"><h3>熱門排行</h3><ol><li><a href="/a/90.html">熱門文章之一</a></li><li><a href="/a/91.html">熱門文章之二</a></li></ol></div>
        <div id="footer"><a href="/contact.html">聯繫我們</a> <a href="/terms.html">使用條款與隱私政策說明</a></div>""",
                 url="http://news.test/news/")
    assert len(page.items) == 6
    skipped = dict(page.skipped_links)
    for path in ("sitemap.html", "a/90.html", "a/91.html", "contact.html", "terms.html"):
        assert skipped[f"http://news.test/{path}"] == "navigation", path


@pytest.mark.parametrize("title, body", [
    ("關於我們_本地新聞網", "<h1>關於我們</h1><p>本地新聞網創辦於2012年,是一家立足本地、服務市民的新聞網站,每天刊發時政、民生新聞。</p>"),
    ("聯繫方式_本地新聞網", "<h1>聯繫方式</h1><p>地址：東風二路88號</p><p>電話：0662-3388888</p>"),
    ("網站地圖_本地新聞網", '<h1>網站地圖</h1><dl><dt>新聞</dt><dd><a href="/a/">本地</a> <a href="/b/">國內</a></dd></dl>'),
    ("頁面不存在", "<p>您訪問的頁面不存在,請返回首頁。</p>"),
    ("用戶登錄", '<form><input name="u"> 用戶名 <input name="p"> 密碼 <button>登錄</button></form>'),
])
def test_pages_about_the_site_and_empty_pages_are_other(title, body):
    assert parse(body, title=title, url="http://news.test/x.html").kind == OTHER


def test_an_article_with_a_related_list_and_comments_keeps_only_its_text():
    related = "".join(f'<li><a href="/a/{n}.html">延伸閱讀文章標題第{n}篇</a></li>' for n in range(10, 16))
    page = parse(f"""<div class="c"><h1>市民公園新增健身步道</h1><p class="d">2024-03-05</p>
        <div class="t"><p>市民公園新增兩條健身步道,全長三公里,免費向市民開放。</p></div>
        <div class="x"><h4>延伸閱讀</h4><ul>{related}</ul></div>
        <div id="comments"><p>網友甲:這條步道修得真好,每天晚上都去走一走,希望以後能多修幾條這樣的路。</p>
        <p>網友乙:支持!希望能在步道旁邊多裝幾盞路燈,晚上走路更安全。</p></div></div>""", title="市民公園新增健身步道")
    assert page.kind == ARTICLE
    assert text(page) == "市民公園新增兩條健身步道,全長三公里,免費向市民開放。"


def test_a_gallery_page_with_a_picture_and_no_text_is_an_article_page():
    page = parse("""<h1>漁港新貌</h1><div class="info">2024-03-06</div><div class="pic"><img src="/p/3.jpg"></div>
        <div class="pages"><a href="/a/1_2.html">上一頁</a> <a href="/a/1.html">1</a> <a href="/a/1_2.html">2</a> 3</div>""",
                 url="http://news.test/a/1_3.html", title="漁港新貌")
    assert page.kind == ARTICLE and page.content.images == ["http://news.test/p/3.jpg"] and page.bar.current == 3


def test_settings_overrule_the_signals():
    from dataclasses import replace

    def page(url: str, title: str, body: str, extraction):
        html = f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()
        return parse_page(HtmlResponse(url, body=html), extraction)

    chosen = replace(EXTRACTION, article_link_selector="div.nav", article_url_pattern=r"/about\.html$")
    body = f'<div class="nav"><a href="/a/99.html">頭條</a></div><ul class="lst">{LISTING_ROWS}</ul>'
    listing = page("http://news.test/list.html", "新聞", body, chosen)
    assert listing.kind == LISTING and [i.url for i in listing.items] == ["http://news.test/a/99.html"]
    assert ("http://news.test/a/1.html", "not matched by ARTICLE_LINK_SELECTOR") in listing.skipped_links
    about = page("http://news.test/about.html", "關於我們", "<h1>關於我們</h1><p>本站創辦於2012年。</p>", chosen)
    assert about.kind == ARTICLE and about.signals[0].name == "ARTICLE_URL_PATTERN matches"
    assert page("http://news.test/about.html", "關於我們", "<h1>關於我們</h1><p>本站創辦於2012年。</p>",
                EXTRACTION).kind == OTHER


def test_a_title_that_puts_the_site_first_still_finds_a_short_headline():
    page = parse('<div class="x"><h2>通知</h2><div class="y">明天停水,請做好準備。</div></div>', title="某某網 - 通知")
    assert page.kind == ARTICLE and page.content.title == "通知" and text(page) == "明天停水,請做好準備。"


def test_a_comment_link_beside_each_title_is_not_an_article():
    rows = "".join(f'<li><a href="/a/{n}.html">第{n}條新聞的標題文字</a> <a href="/c/{n}.html">評論(3)</a></li>'
                   for n in range(1, 7))
    page = parse(f"<ul>{rows}</ul>", url="http://news.test/list/")
    assert [i.url for i in page.items] == [f"http://news.test/a/{n}.html" for n in range(1, 7)]
    assert ("http://news.test/c/1.html", "in running text") in page.skipped_links
