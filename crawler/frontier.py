"""The frontier of a shared crawl: scrapy-redis's scheduler and queue, with leased requests.

A request taken from the frontier is leased to its worker, not deleted
(``LeasedQueue``). The worker acknowledges it once the callback's items have
gone through the pipelines and its requests are in the frontier; a heartbeat
renews its leases. A lease that expires (its worker died) goes back to the
frontier as it was, past the duplicate filter: delivery is at least once. A
worker ends when nothing is queued or leased in the whole job
(``SharedScheduler``).
"""

from __future__ import annotations

import warnings
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from .shared import JobKeys, RedisLost, guarded, job_name, worker_name
from .site import on_site

LEASE = "redis_lease"  # request.meta: the lease a request was taken under
HANDED = "redis_handed"  # request.meta: taken from the frontier by the poll, handed to the engine
POLL_INTERVAL = 0.5  # seconds between two looks at the frontier by an idle worker
POP_BATCH = 16  # requests taken from the frontier in one round trip
WAKE_URL = "data:,job-done"  # a request that wakes Scrapy's engine when the job ends elsewhere


def _nothing(response: Any) -> None:
    """The wake-up request's callback."""


# Expired leases back to the frontier as they were, and takes of dead workers back to the buffer;
# then how much work the job still has: requests queued, leased, articles being written.
_REAP = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', t)) do
  local data = redis.call('HGET', KEYS[2], id)
  if data then redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], id), data) end
  redis.call('ZREM', KEYS[3], id); redis.call('HDEL', KEYS[2], id); redis.call('HDEL', KEYS[4], id)
end
local claims = redis.call('HGETALL', KEYS[5])
for i = 1, #claims, 2 do
  if redis.call('EXISTS', ARGV[1] .. claims[i + 1]) == 0 then
    redis.call('HDEL', KEYS[5], claims[i]); redis.call('SADD', KEYS[6], claims[i])
  end
end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[3]), redis.call('HLEN', KEYS[5])}
"""

# One round trip with the frontier, in this order: the requests this worker queued since the last one
# go in (each past the duplicate filter, unless its fingerprint is empty: dont_filter), then its
# acknowledgements, then it takes up to ARGV[2] requests, each under a new lease.
# ARGV: timeout, count, number of pushes, (fingerprint, score, request) per push, leases acknowledged.
# Returns {requests queued, lease, request, lease, request...}.
_EXCHANGE = """
local pushes, queued = tonumber(ARGV[3]), 0
local acks = 4 + 3 * pushes
for i = 4, acks - 1, 3 do
  if ARGV[i] == '' or redis.call('SADD', KEYS[6], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i + 2]); queued = queued + 1
  end
end
for i = acks, #ARGV do
  redis.call('ZREM', KEYS[3], ARGV[i]); redis.call('HDEL', KEYS[2], ARGV[i]); redis.call('HDEL', KEYS[4], ARGV[i])
