"""What every callback of the spider reports: that its output is all out, and how many items it held."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from scrapy.http import Request

from crawler.signals import callback_done


def reports_output(callback: Callable) -> Callable:
    """Signal callback_done once a callback's output is all out, with how many items it held (a shared crawl
    acknowledges the request once they are through the pipelines)."""

    @functools.wraps(callback)
    def wrapper(spider: Any, result: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        items = 0
        try:
            for thing in callback(spider, result, *args, **kwargs):
                items += not isinstance(thing, Request)
                yield thing
        finally:
            request = getattr(result, "request", None)  # a response, or the failure an errback is given
            if request is not None:
                spider.crawler.signals.send_catch_log(callback_done, request=request, items=items)

    return wrapper
