"""Each way real pages were misread, on a saved page of our own markup: kind, body, title and links.

The pages are written by hand in the shapes seen on real news sites and CMS
themes; what a reader sees on each (its kind, the first and last lines of its
text, its headline) is written here by eye.
"""

from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.page.body import is_byline
from crawler.page.links import NEIGHBOUR
from crawler.page.parse import ARTICLE, LISTING, OTHER, Extraction, parse_page
from crawler.text.cleaning import clean_text

EXTRACTION = Extraction.from_settings(Settings(vars(project_settings)))
PROSE = ("縣人民醫院新門診大樓昨日正式啟用,六層樓共設門診診室一百二十間,日接診能力提高到五千人次。"
         "大樓設有自助掛號、繳費和取報告的機器四十台,候診區配有叫號屏,病人不用再擠在診室門口。"
         "醫院還在一樓開設了老年人綜合服務窗口,由專人陪同辦理就診手續,解決老人不會用手機掛號的難題。")
PARAGRAPHS = [PROSE[i:i + 48] + "。" for i in range(0, len(PROSE), 48)]
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
LINKS = [f"各地新聞標題第{n}條寫得比較長一些" for n in range(1, 51)]


def parse(html: str, url: str = "http://news.test/html/2024/0618/4512.html", title: str = "", head: str = ""):
    page = (f"<html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body>{html}</body></html>")
    return parse_page(HtmlResponse(url, body=page.encode("utf-8")), EXTRACTION)


def text(page) -> list[str]:
    return clean_text("\n".join(page.content.paragraphs)).split("\n")


def article(inside: str, **kwargs):
    """The page of an article headlined 新門診大樓啟用, its text's block holding ``inside``."""
    return parse(f'<h1>新門診大樓啟用</h1><div class="c">{inside}</div>', title="新門診大樓啟用", **kwargs)


def side_box(heading: str, links: list[str], start: int = 100, style: str = "") -> str:
    rows = "".join(f'<li><a href="/html/2024/0617/{start + n}.html">{t}</a><span>06-17</span></li>'
                   for n, t in enumerate(links))
    return f'<div class="box"{style}><h3>{heading}</h3><ul>{rows}</ul></div>'


def test_a_main_column_in_a_banner_container_is_read_not_vetoed():
    # A blog theme wraps the whole main column in "main-banner"; the headline in "post_header", "oflow-hd".
    page = parse(f"""<div class="site-nav"><a href="/">首頁</a> <a href="/news/">新聞</a></div>
        <div class="main-banner hot"><div class="post_header oflow-hd"><h1>新門診大樓啟用</h1>
        <div class="share-meta">2024-06-18 09:30 來源：縣融媒體中心</div>
        <div class="entry">{BODY}</div></div></div>""", title="新門診大樓啟用_縣新聞網")
    assert page.kind == ARTICLE
    assert text(page) == PARAGRAPHS
    assert page.content.title == "新門診大樓啟用" and page.content.published == "2024-06-18T09:30"


def test_fifty_links_in_side_boxes_beside_an_article_do_not_make_it_a_listing():
    boxes = side_box("相關新聞", LINKS[:20]) + side_box("排行榜", LINKS[20:35], 200) + side_box(
        "視頻", LINKS[35:], 300, style=' style="display: none"')
    page = parse(f"""<div class="art"><h1>新門診大樓啟用</h1><div class="info">2024-06-18 來源：縣融媒體中心</div>
        <div class="txt">{BODY}</div></div><div class="aside-col">{boxes}</div>""", title="新門診大樓啟用")
    assert page.kind == ARTICLE
    assert text(page) == PARAGRAPHS
    # The hidden box's links are no list at all; the others are side boxes, beside the text.
    assert len(page.items) == 35
    assert any(s.name == "side boxes beside the text" for s in page.signals)


def test_og_type_news_and_microdata_news_article_count_as_metadata():
    for head, body in (('<meta property="og:type" content="news">', f"<div>{BODY}</div>"),
                       ("", f'<div itemscope itemtype="https://schema.org/NewsArticle">{BODY}</div>')):
        page = parse(body, title="新門診大樓啟用", head=head)
        assert any(s.name == "metadata says article" for s in page.signals)


def test_a_hidden_keyword_block_is_never_the_body():
    keywords = "醫院 門診 大樓 掛號 " * 400
    page = parse(f"""<div style="display:none">{keywords}</div><div hidden>{keywords}</div>
        <h1>新門診大樓啟用</h1><div class="c">{BODY}</div>""", title="新門診大樓啟用")
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS


def test_a_tooltip_that_matches_a_content_selector_is_not_the_body():
    page = parse(f"""<div class="qr"><div class="content">掃碼關注公眾號</div></div>
        <h1>新門診大樓啟用</h1><div class="article-text">{BODY}</div>""", title="新門診大樓啟用")
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS


def test_an_article_after_a_stray_end_of_html_is_read():
    html = (f"<html><head><meta charset='utf-8'><title>新門診大樓啟用</title></head><body>"
            f"<div class='top'><a href='/'>首頁</a></div></body></html>"
            f"<div class='main'><h1>新門診大樓啟用</h1><div class='c'>{BODY}</div></div>")
    page = parse_page(HtmlResponse("http://news.test/a/1.html", body=html.encode("utf-8")), EXTRACTION)
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS


def test_site_page_words_inside_a_headline_or_a_url_number_do_not_make_a_site_page():
    for title, url in (("縣人才招聘會在城南舉行", "http://news.test/html/2023/0618/4510.html"),
                       ("隱私保護新規出台 市民個人信息有了新保障", "http://news.test/html/2023/0618/4511.html"),
                       ("新門診大樓啟用", "http://news.test/html/2023/0618/404.html")):
        page = parse(f'<h1>{title}</h1><div class="i">2023-06-18 10:00 作者：李明</div><div class="c">{BODY}</div>',
                     url=url, title=f"{title}_縣新聞網")
        assert page.kind == ARTICLE, title
        assert page.content.title == title
    for title, url in (("人才招聘", "http://news.test/html/jobs.html"), ("關於我們", "http://news.test/a.html"),
                       ("新門診大樓啟用", "http://news.test/about/index.html")):
        page = parse(f"<h1>{title}</h1><div>{BODY}</div>", url=url, title=f"{title}_縣新聞網")
        assert page.kind == OTHER, title


def test_a_lead_sentence_with_a_reporter_is_the_article_s():
    lead = "記者從縣衛健局獲悉,新門診大樓將於下週一正式對外開放。"
    page = parse(f'<h1>新門診大樓下週啟用</h1><div class="c"><p>{lead}</p><p>{PARAGRAPHS[0]}</p></div>',
                 title="新門診大樓下週啟用")
    assert text(page) == [lead, PARAGRAPHS[0]]
    byline = parse(f'<h1>新門診大樓下週啟用</h1><div class="c"><p>本報記者 王五 通訊員 李四</p><p>{lead}</p>'
                   f'<p>{PARAGRAPHS[0]}</p></div>', title="新門診大樓下週啟用")
    assert text(byline) == [lead, PARAGRAPHS[0]]


