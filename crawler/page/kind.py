"""What kind of page a page is: an article page, a listing, or other. Decided from the page alone.

Several signals each add or take points; none decides alone. Points for an
article: metadata that says so, a headline that repeats the <title>, a dated
byline under it, a page bar beside the text, and prose. Points against: many
links in lists, dated list rows, lists that outweigh the prose, and a page bar
that pages a list. A page with prose (or pictures) and more points for than
against is an article page; else one with article links in lists is a
listing; else it is other. Site pages (about us, contact, site map, error
pages) are other, whatever their text. The URL patterns a user sets
(ARTICLE_URL_PATTERN, LISTING_URL_PATTERN) overrule all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.page.title import own_part

ARTICLE = "article"
LISTING = "listing"
OTHER = "other"

ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle",
                           "AnalysisNewsArticle", "OpinionNewsArticle", "TechArticle", "ScholarlyArticle"})
LISTING_TYPES = frozenset({"ItemList", "CollectionPage", "SearchResultsPage", "SiteNavigationElement"})
# og:type values that mean one article: Open Graph's own, and those of news portals.
ARTICLE_OG_TYPES = frozenset({"article", "news", "news.article", "newsarticle", "blog", "blogposting"})
# Pages about the site itself, and error pages, in either script and English: the whole of the page's
# own title, never a word inside a headline (縣人才招聘會在城南舉行 is news).
SITE_PAGE_TITLE = re.compile(
    r"(?:關於|关于)(?:我們|我们|本站|本網|本网)|聯繫(?:我們|方式)|联系(?:我们|方式)|網站地圖|网站地图|網站導航|网站导航"
    r"|版權聲明|版权声明|免責聲明|免责声明|隱私(?:政策|保護|聲明|條款)?|隐私(?:政策|保护|声明|条款)?|廣告服務|广告服务"
    r"|友情鏈接|友情链接|人才招聘|招聘信息|投稿須知|投稿须知|使用條款|使用条款|服務條款|服务条款|網站聲明|网站声明"
    r"|(?:用戶|用户|會員|会员)?(?:登錄|登录|註冊|注册)|頁面不存在|页面不存在|找不到(?:頁面|页面|該頁面|该页面)|404(?: ?not found)?"
    r"|about(?: us)?|contact(?: us)?|site ?map|privacy(?: policy)?|terms(?: of (?:use|service))?|page not found",
    re.IGNORECASE,
)
_HOME_PATH = re.compile(r"/?(?:(?:index|default|home)\.[a-z]+|[a-z]{2}(?:-[a-z]{2})?/?)?", re.IGNORECASE)
# A path segment that names a page about the site: a word, never a number (/html/2023/0618/404.html is news).
SITE_PAGE_URL = re.compile(
    r"(?:^|/)(?:about|aboutus|about-us|contact|contactus|contact-us|sitemap|site-map|privacy|terms|copyright"
    r"|disclaimer|guestbook|feedback|login|register)(?:[._/?]|$)",
    re.IGNORECASE,
)


# A page with this much prose that reads as a listing or other may be an article lost: a suspect.
SUSPECT_PROSE = 600


def suspect(kind: str, prose_chars: int) -> bool:
    """Whether a page's kind is doubtful: much prose, and not read as an article."""
    return kind != ARTICLE and prose_chars >= SUSPECT_PROSE


# Lists outside the body are its side boxes when the body is a main text: this much prose, and
# either what frames an article (metadata, or a headline over a dated byline), or lists that
# weigh less than the prose (twice as much beside a headline).
SIDE_BOX_MIN_PROSE = 100
MIN_POSTS = 3  # posts under linked headings that make a page a blog's index
SIDE_BOX_PROSE = 400


def item_weight(items) -> float:
    """Characters of item titles; plain titles (no date, no intro) count half."""
    return sum(len(i.title) * (1 if i.dated or i.intro else 0.5) for i in items)


def side_boxes(prose_chars: int, weight: float, metadata: bool, headline: bool, dated: bool) -> bool:
    """Whether the lists outside the body are side boxes beside a main text (see SIDE_BOX_PROSE)."""
    if prose_chars < SIDE_BOX_MIN_PROSE:
        return False
    if metadata or (headline and dated):
        return True
    return weight <= prose_chars * (2 if headline else 1) and (headline or prose_chars >= SIDE_BOX_PROSE)


@dataclass(frozen=True)
class Signal:
    """One thing the page shows, and what it counts toward: + article, - listing, 0 neither."""

    name: str
    points: int
    detail: str = ""

    def __str__(self) -> str:
        sign = f"{self.points:+d}" if self.points else " 0"
        return f"{sign}  {self.name}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True)
