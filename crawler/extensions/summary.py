"""The run summary: progress in articles while the crawl runs, and what it did at the end.

Every decision that can leave something out shows here: pages by kind (with
the first "other" pages by URL), links of listings not followed (by reason),
listing items that were not articles, and a loud warning when the crawl
found listings but no article, or almost nothing but "other" pages.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.items import ArticleItem
from crawler.page.kind import ARTICLE, OTHER, SUSPECT_PROSE
from crawler.signals import page_classified, page_suspect, text_drift
from crawler.spiders.walk import ITEM

_STATUSES = ("new", "changed", "completed", "unchanged")
SAMPLES = 5  # URLs shown for each kind of surprise
MOSTLY_OTHER = 0.5  # share of "other" pages that means the markup is not understood
SUSPECT_SHARE = 0.02  # kept reading-like syllables, against readings stripped, that mean the format drifted
MIN_SUSPECTS = 3
MOSTLY_WITHOUT = 0.5  # share of article pages without the source line or the disclaimer the site always has
# Errors these log are a site's failures the crawl records (a page missing in its article), not bugs.
EXPECTED_ERRORS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


class _ErrorCounter(logging.Handler):
    """Counts the errors logged during the crawl that are not a site's expected failures (stat ``errors/logged``)."""

    def __init__(self, stats):
        super().__init__(logging.ERROR)
        self.stats = stats

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(EXPECTED_ERRORS):
            self.stats.inc_value("errors/logged")