def test_a_one_paragraph_article_with_a_byline_word_beats_another_site_s_disclaimer():
    short = "市政府發布通知,端午節期間城區公交延長運營一小時。"
    page = parse(f"""<h1>端午節公交延時</h1><div class="a"><p>{short}</p></div>
        <div class="z"><p>本網站所有內容均來源於網絡,版權歸原作者所有,如有侵權請聯繫我們刪除,本站不承擔任何法律責任。</p></div>""",
                 title="端午節公交延時")
    assert text(page) == [short]


def test_sourced_bylines_notices_and_breadcrumbs_at_the_edges_are_taken_out_and_counted():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>首頁 &gt; 新聞中心 &gt; 正文</p>
        <p>2024-06-18 09:30 來源：縣融媒體中心</p>{BODY}<p>作者/簡盈盈、謝軍</p>
        <p>(責任編輯：張三)</p><p>本文來源：縣融媒體中心 編輯：李四</p>
        <p>版權所有,未經授權不得轉載。</p></div>""", title="新門診大樓啟用")
    # The dated line under the headline, the editor's and the source's are bylines; the rights line is a
    # notice; the author's line after the text goes with them as a signature (before a story's text, it heads
    # the story: it stays there, see the compilation below).
    assert text(page) == PARAGRAPHS
    assert page.cut == {"breadcrumb": 1, "byline": 3, "signature": 1, "notice": 1}
    # With nothing to go after it but the site's source line, it stays: on 家鄉網 it heads the next story of a
    # compilation, whose text is on the next page or lost with it.
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>02新病房樓開工</p><p>作者/簡盈盈、謝軍</p>
        <p>文章來源於:http://www.xiangtianlong.com 家鄉網</p></div>""", title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, "02新病房樓開工", "作者/簡盈盈、謝軍"]


def test_a_short_first_page_with_its_own_page_list_and_neighbour_links_is_an_article_page():
    url = "http://news.test/html/2024/0618/4512.html"
    page = parse("""<h1>新門診大樓啟用</h1><div class="c"><p>縣人民醫院新門診大樓昨日啟用。</p><p>詳見下頁。</p></div>
        <div class="nav-pages">本文導航<ul><li><a href="/html/2024/0618/4512.html">第1頁：大樓啟用</a></li>
        <li><a href="/html/2024/0618/4512_2.html">第2頁：就診更方便</a></li>
        <li><a href="/html/2024/0618/4512_3.html">第3頁：老人有專窗</a></li></ul></div>
        <div class="pages">上一頁 1 <a href="/html/2024/0618/4512_2.html">2</a> <a href="/html/2024/0618/4512_3.html">3</a>
        <a href="/html/2024/0618/4512_2.html">下一頁</a></div>
        <ul class="prenext"><li>上一篇：<a href="/html/2024/0617/4498.html">城南新建兩座公園</a></li>
        <li>下一篇：<a href="/html/2024/0619/4530.html">端午節公交延時運營</a></li></ul>""",
                 url=url, title="新門診大樓啟用")
    assert page.kind == ARTICLE
    assert text(page) == ["縣人民醫院新門診大樓昨日啟用。", "詳見下頁。"]
    assert page.items == []
    skipped = dict(page.skipped_links)
    assert skipped["http://news.test/html/2024/0617/4498.html"] == NEIGHBOUR
    assert skipped["http://news.test/html/2024/0619/4530.html"] == NEIGHBOUR


def test_the_headline_is_the_heading_that_repeats_the_title_whatever_its_level():
    page = parse(f"""<div class="logo"><h1>縣新聞網</h1></div><div class="crumb"><h2>國內</h2></div>
        <div class="art"><h3>新門診大樓啟用<span class="time">2024-06-18 09:30 來源：縣融媒體中心</span></h3>
        <div class="c">{BODY}</div></div>""", title="新門診大樓啟用 - 國內 - 縣新聞網")
    assert page.kind == ARTICLE
    assert page.content.title == "新門診大樓啟用"
    assert text(page) == PARAGRAPHS
    # The byline nested in it is the page's byline, however long the headline: its date is the article's
    # (PHPCMS's h1: the headline, a <br>, the byline's span).
    page = parse(f"""<div id="Article"><h1>縣人民醫院新門診大樓昨日正式啟用<br>
        <span>2024-06-18 09:30:05&nbsp;&nbsp;來源：縣融媒體中心&nbsp;評論：<a href="#c">0</a> 點擊：</span></h1>
        <div class="content">{BODY}</div></div>""", title="縣人民醫院新門診大樓昨日正式啟用 - 縣新聞 - 縣新聞網")
    assert page.content.title == "縣人民醫院新門診大樓昨日正式啟用" and text(page) == PARAGRAPHS
    assert page.content.published == "2024-06-18T09:30:05"
    assert [s.name for s in page.signals if s.points == 2] == ["dated byline"]


def test_without_a_headline_the_title_leaves_off_the_category_and_the_site():
    page = parse(f'<div class="c">{BODY}</div>', title="新門診大樓啟用 - 國內 - 縣新聞網")
    assert page.content.title == "新門診大樓啟用"
    # A headline's own Chinese dash is no separator.
    page = parse(f'<div class="c">{BODY}</div>', title="新門診大樓啟用——日接診五千人次_縣新聞網")
    assert page.content.title == "新門診大樓啟用——日接診五千人次"


def test_a_main_list_under_a_hot_heading_in_a_hot_container_is_the_page_s_list():
    rows = "".join(f'<li><a href="/html/2024/0618/{n}.html">{t}</a><span>2024-06-18</span></li>'
                   for n, t in enumerate(LINKS[:12], 4500))
    page = parse(f"""<div class="hot-focus"><a href="/html/2024/0618/4499.html">新門診大樓正式啟用 日接診五千人次</a>
        <p>縣人民醫院新門診大樓昨日啟用,六層樓共設門診診室一百二十間。</p></div>
        <div class="hotnews"><h2>熱點</h2><ul>{rows}</ul></div>
        <div class="side"><h3>熱門</h3><ul><li><a href="/html/2024/0601/1.html">六月一日的新聞一條</a></li>
        <li><a href="/html/2024/0601/2.html">六月一日的新聞兩條</a></li></ul></div>""",
                 url="http://news.test/news/", title="要聞_縣新聞網")
    assert page.kind == LISTING
    urls = [i.url for i in page.items]
    assert urls[:13] == ["http://news.test/html/2024/0618/4499.html"] + [
        f"http://news.test/html/2024/0618/{n}.html" for n in range(4500, 4512)]
    assert "http://news.test/html/2024/0601/1.html" not in urls


def test_a_blog_index_of_whole_posts_is_a_listing_and_a_compilation_article_is_not():
    posts = "".join(
        f'<article class="post-{n} post"><h2 class="entry-title"><a href="/?p={n}">第{n}篇日記的標題</a></h2>'
        f'<div class="entry-content"><p>{PROSE[n * 10:]}</p></div></article>' for n in range(1, 5))
    page = parse(f'<div class="site-main">{posts}</div>', url="http://blog.test/", title="老周的部落格")
    assert page.kind == LISTING
    assert [i.url for i in page.items] == [f"http://blog.test/?p={n}" for n in range(1, 5)]
    # Stories one after another under headings of their own, none linking elsewhere: one article.
    stories = "".join(f'<div class="story"><h3>0{n}新聞標題</h3><p>作者/簡盈盈</p><p>{PROSE[n * 10:]}</p></div>'
                      for n in range(1, 5))
    page = parse(f"<h1>各地新聞彙編</h1>{stories}", title="各地新聞彙編")
    assert page.kind == ARTICLE
    # Every story is there; the first story's author line, before the first sentence, is the byline.
    assert text(page)[0] == "01新聞標題" and len(text(page)) == 11 and page.cut["byline"] == 1


