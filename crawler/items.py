"""What flows from the parser to the feed: a page's content, a page of an article, and the article."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageContent:
    """What one page says: read by the parser, cleaned by the pipelines, joined by the merge."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    author: str | None = None
    published: str | None = None
    # The source lines and disclaimers, in their known words, anywhere on the page (in the body or not): the drift
    # alarm's evidence that the site still carries them as it did.
    boilerplate: tuple[int, int] = (0, 0)


@dataclass
class PageItem:
    """One page of an article, or the record that it could not be had (``failed`` says why)."""

    article_url: str  # the article's key: its first page's URL, or its canonical URL
    page_number: int
    url: str
    content: PageContent = field(default_factory=PageContent)
    # The other pages of the same article that this page links to, by number.
    others: dict[int, str] = field(default_factory=dict)
    is_last: bool = False  # the page bar shows no next page
    total_pages: int | None = None  # when the bar says so (共N頁)
    failed: str | None = None
    requisites: list[str] = field(default_factory=list)  # images and stylesheets to mirror (MIRROR_REQUISITES)


@dataclass
class ArticleItem:
    """One article, all its pages merged in order. The README documents each field."""

    url: str
    title: str
    text: str
    page_count: int
    page_urls: list[str]
    complete: bool
    missing_pages: list[int]
    crawled_at: str
    author: str | None = None
    published: str | None = None
    images: list[str] = field(default_factory=list)
    # new, changed, completed, or unchanged (only with -a full=1); None without STATE_FILE.
    status: str | None = None
