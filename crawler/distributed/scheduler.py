"""The frontier of a shared crawl: scrapy-redis's scheduler over the leased queue (``crawler.distributed.leases``).

The worker acknowledges a request's lease once the callback's items have gone
through the pipelines and its requests are in the frontier; a heartbeat
renews its leases, and the leases of dead workers expire back to the
frontier. A worker ends when nothing is queued or leased in the whole job
(``SharedScheduler``).
"""

from __future__ import annotations

import warnings
from collections import deque
from typing import Any

from scrapy import Request
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.distributed.ack import Acknowledgements
from crawler.distributed.job import JobKeys, RedisLost, guarded, job_name, join_job, worker_name
from crawler.distributed.leases import LEASE
from crawler.signals import job_joined, site_landed
from crawler.site import on_site

HANDED = "redis_handed"  # request.meta: taken from the frontier by the poll, handed to the engine
POLL_INTERVAL = 0.5  # seconds between two looks at the frontier by an idle worker
WAKE_URL = "data:,job-done"  # a request that wakes Scrapy's engine when the job ends elsewhere


def _nothing(response: Any) -> None:
    """The wake-up request's callback."""


# Expired leases back to the frontier as they were, and takes (claims: "worker|token") of dead workers back to
# the buffer; then how much work the job still has: requests queued, leased, articles being written by other
# workers (not this one's, ARGV[2]: an article a pipeline failed on stays claimed until this worker leaves).
_REAP = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', t)) do
  local data = redis.call('HGET', KEYS[2], id)
  if data then redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id), data) end
  redis.call('ZREM', KEYS[3], id); redis.call('HDEL', KEYS[2], id); redis.call('HDEL', KEYS[4], id)
end
local claims, others = redis.call('HGETALL', KEYS[5]), 0
for i = 1, #claims, 2 do
  local owner = string.match(claims[i + 1], '^(.*)|%d+$') or claims[i + 1]
  if redis.call('EXISTS', ARGV[1] .. owner) == 0 then
    redis.call('HDEL', KEYS[5], claims[i]); redis.call('SADD', KEYS[6], claims[i])
  elseif owner ~= ARGV[2] then
    others = others + 1
  end
end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[3]), others}
"""

# The job is done: nothing queued, leased, waiting or being written. Its keys go, so that
# the next run of the same job starts afresh. 1 if this call cleared them (not another worker's before).
_FINISH = """
if redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('SCARD', KEYS[3])
   + redis.call('HLEN', KEYS[4]) > 0 then return 0 end