def test_a_page_break_is_no_edge_of_the_article_nothing_is_cut_beside_it():
    # The site splits articles anywhere, even in mid-sentence: what ends a page may look like a byline.
    bar = ('<div class="pages">上一頁 <b>[1]</b> <a href="/html/2024/0618/4512_2.html">[2]</a> '
           '<a href="/html/2024/0618/4512_2.html">下一頁</a></div>')
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>在“陽東發布”、</p><p>2024-06-18 來源：縣融媒體</p></div>'
                 f'{bar}', title="新門診大樓啟用")
    assert text(page)[-2:] == ["在“陽東發布”、", "2024-06-18 來源：縣融媒體"]
    assert "byline" not in page.cut


def test_what_every_page_carries_after_its_text_goes_at_a_page_break_too():
    # A gallery's pages (news.cn's shape): the bar inside the text's block, then the tags and the editor's mark,
    # on every page. At a break only lines no piece of a sentence could be go; the text before them stays.
    bar = ('<center class="pager"><span>1</span><a href="/html/2024/0618/4512_2.html">2</a>'
           '<a href="/html/2024/0618/4512_2.html">下一页</a></center>')
    trailer = ('<p>新华社发（刘满仓摄）</p>' + bar + '<div class="tags"><a href="javascript:">遵化</a>'
               '<a href="javascript:">农机</a></div><span class="editor">[作者: 刘满仓 　责任编辑:\n    杨丹宇 ]</span>')
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}{trailer}</div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"page bar": 1, "credit": 1, "links": 1, "byline": 1}
    # A line of text, short or not, ends what goes: the text may go on across the break from it, even a piece
    # of a sentence that would be a credit or a photo's credit whole (作者 | /簡盈盈…, as the replica splits).
    for piece in ("他說", "作者", "他手持相機拍攝"):
        page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>{piece}</p>{trailer}</div>', title="新門診大樓啟用")
        assert text(page) == [*PARAGRAPHS, piece]
        page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>{piece}</p>{bar}</div>', title="新門診大樓啟用")
        assert text(page) == [*PARAGRAPHS, piece]


def test_a_line_broken_in_the_pages_source_is_one_line():
    # Hand-written and pretty-printed markup break lines anywhere; a browser shows such a break as a space, or
    # as nothing between Chinese characters: only blocks and <br> make new lines.
    wrapped = PARAGRAPHS[1][:20] + "\n        " + PARAGRAPHS[1][20:]
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><p>{PARAGRAPHS[0]}</p><p>{wrapped}</p>'
                 f'<p>{PARAGRAPHS[2]}</p></div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS  # nothing between two Chinese characters, a space between words
    page = parse(f'<h1>Clinic opens</h1><div class="c"><p>{PARAGRAPHS[0]}</p><p>The new clinic\n  opened.</p></div>',
                 title="Clinic opens")
    assert text(page) == [PARAGRAPHS[0], "The new clinic opened."]
    # A paragraph opening with a link on a line of its own (a stock's or a keyword's link, qq's shape) loses
    # no word: the link is no line of its own, that would go as only a link.
    linked = f'<p>\n  <span><a href="http://stock.test/GOOG">谷歌</a></span>\n  {PARAGRAPHS[0]}</p>'
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{linked}{BODY[len(PARAGRAPHS[0]) + 7:]}</div>',
                 title="新門診大樓啟用")
    assert text(page) == ["谷歌" + PARAGRAPHS[0], *PARAGRAPHS[1:]] and page.cut == {}
    # Inline elements on lines of their own make one line; in <pre> a break is a new line.
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><p>{PARAGRAPHS[0]}</p><p><span>縣醫院</span>\n'
                 f'<span>6月18日</span></p><pre>{wrapped}</pre><p>{PARAGRAPHS[2]}</p></div>', title="新門診大樓啟用")
    assert text(page)[1:4] == ["縣醫院 6月18日", PARAGRAPHS[1][:20], PARAGRAPHS[1][20:]]


def test_a_call_to_the_reader_after_the_text_goes_with_the_page_tools_beyond_it():
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>簡盈盈</p><p>進入【縣新聞論壇】討論</p><p>舉報</p></div>',
                 title="新門診大樓啟用")
    # The call and the tool beyond it go, and the signature between the text and them goes with them.
    assert text(page) == PARAGRAPHS
    assert page.cut == {"signature": 1, "tools": 2}
    # Alone after the text, with nothing going beyond it, a short line stays: it may be the text's last.
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>簡盈盈</p></div>', title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, "簡盈盈"] and page.cut == {}
    # A follow button before the text, and an app's promotion naming the site's address after it.
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><p>關注</p>{BODY}<p>看更多本地新聞,上手機縣新聞網 m.xian-news.cn</p></div>',
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS and page.cut == {"tools": 2}
    # A side box's heading whose links went, left after the text.
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<h3>重點推薦</h3></div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS and page.cut == {"navigation": 1}


def test_related_headlines_left_as_lines_after_the_text_are_cut_and_counted():
    # A "more" box written as bare links inside the text's block, no list around them.
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p><a href="/html/2024/0617/8.html">{LINKS[0]}</a></p>
        <div><a href="/html/2024/0617/9.html">全民微信時代,用語音發60秒是種怎樣的體驗？</a></div></div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"links": 2}
    # A link inside a sentence of the text is the text's: its line stays whole.
    inline = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}
        <p>詳情請見<a href="/html/2024/0617/1.html">醫院公告</a>。</p></div>""", title="新門診大樓啟用")
    assert text(inline) == [*PARAGRAPHS, "詳情請見醫院公告。"]


def test_a_reporter_s_or_a_commentator_s_signature_before_the_text_is_a_byline():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>半月談記者 史衛燕</p>{BODY}</div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"byline": 1}
    commentator = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>文丨政能亮特約評論員 韓涵</p>{BODY}</div>""",
                        title="新門診大樓啟用")
    assert text(commentator) == PARAGRAPHS


