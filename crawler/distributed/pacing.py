"""One crawl's manners kept by several workers together: the gap between two requests to a host, in Redis.

The gap of one crawl, the largest of ``DOWNLOAD_DELAY``, AutoThrottle's
current delay for the host and its robots.txt Crawl-delay, is kept by all the
workers together. The next time a request may go to the host is in Redis,
taken atomically by the worker whose request goes then: adding workers never
hits the site harder. Scrapy's own per-slot delay still applies inside each
worker, on top.
"""

from __future__ import annotations

from scrapy_redis import connection

from crawler.distributed.job import JobKeys, RedisLost, guarded, job_name
from crawler.downloadermiddlewares.pacing import HostPacing

# Take the host's next turn: when this request may go, from now (Redis clock); the turn after is ``gap`` later.
_TURN = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
local at = math.max(t, tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0'))
redis.call('HSET', KEYS[1], ARGV[2], tostring(at + tonumber(ARGV[1])))
return tostring(at - t)
"""


class SharedHostPacing(HostPacing):
    """Downloader middleware of a shared crawl, in HostPacing's place: the host's turn is the job's."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.lost = RedisLost(crawler)
        self.redis = connection.from_settings(crawler.settings)
        self.turns = JobKeys(job_name(crawler.settings)).turns
        self._turn = self.redis.register_script(_TURN)

    def _gap(self, host: str, request) -> float:
        return max(super()._gap(host, request), self.delay, self._slot_delay(request))

    @guarded(default=0.0)  # lost with Redis: the worker is stopping, and sends nothing more
    def _take_turn(self, host: str, gap: float) -> float:
        return float(self._turn(keys=[self.turns], args=[gap, host]))

    def _slot_delay(self, request) -> float:
        """The delay Scrapy (and AutoThrottle) keeps for the request's download slot in this worker."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        return slot.delay if slot is not None else 0.0
