"""Conditional re-checks of known articles (incremental crawls, STATE_FILE).

A known complete article's first page is asked for with its validators, as
Scrapy's RFC2616 cache policy does; a 304, or the same bytes, marks the
response ``unchanged`` (the only thing the spider reads), and the rest of the
article is not fetched. With RECHECK = "all" (``-a recheck=all``) or
WRITE_UNCHANGED (``-a full=1``) every page is fetched.
"""

from __future__ import annotations

from scrapy.http import Request, Response

from crawler.state.rows import ArticleState, KnownArticle, Listed, sha256

UNCHANGED_FLAG = "unchanged"  # on a response: the known article's first page is as it was


class IncrementalMiddleware:
    """Ask for a known complete article's first page only if it changed, and mark it when it did not.

    The spider marks a request ``meta["first_page"]`` when it asks for what it
    takes to be an article's first page, and ``meta["listed"]`` (title, rank)
    when a listing showed it. With RECHECK = "all" (``-a recheck=all``) or
    WRITE_UNCHANGED (``-a full=1``) every page is fetched.
    """

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, ArticleState.of(crawler))

    def __init__(self, crawler, state: ArticleState):
        self.stats = crawler.stats
        self.state = state
        self.recheck_all = crawler.settings.get("RECHECK") == "all" or crawler.settings.getbool("WRITE_UNCHANGED")

    def process_request(self, request: Request) -> None:
        if request.meta.get("sitemap") and not self.recheck_all:
            self._ask_if_changed(request, self.state.sitemap(request.url))
            return
        if not request.meta.get("first_page") or self.recheck_all:
            return
        known = self.state.known(request.url)
        if known is None or not known.complete:
            return
        self.stats.inc_value("articles/rechecked")
        request.meta["known_article"] = known
        request.meta.setdefault("handle_httpstatus_list", []).append(304)
        if known.etag:
            request.headers["If-None-Match"] = known.etag
        if known.last_modified:
            request.headers["If-Modified-Since"] = known.last_modified

    def _ask_if_changed(self, request: Request, known: dict | None) -> None:
        """A sitemap of pages read before: asked for with its validators (a 304 is its answer if unchanged)."""
        if known is None:
            return
        request.meta["known_sitemap"] = known
        request.meta.setdefault("handle_httpstatus_list", []).append(304)
        if known["etag"]:
            request.headers["If-None-Match"] = known["etag"]
        if known["last_modified"]:
            request.headers["If-Modified-Since"] = known["last_modified"]

    def process_response(self, request: Request, response: Response) -> Response:
        known_sitemap = request.meta.get("known_sitemap")
        if known_sitemap and (response.status == 304 or sha256(response.body) == known_sitemap["body_sha256"]):
            self.stats.inc_value("reach/sitemap/unchanged")
            return response.replace(flags=[*response.flags, UNCHANGED_FLAG])
        known: KnownArticle | None = request.meta.get("known_article")
        listed = request.meta.get("listed")
        if known and (response.status == 304 or sha256(response.body) == known.first_page_sha256):
            self.state.seen_unchanged(known.url)
            if listed:
                self.state.show_listed(known.url, *listed)
            self.stats.inc_value("articles/unchanged")
            self.stats.inc_value("articles/unchanged_first_page")
            self.stats.inc_value("pages/skipped_known", max(known.page_count - 1, 0))
            return response.replace(flags=[*response.flags, UNCHANGED_FLAG])
        if request.meta.get("first_page") and 200 <= response.status < 300:
            headers = response.headers
            self.state.first_page_fetched(
                response.url,
                headers.get("ETag", b"").decode("latin-1") or None,
                headers.get("Last-Modified", b"").decode("latin-1") or None,
                response.body,
                Listed(*listed) if listed else None,
            )
        return response