def test_the_short_lines_after_a_rights_notice_at_the_end_go_with_it():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}
        <p>本文為縣融媒體中心授權發布,轉載請注明出處。</p>
        <p>作者為縣報記者,長期關注醫療衛生,曾獲省新聞獎。</p></div>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"notice": 2}
    # More than two lines before the end, a notice is no edge: the text after it stays.
    lead = "縣人民醫院新門診大樓昨日啟用,日接診能力提高到五千人次。"
    far = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>{lead}</p>
        <p>本文為縣融媒體中心授權發布,轉載請注明出處。</p>{BODY}</div>""", title="新門診大樓啟用")
    assert len(PARAGRAPHS) > 2
    assert text(far) == [lead, "本文為縣融媒體中心授權發布,轉載請注明出處。", *PARAGRAPHS]


def test_paragraphs_each_in_wrappers_of_their_own_are_one_text():
    # As components render an article (handelsblatt's shape): div.el > div.rt > p, paragraph after paragraph,
    # with an ad between two of them, beside a box of one longer paragraph.
    paragraphs = [f"第{n}段。" + PROSE[n * 9:n * 9 + 60] + "。" for n in range(5)]
    wrapped = [f'<div class="el"><div class="rt"><p>{p}</p></div></div>' for p in paragraphs]
    wrapped.insert(2, '<div class="ad"><script>show_ad()</script></div>')
    page = parse(f'<h1>新門診大樓啟用</h1><div class="article-body">{"".join(wrapped)}</div>'
                 f'<div class="side"><p>{PROSE[:90]}</p></div>', title="新門診大樓啟用")
    assert text(page) == paragraphs
    # A paragraph in a wrapper that is no repeated one is a block of its own, as before: the one-paragraph box.
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}</div><div class="side"><div class="box">'
                 f'<p>{PROSE[:40]}。</p></div></div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS


def test_a_short_article_above_a_longer_recommended_one_is_found_by_the_page_s_description():
    lead = "縣消防大隊昨日在城南小學舉行消防演練,全校一千二百名師生在四分鐘內全部疏散到操場。"
    short = [lead, "消防員還為學生講解了滅火器的用法,並示範了如何用濕毛巾捂住口鼻逃生。"]
    other = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 3)
    html = f"""<div class="detail"><div class="cont"><h1>城南小學消防演練</h1>
        <div class="article-content">{''.join(f'<p>{p}</p>' for p in short)}</div></div>
        <div class="reco"><div class="cont"><div class="cont">{other}</div></div></div></div>"""
    page = parse(html, title="城南小學消防演練", head=f'<meta name="description" content="{lead[:30]}">')
    assert page.kind == ARTICLE
    assert text(page) == short
    # Without a description, the longer text wins: the description is what names the page's own.
    assert text(parse(html, title="城南小學消防演練"))[0] == PARAGRAPHS[0]


def test_a_reporter_s_signature_in_brackets_after_the_text_is_a_credit():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>（總台央視記者 奚丹霓 張賽）</p>
        <p>責任編輯：劉光博</p></div>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"credit": 1, "byline": 1}
    # A remark in brackets that is no signature stays.
    remark = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>（本版圖片均由縣人民醫院提供）</p></div>""",
                   title="新門診大樓啟用")
    assert text(remark) == [*PARAGRAPHS, "（本版圖片均由縣人民醫院提供）"]


def test_a_photo_gallery_button_after_the_text_goes_with_its_count():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<div class="tools"><span>圖集</span><br>+1</div></div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"tools": 2}


def test_a_kicker_above_the_headline_inside_the_text_s_block_is_the_headline_s():
    page = parse(f"""<div class="left"><p class="p1"></p><p class="p1">全縣醫療服務再上新台階</p>
        <h1>新門診大樓啟用</h1>{BODY}</div>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"headline": 2}
    # A sentence above the headline is no kicker: it stays, whatever it is.
    lead = "本報今日推出醫療專題,共三篇。"
    sentence = parse(f"""<div class="left"><p>{lead}</p><h1>新門診大樓啟用</h1>{BODY}</div>""", title="新門診大樓啟用")
    assert text(sentence) == [lead, *PARAGRAPHS]


def test_the_headline_again_as_the_first_line_and_a_link_home_ending_the_last_go():
    last = PARAGRAPHS[-1]
    page = parse(f"""<h3 class="video">新門診大樓啟用</h3><article><p>新門診大樓啟用</p>{BODY[:-len(last) - 4]}
        <p>{last}<a href="/">返回首頁,查看更多</a></p></article>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"headline": 1, "tools": 1}  # the line; the h3 is outside the body
    # Its punctuation may differ (the title's "縣醫院：" shown as a kicker before the headline's words).
    page = parse(f"""<h3 class="video">縣醫院：新門診大樓啟用</h3><article><p><span>縣醫院</span> 新門診大樓啟用</p>
        {BODY}</article>""", title="縣醫院：新門診大樓啟用")
    assert text(page) == PARAGRAPHS and page.cut == {"headline": 1}
    # A link inside the sentence, or one that is no call to the reader, stays.
    kept = parse(f"""<h1>新門診大樓啟用</h1><article>{BODY[:-len(last) - 4]}<p>{last}<a href="/a">醫院公告</a></p>
        </article>""", title="新門診大樓啟用")
    assert text(kept) == [*PARAGRAPHS[:-1], last + "醫院公告"]


def test_a_column_of_links_to_sections_index_pages_is_a_menu_whatever_the_length_of_their_names():
    sections = ["新聞", "頭條", "時政", "縣城新面貌", "新華社看陽江", "專題"]
    menu = "".join(f'<li><a href="http://he.news.test/s{n}/index.htm">{name}</a></li>' for n, name in enumerate(sections))
    page = parse(f"""<div class="side"><ul>{menu}</ul></div><h1>新門診大樓啟用</h1>
        <div class="info">2024-06-18 來源：縣融媒體中心</div><div class="c">{BODY}</div>""", title="新門診大樓啟用")
    assert page.kind == ARTICLE
    assert page.items == []
    # The same names leading to pages that are no section's index are a list of articles.
    articles = "".join(f'<li><a href="http://he.news.test/2024/0618/{n}.html">{name}</a></li>'
                       for n, name in enumerate(sections))
    listing = parse(f"""<div class="list"><ul>{articles}</ul></div>""", title="新聞")
    assert len(listing.items) == len(sections)


def test_the_headline_may_be_the_title_s_whole_opening_and_its_quote_marks_may_differ():
    page = parse(f"""<h1><span>新華視界｜縣城新門診大樓啟用</span></h1><div class="c">{BODY}</div>""",
                 title="新華視界｜縣城新門診大樓啟用-新華網河北頻道-新華網")
    assert page.content.title == "新華視界｜縣城新門診大樓啟用"
    quoted = parse(f"""<h1>County's new clinic opens</h1><div class="c">{BODY}</div>""",
                   title="County′s new clinic opens | Health | News")
    assert quoted.content.title == "County's new clinic opens"
    # A button nested in the headline is still not its text.
    button = parse(f"""<h1><span>縣城新門診大樓啟用</span><span class="b">播報文章</span></h1><div class="c">{BODY}</div>""",
                   title="縣城新門診大樓啟用_縣新聞網")
    assert button.content.title == "縣城新門診大樓啟用"


def test_a_source_line_dated_by_month_and_day_before_the_text_is_a_byline():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>縣融媒體中心 6月18日報道</p>{BODY}</div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    # A lead that opens with the day is the article's.
    lead = "6月18日,縣人民醫院新門診大樓正式啟用。"
    dated = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>{lead}</p>{BODY}</div>""", title="新門診大樓啟用")
    assert text(dated) == [lead, *PARAGRAPHS]


def test_a_reporter_s_address_alone_after_the_text_is_a_credit():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>（記者信箱：wangwu@news.test）</p></div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS and page.cut == {"credit": 1}
    # An address inside a sentence is the article's.
    ask = "報名請發郵件至clinic@hospital.test。"
    kept = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>{ask}</p></div>""", title="新門診大樓啟用")
    assert text(kept) == [*PARAGRAPHS, ask]