class RunSummary:
    """Log article counts every LOGSTATS_INTERVAL seconds and a summary when the spider closes.

    The summary is also in the stats, under ``summary/``.
    """

    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.stats = crawler.stats
        self.interval = interval
        self.incomplete: list[tuple[str, list[int]]] = []
        self.other_pages: list[str] = []
        self.suspect_pages: list[str] = []
        self.items_not_articles: list[tuple[str, str]] = []
        self.suspects: list[str] = []
        self.without: dict[str, list[str]] = {"source line": [], "disclaimer": []}
        self._task: task.LoopingCall | None = None
        self._errors = _ErrorCounter(crawler.stats)

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        if not interval:
            raise NotConfigured
        summary = cls(crawler, interval)
        crawler.signals.connect(summary.spider_opened, signals.spider_opened)
        crawler.signals.connect(summary.item_scraped, signals.item_scraped)
        crawler.signals.connect(summary.item_dropped, signals.item_dropped)
        crawler.signals.connect(summary.page_classified, page_classified)
        crawler.signals.connect(summary.page_suspect, page_suspect)
        crawler.signals.connect(summary.text_drift, text_drift)
        crawler.signals.connect(summary.spider_closed, signals.spider_closed)
        return summary

    def spider_opened(self):
        logging.getLogger().addHandler(self._errors)
        self._task = task.LoopingCall(self.log_progress)
        self._task.start(self.interval, now=False)

    def page_classified(self, url: str, kind: str, role: str):
        if kind == OTHER and len(self.other_pages) < SAMPLES:
            self.other_pages.append(url)
        if role == ITEM and kind != ARTICLE:
            self.stats.inc_value("summary/items_not_articles")
            if len(self.items_not_articles) < SAMPLES:
                self.items_not_articles.append((url, kind))

    def page_suspect(self, url: str, kind: str, prose_chars: int):
        if len(self.suspect_pages) < SAMPLES:
            self.suspect_pages.append(f"{url} ({kind}, {prose_chars} characters of prose)")

    def text_drift(self, url: str, suspects: list[str], missing: list[str]):
        self.suspects += [f"{url}: {snippet}" for snippet in suspects][: SAMPLES - len(self.suspects)]
        for name in missing:
            if len(self.without[name]) < SAMPLES:
                self.without[name].append(url)

    def item_scraped(self, item):
        if isinstance(item, ArticleItem):
            self.stats.inc_value("summary/articles_written")
            if not item.complete:
                self.incomplete.append((item.url, item.missing_pages))

    def item_dropped(self, item, exception):
        if isinstance(item, ArticleItem) and not item.complete:
            self.incomplete.append((item.url, item.missing_pages))

    def _counts(self) -> str:
        get = self.stats.get_value
        written = f"{get('summary/articles_written', 0)} articles written"
        if self.crawler.settings.get("STATE_FILE"):  # no statuses without it
            written += " (" + ", ".join(f"{s} {get(f'articles/{s}', 0)}" for s in _STATUSES) + ")"
        return f"{written}, {get('articles/incomplete', 0)} incomplete"

    def log_progress(self):
        self.crawler.spider.logger.info(
            "Progress: %s; %d pages fetched", self._counts(), self.stats.get_value("pages/fetched", 0)
        )

    def _pages(self) -> list[str]:
        get = self.stats.get_value
        lines = [(
            f"pages fetched {get('pages/fetched', 0)}: article {get('pages/article', 0)}, "
            f"listing {get('pages/listing', 0)}, other {get('pages/other', 0)}; failed {get('pages/failed', 0)}, "
            f"duplicates {get('pages/duplicate', 0)}, skipped as known {get('pages/skipped_known', 0)}; "
            f"readings stripped {get('cleaning/readings_stripped', 0)}"
        )]
        reach = [f"{via} {get(f'reach/{via}/urls', 0)} URLs ({get(f'reach/{via}/known', 0)} known and not due), "
                 f"{get(f'reach/{via}/articles', 0)} article pages first reached there"
                 for via in ("sitemap", "feed", "menu") if get(f"reach/{via}/urls")]
        # What was left aside on the way: off the site, sitemaps as last read or unreadable, sitemaps and feeds
        # that could not be had.
        aside = {what: n for what, n in (
            ("off the site", sum(get(f"reach/{via}/offsite", 0) for via in ("sitemap", "feed", "menu"))),
            ("sitemaps unchanged, not read again", get("reach/sitemap/unchanged", 0)),
            ("unreadable", get("reach/sitemap/unreadable", 0) + get("reach/feed/unreadable", 0)),
            ("not fetched", get("reach/failed", 0))) if n}
        if aside:
            reach.append(", ".join(f"{what} {n}" for what, n in aside.items()))
        if reach:
            lines.append("beyond the listings: " + "; ".join(reach))
        if get("jobdir/last_run_killed"):
            lines.append("JOBDIR: the last crawl in it was killed before it could save its queue; this one started "
                         "anew (the state knows what that one wrote)")
        skipped = {k.split("/", 2)[2]: v for k, v in self.stats.get_stats().items() if k.startswith("links/skipped/")}
        lines.append(
            f"links on listings: {get('links/items', 0)} article links followed"
            + (", not followed: " + ", ".join(f"{reason} {n}" for reason, n in sorted(skipped.items())) if skipped else "")
        )
        if self.crawler.settings.get("STATE_FILE"):
            stopped = get("listings/stopped_at")
            walk = (f"stopped at {stopped} after {self.crawler.settings.getint('LISTING_STOP_AFTER')} page(s) of "
                    "known articles" if stopped else "to the end of the listings")
            if get("listings/walked_due"):
                walk += f", {get('listings/walked_due')} page(s) past the known walked as due (RECHECK_AFTER)"
            if get("listings/not_newest_first"):
                walk += f" ({get('listings/not_newest_first')} listing(s) not newest first: walked in full)"
            lines.append(
                f"listing walk: {get('pages/listing', 0)} listing pages fetched, {walk}; known articles: "
                f"{get('articles/rechecked', 0)} re-checked ({get('articles/recheck_due', 0)} due from the state file), "
                f"{get('articles/skipped_recent', 0)} skipped as checked lately"
            )
        unwritten = [f"{why} {n}" for why, n in (
            ("a pipeline after the merge failed on them", get("articles/failed_downstream", 0)),
            ("handed to another worker while this one stalled", get("articles/taken_over", 0)),
            ("not labelled, Redis lost", get("articles/not_labelled", 0))) if n]
        if unwritten:
            lines.append("articles not written here: " + ", ".join(unwritten))
        cut = {k.split("/", 2)[2]: v for k, v in self.stats.get_stats().items() if k.startswith("body/cut/")}
        if cut:
            lines.append("taken out of article bodies: " + ", ".join(f"{what} {n}" for what, n in sorted(cut.items())))
        lines += [f"  other page: {url}" for url in self.other_pages]
        lines += [f"  listed as an article, but a {kind} page: {url}" for url, kind in self.items_not_articles]
        return lines

    def _warnings(self) -> list[str]:
        get = self.stats.get_value
        fetched, articles, listings = get("pages/fetched", 0), get("pages/article", 0), get("pages/listing", 0)
        warnings = []
        known = get("articles/skipped_recent", 0) + get("articles/unchanged", 0)
        if listings and not articles and not known:  # a quiet re-run's listings show only known articles
            warnings.append(
                f"{listings} listing pages were fetched but not one article page: the listings link to "
                "nothing that reads as an article. The site's markup may have changed; see what the crawler makes "
                "of a listing and of an article with `scrapy explain URL`."
            )
        # A sitemap lists the site's own pages too (home, about): those are other by right, not a sign of drift.
        listed_other = get("reach/other", 0)
        other, read = get("pages/other", 0) - listed_other, fetched - listed_other
        if read >= 4 and other >= MOSTLY_OTHER * read:
            warnings.append(
                f"{other} of {read} pages read as neither article nor listing. "
                "The site's markup may have changed; check one with `scrapy explain URL`."
            )
        if get("pages/suspect", 0):
            warnings.append(
                f"{get('pages/suspect', 0)} pages with {SUSPECT_PROSE} or more characters of prose were not "
                f"read as articles, and may be articles lost: {'; '.join(self.suspect_pages)}. See why with "
                "`scrapy explain URL`."
            )
        warnings += self._drift_warnings()
        not_articles = get("summary/items_not_articles", 0)
        if not_articles and not_articles >= MOSTLY_OTHER * get("links/items", 0):
            warnings.append(
                f"{not_articles} of {get('links/items', 0)} links taken from listings as articles were "
                "not article pages. Set ARTICLE_LINK_SELECTOR, or check with `scrapy explain URL`."
            )
        return warnings

    def _drift_warnings(self) -> list[str]:
        get = self.stats.get_value
        warnings = []
        suspected, stripped = get("cleaning/suspected_readings", 0), get("cleaning/readings_stripped", 0)
        if suspected >= MIN_SUSPECTS and suspected > SUSPECT_SHARE * stripped:
            warnings.append(
                f"the text's format may have drifted: {suspected} syllables that look like pinyin readings "
                f"were kept (against {stripped} readings stripped), e.g. " + "; ".join(self.suspects) + ". Nothing "
                "was removed on suspicion: check a page with `python -m crawler.text --check FILE`."
            )
        pages = get("cleaning/pages", 0)
        for name, urls in self.without.items():
            without = get(f"cleaning/pages_without_{name.replace(' ', '_')}", 0)
            if pages >= 4 and without >= MOSTLY_WITHOUT * pages:
                warnings.append(
                    f"{without} of {pages} article pages have no {name} in its known words: the site may "
                    f"have reworded it, and it stays in the text (e.g. {', '.join(urls)})."
                )
        return warnings

    def spider_closed(self, spider, reason):
        if self._task and self._task.running:
            self._task.stop()
        stopped = self.stats.get_value("stopped/reason")
        lines = [f"Run summary ({f'stopped: {stopped}' if stopped else reason}): {self._counts()}", *self._pages()]
        lines += [f"  incomplete: {url} missing pages {missing}" for url, missing in self.incomplete]
        warnings = self._warnings()
        spider.logger.info("\n".join(lines))
        for warning in warnings:
            spider.logger.warning(warning)
        self.stats.set_value("summary/incomplete_articles", len(self.incomplete))
        self.stats.set_value("summary/warnings", len(warnings))
        logging.getLogger().removeHandler(self._errors)