class Evidence:
    """What the parser read off a page that tells its kind."""

    url: str
    title: str = ""
    og_type: str = ""
    ld_types: frozenset[str] = frozenset()
    headline: bool = False  # an h1/h2 repeats the <title>
    byline_date: bool = False  # a date in the byline, outside any list
    bar: bool = False
    listing_bar: bool = False  # the page bar sits with the list's rows
    prose_chars: int = 0  # of prose: text of the body that is not a byline or a date
    text_chars: int = 0  # of any text in the body
    sentences: int = 0
    images: int = 0  # in the body
    items: int = 0  # article links in lists (navigation and side boxes left out)
    side_items: int = 0  # article links in side boxes beside the main text, not counted
    posts: int = 0  # blocks of prose like the main text's, each under a heading linking elsewhere (a blog's index)
    dated_items: int = 0
    item_chars: float = 0  # characters of item titles; plain titles (no date, no intro) count half
    content_selector: str | None = None


def says_article(og_type: str, ld_types) -> bool:
    """Whether the page's metadata (og:type, JSON-LD or microdata types) says it is one article, and not a list."""
    return (og_type in ARTICLE_OG_TYPES or bool(ARTICLE_TYPES & set(ld_types))) and not LISTING_TYPES & set(ld_types)


def home_page(url: str) -> bool:
    """Whether the URL is a site's home page (``/``, ``/index.html``, a language's ``/en/``): never an article."""
    return bool(_HOME_PATH.fullmatch(urlsplit(url).path)) and not urlsplit(url).query


def signals(e: Evidence) -> list[Signal]:
    """Every signal the evidence gives, with its points."""
    out: list[Signal] = []
    if home_page(e.url):
        out.append(Signal("the site's home page", -3))
    if e.og_type in ARTICLE_OG_TYPES or ARTICLE_TYPES & e.ld_types:
        said = e.og_type if e.og_type in ARTICLE_OG_TYPES else ", ".join(sorted(ARTICLE_TYPES & e.ld_types))
        out.append(Signal("metadata says article", 3, said))
    if LISTING_TYPES & e.ld_types:
        out.append(Signal("metadata says list", -3, ", ".join(sorted(LISTING_TYPES & e.ld_types))))
    if e.headline:
        out.append(Signal("headline repeats the title", 1))
    if e.byline_date:
        out.append(Signal("dated byline", 1 + e.headline, "under the headline" if e.headline else ""))
    if e.bar:
        if e.listing_bar and e.item_chars > e.prose_chars:  # beside a few tool links (收藏, 挑错), it pages the text
            out.append(Signal("page bar pages a list", -1))
        else:
            out.append(Signal("page bar beside the text", 1))
    detail = f"{e.prose_chars} characters, {e.sentences} sentence marks" + (
        f", in {e.content_selector}" if e.content_selector else ""
    )
    prose_points = (e.prose_chars >= 20 or e.sentences >= 1) + (e.prose_chars >= 200) + (e.prose_chars >= 600)
    out.append(Signal("prose", prose_points, detail))
    if e.posts:
        out.append(Signal("several posts under linked headings", -3, f"{e.posts} posts"))
    if e.side_items:
        out.append(Signal("side boxes beside the text", 0, f"{e.side_items} links, not counted"))
    if e.items:
        many = (e.items >= 3) + (e.items >= 8) + (e.items >= 15)
        out.append(Signal("links in lists", -many, f"{e.items} article links"))
        outweigh = (e.item_chars > e.prose_chars) + (e.item_chars > 3 * e.prose_chars)
        if outweigh:
            out.append(Signal("lists outweigh the prose", -outweigh, f"{e.item_chars:.0f} against {e.prose_chars}"))
        if e.dated_items >= 2:
            out.append(Signal("dated list rows", -1 - (e.dated_items >= 5), f"{e.dated_items} rows"))
    return out


def site_page(e: Evidence) -> str | None:
    """Why the page is about the site itself (or an error page), if it is."""
    if SITE_PAGE_TITLE.fullmatch(own_part(e.title)):
        return f"title {e.title!r}"
    path = urlsplit(e.url).path
    if SITE_PAGE_URL.search(path):
        return f"URL path {path}"
    return None


def decide(e: Evidence, article_pattern: str = "", listing_pattern: str = "") -> tuple[str, list[Signal]]:
    """The page's kind, and the signals that decided it."""
    if article_pattern and re.search(article_pattern, e.url):
        return ARTICLE, [Signal("ARTICLE_URL_PATTERN matches", 0, article_pattern)]
    if listing_pattern and re.search(listing_pattern, e.url):
        return LISTING, [Signal("LISTING_URL_PATTERN matches", 0, listing_pattern)]
    found = signals(e)
    total = sum(s.points for s in found)
    has_body = e.text_chars > 0 or e.images > 0
    metadata = any(s.name == "metadata says article" for s in found)
    why_site = site_page(e)
    if why_site and not metadata:
        found.append(Signal("a page about the site", 0, why_site))
        return OTHER, found
    found.append(Signal("total", total))
    if total > 0 and has_body:
        return ARTICLE, found
    if e.items:
        return LISTING, found
    return OTHER, found