def test_a_wire_dateline_naming_the_headline_and_its_reporters_before_the_text_go():
    page = parse(f"""<h1>新華全媒+丨縣城新門診大樓啟用</h1><div class="c">
        <p>新華社陽江6月18日電 題：縣城新門診大樓啟用</p><p>新華社記者王五、李四、趙六</p>{BODY}</div>""",
                 title="新華全媒+丨縣城新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"headline": 1, "byline": 1}  # the 題 line; the h1 is outside the body
    # A dateline that opens the text itself (no 題：) is the article's.
    lead = "新華社陽江6月18日電 縣人民醫院新門診大樓昨日啟用。"
    wire = parse(f"""<h1>縣城新門診大樓啟用</h1><div class="c"><p>{lead}</p>{BODY}</div>""", title="縣城新門診大樓啟用")
    assert text(wire) == [lead, *PARAGRAPHS]


def test_the_staff_s_credits_and_an_author_s_note_in_brackets_after_the_text_are_credits():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>（作者王五系縣衛生經濟學會研究員）</p>
        <p>總監制：鄒 明</p><p>監 製：高明勇</p><p>審 讀：崔向升</p></div>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"credit": 4}
    # A note closing the text's last paragraph is the paragraph's: only whole lines go.
    closing = PARAGRAPHS[-1] + "（作者王五系縣衛生經濟學會研究員）"
    inline = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY[:-4]}（作者王五系縣衛生經濟學會研究員）</p>
        <p>總監制：鄒 明</p></div>""", title="新門診大樓啟用")
    assert text(inline) == [*PARAGRAPHS[:-1], closing]


def test_the_platform_s_notice_in_english_after_its_chinese_one_is_a_notice():
    english = ("Notice: The content above (including the pictures and videos if any) is uploaded and posted by a "
               "user of County News Hao, which is a social media platform and only provides information storage "
               "services.")
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>文/簡盈盈</p><p>責任編輯：李四</p>
        <p>特別聲明：以上內容為自媒體平台用戶上傳並發布，本平台僅提供信息存儲服務。</p><p>{english}</p></div>""",
                 title="新門診大樓啟用")
    assert len(english) > 200
    assert text(page) == PARAGRAPHS
    assert page.cut == {"signature": 1, "byline": 1, "notice": 2}


def test_a_video_player_inside_the_text_s_block_is_left_out_with_its_controls():
    player = """<div class="player"><div class="bar">縣醫院宣傳片 收起</div><div class="ad">秒 會員跳過廣告</div>
        <video src="/v/1.mp4"></video><div class="err">很抱歉，當前視頻播放失敗 錯誤代碼：QVS.4100</div>
        <div class="load-layer hidden"><span>Play Video</span></div></div>"""
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{player}{BODY}</div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"player": 1}
    # A player's short label hidden by a class goes even outside a player; a long text so hidden (a "read
    # more" remainder) stays, since a script shows it.
    rest = "醫院還將在明年開設兒科夜間門診,方便家長下班後帶孩子就診。"
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><span class="vjs-hidden">Play Video</span>{BODY}'
                 f'<p class="hidden">{rest}</p></div>', title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, rest]


def test_a_standfirst_the_text_repeats_goes_when_a_byline_stands_between_it_and_the_text():
    standfirst = "縣人民醫院新門診大樓昨日啟用,日接診能力提高到五千人次。"
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><div class="introduction">{standfirst}</div>
        <p>縣融媒體中心記者 王五</p>{BODY}<p>{standfirst}</p></div>""", title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, standfirst]
    assert page.cut == {"summary": 1, "byline": 1}
    # A lead repeated further on (a pull quote) with nothing between it and the text is the text's first line.
    lead = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>{standfirst}</p>{BODY}<p>{standfirst}</p></div>""",
                 title="新門診大樓啟用")
    assert text(lead) == [standfirst, *PARAGRAPHS, standfirst] and lead.cut == {}


def test_a_wire_story_s_byline_date_and_credits_in_english_are_cut_at_its_edges():
    text_en = ["Workers at the county hospital opened a new outpatient building on Monday, with 120 rooms.",
               "The building can receive 5,000 patients a day, twice as many as the old one, officials said."]
    body = "".join(f"<p>{p}</p>" for p in text_en)
    page = parse(f"""<h1>County hospital opens new building</h1><div class="c"><p>By Jane Roe</p>
        <p>June 18, 2024, 9:30 AM EDT</p>{body}<p>___</p>
        <p>Reporting by Jane Roe in Yangjiang; Editing by John Doe</p>
        <p>AP writer Wang Wu in Guangzhou contributed to this report.</p></div>""",
                 title="County hospital opens new building")
    assert text(page) == text_en
    assert page.cut == {"byline": 2, "signature": 1, "credit": 2}
    # A sentence that opens with the same words is the article's.
    lead = "By noon, the queue at the new building had gone."
    kept = parse(f"""<h1>County hospital opens new building</h1><div class="c"><p>{lead}</p>{body}</div>""",
                 title="County hospital opens new building")
    assert text(kept) == [lead, *text_en]


def test_the_lead_photo_s_caption_before_the_text_is_the_photo_s_and_one_further_on_stays():
    caption = "新門診大樓外景。縣融媒體中心記者 王五 攝"
    inner = "候診區的叫號屏。"
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><figure><img src="/a.jpg"><figcaption>{caption}</figcaption>
        </figure><div class="pic"><img src="/b.jpg"><p class="wp-caption-text">{inner}</p></div>{BODY}</div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"caption": 2}
    # Between paragraphs, a caption is left where it is: only the text's edges are cut.
    middle = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>{PARAGRAPHS[0]}</p><figure><img src="/a.jpg">
        <figcaption>{caption}</figcaption></figure>{BODY[len(PARAGRAPHS[0]) + 7:]}</div>""", title="新門診大樓啟用")
    assert text(middle) == [PARAGRAPHS[0], caption, *PARAGRAPHS[1:]]
    # A caption part of which is the page's, left out of the body (span.copyright), is the rest, as the body
    # reads it (franceculture's shape).
    credited = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><figure><img src="/a.jpg"><figcaption>
        <span>新大樓外景，攝於六月十八日上午。</span>\n<span class="copyright">圖／縣融媒體</span></figcaption></figure>{BODY}</div>""",
                     title="新門診大樓啟用")
    assert text(credited) == PARAGRAPHS and credited.cut.get("caption") == 1
    # A figure holding the text itself (more than 300 characters) is no caption: nothing of it goes.
    wrapped = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><figure><img src="/a.jpg">{BODY * 3}</figure>
        <p>{PARAGRAPHS[0]}</p></div>""", title="新門診大樓啟用")
    assert len(PROSE) * 3 > 300
    assert text(wrapped)[:3 * len(PARAGRAPHS)] == PARAGRAPHS * 3 and wrapped.cut == {}


def test_the_author_the_page_names_and_an_author_s_line_at_the_edges_are_bylines():
    head = ('<meta name="author" content="簡盈盈"><script type="application/ld+json">'
            '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "謝 軍"}}</script>')
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p>謝 軍</p>{BODY}<p>簡盈盈</p></div>""",
                 title="新門診大樓啟用", head=head)
    assert text(page) == PARAGRAPHS
    assert page.cut == {"byline": 2}
    classed = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><span class="submitted-by">縣融媒體中心 王五</span>{BODY}
        <p class="author">王五 發表在 縣新聞網</p></div>""", title="新門診大樓啟用")
    assert text(classed) == PARAGRAPHS
    assert classed.cut == {"byline": 2}
    # A signature's block, however its source spreads it (lemonde's shape), and microdata's author.
    pad = " " * 60
    marked = parse(f"""<h1>新門診大樓啟用</h1><div class="c"><p class="bloc_signature">縣新聞網 |{pad}<time>06.18</time>
        •{pad}更新於 06.19 |{pad}<span>文 王五</span></p>{BODY}<ul><li itemprop="author">王五{pad}<br>
        <span>縣新聞網記者</span> <a href="/author/wangwu">關注</a></li></ul></div>""", title="新門診大樓啟用")
    assert text(marked) == PARAGRAPHS
    assert marked.cut == {"byline": 3}
    # A container so classed (article.author-wangwu) is no author's line: its text stays.
    container = parse(f"""<h1>新門診大樓啟用</h1><div class="c author-wangwu">{BODY}</div>""", title="新門診大樓啟用")
    assert text(container) == PARAGRAPHS and container.cut == {}


def test_a_line_of_tags_after_the_text_goes_and_one_long_link_alone_stays():
    tags = "".join(f'<a href="/tag/{n}.html">{t}</a>' for n, t in enumerate(["門診", "縣人民醫院", "醫療改革"]))
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<div class="tags"><span>Tagi:</span>{tags}</div></div>""",
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"links": 1}
    wrapped = "醫院還將在明年開設兒科夜間門診,方便家長下班後帶孩子就診,詳情請見醫院的官方網站上的公告,或致電醫院的服務熱線諮詢,週末也有專人接聽。"
    assert len(wrapped) > 60  # a link alone up to 60 characters is a related headline
    kept = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p><a href="/notice.html">{wrapped}</a></p></div>""",
                 title="新門診大樓啟用")
    assert text(kept) == [*PARAGRAPHS, wrapped]


def test_a_display_headline_and_its_decks_before_the_text_are_the_headline_s():
    page = parse(f"""<h1>縣長主持召開醫療改革座談會</h1><div class="c"><p>縣長主持召開醫療改革座談會強調</p>
        <p>推動縣域醫療取得新突破</p><p>讓群眾就近看好病</p>{BODY}</div>""", title="縣長主持召開醫療改革座談會")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"headline": 3}
    # Without the headline line above them, short lines before the text stay: they may be its subheadings.
    kept = parse(f"""<h1>縣長主持召開醫療改革座談會</h1><div class="c"><p>推動縣域醫療取得新突破</p>{BODY}</div>""",
                 title="縣長主持召開醫療改革座談會")
    assert text(kept) == ["推動縣域醫療取得新突破", *PARAGRAPHS]


def test_a_list_closing_the_text_stays_before_a_notice_and_a_signature_goes():
    items = ["一、門診大樓", "二、住院大樓", "三、醫技大樓", "四、行政大樓"]
    listed = "".join(f"<p>{i}</p>" for i in items)
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}{listed}<p>責任編輯：李四</p></div>""",
                 title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, *items]
    assert page.cut == {"byline": 1}


