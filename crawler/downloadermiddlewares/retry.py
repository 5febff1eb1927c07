"""Retries with back-off: Scrapy's RetryMiddleware, each retry after a growing pause."""

from __future__ import annotations

import asyncio

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 5xx answers and timeouts as Scrapy does, waiting before each retry.

    The n-th retry waits RETRY_BACKOFF_BASE × 2^(n-1) seconds, or the server's
    ``Retry-After`` if longer, never more than RETRY_BACKOFF_MAX. The wait holds
    the request's download slot, so a struggling server also gets fewer requests.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.max_delay = settings.getfloat("RETRY_BACKOFF_MAX")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._pause(result, response.headers.get("Retry-After", b"").decode("latin-1"))
        return result

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._pause(result)
        return result

    async def _pause(self, retry: Request, retry_after: str = "") -> None:
        delay = self.base * 2 ** (retry.meta.get("retry_times", 1) - 1)
        if retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        delay = min(delay, self.max_delay)
        if delay > 0:
            self.crawler.stats.inc_value("retry/backoff_seconds", delay)
            await asyncio.sleep(delay)