return math.min(redis.call('DEL', unpack(KEYS)), 1)
"""


class GuardedDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter, as the spider asks it (is a page's canonical URL fetched already?).

    Once Redis is lost, a request counts as seen: the worker is stopping, and the lease of the page that asked
    is not acknowledged, so that page is done again with Redis back.
    """

    lost: RedisLost | None = None  # set by the scheduler when it opens

    @guarded(default=True)
    def request_seen(self, request: Request) -> bool:
        return super().request_seen(request)


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler with leased requests, a heartbeat, and an end when the whole job is done.

    Requests to ``data:`` URLs (the merge step's flush) stay in this process.
    An idle worker looks at the frontier every POLL_INTERVAL seconds.
    """

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.keys = JobKeys(job_name(crawler.settings))
        scheduler.worker = worker_name()
        scheduler.lease_timeout = crawler.settings.getfloat("REDIS_LEASE_TIMEOUT")
        scheduler.local = deque()
        scheduler.waiting_for_others = False  # the job had work queued or leased when last asked
        scheduler._reap = scheduler.server.register_script(_REAP)
        scheduler._finish = scheduler.server.register_script(_FINISH)
        scheduler.lost = RedisLost(crawler)
        scheduler.acks = Acknowledgements(crawler, lambda lease: scheduler.queue.ack(lease))
        crawler.signals.connect(scheduler.site_landed, site_landed)
        return scheduler

    def open(self, spider):
        self._join(spider)
        with warnings.catch_warnings():  # scrapy-redis 0.9.1 says "Resuming crawl" with Spider.log(), deprecated
            warnings.filterwarnings("ignore", "Spider.log", ScrapyDeprecationWarning)
            super().open(spider)
        batch = max(1, self.crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.queue.bind(self.keys, self.lease_timeout, self.df.key, self.stats, self.lost, batch)
        self.df.lost = self.lost
        self._beat()
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(self.lease_timeout / 3, now=False)
        self.poll = task.LoopingCall(self._poll)
        self.poll.start(POLL_INTERVAL, now=False)

    def _join(self, spider) -> None:
        """A worker given a start URL seeds the job with it; one given none joins the job (signal job_joined)."""
        given = getattr(spider, "given_start_url", None)
        start_url = join_job(self.crawler.settings, given)
        if start_url is None:  # scrapy crawl says so before, in one line
            raise ValueError("no crawl job to join in REDIS_URL: give -a start_url= to seed it")
        if given is None:
            self.crawler.signals.send_catch_log(job_joined, start_url=start_url)

    @guarded()
    def _beat(self) -> None:
        """This worker is alive, and still holds its leases."""
        self.server.set(self.keys.alive(self.worker), 1, ex=max(1, round(self.lease_timeout)))
        self.queue.renew()
        self.stats.set_value("redis/leases_dropped", self.queue.dropped)

    @guarded()
    def _poll(self) -> None:
        """An idle worker takes new work from the frontier at once, and ends as soon as the job is done,
        not at Scrapy's next heartbeat (5 s)."""
        engine = self.crawler.engine
        if self.local or engine.downloader.active or engine.downloader.needs_backout():
            return
        request = self._on_site(self.queue.pop())
        if request is not None:
            request.meta[HANDED] = True
            engine.crawl(request)  # back here through enqueue_request, and the engine wakes up
        elif self.waiting_for_others and not self.has_pending_requests():
            # The others are done: a local request with no page wakes the engine, which then sees the job idle.
            engine.crawl(Request(WAKE_URL, callback=_nothing, dont_filter=True))

    def close(self, reason):
        for loop in (self.heartbeat, self.poll):
            if loop.running:
                loop.stop()
        self._leave(reason)

    @guarded()
    def _leave(self, reason: str) -> None:
        """This worker's leases back to the frontier, its alive key gone; the last one out clears the job."""
        self.queue.release()
        self.server.delete(self.keys.alive(self.worker))
        if reason == "finished":
            k = self.keys
            if self._finish(keys=[k.queue, k.leases, k.waiting, k.claims, k.leased, k.scores, k.lease_ids,
                                  k.written, k.site, k.domains, k.turns, k.dupefilter, k.claim_tokens]):
                self.spider.logger.info("Job %s done: its keys are cleared", k.job)

    def enqueue_request(self, request: Request) -> bool:
        if request.url.startswith("data:") or request.meta.pop(HANDED, False):
            self.local.append(request)
            return True
        # A retry or a redirect: the request goes back to the frontier, and its lease with it.
        replaced = request.meta.pop(LEASE, None)
        # As scrapy-redis's enqueue_request, the duplicate check and the push in Redis, with the next round
        # trip (counted there: scheduler/enqueued/redis, dupefilter/filtered).
        self.queue.push(request, "" if request.dont_filter else self.df.request_fingerprint(request))
        if replaced is not None:
            self.queue.ack(replaced)
        return True

    def next_request(self) -> Request | None:
        if self.local:
            return self.local.popleft()
        # As scrapy-redis's next_request, without its spider= to the stats, which Scrapy 2.19 deprecates.
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return self._on_site(request)

    def _on_site(self, request: Request | None) -> Request | None:
        """A request queued by another worker may be on a host the start URL landed on there: learn it first."""
        domains = self.spider.allowed_domains
        if request is not None and not on_site(request.url, domains):
            domains.extend(d for d in self._job_domains() if d not in domains)
        return request

    @guarded(default=[])
    def _job_domains(self) -> list[str]:
        return sorted(m.decode() for m in self.server.smembers(self.keys.domains))

    def site_landed(self, domain: str) -> None:
        self.share_domain(domain)  # a handler of its own: the guard's wrapper would take every argument of a signal

    @guarded()
    def share_domain(self, domain: str) -> None:
        """The start URL landed on ``domain``: every worker's site, from now on."""
        self.server.sadd(self.keys.domains, domain)

    def has_pending_requests(self) -> bool:
        """Whether the job may still have work for this worker: requests queued or leased anywhere, or articles
        being written."""
        if self.local or self.queue.taken:
            return True
        self.waiting_for_others = self._job_has_work()
        return self.waiting_for_others

    @guarded(default=False)
    def _job_has_work(self) -> bool:
        self.queue.flush()
        k = self.keys
        queued, leased, claimed = self._reap(keys=[k.queue, k.leased, k.leases, k.scores, k.claims, k.waiting],
                                             args=[f"{k.job}:alive:", self.worker])
        # An article another worker is writing is work too: should that worker die, it is handed back, taken here.
        return queued + leased + claimed > 0

