"""The two kinds of item: a page as the spider saw it, and the article the merge step makes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """One page of an article, or the record that it could not be had (``failed`` says why)."""

    article_url: str  # the article's first page: the key pages are merged by
    page_number: int
    url: str
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    author: str | None = None
    published: str | None = None
    # Other pages of the same article that this page links to, by number.
    links: dict[int, str] = field(default_factory=dict)
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
