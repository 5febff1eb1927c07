"""Mirroring's requisites (MIRROR_REQUISITES): each page's images and stylesheets, through Scrapy's
FilesPipeline, so that the mirror reads offline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.pipelines.files import FilesPipeline

from crawler.items import PageItem
from crawler.storage.layout import url_to_path


class RequisitesPipeline(FilesPipeline):
    """With MIRROR_REQUISITES, fetch each page's images and stylesheets into MIRROR_DIR.

    Scrapy's FilesPipeline does the fetching (each file once per crawl, not
    again for FILES_EXPIRES days); the MirrorMiddleware, which every response
    passes, has already saved the bytes when the pipeline hears of them.
    """

    FILES_URLS_FIELD = "requisites"

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not (settings.get("MIRROR_DIR") and settings.getbool("MIRROR_REQUISITES")):
            raise NotConfigured
        return cls(str(Path(settings["MIRROR_DIR"]).resolve()), crawler=crawler)

    def get_media_requests(self, item, info):
        return super().get_media_requests(item, info) if isinstance(item, PageItem) else []

    def file_path(self, request, response=None, info=None, *, item=None) -> str:
        return url_to_path(request.url).as_posix()

    async def media_downloaded(self, response, request, info, *, item=None):
        if response.status != 200 or not response.body:
            # A missing image is the site's fault, not an error of the crawl: Scrapy's
            # own handling would log it with a traceback. The mirror counts it as failed.
            info.spider.logger.warning("Requisite not mirrored: %s (HTTP %s)", request.url, response.status)
            return {"url": request.url, "path": None, "checksum": None, "status": "failed"}
        return await super().media_downloaded(response, request, info, item=item)

    def file_downloaded(self, response, request, info, *, item=None) -> str:
        return hashlib.md5(response.body).hexdigest()  # FilesPipeline's checksum, kept as it computes it


