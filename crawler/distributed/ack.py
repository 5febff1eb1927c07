"""A shared crawl acknowledges a request's lease once its callback's output is through.

The spider says when a callback's output is all out and how many items it held
(``crawler.signals.callback_done``); the item signals say when each item is
through the pipelines (scraped, or dropped on purpose); the requests it yielded are in the frontier by then.
Only when both are known is the lease acknowledged, so a worker killed in
between leaves its request to be done again by another: at least once.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapy import signals

from crawler.distributed.leases import LEASE
from crawler.signals import callback_done


class Acknowledgements:
    """The leases whose callback output is not through yet, and how far each is."""

    def __init__(self, crawler, ack: Callable[[int], None]):
        self.ack = ack
        self.open: dict[int, list[int]] = {}  # lease -> [items through, items out (-1: the callback still runs)]
        crawler.signals.connect(self.callback_done, callback_done)
        # Not item_error: an item a pipeline failed on leaves its request unacknowledged, to be done again once its
        # lease expires.
        for signal in (signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(self.item_done, signal)

    def callback_done(self, request, items: int) -> None:
        lease = request.meta.get(LEASE)
        if lease is not None:
            self.open.setdefault(lease, [0, -1])[1] = items
            self._settle(lease)

    def item_done(self, item, response, **kwargs) -> None:
        request = getattr(response, "request", None)  # a response, or the failure an errback was given
        lease = request.meta.get(LEASE) if request is not None else None
        if lease is not None:
            self.open.setdefault(lease, [0, -1])[0] += 1
            self._settle(lease)

    def _settle(self, lease: int) -> None:
        through, out = self.open[lease]
        if out >= 0 and through >= out:
            del self.open[lease]
            self.ack(lease)
