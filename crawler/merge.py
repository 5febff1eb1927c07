"""Merging the pages of an article: the waiting room for pages, and the rules for when
an article is whole and how its pages join. Knows pages and articles, not HTML."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime, timezone

from .items import ArticleItem, PageItem

# A paragraph that ends without one of these was cut by the page break and
# goes on at the start of the next page.
_PARAGRAPH_ENDS = tuple("。！？!?…；;：:”」』）)》.")


class PageStore(ABC):
    """Where pages wait for the rest of their article. Chosen by the MERGE_STORE setting."""

    @classmethod
    def from_crawler(cls, crawler) -> PageStore:
        return cls()

    @abstractmethod
    def add(self, page: PageItem) -> dict[int, PageItem]:
        """Keep ``page`` (the first one of each number wins) and return its article's pages so far."""

    @abstractmethod
    def pop(self, article_url: str) -> dict[int, PageItem]:
        """Remove an article's pages and return them."""

    @abstractmethod
    def article_urls(self) -> list[str]:
        """The articles that have pages waiting."""


class MemoryPageStore(PageStore):
    """Pages of the articles in flight, in a dict."""

    def __init__(self) -> None:
        self._articles: dict[str, dict[int, PageItem]] = {}

    def add(self, page: PageItem) -> dict[int, PageItem]:
        pages = self._articles.setdefault(page.article_url, {})
        pages.setdefault(page.page_number, page)
        return pages

    def pop(self, article_url: str) -> dict[int, PageItem]:
        return self._articles.pop(article_url, {})

    def article_urls(self) -> list[str]:
        return list(self._articles)


def known_pages(pages: dict[int, PageItem]) -> set[int]:
    """Every page number the article is known to have, from the pages and their page bars."""
    known = set(pages)
    for page in pages.values():
        known.update(page.links)
        if page.total_pages:
            known.update(range(1, page.total_pages + 1))
    return known


def is_whole(pages: dict[int, PageItem]) -> bool:
    """Whether every page of the article has arrived or failed, so nothing more will come."""
    known = known_pages(pages)
    if not known <= pages.keys():
        return False
    last_seen = any(p.is_last and not p.failed for p in pages.values())
    total_given = any(p.total_pages for p in pages.values())
    # A failed page could have linked further pages; none can be reached now.
    return last_seen or total_given or bool(pages[max(known)].failed)


def _join(paragraphs: list[str], following: list[str]) -> None:
    if paragraphs and following and not paragraphs[-1].endswith(_PARAGRAPH_ENDS):
        paragraphs[-1] += following[0]
        following = following[1:]
    paragraphs.extend(following)


def build_article(pages: dict[int, PageItem]) -> ArticleItem:
    """One article from its pages, in page-number order, split paragraphs joined again."""
    count = max(known_pages(pages))
    received = {n: p for n, p in pages.items() if not p.failed}
    urls: dict[int, str] = {}
    for page in pages.values():
        for n, url in page.links.items():
            urls.setdefault(n, url)
    for n, page in pages.items():
        urls[n] = page.url
    paragraphs: list[str] = []
    images: list[str] = []
    for n in range(1, count + 1):
        page = received.get(n)
        if page is None:
            continue
        if n - 1 in received:
            _join(paragraphs, page.paragraphs)
        else:
            paragraphs.extend(page.paragraphs)
        images.extend(i for i in page.images if i not in images)
    first = received[min(received)] if received else None
    missing = [n for n in range(1, count + 1) if n not in received]
    return ArticleItem(
        url=urls.get(1) or next(iter(pages.values())).article_url,
        title=first.title if first else "",
        text="\n".join(paragraphs),
        page_count=count,
        page_urls=[urls[n] for n in range(1, count + 1) if n in urls],
        complete=not missing,
        missing_pages=missing,
        crawled_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        author=first.author if first else None,
        published=first.published if first else None,
        images=images,
    )