def test_a_site_s_call_to_like_join_or_subscribe_after_the_text_goes_with_the_lines_before_it():
    # A news app's box after the story: its slogan, its buttons, a LINE and a fan page's "like".
    widget = """<section><div>不用抽 不用搶 現在用APP看新聞</div><span class="btn">點我下載APP</span>
        <div>新聞送上來！快加入縣新聞APP、LINE好友</div><div>已經加好友了，謝謝</div>
        <div>歡迎加入【縣新聞】</div><div>按個讚　心情好</div><div>已經按讚了，謝謝。</div></section>"""
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}{widget}</div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"signature": 1, "promo": 6}
    # A last sentence that speaks of an app or of likes is the story's.
    last = "市民可通過下載APP預約掛號,網友紛紛按讚。"
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>{last}</p></div>', title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, last]
    # In English: a video teaser's lines, then the newsletter's appeal.
    newsletter = ("Every day, our editors send out a selection of the day's news. "
                  "Sign up for the newsletter here.")
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<div class="teaser"><span>Watch video 02:17</span>
        <p>Nurses want the old wing kept as a museum</p></div><p>{newsletter}</p></div>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"signature": 2, "promo": 1}


def test_a_short_sentence_in_a_script_of_words_after_the_text_is_no_page_tool():
    # Short lines in a script of words may be twice as long as in Chinese, but a sentence stays one.
    english = ["The new outpatient building opened on Monday with one hundred and twenty rooms.",
               "Registration opens at 8.00.", "Doors open at 7.30 a.m."]
    page = parse(f'<h1>New clinic opens</h1><div class="c">{"".join(f"<p>{p}</p>" for p in english)}'
                 f'<p>Copyright 2024 County News</p></div>', title="New clinic opens")
    assert page.content.paragraphs == english
    assert page.cut == {"notice": 1}


def test_a_photo_s_credit_after_the_text_goes_with_the_tags_and_credits_after_it():
    page = parse(f"""<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>縣融媒體中心發（王五攝）</p>
        <p>門診大樓 醫院</p><p>[作者: 王五　責任編輯: 趙六 ]</p></div>""", title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"credit": 1, "tools": 1, "byline": 1}
    # A sentence that ends in 攝 is the text's.
    last = "他說,這張照片是在門診大樓啟用當天拍攝。"
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{BODY}<p>{last}</p></div>', title="新門診大樓啟用")
    assert text(page) == [*PARAGRAPHS, last]


def test_a_side_box_s_heading_left_before_the_text_goes():
    related = '<div class="related"><h4>Related Content</h4><ul><li><img src="/a.jpg"></li></ul></div>'
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{related}{BODY}</div>', title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS
    assert page.cut == {"navigation": 1}


def test_a_standfirst_in_a_block_of_its_own_before_the_text_goes():
    standfirst = "縣人民醫院新門診大樓昨日啟用,日接診能力提高到五千人次,老人有專人陪同就診。"
    for markup in (f'<p class="fig-chapo">{standfirst}</p>', f'<h2 class="content-head__subtitle">{standfirst}</h2>',
                   f'<ul class="abstract-v2"><li>{standfirst}</li></ul>'):
        page = parse(f'<h1>新門診大樓啟用</h1><div class="c">{markup}{BODY}</div>', title="新門診大樓啟用")
        assert text(page) == PARAGRAPHS, markup
        assert page.cut == {"standfirst": 1}
    # A block so classed that holds the text itself is not a standfirst, and a lead paragraph is the text's.
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><div class="intro">{BODY * 3}</div></div>',
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS * 3
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><p class="lead">{standfirst}</p>{BODY}</div>',
                 title="新門診大樓啟用")
    assert text(page) == [standfirst, *PARAGRAPHS]


def test_headings_after_the_last_line_of_text_head_none_of_it():
    # Pull quotes set as headings after the text: one repeats a sentence of it, one says it anew.
    page = article(f'{BODY}<h4>病人不用再擠在診室門口。</h4><h4>老人掛號有人陪。</h4>')
    assert text(page) == PARAGRAPHS and page.cut == {"heading": 2}
    # A heading with short lines under it heads them: they may be the text's own.
    page = article(f'{BODY}<h4>各科室位置</h4><p>內科 三樓</p><p>兒科 四樓</p>')
    assert text(page) == [*PARAGRAPHS, "各科室位置", "內科 三樓", "兒科 四樓"] and page.cut == {}


def test_a_teaser_card_of_another_article_inside_the_body_is_cut():
    card = ('<figure><a href="/html/2024/0617/77.html"><img src="/a.jpg"><figcaption><h3>縣醫院開通夜間門診</h3>'
            '<p>夜間門診從下月起開放,內科和兒科每晚接診到十點,方便上班族看病。</p></figcaption></a></figure>')
    page = article(f'{BODY}{card}')
    assert text(page) == PARAGRAPHS and page.cut == {"teaser": 1}


