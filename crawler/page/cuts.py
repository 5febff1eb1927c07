"""What the body of an article page leaves out, and counts: the boxes of links inside it, and the bylines,
notices and page tools at its edges.

Only whole lines and whole boxes go (and a link calling the reader away, ``返回首页``, that
ends the last line), and only where the article's own edge is:
a page break inside the article (a page with a next page, a page after the
first) is no edge, for 家鄉網 splits its articles anywhere, even in the middle
of a sentence. What goes is counted by kind, for the crawl's stats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from crawler.page.body import DATED, LATIN_BYLINE, LEAD_CHARS, SENTENCE_END, is_byline
from crawler.page.markup import holders, normalize, own_texts, text_of, under
from crawler.page.navigation import NAV_HEADING
from crawler.page.title import HEADING_TAGS
from crawler.text.cleaning import HAN, is_boilerplate, strip_disclaimer

# Notices after an article: rights, reprints, disclaimers, the editor's mark.
NOTICE = re.compile(
    r"^\W{0,2}(?:\w{0,4}(?:聲明|声明)[:：]|免責聲明|免责声明|聲明|声明|版權|版权|轉載|转载"
    r"|本文(?:來源|来源|來自|来自|系|為|为|僅|仅|首發|首发)|本作品|原標題|原标题"
    r"|責任編輯|责任编辑|責編|责编|糾錯|纠错|Copyright|©|All rights reserved|Notice\s*:|Disclaimer\s*:)",
    re.IGNORECASE,
)
# Words of a notice wherever they stand in it: two of them make a line a notice (本網站所有內容…版權歸…侵權…).
_RIGHTS = re.compile("版權|版权|侵權|侵权|轉載|转载|免責|免责|不代表|僅代表|仅代表|原作者|著作權|著作权|授權|授权")
_NOTICE_MAX_CHARS = 200
# A call to the reader after the article: to a forum, an account, an app, more, or the page's tags.
_CALL = re.compile(
    r"\W{0,2}(?:进入|進入|点击|點擊|关注|關注|下载|下載|扫码|掃碼|返回|查看更多|更多精彩|看明星|分享到|转播到|轉播到|图集|圖集"
    r"|(?:Tag\w{0,3}|标签|標籤|关键字|關鍵字|关键词|關鍵詞)\s*[:：])",
    re.IGNORECASE,
)
_SHORT = "short"  # a line's kind: short, no sentence; it goes only with a line that goes beyond it
_CALL_MAX_CHARS = 40
# A site's address in a line of text: a promotion of its app or its other pages.
_DOMAIN = re.compile(r"\b[a-z0-9-]+\.(?:com|cn|net|org|tw|hk)\b", re.IGNORECASE)
_TOOL_MAX_CHARS = 30  # a line of page tools (举报, 图集+1, 关注) is this short, no sentence; a bar of tools says no more
# A call to like, follow, join, subscribe or give, after the text: a site's own promotion, never the story's.
# In Chinese only in a line this short; in a script of words, in a line of a donation's appeal's size.
_PROMO_HAN = re.compile("加好友|按[個个][讚赞]|已[經经]按[讚赞]|[點点]我|[歡欢]迎加入|快加入")
_PROMO_WORDS = re.compile(
    r"\bsign(?:ing)? up for\b.{0,40}\bnewsletter|\bsubscribe to (?:our|the)\b|\b(?:make|making) a (?:contribution|donation)\b"
    r"|\bdonate\b|\bcommenting (?:feature )?is disabled|\bcomments? (?:are|is) closed",
    re.IGNORECASE,
)
_PROMO_MAX_HAN = 40
_PROMO_MAX_CHARS = 800
# A photo's credit alone on a line after the text: 新华社发（刘满仓摄）, 新华社记者 王鹏 摄.
_PHOTO_CREDIT = re.compile(r"[^，。！？,.!?；;]{0,16}?[（(]?[^（()），。]{1,20}[摄攝](?:影)?[）)]?")
_PHOTO_CREDIT_MAX_CHARS = 30
CLAUSE_MARK = re.compile(r"[，。！？；,!?;]")  # a clause's or a sentence's end (not 、, which joins a list)
# A sentence's end in a script of words: words, and a stop after the last (not a list's "2.", not "Loading...").
_LATIN_END = re.compile(r"\s\S*[^.\s][.!?][\"'”’)]*$")
# An author's or the end's mark in brackets, alone on the body's last line: （完）, （羅森）, (END), (bsc).
_CREDIT = re.compile(r"[（(【\[][^（()）【】\[\]]{1,12}[）)】\]]")
# A reporter's address alone on a line after the text: kokobj@yna.co.kr, (記者信箱：lin@example.com).
_EMAIL = re.compile(r"[(（]?[^\s@()（）]{0,8}[:：]?\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+[)）]?")
# A signature in brackets, alone on a line: （总台央视记者 奚丹霓 张赛）.
_BRACKETED = re.compile(r"[（(【\[]([^（()）【】\[\]]{1,40})[）)】\]]")
# A line closed by brackets: 新华社发（刘满仓摄）, [作者: 刘满仓 责任编辑: 杨丹宇].
_BRACKETS_CLOSING = re.compile(_BRACKETED.pattern + "$")
_SOURCED = re.compile("來源|来源|稿源|出處|出处|編輯|编辑|發布|發佈|发布|時間|时间|日期|點擊|点击|瀏覽|浏览|閱讀|阅读|字號|字号")
# Where the page is: 当前位置：首页 > 新闻 > 正文, or its steps one a line (首页>, 新闻中心>).
BREADCRUMB = re.compile(
    r"(?:(?:當前位置|当前位置|您的位置|您現在的位置|您现在的位置|所在位置|位置)\s*[:：].{0,60}"
    r"|(?:[^\s>»›＞→，。！？,.!?；;]{1,12}\s*[>»›＞→]\s*)+(?:[^\s>»›＞→，。！？,.!?；;]{1,12})?"
    r"|\s*[>»›＞→]\s*[^\s>»›＞→，。！？,.!?；;]{1,12})"
)
_BOX_HEADING = 20  # characters of heading a box may hold beside its list
_LINKED_MAX_CHARS = 60  # a line that is only a link, this short, at an edge: a related headline, "more"
# A reporter's or a commentator's signature: at the start it goes even undated (a bare 作者/… line stays).
_REPORTER = re.compile("記者|记者|評論員|评论员|通訊員|通讯员|特約|特约")
_REPEATED_MIN_CHARS = 10  # a line before the text, repeated further on, this long at least: a standfirst
_SIGNATURE_LINES = 3  # short lines between the text and a line that goes, at most, to go with it (文/…, 编辑/…)
_AFTER_NOTICE = 2  # lines after a notice at the end that go with it: an author's note, the platform's notice
# The staff's credits after a story, a role and its name a line: 总监制：邹 明, 监 制：高明勇, 审 读：崔向升.
_STAFF = re.compile(
    r"[（(【\[]?\s*[总總]?\s*(?:[监監]\s*[制製]|[审審]\s*[读讀核]|策\s*[划劃]|[统統]\s*[筹籌]|[制製]\s*作|出\s*品|[设設]\s*[计計]"
    r"|[编編]\s*[审審]|[终終]\s*[审審]|校\s*[对對]|主\s*[编編]|美\s*[编編]|[视視]\s*[觉覺]|[摄攝]\s*影|撰\s*文|[编編]\s*[辑輯]"
    r"|[责責]\s*[编編]|文\s*字|[图圖]\s*片)\s*[:：/|｜]\s*[^，。！？,.!?；;]{1,30}"
)
# A wire story's credits after its text: Reporting by …; Editing by …, … contributed to this report.
_WIRE_CREDIT = re.compile(
    r"\W{0,3}(?:(?:Additional )?(?:Reporting|Writing|Editing|Edited|Compiled|Reported|Produced) by\b"
    r"|With assistance (?:from|by)\b|Updates? with\b|Our Standards:|.{0,100}\bcontributed (?:to )?(?:this|the) (?:report|story))",
    re.IGNORECASE,
)
# An author's note in brackets on its own line after the text: （作者韩涵系政邦智库研究员）, (作者为…).
# 家鄉網's story heading, 作者/胡斌謝金利: after a page's last line it is the next story's, and a short line.
_BARE_AUTHOR = re.compile(r"作\s*者\s*[/／]")
_AUTHOR_NOTE = re.compile(r"[（(【\[]\s*(?:作者|作者简介|作者簡介|本文作者)[^（()）【】\[\]]{1,60}[）)】\]]")


_HAN = re.compile(f"[{HAN}]")


def _short(line: str) -> bool:
    """Whether a line is short and no sentence: a page tool, a signature, a caption. Twice as long in a script
    of words (``Watch video 02:17``) as in Chinese."""
    if _HAN.search(line):
        return len(line) <= _TOOL_MAX_CHARS and not CLAUSE_MARK.search(line)
    return len(line) <= 2 * _TOOL_MAX_CHARS and not (CLAUSE_MARK.search(line) or _LATIN_END.search(line))


def _promo(line: str) -> bool:
    """Whether a line after the text calls the reader to like, follow, join, subscribe or give."""
    if _HAN.search(line):
        return len(line) <= _PROMO_MAX_HAN and bool(_PROMO_HAN.search(line))
    return len(line) <= _PROMO_MAX_CHARS and bool(_PROMO_WORDS.search(line))


def _notice_sized(line: str) -> bool:
    """Whether a line is short enough to be a notice: 200 characters, or three times that in a script of words
    (the platform's notice in English after its Chinese one)."""
    return len(line) <= (_NOTICE_MAX_CHARS if _HAN.search(line) else 3 * _NOTICE_MAX_CHARS)


def boxes(elements, blocks: list) -> set:
    """``elements`` (lists and menus inside the body) widened to the boxes holding them with no more than
    a heading beside them (``热图推荐`` over its list): what the body leaves out."""
    stop = holders(blocks)
    out = set()
    for el in elements:
        while (parent := el.getparent()) is not None and parent not in stop:
            inside = under([el])
            rest = "".join(text for owner, text in own_texts(parent) if owner not in inside)
            if len(normalize(rest)) > _BOX_HEADING or SENTENCE_END.search(rest):
                break
            el = parent
        out.add(el)
    return out


_PLAYERS = ("video", "audio", "object", "embed")


def players(blocks: list) -> set:
    """The video and audio players inside the body, each widened to the largest box around it that holds no
    sentence: its controls, its title bar, its error and advertising messages (``秒会员跳过广告``, ``Play Video``)."""
    stop = holders(blocks)
    out = set()
    for block in blocks:
        for el in block.iter(*_PLAYERS):
            while (parent := el.getparent()) is not None and parent not in stop and not SENTENCE_END.search(
                    text_of(parent)):
                el = parent
            out.add(el)
    return out


def _scripted(el) -> bool:
    """Whether a link only runs a script: its ``href`` is ``javascript:…`` or a bare ``#``."""
    href = el.get("href")
    return href is not None and (href.strip().lower().startswith("javascript:") or href.strip() == "#")


def _control(el) -> bool:
    """A button, or an icon's link running a script: no text, no picture (a picture's link opens the picture)."""
    if el.tag == "button":
        return True
    return _scripted(el) and not text_of(el) and next(el.iter("img"), None) is None


def toolbars(blocks: list) -> set:
    """The bars of page tools inside the body: two buttons or icons or more (share, copy the link, a larger
    font, comments) in the largest box around them that says no more than a count or a tooltip beside them
    (``0``, ``請同意我們的隱私權規範，才能啟用聽新聞的功能。``: 30 characters at most)."""
    stop = holders(blocks)
    sizes: dict[object, int] = {}  # an element's text's length, once: the controls of one bar climb alike
    out = set()
    for block in blocks:
        for el in block.iter("a", "button"):
            if not _control(el) or any(box in out for box in el.iterancestors()):
                continue
            while (parent := el.getparent()) is not None and parent not in stop:
                if parent not in sizes:
                    sizes[parent] = len(text_of(parent))
                if sizes[parent] > _TOOL_MAX_CHARS:
                    break
                el = parent
            if sum(1 for c in el.iter("a", "button") if _control(c)) >= 2:
                out.add(el)
    return out


_CARD_MAX_CHARS = 400


def teasers(blocks: list, headline) -> set:
    """The teaser cards of other articles inside the body (their headline, their summary, their author): links
    to another page holding a heading other than the page's headline, never the text, however long their
    sentences, widened as ``boxes`` widens a list. (A link to a place in the page, ``#s2``, heads a section of
    the text; a longer link holds more than a card: a paragraph after a link the page forgot to close.)"""
    cards = [a for block in blocks for a in block.iter("a")
             if any(d.tag in HEADING_TAGS and d is not headline for d in a.iterdescendants())
             and (a.get("href") or "").strip() and not a.get("href").strip().startswith("#") and not _scripted(a)
             and len(text_of(a)) <= _CARD_MAX_CHARS]
    return boxes(cards, blocks)


# What closes the box it stands in: a button's mark or label (✕, [X], 关闭, Close); a letter's mark only on a
# <button> (elsewhere an X may be a name: Model X, a share button's X).
_CLOSE = re.compile(r"\[?\s*(?:[×✕✖]|关闭|關閉|close)\s*\]?", re.IGNORECASE)
_CLOSE_LETTER = re.compile(r"\[?\s*[xX]\s*\]?")
_POPUP_MAX_CHARS = 600  # what a box that a button closes may say: an appeal, a notice, a code to scan


def _closes(el) -> bool:
    """Whether ``el`` is a button closing its box: a <button> or a link running a script, showing a close
    mark or so labelled, or any element labelled so (``title``, ``aria-label``: a span's × is too often the
    text's own, ``3<b>米</b><span>×</span>``), standing apart from the text beside it."""
    label = (el.get("title") or el.get("aria-label") or "").strip()
    if el.tag == "button" or (el.tag == "a" and _scripted(el)):
        label = label or text_of(el)
        closes = _CLOSE.fullmatch(label) or (el.tag == "button" and _CLOSE_LETTER.fullmatch(label))
    else:
        closes = label and _CLOSE.fullmatch(label)
    if not closes or (parent := el.getparent()) is None:
        return False
    before = el.getprevious().tail if el.getprevious() is not None else parent.text
    return not ((before or "").strip() or (el.tail or "").strip())


def popups(blocks: list) -> set:
    """The boxes inside the body that a button of their own closes (``<button>✕</button>``), 600 characters at
    most: a donation's appeal, a cookie notice, an app's advertisement laid over the page."""
    stop = holders(blocks)
    out = set()
    for block in blocks:
        for el in block.iter("button", "a", "span"):
            if _closes(el) and (box := el.getparent()) not in stop and len(text_of(box)) <= _POPUP_MAX_CHARS:
                out.add(box)
    return out


# A wire story's first line naming its headline: 新华社北京5月9日电 题：…
_TITLED = re.compile(r"^.{0,30}?(?:電|电)\s*(?:題|题)[:：]")
_HEADLINE_VERB_CHARS = 4  # what a display headline adds to the title after it: 强调, 指出, 出席
_TITLED_MIN = 8  # characters of the headline a 题： line must repeat


_PUNCTUATION = re.compile(r"[\W_]+")


def _repeats_headline(line: str, headline: str) -> bool:
    """Whether a line (white space out) is the headline again: the same, or with a verb after it (…座谈会强调),
    or a wire dateline's 题： and the headline, whole or without the column's name before it (新华全媒+丨)."""
    if line.startswith(headline) and len(line) - len(headline) <= _HEADLINE_VERB_CHARS and not SENTENCE_END.search(line):
        return True
    if not SENTENCE_END.search(line) and (bare := _PUNCTUATION.sub("", headline)) and _PUNCTUATION.sub("", line) == bare:
        return True  # the same words, its punctuation aside (the title's "Linde: …" shown as a kicker and a line)
    titled = _TITLED.match(line)
    rest = line[titled.end():] if titled else ""
    return len(rest) >= _TITLED_MIN and rest in headline


_LINK_GLUE = re.compile(r"[\s,，、|｜/·•:：()（）\[\]【】-]+")
_GLUE_MAX_CHARS = 12  # characters besides links and separators that a line of links may hold (Tagi:, 发表在)


def _only_links(line: str, linked: frozenset[str]) -> bool:
    """Whether a line holds two links or more and nothing else but separators and a few words
    (``Tagi: A, B, C``). One long link alone is no such line: a paragraph may be wrapped in a link."""
    rest, found = line, 0
    for text in sorted((t for t in linked if len(t) > 1 and t in line), key=len, reverse=True):
        found += text in rest
        rest = rest.replace(text, " ")
    return found >= 2 and not SENTENCE_END.search(rest) and len(_LINK_GLUE.sub("", rest)) <= min(
        _GLUE_MAX_CHARS, len(line) // 3)


_NOTHING_MARKED: Mapping[str, frozenset[str]] = MappingProxyType({})
_ABOVE_BYLINE_LINES = 3  # lines of a summary above the byline, at most
# A byline naming the story's author (not only a source): 作者：…, 記者 …, 文/…, Von …, By ….
_AUTHORED = re.compile(r"作\s*者|記者|记者|撰文|^\W{0,2}文\s*[/／|｜丨:：]|^(?:By|Par|Por|Von|Door)\s")
# A picture's credit, never a story's byline: 图片来源：…, 記者 … 攝, Foto: ….
_PICTURED = re.compile(r"[图圖][片源]?\s*[:：/]|[图圖]片|[摄攝]|\b(?:Photo|Foto|Bild|Image|Picture)s?\b", re.IGNORECASE)


def _above_byline(paragraphs: list[str], i: int, summary: str, what) -> int:
    """Where the page's summary ends, when the i-th line starts as its own summary (its description) does and
    a byline naming the story's author follows it within three lines of text (``Von Markus Balser``,
    ``来源：… 作者：…``), and text follows the byline: a standfirst above the byline, not the text under it. 0
    when it is none. A picture's credit (``图片来源：…``, ``記者 … 攝``) or a source alone is no such byline:
    a lead over a photo stays."""
    opening = "".join(summary.split())[:LEAD_CHARS]
    if len(opening) < LEAD_CHARS or not "".join(paragraphs[i].split()).startswith(opening):
        return 0
    for j in range(i + 1, min(i + 1 + _ABOVE_BYLINE_LINES, len(paragraphs))):
        kind = what(paragraphs[j], True)
        if kind == "byline" and _AUTHORED.search(paragraphs[j]) and not _PICTURED.search(paragraphs[j]):
            return j if any(what(line, True) is None for line in paragraphs[j + 1:]) else 0  # text under it
        if kind is not None:
            return 0
    return 0


def trim_edges(paragraphs: list[str], start: bool = True, end: bool = True, linked: frozenset[str] = frozenset(),
               title: str = "", marked: Mapping[str, frozenset[str]] = _NOTHING_MARKED,
               summary: str = "") -> tuple[list[str], dict[str, int]]:
    """The body's lines without the bylines and notices at its start and end, and how many of each went.

    Only whole lines go, and only from the edges: a byline (see ``is_byline``)
    with a date or a source, a notice (rights, reprints, the editor's mark), a
    breadcrumb at the start, a credit in brackets (``（完）``, ``（羅森）``) at
    the end, and the short lines of page tools (``举报``, ``图集+1``) beyond
    them; a line that is only a link (a related headline); a reporter's
    signature at the start; the staff's credits, an author's note in brackets,
    a photo's credit, the site's calls to like, join or subscribe and any
    byline after the text; and the few short lines after a notice at the end
    (an author's note, the notice again in English). At the start, a
    short line with no such line beyond it stays (a subheading, a caption); at
    the end, the short lines between the text and such a line go with it (a
    signature: ``文/栗思``). A page of nothing else is not emptied. The site's
    source line and disclaimer stay for cleaning, which counts them.
    ``start``/``end`` False: that edge is a page break inside the article (the
    text goes on across it, maybe in mid-sentence): nothing is cut at such a
    start, and at such an end only lines that all go and are no piece of a
    sentence: links, calls to the reader, credits closed by brackets (what
    every page of the article carries after its text: the editor's mark, the
    tags, a photo's credit).
    ``linked``: the texts of the body's links, white space normalized (a line
    that is one of them is only a link; one that ends the last line and calls
    the reader, ``返回搜狐，查看更多``, goes from it). ``title``: the record's
    title (a line at the start that repeats it is the headline's). ``marked``:
    lines (white space normalized) the markup marks, by kind:
    - ``caption``: the body's figures and captions (one before the text is
      the lead photo's);
    - ``signed``: the author's names the page's metadata gives and the lines
      of its short blocks classed as an author's (``p.author``): one at an
      edge is a byline;
    - ``dateline``: the body's blocks of a ``<time datetime>`` and a few words
      beside it: one before the text is a byline;
    - ``standfirst``: the body's short blocks classed as a standfirst
      (``p.fig-chapo``) and the headline's decks: one before the text is the
      page's summary, not the text;
    - ``heading``: the body's headings (120 characters at most): after the
      text, with no short line anywhere after them, they head nothing of it
      (a pull quote, a box's heading);
    - ``note``: the body's short paragraphs wholly in italics: after the
      text, an author's or an editor's note (``Andrés Malamud es politólogo…``);
    - ``tools``: the body's bars of page tools (see ``toolbars``).
    ``summary``: the page's own summary (its description): before the text,
    a line that starts as it does and the lines after it (three lines at most),
    above a byline naming the author, are a standfirst too.
    """
    headline = "".join(title.split())

    captions, standfirsts, tools, signed, notes, headings, datelines = (
        marked.get(kind, frozenset())
        for kind in ("caption", "standfirst", "tools", "signed", "note", "heading", "dateline"))

    def what(line: str, start: bool) -> str | None:
        if not strip_disclaimer(line).strip():
            return ""  # the site's source line or disclaimer: cleaning's, it stays and the edge goes on past it
        if is_boilerplate(line):
            return "notice"  # a copyright line
        plain = normalize(line)
        if start and plain in captions:
            return "caption"  # the lead photo's caption and credit: the photo's, not the text's
        if start and plain in standfirsts:
            return "standfirst"  # the summary under the headline, in a block of its own: the page's, not the text
        if plain in tools:
            return "tools"  # a count or a tooltip among the page's buttons
        if plain in signed or (start and plain in datelines):
            return "byline"  # the author's name as the page's metadata gives it, an author's line so classed, a dateline
        if not start and plain in notes:
            return "note"  # a paragraph in italics after the text: the author's biography, the editor's note
        if start and headline and _repeats_headline("".join(line.split()), headline):
            return "headline"  # the headline again, as a line of the text (新华社北京5月9日电 题：…)
        if is_byline(line) and (DATED.search(line) or _SOURCED.search(line) or (
                start and (_REPORTER.search(line) or LATIN_BYLINE.fullmatch(line)))):
            return "byline"  # dated, sourced or a reporter's: a bare 作者/… line heads a story of a compilation
        if len(line) <= _LINKED_MAX_CHARS and plain in linked:
            return "links"  # a line that is only a link: a related article's headline, "more", a tag
        if not start and _only_links(plain, linked):
            return "links"  # after the text, a line of links and a few words between them: tags, a post's footer
        if _notice_sized(line) and (NOTICE.match(line) or len(set(_RIGHTS.findall(line))) >= 2):
            return "notice"
        if start and BREADCRUMB.fullmatch(line):
            return "breadcrumb"
        if not start and _promo(line):
            return "promo"  # 點我下載APP, 按個讚, Sign up for the newsletter: the site's, after the story
        if not start and (_CREDIT.fullmatch(line) or _EMAIL.fullmatch(line) or _STAFF.fullmatch(line)
                          or (len(line) <= _PHOTO_CREDIT_MAX_CHARS and _PHOTO_CREDIT.fullmatch(line))
                          or (len(line) <= _NOTICE_MAX_CHARS and _WIRE_CREDIT.match(line))
                          or _AUTHOR_NOTE.fullmatch(line) or (is_byline(line) and not _BARE_AUTHOR.match(line)) or (
                (bracketed := _BRACKETED.fullmatch(line)) and is_byline(bracketed.group(1)))):
            return "credit"  # a signature, the staff's credits, an author's note: after the text, never its words
        if len(line) <= _BOX_HEADING and NAV_HEADING.search(line) and not CLAUSE_MARK.search(line):
            return "navigation"  # a side box's heading left at an edge (重点推荐, Related Content), its links gone
        if not start and plain in headings:
            return "heading"  # a heading after the last line of text heads none of it: a pull quote, a box's
        if len(line) <= _CALL_MAX_CHARS and not SENTENCE_END.search(line) and (
                _CALL.match(line) or (not start and _DOMAIN.search(line))):
            return "tools"  # a call to the reader (关注, 进入…讨论, Tag:, …上手机新浪网 ent.sina.cn): it goes
        if _short(line):
            return _SHORT  # a page tool, a signature, a caption: goes only with a line of the kinds above beyond it
        return None

    # A start that is a page break is not read at all: nothing goes there. A page of nothing but lines that go
    # is not emptied.
    starts: list[str | None] = []  # the kinds of the lines before the first line of text, and of it (None)
    if start:
        summarised = 0  # lines up to this one are the page's summary above its byline
        for i, line in enumerate(paragraphs):
            # A standfirst that the text repeats further on (导语, the page's summary), when a byline or a notice
            # stands between it and the text: it loses no word.
            repeated = len(line) >= _REPEATED_MIN_CHARS and line in paragraphs[i + 1:]
            kind = "summary" if repeated else what(line, True)
            if kind is None and not summarised:
                summarised = _above_byline(paragraphs, i, summary, what)
            if kind is None and i < summarised:
                kind = "standfirst"
            # The headline's decks under it, before the text (a display headline's 主题, 副题): short, no sentence.
            starts.append("headline" if kind == _SHORT and starts and starts[-1] == "headline" else kind)
            if starts[-1] is None:
                break
        else:
            return list(paragraphs), {}
    ends: list[str | None] = []  # the kinds of the lines after the last line of text
    if end:
        # A notice near the end takes the few short lines after it along: the author's note, the platform's notice.
        after = next((len(paragraphs) - i for i in range(1, min(_AFTER_NOTICE + 1, len(paragraphs)))
                      if what(paragraphs[-1 - i], False) == "notice"
                      and sum(len(line) for line in paragraphs[-i:]) <= _NOTICE_MAX_CHARS), len(paragraphs))
        for line in reversed(paragraphs[:after]):
            ends.insert(0, what(line, False))
            if ends[0] is None:
                break
        else:
            return list(paragraphs), {}
        ends += ["notice"] * (len(paragraphs) - after)
        # A heading with short lines after it heads them: they may be the text's own (a table of scorers).
        ends = [_SHORT if kind == "heading" and _SHORT in ends[i:] else kind for i, kind in enumerate(ends)]
    else:
        # At a page break, what follows the text on every page goes (its editor's mark, its tags, a photo's
        # credit) when every line of it is what no piece of a sentence is: a line of links, a call to the reader,
        # a credit or byline closed by brackets. Any other line ends it there, as the text may go on across the
        # break in mid-sentence, and any words may end a page (作者 | /簡盈盈…, 他手持相機拍攝 | 了…).
        for line in reversed(paragraphs):
            kind = what(line, False)
            if kind != "" and not (kind in ("links", "tools") or (
                    kind in ("credit", "byline") and _BRACKETS_CLOSING.search(line))):
                break
            ends.insert(0, kind)
        else:
            ends = []
    last = len(paragraphs) - len(ends)  # the last line of text
    # The start loses its lines up to the last one of a kind that goes (a short line between it and the text
    # may be the text's: a subheading, a line broken at a link). The end loses every line after the text once
    # one of them goes: the short ones before it are the text's signature, its captions, the staff's names.
    head = max((i + 1 for i, kind in enumerate(starts) if kind not in (None, "", _SHORT, "summary")),
               default=0) if start else 0
    first_cut = min((last + i for i, kind in enumerate(ends) if kind not in (None, "", _SHORT)), default=len(paragraphs))
    # More short lines than a signature's are the text's own (a list closing it): they stay, as before a notice.
    unsigned = first_cut - last - 1 > _SIGNATURE_LINES
    if not end:
        tail = last  # at a page break, the lines after the text all go, or none do (then ``ends`` is empty)
    elif first_cut < len(paragraphs):
        tail = first_cut if unsigned else last + 1
    else:
        tail = len(paragraphs)
    cut: dict[str, int] = {}
    kept = []
    for i, line in enumerate(paragraphs):
        kind = starts[i] if i < head else ends[i - last] if i >= tail else None
        kind = ("signature" if i < first_cut else "tools") if kind == _SHORT else kind
        if kind:  # "" (cleaning's) stays wherever it is
            cut[kind] = cut.get(kind, 0) + 1
        else:
            kept.append(line)
    if end and kept and (call := next((t for t in linked if kept[-1].endswith(t) and len(t) < len(kept[-1])
                                        and _CALL.match(t)), None)):
        kept[-1] = kept[-1][:-len(call)].rstrip()  # a link calling the reader away, ending the last line
        cut["tools"] = cut.get("tools", 0) + 1
    return kept, cut
