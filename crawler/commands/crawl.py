"""``scrapy crawl``, as Scrapy runs it, with its arguments checked first and an exit status cron can trust.

Bad arguments and settings stop the run before any request, with one line
naming the argument, the value given and the values allowed (exit status 2,
as Scrapy's own usage errors). After the crawl, the exit status is 1, with one
last log line saying why, when the start page could not be fetched, no page
was fetched at all, a feed could not be written, or any error was logged (a
bug must not pass for a good run; a page that failed after its retries is
not one: it is recorded missing in its article). Otherwise it is 0, also for a run with
incomplete articles and for a run stopped with Ctrl-C.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.utils.misc import load_object

from crawler.merge.stores import PageStore
from crawler.storage.base import StorageError
from crawler.storage.formats import describe_storage

logger = logging.getLogger(__name__)
SCRIPTS = ("traditional", "simplified")
RECHECKS = ("due", "first", "all")


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts) -> None:
        super().process_options(args, opts)
        try:  # here, before Scrapy's banner and its crawler: a bad argument is one line and nothing more
            check_arguments(opts.spargs, self.settings)
        except ValueError as exc:
            sys.stderr.write(f"scrapy crawl: error: {exc}\n")
            sys.exit(2)

    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            super().run(args, opts)
            return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            reasons = ["the crawl could not start"]  # and it may have no stats
        else:
            reasons = failure_reasons(crawler.stats.get_stats(), shared=bool(crawler.settings.get("REDIS_URL")),
                                      start_url=crawler.spider.start_url)
        if reasons:
            self.exitcode = 1
            logger.error("Exit status 1: %s", "; ".join(reasons))


def check_arguments(spargs: dict, settings) -> None:
    """Check the spider arguments and the settings a user gives; ValueError with one line when one is wrong.

    A replay's source is read here, before anything else: its start URL fills
    in a missing ``-a start_url``.
    """
    start_url = spargs.get("start_url")
    if start_url is not None and (not urlsplit(start_url).hostname
                                  or urlsplit(start_url).scheme not in ("http", "https")):
        raise ValueError(f"-a start_url={start_url}: not an absolute http(s) URL (such as http://www.xiangtianlong.com/)")
    recheck = spargs.get("recheck")
    if recheck is not None and recheck not in RECHECKS:
        raise ValueError(f"-a recheck={recheck}: must be {', '.join(RECHECKS)}")
    if settings.get("RECHECK") not in RECHECKS:
        raise ValueError(f"-s RECHECK={settings.get('RECHECK')}: must be {', '.join(RECHECKS)}")
    script = settings.get("CHINESE_SCRIPT")
    if script not in SCRIPTS:
        raise ValueError(f"-s CHINESE_SCRIPT={script}: must be {' or '.join(SCRIPTS)}")
    store = settings.get("MERGE_STORE")
    if store:
        try:
            store_class = load_object(store)
        except (ImportError, ValueError, NameError, AttributeError) as exc:
            raise ValueError(f"-s MERGE_STORE={store}: cannot be imported ({exc})") from None
        if not (isinstance(store_class, type) and issubclass(store_class, PageStore)):
            raise ValueError(f"-s MERGE_STORE={store}: not a PageStore class (crawler.merge.stores.MemoryPageStore, "
                             "crawler.merge.stores.DiskPageStore)")
    for feed in settings.getdict("FEEDS") or ([settings["DEFAULT_FEED"]] if settings.get("DEFAULT_FEED") else []):
        check_writable(str(feed))
    replay = spargs.get("replay", settings.get("REPLAY_SOURCE"))
    if settings.get("REDIS_URL"):
        check_job(settings, joining=start_url is None and replay is None)
    if replay is None:
        return
    name = "-a replay" if "replay" in spargs else "-s REPLAY_SOURCE"
    if not replay:
        raise ValueError(f"{name}= is empty: give a folder of saved pages or a WARC file")
    try:
        saved = describe_storage(replay)
    except StorageError as exc:
        raise ValueError(f"{name}={replay}: {exc}") from None
    if start_url is None:
        if saved.start_url is None:
            raise ValueError(f"{name}={replay}: the saved site does not say where its crawl started; "
                             f"give -a start_url= on one of its hosts: {', '.join(saved.hosts)}")
        spargs["start_url"] = saved.start_url
    elif (urlsplit(start_url).netloc or "").lower() not in saved.hosts:
        raise ValueError(f"-a start_url={start_url}: its host is not in the saved site {replay}, "
                         f"which holds {', '.join(saved.hosts)}")


def check_job(settings, joining: bool) -> None:
    """A shared crawl's Redis must answer, and a worker without a start URL needs a job to join."""
    from redis.exceptions import RedisError  # only a shared crawl imports Redis

    from crawler.distributed.job import job_name, join_job

    try:
        start_url = join_job(settings, None)
    except RedisError as exc:
        raise ValueError(f"-s REDIS_URL={settings['REDIS_URL']}: cannot reach Redis ({exc})") from None
    if joining and start_url is None:
        raise ValueError(f"-s REDIS_URL={settings['REDIS_URL']}: no crawl job {job_name(settings)!r} to join; "
                         "give -a start_url= to seed it")


def check_writable(feed: str) -> None:
    """A feed to a local file must be writable where it goes; ValueError if not.

    Its folder is made now (the feed would make it anyway) and a scratch file tried in it.
    """
    if feed == "-" or ("://" in feed and not feed.startswith("file://")):
        return  # stdout, S3, FTP…: their storage says so itself
    folder = Path(feed.removeprefix("file://")).parent
    if "%(" in str(folder):
        return  # named per run; made when the run starts
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        raise ValueError(f"feed {feed}: cannot be written there ({exc.strerror or exc})") from None


def failure_reasons(stats: dict, shared: bool = False, start_url: str | None = None) -> list[str]:
    """Why a finished crawl failed, from its stats: empty when it did its job.

    A worker of a shared crawl (REDIS_URL) may find the job's pages all taken by others: no page is no failure.
    """
    reasons = []
    if stats.get("pages/failed_start"):
        reasons.append("the start page could not be fetched")
    elif not stats.get("pages/fetched") and not shared:
        reasons.append("no page was fetched")
    elif not (shared or stats.get("pages/article") or stats.get("articles/unchanged")
              or stats.get("articles/skipped_recent") or stats.get("articles/recheck_due")):
        # Nothing read as an article, and the run knew none: not a quiet day, the site is not being read.
        where = "leads to no listing and no article" if not stats.get("pages/listing") else (
            "leads to listings that link no article page")
        reasons.append(f"the start page {start_url} {where}, after its menu, sitemaps and feeds: see why with "
                       f"scrapy explain {start_url}")
    if stats.get("redis/lost"):
        reasons.append("Redis stopped answering")
    if stats.get("articles/failed_downstream"):
        reasons.append(f"{stats['articles/failed_downstream']} articles were not written: a pipeline failed on them")
    if any(key.startswith("feedexport/failed_count") for key in stats):
        reasons.append("a feed could not be written")
    if stats.get("errors/logged"):
        reasons.append(f"{stats['errors/logged']} errors were logged (see above)")
    return reasons
