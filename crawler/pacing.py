"""A minimum gap between two requests to a host: robots.txt's Crawl-delay, and one crawl's manners kept by
several workers together.

- **Crawl-delay**, in every mode. Scrapy reads robots.txt for Allow and
  Disallow only; here its ``Crawl-delay`` for our user agent is the least gap
  between two requests to the host, with no random jitter below it.
- **A shared crawl** (``REDIS_URL``): the gap of one crawl, the largest of
  ``DOWNLOAD_DELAY``, AutoThrottle's current delay for the host and its
  Crawl-delay, is kept by all the workers together. The next time a request
  may go to the host is in Redis, taken atomically by the worker whose request
  goes then: adding workers never hits the site harder.

Scrapy's own per-slot delay still applies inside each worker, on top.
"""

from __future__ import annotations

import time

from protego import Protego
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis import connection
from twisted.internet import reactor, task

from .shared import JobKeys, RedisLost, guarded, job_name

# Take the host's next turn: when this request may go, from now (Redis clock); the turn after is ``gap`` later.
_TURN = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
local at = math.max(t, tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0'))
redis.call('HSET', KEYS[1], ARGV[2], tostring(at + tonumber(ARGV[1])))
return tostring(at - t)
"""


class HostPacing:
    """Downloader middleware: wait for the host's turn before a request goes out."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.crawl_delays: dict[str, float] = {}  # host (netloc) -> its robots.txt Crawl-delay
        self.next_turn: dict[str, float] = {}  # one process: host -> when its next request may go (monotonic)
        self.redis, self.lost = None, None
        if settings.get("REDIS_URL"):
            self.lost = RedisLost.of(crawler)
            self.redis = connection.from_settings(settings)
            self.turns = JobKeys(job_name(settings)).turns
            self._turn = self.redis.register_script(_TURN)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        host = urlparse_cached(request).netloc
        if not host:  # a data: URL (the merge step's flush, a worker's wake-up) reaches no site
            return
        gap = self.crawl_delays.get(host, 0.0)
        if self.redis is not None:
            gap = max(gap, self.delay, self._slot_delay(request))
        if gap <= 0:
            return
        wait = self._take_turn(host, gap)
        if wait > 0:
            self.stats.inc_value("pacing/waits")
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return

    def _take_turn(self, host: str, gap: float) -> float:
        """Seconds until this request's turn at ``host``; the next turn is ``gap`` after it."""
        if self.redis is not None:
            return self._shared_turn(host, gap)
        now = time.monotonic()
        at = max(now, self.next_turn.get(host, 0.0))
        self.next_turn[host] = at + gap
        return at - now

    @guarded(default=0.0)  # lost with Redis: the worker is stopping, and sends nothing more
    def _shared_turn(self, host: str, gap: float) -> float:
        return float(self._turn(keys=[self.turns], args=[gap, host]))

    def _slot_delay(self, request) -> float:
        """The delay Scrapy (and AutoThrottle) keeps for the request's download slot in this worker."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        return slot.delay if slot is not None else 0.0

    def process_response(self, request, response):
        url = urlparse_cached(request)
        if url.path == "/robots.txt" and response.status == 200:
            delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
            if delay:
                self.crawl_delays[url.netloc] = float(delay)
                self.crawler.spider.logger.info(
                    "robots.txt of %s asks for a Crawl-delay of %s s: kept between any two requests", url.netloc,
                    delay)
        return response