def test_the_page_s_summary_above_its_byline_is_a_standfirst_not_the_text():
    summary = "縣人民醫院新門診大樓昨日啟用,日接診能力提高到五千人次。"
    head = f'<meta name="description" content="{summary}">'
    page = article(f'<ul><li>{summary}</li><li>一樓開設老年人綜合服務窗口。</li></ul>'
                   f'<p>來源：縣融媒體中心 作者：簡盈盈</p>{BODY}', head=head)
    assert text(page) == PARAGRAPHS and page.cut == {"standfirst": 2, "byline": 1}
    # A lead that is the page's summary, with a photo's credit under it, is the text's: a credit is no byline.
    head = f'<meta name="description" content="{PARAGRAPHS[0]}">'
    page = article(f'<p>{PARAGRAPHS[0]}</p><p><img src="/a.jpg"></p>'
                   f'<p>縣融媒體記者 簡盈盈 攝</p>{BODY.split("</p>", 1)[1]}', head=head)
    assert text(page) == [PARAGRAPHS[0], "縣融媒體記者 簡盈盈 攝", *PARAGRAPHS[1:]]
    page = article(f'<p>{PARAGRAPHS[0]}</p><p><img src="/a.jpg"></p>'
                   f'<p>圖片來源：縣融媒體中心</p>{BODY.split("</p>", 1)[1]}', head=head)
    assert text(page) == [PARAGRAPHS[0], "圖片來源：縣融媒體中心", *PARAGRAPHS[1:]]


