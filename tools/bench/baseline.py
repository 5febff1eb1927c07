"""The benchmark's baseline: a bare Scrapy spider that follows every link on the host and does nothing else.

Run by ``python -m tools.bench`` as ``scrapy runspider`` in the project, so with the same
settings as the crawler; it imports nothing of the crawler's and yields no items.
"""

from urllib.parse import urlsplit

import scrapy


class BaselineSpider(scrapy.Spider):
    name = "baseline"

    def __init__(self, start_url: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_urls = [start_url]
        self.allowed_domains = [urlsplit(start_url).hostname]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            if href.startswith(("/", "http")):
                yield response.follow(href, callback=self.parse)
