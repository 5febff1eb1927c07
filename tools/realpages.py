"""How well pages are read on real markup: ``python -m tools.realpages [--pages DIR] [-v]``.

Reads every labelled page the way a crawl does (``parse_page`` with the
project's settings, then the text cleaning of the clean pipeline) and prints,
against labels written by hand from reading each page:

- kind accuracy per labelled kind (article, listing, other);
- for articles, the share whose body runs exactly from the labelled first
  sentence to the labelled last with nothing from outside, and the share whose
  title is the labelled headline;
- for our own list pages, the share of their main lists' article links found.

The pages are the development set of real pages, ``../shared/realpages-dev``
beside the checkout (labels in ``tests/realpages/labels.json``), and our own
list pages in ``tests/realpages/own`` (labels beside them). ``-v`` lists every
miss. A script, not a test: ``tests/page/test_realpages.py`` checks each label.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from crawler import settings as project_settings
from crawler.page.parse import ARTICLE, Extraction, ParsedPage, parse_page
from crawler.text.cleaning import clean_text

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "realpages" / "labels.json"
OWN = ROOT / "tests" / "realpages" / "own"
DEFAULT_PAGES = Path(os.environ.get("REALPAGES_DIR", ROOT.parent / "shared" / "realpages-dev"))
EXTRACTION = Extraction.from_settings(Settings(vars(project_settings)))
_CANONICAL = re.compile(rb"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Labelled:
    """One labelled page: where it is, the URL it is read under, and what a person read on it."""

    name: str
    path: Path
    url: str
    label: dict = field(hash=False)


def _url(name: str, path: Path, data: bytes) -> str:
    """The page's own URL where it names one (rel=canonical), else one made of its folder (the site) and name."""
    found = _CANONICAL.search(data[:200_000])
    if found and found.group(1).startswith((b"http://", b"https://")):
        return found.group(1).decode("ascii", "replace")
    return f"http://{path.parent.name}/{path.name}"


def labelled_pages(pages_dir: Path = DEFAULT_PAGES) -> list[Labelled]:
    """Every labelled page: the real ones (when ``pages_dir`` is there) and our own list pages."""
    out = []
    sources = [(OWN / "labels.json", OWN)] if (OWN / "labels.json").is_file() else []
    if pages_dir.is_dir():
        sources.insert(0, (LABELS, pages_dir))
    for labels_file, base in sources:
        for name, label in json.loads(labels_file.read_text(encoding="utf-8")).items():
            path = base / name
            out.append(Labelled(f"own/{name}" if base == OWN else name, path, _url(name, path, path.read_bytes()), label))
    return out


def read(page: Labelled) -> ParsedPage:
    """The page as a crawl reads it. No charset header: the page's own declaration and bytes decide."""
    response = HtmlResponse(page.url, body=page.path.read_bytes(), headers={"Content-Type": "text/html"})
    return parse_page(response, EXTRACTION)


def squash(text: str) -> str:
    return _SPACE.sub("", text)


def body_miss(parsed: ParsedPage, label: dict) -> str | None:
    """Why the body does not run exactly from the labelled first sentence to the labelled last, or None."""
    text = squash(clean_text("\n".join(parsed.content.paragraphs)))
    first, last = squash(label.get("first", "")), squash(label.get("last", ""))
    if not first and not last:
        return None if not text else f"body {text[:40]!r}… where the label has none"
    if not text:
        return "no body"
    where_first, where_last = text.find(first), text.rfind(last)
    if where_first < 0 or where_last < 0:
        return f"{'first' if where_first < 0 else 'last'} sentence not in the body: {text[:40]!r} … {text[-40:]!r}"
    extra = []
    if where_first > 0:
        extra.append(f"{where_first} characters before the first sentence: {text[:min(where_first, 40)]!r}")
    if where_last + len(last) < len(text):
        extra.append(f"{len(text) - where_last - len(last)} characters after the last: {text[where_last + len(last):][-40:]!r}")
    return "; ".join(extra) or None


def title_miss(parsed: ParsedPage, label: dict) -> str | None:
    want = squash(label.get("title", ""))
    have = squash(clean_text(parsed.content.title))
    return None if not want or have == want else f"title {parsed.content.title!r}"


def links_missed(parsed: ParsedPage, label: dict) -> list[str]:
    """The labelled article links of a list page that were not found as article links."""
    found = {item.url for item in parsed.items}
    return [url for url in label.get("articles", []) if url not in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.realpages", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="the development set (default %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        print(f"No development set at {args.pages}: only our own list pages are read.", file=sys.stderr)
    kinds: dict[str, Counter] = defaultdict(Counter)
    bodies = titles = articles = links_total = links_found = 0
    misses: list[str] = []
    for page in labelled_pages(args.pages):
        parsed = read(page)
        want = page.label["kind"]
        kinds[want][parsed.kind] += 1
        if parsed.kind != want:
            misses.append(f"{page.name}: read as {parsed.kind}, labelled {want}")
        if want == ARTICLE:
            articles += 1
            body, title = body_miss(parsed, page.label), title_miss(parsed, page.label)
            bodies += body is None and parsed.kind == want
            titles += title is None
            misses += [f"{page.name}: {why}" for why in (body, title) if why]
        missed = links_missed(parsed, page.label)
        links_total += len(page.label.get("articles", []))
        links_found += len(page.label.get("articles", [])) - len(missed)
        misses += [f"{page.name}: article link not found: {url}" for url in missed[:3]]
    print("kind accuracy (labelled kind: read right / pages; what else it was read as)")
    for want in sorted(kinds):
        got = kinds[want]
        total = sum(got.values())
        wrong = ", ".join(f"{kind} {n}" for kind, n in got.items() if kind != want)
        print(f"  {want:8} {got[want]:4} / {total:<4} {got[want] / total:6.1%}" + (f"   ({wrong})" if wrong else ""))
    if articles:
        print(f"article bodies exact, first to last sentence: {bodies} / {articles} {bodies / articles:6.1%}")
        print(f"article titles exact:                          {titles} / {articles} {titles / articles:6.1%}")
    if links_total:
        print(f"our list pages' article links found:          {links_found} / {links_total} "
              f"{links_found / links_total:6.1%}")
    if args.verbose:
        print("\n".join(["misses:", *(f"  {m}" for m in misses)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
