"""Why the crawler reads a page as it does: ``scrapy explain URL_OR_SAVED_FILE`` (or ``python -m crawler.explain``).

Prints the page's kind with every signal that decided it, the article links
it found and the links it skipped (with the reason), the page bar as read,
and the first lines of the body, raw and cleaned. It runs the crawl's own
``parse_page`` with the project's settings (``-s NAME=VALUE`` as for
``scrapy crawl``), so what it shows is what a crawl would do.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import ClassVar
from urllib.request import Request, urlopen

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings

from crawler.page.kind import suspect
from crawler.page.links import NAVIGATION
from crawler.page.parse import Extraction, ParsedPage, parse_page
from crawler.storage.layout import saved_url
from crawler.text.cleaning import clean_text

LINES = 8
LINKS = 40


def load(source: str, url: str | None, user_agent: str) -> HtmlResponse:
    """A response for a URL (fetched once, as the crawler identifies itself) or a saved file."""
    if source.startswith(("http://", "https://")):
        with urlopen(Request(source, headers={"User-Agent": user_agent}), timeout=30) as answer:
            headers = {"Content-Type": answer.headers.get("Content-Type", "text/html")}
            return HtmlResponse(answer.geturl(), body=answer.read(), headers=headers)
    path = Path(source)
    return HtmlResponse(url or saved_url(path), body=path.read_bytes(), headers={"Content-Type": "text/html"})


def report(page: ParsedPage) -> str:
    """The explanation, as text."""
    out = [f"{page.url}", f"kind: {page.kind}", "signals:"]
    out += [f"  {signal}" for signal in page.signals]
    if page.canonical:
        out.append(f"canonical: {page.canonical}")
    bar = page.bar
    if bar:
        numbered = ", ".join(f"{n}: {u}" for n, u in sorted(bar.numbered.items()))
        out.append(f"page bar: page {bar.current or '?'}" + (f" of {bar.total}" if bar.total else "")
                   + f"; previous {bar.prev_url}; next {bar.next_url}; first {bar.first_url}; last {bar.last_url}")
        if numbered:
            out.append(f"  numbered: {numbered}")
    else:
        out.append("page bar: none")
    out.append(f"article links ({len(page.items)}), followed from a listing:")
    out += [f"  {item.url}  {item.title!r}" + (" dated" if item.dated else "") + (" with intro" if item.intro else "")
            for item in page.items[:LINKS]]
    reasons = Counter(reason for _, reason in page.skipped_links)
    out.append(f"links skipped ({len(page.skipped_links)}): "
               + ", ".join(f"{reason} {n}" for reason, n in reasons.most_common()))
    out += [f"  {reason}: {url}" for url, reason in page.skipped_links[:LINKS] if reason != NAVIGATION]
    out += [f"  {NAVIGATION}: {url}" for url, reason in page.skipped_links[:LINKS] if reason == NAVIGATION]
    content = page.content
    out.append(f"title: {content.title}")
    if suspect(page.kind, page.prose_chars):
        out.append(f"suspect: {page.prose_chars} characters of prose, yet read as {page.kind}")
    if content.paragraphs:
        out.append(f"author: {content.author}; published: {content.published}; images: {len(content.images)}")
        if page.cut:
            out.append("taken out of the body: " + ", ".join(f"{what} {n}" for what, n in page.cut.items()))
        out.append(f"body ({len(content.paragraphs)} lines), first lines as found:")
        out += [f"  {line[:120]}" for line in content.paragraphs[:LINES]]
        cleaned = clean_text("\n".join(content.paragraphs)).split("\n")
        out.append("first lines cleaned:")
        out += [f"  {line[:120]}" for line in cleaned[:LINES]]
    return "\n".join(out)


def explain(source: str, url: str | None, settings) -> int:
    """Print why the page at ``source`` (a URL or a saved file) reads as it does; the exit status."""
    try:
        response = load(source, url, settings.get("USER_AGENT"))
    except OSError as exc:
        print(f"Cannot read {source}: {exc}", file=sys.stderr)
        return 1
    print(report(parse_page(response, Extraction.from_settings(settings))))
    return 0


class Command(ScrapyCommand):
    """``scrapy explain``, beside ``scrapy parse``: the page's kind, links, bar and body, and why."""

    requires_project = True
    default_settings: ClassVar[dict[str, object]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] <url | saved file>"

    def short_desc(self) -> str:
        return "Why a page reads as an article, a listing or other"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the URL a saved file was fetched from (default: read off the replay layout)")

    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            raise UsageError()
        self.exitcode = explain(args[0], opts.url, self.settings)


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.explain``: the same, with ``-s NAME=VALUE`` settings as for ``scrapy crawl``."""
    parser = argparse.ArgumentParser(prog="python -m crawler.explain", description=__doc__.splitlines()[0])
    parser.add_argument("source", help="a page's URL, or a saved HTML file")
    parser.add_argument("--url", help="the URL a saved file was fetched from (default: read off the replay layout)")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting, as with scrapy crawl -s (CONTENT_SELECTORS, ARTICLE_LINK_SELECTOR…)")
    args = parser.parse_args(argv)
    settings = get_project_settings()
    for pair in args.settings:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    return explain(args.source, args.url, settings)
