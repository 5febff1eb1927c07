"""Redirects that never lose a page: Scrapy's RedirectMiddleware, accounting for every dead end."""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.site import on_site


class SiteRedirectMiddleware(RedirectMiddleware):
    """Follow redirects within the site; fail a redirect loop or one off the site.

    Scrapy hands a redirect to the scheduler, which silently drops it when it
    leaves the site or points to a page already seen (a loop): the page would
    vanish without a trace. Here such a redirect fails its request instead, so
    the spider's errback records the page as missing, with the reason. The
    start URL's redirects are followed wherever they go: the site is where it lands.
    """

    def _redirect(self, redirected: Request, request: Request, reason) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, redirected.url])}")
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        # The start URL may land anywhere: where it lands is the site (the spider adds it).
        if domains and not request.meta.get("site_entry") and not on_site(redirected.url, domains):
            raise IgnoreRequest(f"redirect off the site to {redirected.url}")
        redirected = super()._redirect(redirected, request, reason)
        redirected.dont_filter = True  # a redirect to a page seen before still answers for this one
        return redirected