end
local taken = {queued}
local count = tonumber(ARGV[2])
if count == 0 then return taken end
local first = redis.call('ZRANGE', KEYS[1], 0, count - 1, 'WITHSCORES')
if #first == 0 then return taken end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #first / 2 - 1)
local now = redis.call('TIME')
local expires = tonumber(now[1]) + tonumber(now[2]) / 1e6 + tonumber(ARGV[1])
for i = 1, #first, 2 do
  local id = redis.call('INCR', KEYS[5])
  redis.call('HSET', KEYS[2], id, first[i]); redis.call('HSET', KEYS[4], id, first[i + 1])
  redis.call('ZADD', KEYS[3], expires, id)
  taken[#taken + 1] = id; taken[#taken + 1] = first[i]
end
return taken
"""

_RENEW = """
local now = redis.call('TIME')
local until_ = tonumber(now[1]) + tonumber(now[2]) / 1e6 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_, ARGV[i]) end
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


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop leases a request to this worker instead of deleting it."""

    lease_timeout = 60.0

    def bind(self, keys: JobKeys, lease_timeout: float, df_key: str, stats, lost: RedisLost) -> None:
        self.keys, self.lease_timeout, self.df_key, self.stats, self.lost = keys, lease_timeout, df_key, stats, lost
        self.taken: deque[Request] = deque()  # leased, not yet given to the engine
        self.pushes: list = []  # fingerprint, score, request: queued with the next round trip
        self._script = self.server.register_script(_EXCHANGE)
        self._renew = self.server.register_script(_RENEW)
        # Leases this worker holds -> their requests. A request Scrapy let go of without an ack
        # (an offsite redirect, a request_scheduled handler's IgnoreRequest) was dropped on purpose.
        self.held: dict[int, weakref.ref] = {}
        self.acks: list[int] = []  # acknowledged, not yet sent
        self.dropped = 0

    def pop(self, timeout: float = 0) -> Request | None:
        """The next request: from those taken with the last round trip, else up to POP_BATCH more."""
        if not self.taken:
            self._exchange(POP_BATCH)
        return self.taken.popleft() if self.taken else None

    def push(self, request: Request, fingerprint: str = "") -> None:
        """Into the frontier with the next round trip, unless ``fingerprint`` is in the duplicate filter."""
        self.pushes += (fingerprint, -request.priority, self._encode_request(request))

    def ack(self, lease: int) -> None:
        """The request's work is done (or is in the frontier again under another request): its lease goes.

        With the next round trip, after the requests queued until then: one round trip less per request.
        A worker killed in between has that request done again, which is harmless.
        """
        if self.held.pop(lease, None) is not None:
            self.acks.append(lease)

    def flush(self) -> None:
        """Send the requests queued and the acknowledgements given since the last round trip."""
        if self.pushes or self.acks:
            self._exchange(0)

    @guarded()
    def _exchange(self, count: int) -> None:
        """Lost with Redis: the pushes and acks of this round trip. The leases that brought them are then not
        acknowledged either, so their requests are done again, and give them again, once Redis is back."""
        k = self.keys
        pushes, acks = self.pushes, self.acks
        self.pushes, self.acks = [], []
        reply = self._script(keys=[k.queue, k.leased, k.leases, k.scores, k.lease_ids, self.df_key],
                             args=[self.lease_timeout, count, len(pushes) // 3, *pushes, *acks])
        self.stats.inc_value("scheduler/enqueued/redis", reply[0])
        self.stats.inc_value("dupefilter/filtered", len(pushes) // 3 - reply[0])
        for lease, data in zip(reply[1::2], reply[2::2]):
            request = self._decode_request(data)
            request.meta[LEASE] = int(lease)
            self.held[int(lease)] = weakref.ref(request)
            self.taken.append(request)

    def _encode_request(self, request: Request) -> bytes:
        """As scrapy-redis encodes, naming the spider's callbacks without a search of all its methods each time."""
        methods = {name: getattr(request, name) for name in ("callback", "errback")}
        names = {name: getattr(method, "__name__", None) for name, method in methods.items() if method is not None}
        if any(getattr(self.spider, n, None) != methods[name] for name, n in names.items() if n):
            return super()._encode_request(request)  # not a method of the spider: scrapy-redis's way
        request.callback = request.errback = None
        try:
            obj = request.to_dict()
        finally:
            request.callback, request.errback = methods["callback"], methods["errback"]
        obj.update(names)
        return self.serializer.dumps(obj)

    @guarded()
    def renew(self) -> None:
        for lease, request in list(self.held.items()):
            if request() is None:
                self.dropped += 1
                self.ack(lease)
                self.spider.logger.info("Request under lease %s was dropped by Scrapy without a response "
                                        "(offsite, or filtered): its lease is given up", lease)
        self.flush()
        if self.held:
            self._renew(keys=[self.keys.leases], args=[self.lease_timeout, *self.held])

    @guarded()
    def release(self) -> None:
        """This worker stops: the requests it holds go back to the frontier now, for others to take."""
        self.flush()
        if self.held:
            self.server.zadd(self.keys.leases, dict.fromkeys(self.held, 0))
            self.held.clear()


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
        # id of a request -> [items not through yet, its output done, its lease, the request]
        scheduler.outputs = {}
        scheduler._reap = scheduler.server.register_script(_REAP)
        scheduler._finish = scheduler.server.register_script(_FINISH)
        scheduler.lost = RedisLost.of(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(scheduler._item_done, signal)
        return scheduler

    def open(self, spider):
        with warnings.catch_warnings():  # scrapy-redis 0.9.1 says "Resuming crawl" with Spider.log(), deprecated
            warnings.filterwarnings("ignore", "Spider.log", ScrapyDeprecationWarning)
            super().open(spider)
        self.queue.bind(self.keys, self.lease_timeout, self.df.key, self.stats, self.lost)
        self.df.lost = self.lost
        self._beat()
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(self.lease_timeout / 3, now=False)
        self.poll = task.LoopingCall(self._poll)
        self.poll.start(POLL_INTERVAL, now=False)

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
                                  k.written, k.site, k.domains, k.turns, k.dupefilter]):
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

    @guarded()
    def share_domain(self, domain: str) -> None:
        """The start URL landed on ``domain``: every worker's site, from now on."""
        self.server.sadd(self.keys.domains, domain)

    def has_pending_requests(self) -> bool:
        """Whether the job may still have work for this worker: requests queued or leased anywhere."""
        if self.local or self.queue.taken:
            return True
        self.waiting_for_others = self._job_has_work()
        return self.waiting_for_others

    @guarded(default=False)
    def _job_has_work(self) -> bool:
        self.queue.flush()
        k = self.keys
        queued, leased, _ = self._reap(keys=[k.queue, k.leased, k.leases, k.scores, k.claims, k.waiting],
                                       args=[f"{k.job}:alive:"])
        return queued + leased > 0

    # Acknowledging a request once its callback's output has gone through.

    def track(self, result: Any, output: Iterable[Any]) -> Iterator[Any]:
        """Pass on the output of a callback (or errback) given ``result``; ack its lease once all of it is through.

        Requests are in the frontier as soon as Scrapy takes them from here;
        items are through when a signal says they were scraped, dropped or failed.
        The request is the key: an errback after an HTTP error gets a failure,
        while the item signals name the response.
        """
        request = getattr(result, "request", None)
        lease = request.meta.get(LEASE) if request is not None else None
        if lease is None:
            yield from output
            return
        state = self.outputs[id(request)] = [0, False, lease, request]
        try:
            for thing in output:
                if not isinstance(thing, Request):
                    state[0] += 1
                yield thing
        finally:
            state[1] = True
            self._settle(id(request))

    def _item_done(self, item, response, **kwargs) -> None:
        key = id(getattr(response, "request", None))
        state = self.outputs.get(key)
        if state is not None:
            state[0] -= 1
            self._settle(key)

    def _settle(self, key: int) -> None:
        pending, finished, lease, _ = self.outputs[key]
        if finished and pending <= 0:
            del self.outputs[key]
            self.queue.ack(lease)