def test_a_heading_right_under_the_headline_is_its_deck():
    page = parse(f'<div class="c"><h1>新門診大樓啟用</h1><h2>六層樓一百二十間診室,日接診五千人次,老人有專窗。</h2>{BODY}</div>',
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS and page.cut == {"headline": 1, "standfirst": 1}


def test_a_short_block_holding_a_time_before_the_text_is_a_dateline():
    page = article(f'<div class="when"><time datetime="2024-06-18T15:43">昨天 15:43</time>'
                   f' 縣融媒體中心</div>{BODY}')
    assert text(page) == PARAGRAPHS and page.cut == {"byline": 1}


def test_a_count_and_a_tooltip_among_the_page_s_buttons_are_page_tools():
    bar = ('<div class="tools"><button title="分享"></button><a href="javascript:" aria-label="複製連結"><svg></svg></a>'
           '<span class="n">0</span><div class="tip"><div>請先登入,才能收藏文章。</div></div></div>')
    page = article(f'{bar}{BODY}')
    assert text(page) == PARAGRAPHS and page.cut == {"tools": 2}


def test_a_paragraph_wholly_in_italics_after_the_text_is_a_note():
    note = "<p><b><i>簡盈盈是縣融媒體中心記者,長期關注醫療衛生。</i></b></p>"
    page = article(f'{BODY}{note}')
    assert text(page) == PARAGRAPHS and page.cut == {"note": 1}
    # Before the last line of text, it is the text's.
    page = article(f'{note}{BODY}')
    assert text(page) == ["簡盈盈是縣融媒體中心記者,長期關注醫療衛生。", *PARAGRAPHS]


def test_a_box_that_a_button_of_its_own_closes_is_not_the_text():
    appeal = '<div class="support"><button>✕</button><div>一點點支持,讓地方新聞走得更遠。捐款請轉帳至縣新聞基金會。</div></div>'
    named = "<p>新款<span>X</span>型救護車也已交付醫院使用。</p>"  # an X that closes nothing
    sized = "<p>每間診室面積為3<span>×</span>4米。</p>"  # a mark inside the text
    page = article(f'{BODY}{named}{sized}{appeal}')
    assert text(page) == [*PARAGRAPHS, "新款X型救護車也已交付醫院使用。", "每間診室面積為3×4米。"]
    assert page.cut == {"popup": 1}


def test_a_latin_byline_with_a_time_written_with_a_dot_is_a_byline():
    assert is_byline("By Prachi Verma , ET Bureau| Last Updated: Jun 03, 2020, 12.41 PM IST")
    assert not is_byline("By noon the hall was full. Doctors saw 5,000 patients.")


def test_a_headline_wrapped_in_a_link_to_its_own_page_is_no_teaser():
    page = parse(f'<div class="c"><a href="/html/2024/0618/4512.html"><h1>新門診大樓啟用</h1></a>{BODY}</div>',
                 title="新門診大樓啟用")
    assert text(page) == PARAGRAPHS and page.cut == {"headline": 1}


def test_a_footer_holding_the_site_s_licence_numbers_is_never_the_text_whatever_its_class():
    # A one-paragraph article, and the site's footer in a block of no telling class: a longer rights notice,
    # then its licence numbers.
    notice = ("有意與本報合作者,有關合作事宜請與縣新聞網聯繫。未經縣新聞網書面授權,請勿轉載、摘編或建立鏡像,否則即為侵權,"
              "本網將依法追究其法律責任,本網所刊登的各種新聞、信息和各種專題專欄資料,未經協議授權,禁止下載使用。")
    page = parse(f'<h1>新門診大樓啟用</h1><div class="c"><p>{PARAGRAPHS[0]}</p></div>'
                 f'<div class="b"><div class="q">{notice}<br><span>[贛ICP證150772號]</span> '
                 f'<span>贛公網安備36010502053733號</span></div></div>', title="新門診大樓啟用")
    assert page.kind == ARTICLE and text(page) == [PARAGRAPHS[0]]
    # A short article whose own block ends on the licence holds its paragraphs: it stays, the licence's line
    # goes as a notice; a story about licences is no footer either.
    page = article(f'{BODY}本網ICP備案：贛ICP備12345678號')
    assert text(page) == PARAGRAPHS and page.cut == {"notice": 1}
    story = "縣通信管理局昨日通報,三家網站未取得ICP經營許可證即開展收費業務,已責令整改。"
    assert text(article(f"<p>{story}</p>")) == [story]


def test_a_forum_portal_s_byline_with_poster_views_and_comments_dates_the_article():
    # Discuz!'s portal: 发布者 (the poster), 查看 (views), 评论 (comments) beside the date.
    page = parse('<div class="h hm"><h1 class="ph">新門診大樓啟用</h1><p class="xg1">2024-6-18 10:23<span>|</span>'
                 '發布者: <a href="home.php?mod=space&amp;uid=1">admin</a><span>|</span>查看: 1203<span>|</span>評論: 0</p>'
                 f'</div><div class="d"><table><tr><td id="article_content">{BODY}</td></tr></table></div>',
                 title="新門診大樓啟用 - 新聞 - 縣生活網 - Powered by Discuz!")
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS
    assert page.content.published == "2024-06-18T10:23"


def test_a_byline_a_table_row_below_the_headline_dates_the_article():
    # EmpireCMS's default template: the headline and the byline in rows of one table, the text in another.
    page = parse('<table class="title_info"><tr><td><h1>縣人民醫院新門診大樓昨日啟用</h1></td></tr>'
                 '<tr><td class="info_text">時間：2024-06-18 10:23:11&nbsp;&nbsp;來源：縣融媒體中心&nbsp;&nbsp;作者：簡盈盈'
                 '&nbsp;&nbsp;點擊：<script src="/e/public/ViewClick/?id=12"></script>次</td></tr></table>'
                 f'<table class="digg"><tr><td id="text">{BODY}</td></tr></table>', title="縣人民醫院新門診大樓昨日啟用_國內新聞_縣新聞網")
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS
    assert (page.content.published, page.content.author) == ("2024-06-18T10:23:11", "簡盈盈")


def test_an_article_s_own_header_is_no_navigation_whatever_its_class():
    # A blog theme's article: its headline in <header class="entry-header">, a short text, a side box of links
    # that outweighs it.
    page = parse('<div id="primary"><main><article class="post-12 post hentry"><header class="entry-header">'
                 '<h1 class="entry-title">新門診大樓啟用</h1></header>'
                 f'<div class="entry-content">{BODY}</div></article></main></div>'
                 f'<div id="secondary">{side_box("最新文章", LINKS[:12])}</div>', title="新門診大樓啟用 – 縣生活")
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS
    assert any(s.name == "headline repeats the title" for s in page.signals)


def test_a_block_that_is_the_whole_title_is_the_headline_where_no_heading_is():
    # A government site's CMS: the headline in div.title, the byline under it, a side box of links beside.
    page = parse('<div class="article"><div class="title">縣人民醫院新門診大樓昨日啟用</div>'
                 '<div class="info"><span>發布時間：2024-06-18 10:23</span><span>信息來源：縣衛健委</span></div>'
                 f'<div class="content" id="zoom">{BODY}</div></div><div class="side">{side_box("最新文章", LINKS[:12])}</div>',
                 title="縣人民醫院新門診大樓昨日啟用_部門動態_某縣人民政府")
    assert page.kind == ARTICLE and text(page) == PARAGRAPHS
    assert page.content.title == "縣人民醫院新門診大樓昨日啟用"
    assert any(s.name == "headline repeats the title" for s in page.signals)
    # A link whose text is the title (a list's item, the breadcrumb's last step) is no headline.
    page = parse(f'<p><a href="/x/4512.html">縣人民醫院新門診大樓昨日啟用</a></p><div class="content">{BODY}</div>',
                 title="縣人民醫院新門診大樓昨日啟用_部門動態_某縣人民政府")
    assert not any(s.name == "headline repeats the title" for s in page.signals)


def test_an_empty_author_field_gives_no_author_not_the_date_after_it():
    page = parse('<h1>縣人民醫院新門診大樓昨日啟用</h1><ul class="by"><li>來源：新華社</li><li>作者：</li><li>2023-12-01 14:43</li></ul>'
                 f'<div class="content">{BODY}</div>', title="縣人民醫院新門診大樓昨日啟用")
    assert (page.content.author, page.content.published) == (None, "2023-12-01T14:43")


def test_a_page_bar_beside_a_few_tool_links_pages_the_text_not_a_list():
    # Page 2 of 3 of a DedeCMS article: a short piece of the text, the page bar, then the article's tools
    # (收藏, 挑錯, 推薦: links in a list) in the same box.
    page = parse('<div class="viewbox"><div class="title"><h2>新門診大樓啟用</h2></div>'
                 '<div class="content"><table><tr><td><p>縣衛健委負責人表示,</p></td></tr></table></div>'
                 '<div class="dede_pages"><ul class="pagelist"><li><a>共3頁:</a></li><li><a href="4512.html">上一頁</a></li>'
                 '<li><a href="4512.html">1</a></li><li class="thisclass"><a href="#">2</a></li><li><a href="4512_3.html">3</a></li>'
                 '<li><a href="4512_3.html">下一頁</a></li></ul></div>'
                 '<div class="handle"><div class="actbox"><ul><li><a href="/plus/stow.php?aid=4512">收藏</a></li>'
                 '<li><a href="/plus/erraddsave.php?aid=4512">挑錯</a></li><li><a href="/plus/recommend.php?aid=4512">推薦</a></li>'
                 '<li><a href="#" onclick="window.print();">打印</a></li></ul></div></div></div>',
                 url="http://news.test/html/2024/0618/4512_2.html", title="新門診大樓啟用(2)_本地新聞_縣新聞網")
    assert page.kind == ARTICLE and text(page) == ["縣衛健委負責人表示,"]
    assert (page.bar.current, page.bar.next_url) == (2, "http://news.test/html/2024/0618/4512_3.html")


def test_a_lone_h1_rewritten_after_the_title_was_set_is_the_headline_but_a_piece_of_the_title_is_not():
    # The <title> kept the first version of the headline; the page's only <h1> has the new one.
    page = parse(f'<div class="c"><h1>縣人民醫院新門診大樓今日正式啟用</h1>{BODY}</div>',
                 title="縣人民醫院新門診大樓下週啟用_本地新聞_縣新聞網")
    assert page.content.title == "縣人民醫院新門診大樓今日正式啟用"
    # A topic's name in the page's only <h1>: a piece of the <title>, not its headline.
    page = parse(f'<div class="top"><h1>新門診大樓專題</h1></div><div class="c">{BODY}</div>',
                 title="縣人民醫院新門診大樓專題報道之一_本地新聞_縣新聞網")
    assert page.content.title == "縣人民醫院新門診大樓專題報道之一"


def test_the_text_s_own_markup_that_looks_like_page_furniture_stays():
    # Word's bookmarks before a section's first line are no page tools.
    first = "<p><a name=_Toc1></a><a name=_Toc2></a>一、基本情況</p>"
    assert text(article(first + BODY)) == ["一、基本情況", *PARAGRAPHS]
    # A link to a section of the page, holding its heading, is no teaser card; nor is an anchor's.
    sections = '<a href="#s2"><h3>二、服務</h3></a><p>門診時間延長。</p><a name="s3"><h3>三、收費</h3></a><p>收費不變。</p>'
    assert text(article(BODY + sections)) == [*PARAGRAPHS, "二、服務", "門診時間延長。", "三、收費", "收費不變。"]
    # A section's heading right under the headline heads the text: no sentence mark, no deck.
    page = parse(f'<div class="c"><h1>新門診大樓啟用</h1><h2>一、基本情況</h2>{BODY}</div>', title="新門診大樓啟用")
    assert text(page) == ["一、基本情況", *PARAGRAPHS]
    # A date in the text's last line, marked up for machines, is the text's.
    last = '<p>開放日活動將持續到<time datetime="2024-06-24">下週一</time></p>'
    assert text(article(BODY + last)) == [*PARAGRAPHS, "開放日活動將持續到下週一"]
    # A multiplication sign between two measures closes nothing.
    sized = "<p>每間診室為<b>3米</b><span>×</span><b>4米</b>,比舊樓大一倍。</p>"
    assert text(article(BODY + sized)) == [*PARAGRAPHS, "每間診室為3米×4米,比舊樓大一倍。"]


def test_a_description_that_only_repeats_the_title_finds_no_standfirst():
    title = "縣人民醫院新門診大樓昨日啟用"
    page = parse(f'<h1>{title}</h1><div class="c"><p>{PARAGRAPHS[0]}</p><p>記者 簡盈盈</p>{BODY.split("</p>", 1)[1]}</div>',
                 title=title, head=f'<meta name="description" content="{title}">')
    assert text(page) == [PARAGRAPHS[0], "記者 簡盈盈", *PARAGRAPHS[1:]]
