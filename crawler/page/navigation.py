"""What on a page is navigation: its header, footer, menus, breadcrumbs and side boxes, never its main text.

Found by tag (``nav``, ``header``, ``footer``, ``aside``; those of an article
or section are its own), ARIA role, class or id words (``nav``, ``menu``,
``footer``, ``sidebar``, ``breadcrumb``…) and box headings (``熱門``,
``推薦``, ``排行``, ``相關``…). The page's main text, what holds it and what it
holds are never navigation by a word, nor is its main list: the words only
mark blocks outside them. A pure function of the page's tree.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.page.body import SENTENCE_END
from crawler.page.markup import SKIP_TAGS, block_of, normalize, string_of, text_of, tokens, under

NAV_TAGS = frozenset({"nav", "header", "footer", "aside"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4"})
# Inside these, <header> and <footer> are the section's own, as ARIA reads them (not banner, not contentinfo).
SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
NAV_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "menu", "menubar", "search"})
NAV_TOKENS = frozenset({
    "nav", "navbar", "navigation", "menu", "menus", "mainmenu", "submenu", "header", "hd", "footer", "foot", "ft",
    "bottom", "copyright", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "sidebar",
    "side", "aside", "sider", "share", "social", "login", "search", "toolbar", "topbar", "friendlink", "links",
    "comment", "comments", "ad", "ads", "advert", "banner", "hot", "rank", "ranking", "recommend", "related", "logo",
})
# Of these, the words of blocks that hold text but never the article (comments, the page's footer): the
# main text is looked for outside them.
NOT_MAIN_TOKENS = frozenset({"footer", "copyright", "comment", "comments", "breadcrumb", "breadcrumbs", "crumb",
                             "crumbs"})
# Headings of side boxes: popular, recommended, rankings, related, partner links.
_NAV_WORDS = ("Related", "Recommended", "Trending", "Most read", "Most popular", "Most viewed", "Read more", "Also read",
              "See also", "More from")
# Plain alternatives, as a word and in lower case: the pattern then finds its first characters fast (IGNORECASE
# or a word boundary before them made every text's search of it seven times slower).
NAV_HEADING = re.compile(
    "熱門|热门|熱點|热点|推薦|推荐|排行|相關|相关|延伸閱讀|延伸阅读|熱讀|热读|猜你喜|點擊榜|点击榜|最熱|最热|熱榜|热榜"
    "|友情鏈接|友情链接|網站導航|网站导航|" + "|".join([*_NAV_WORDS, *(word.lower() for word in _NAV_WORDS)])
)
MAX_BAR_REST = 20  # characters besides its links that a bar of links inside the main text may hold


_NAV_CANDIDATES = etree.XPath("descendant-or-self::*[@class or @id or @role]")
_ANY_LINK = etree.XPath("boolean(descendant::a)")


def nav_roots(body, texts: list[tuple[object, str]], main=(), main_list=None) -> set[object]:
    """The outermost elements that are navigation: by tag, role, class or id words, or a side box's heading.

    ``texts`` are the page's (owner, text) pairs, from ``markup.own_texts``.
    ``main``: the blocks of the page's main text. They, what holds them and
    what they hold are never navigation by a word (a theme's ``post_header``
    or ``main-banner`` around the article), and in them only a bar of links
    is (``分享到: 微博``); what holds them is not by its tag either. Nor is the page's main list (``main_list``, its container) by a
    word: a ``热点`` heading or a ``hotnews`` class over a site's news list.
    """
    holders = {a for block in main for a in (block, *block.iterancestors())}
    inside = under(main)
    kept = set(holders)
    if main_list is not None:
        kept |= {main_list, *main_list.iterancestors()} | under([main_list])
    roots: set[object] = {el for el in body.iter(*NAV_TAGS) if el not in holders and not _section_part(el)}
    for el in _NAV_CANDIDATES(body):
        if el in holders or (el.tag == "header" and _section_part(el)):  # an article's header: its headline
            continue
        words = tokens(el)
        if NOT_MAIN_TOKENS.intersection(words):
            roots.add(el)  # comments are never the text, wherever they are
        elif el in kept or (el in inside and not _only_links(el)):
            continue
        elif (el.get("role") or "").lower() in NAV_ROLES or NAV_TOKENS.intersection(words):
            roots.add(el)
    for owner, text in texts:
        if len(text) <= 40 and not text.isspace() and NAV_HEADING.search(text) and len(words := normalize(text)) <= 12:
            box = _headed_box(owner, words)
            if box is not None and box not in kept and box not in inside:
                roots.add(box)
    return {r for r in roots if not any(a in roots for a in r.iterancestors())}


# A Chinese site's licence numbers, shown in its footer: 京ICP证150772号, 京ICP备2021039469号, 京公网安备11010502053733.
_LICENCE = re.compile(r"ICP\s*[備备證证]\s*[:：]?\s*\d{5,}|公[網网]安[備备]\s*\d{6,}")
_LICENCE_WORDS = ("ICP", "安备", "安備")
_LICENCE_BLOCK_MAX_CHARS = 600  # a block holding a licence number, at most, to be the footer's
_LICENCE_BLOCK_SENTENCES = 2  # sentences the footer's block may hold beside it (a rights notice)
_PARAGRAPHS = ("p", "li", "dd", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table")


def not_main(body, texts: list[tuple[object, str]]) -> set[object]:
    """The blocks the main text is never in: comments and the page's footer, by tag or words, and the block
    holding a site's licence number with no paragraph in it and no more than a rights notice beside it (600
    characters, two sentences: the footer, whatever its class). An article's block that ends on the licence
    holds its paragraphs, or more sentences, and stays."""
    found = {el for el in body.iter("footer") if not _section_part(el)}
    found.update(el for el in _NAV_CANDIDATES(body) if NOT_MAIN_TOKENS.intersection(tokens(el)))
    # Most pages show no licence: a look for its words in all their text (lxml's, fast) spares a loop over
    # every text.
    whole = string_of(body)
    if any(word in whole for word in _LICENCE_WORDS):
        for owner, text in texts:
            if not (any(word in text for word in _LICENCE_WORDS) and _LICENCE.search(text)):
                continue
            block = block_of(owner)
            words = text_of(block)
            if len(words) <= _LICENCE_BLOCK_MAX_CHARS and len(SENTENCE_END.findall(words)) <= (
                    _LICENCE_BLOCK_SENTENCES) and next(block.iterdescendants(*_PARAGRAPHS), None) is None:
                found.add(block)
    return found


def _only_links(el) -> bool:
    """A bar of links: links, and beside them at most a short label (``分享到:``), no sentence."""
    link_chars = sum(len(text_of(a)) for a in el.iter("a"))
    rest = len(text_of(el)) - link_chars
    return link_chars > 0 and rest <= MAX_BAR_REST


def _section_part(el) -> bool:
    """A <header> or <footer> of an article or section (a post's title and meta), not of the page."""
    return el.tag in ("header", "footer") and any(a.tag in SECTIONING for a in el.iterancestors())


def _headed_box(heading, words: str):
    """The box a side-box heading (熱門, 推薦…) names: its nearest ancestor holding links, if links dominate it."""
    if heading.tag in SKIP_TAGS or heading.tag == "a" or _ANY_LINK(heading):
        return None
    box = heading.getparent()
    while box is not None and box.tag not in ("body", "html") and not _ANY_LINK(box):
        box = box.getparent()
    if box is None or box.tag in ("body", "html"):
        return None
    link_chars = sum(len(text_of(a)) for a in box.iter("a"))
    other_chars = len(text_of(box)) - link_chars - len(words)
    return box if link_chars >= other_chars else None
