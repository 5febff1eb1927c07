"""A hostile replica: the faults an unattended crawl meets, each on its own pages, on 127.0.0.1 only.

    python -m tools.hostile generate DIR
    python -m tools.hostile serve DIR [--port 8000]

``generate`` writes the static pages and ``DIR/hostile.json``, which says what
the crawl must make of every article: its pages, which are lost for good, and
the text the encoding cases must decode to. ``HostileServer`` adds what a
folder cannot hold: errors, timeouts, dropped connections, redirects, and the
pages of a pagination trap generated without end.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .replica import DISCLAIMER, HOST, PAGE_FOOT, PAGE_HEAD, SOURCE_LINE, page_bar, seed_lines, write_page
from .server import ReplicaServer, serve_until_interrupted

TRAP = "/hostile/trap_{}.html"
LONG_PAGES = 300
HUGE_BYTES = 10 * 1024 * 1024
SLOW_SECONDS = 5.0  # longer than the DOWNLOAD_TIMEOUT the tests use


def changed(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once by ``new``; a fault that would change nothing is an error."""
    if old not in text:
        raise ValueError(f"fault not injected: {old!r} is not in the page")
    return text.replace(old, new, 1)


def _page(title: str, paragraphs: list[str], bar: str = "", charset: str = "utf-8") -> str:
    head = PAGE_HEAD.format(title=title)
    if charset:
        head = changed(head, "charset=utf-8", f"charset={charset}")
    else:
        head = changed(head, '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n', "")
    body = "\n".join(f"<p>{p}</p>" for p in [*paragraphs, SOURCE_LINE, DISCLAIMER])
    return (head + f'<div class="title"><h1>{title}</h1></div>\n<div class="content">\n{body}\n{bar}\n</div>\n'
            + PAGE_FOOT)


# What ends a paragraph: a page that ends with anything else ends mid-paragraph, and the paragraph goes on at
# the top of the next page (SITE.md: the seed page itself ends in the middle of a sentence).
PARAGRAPH_ENDS = tuple("。！？!?…；;：:”」』）)》.")


def joined(page_texts) -> str:
    """An article's expected text from its pages' texts (None for a page missing): a new paragraph at a page
    break after a paragraph's end, and after a missing page (what it held is not known)."""
    out, after_missing = "", False
    for text in page_texts:
        if text is None:
            after_missing = True
            continue
        out += ("\n" if out and (after_missing or out.endswith(PARAGRAPH_ENDS)) else "") + text
        after_missing = False
    return out


def _article(stem: str, pages: int, lines, first_line: int = 0) -> tuple[list[str], list[str], list[str]]:
    """URLs, HTML and expected clean text of a plain article of ``pages`` pages under ``stem``."""
    urls = [f"{stem}.html" if n == 1 else f"{stem}_{n}.html" for n in range(1, pages + 1)]
    htmls, texts = [], []
    for n in range(1, pages + 1):
        annotated, clean = lines[(first_line + n) % len(lines)]
        bar = page_bar(n, pages, lambda m: urls[m - 1]) if pages > 1 else ""
        htmls.append(_page(f"{stem.rsplit('/', 1)[-1]} 測試文章標題", [annotated], bar))
        texts.append(clean)
    return urls, htmls, texts


class HostileSite:
    """What the hostile replica holds and what a crawl must make of it."""

    def __init__(self) -> None:
        self.lines = seed_lines()
        self.files: dict[str, bytes] = {}
        self.headers: dict[str, dict[str, str]] = {}
        # article first-page URL -> {"pages": n, "missing": [...], "text": expected or None}
        self.expected: dict[str, dict] = {}
        self.listing: list[tuple[str, str]] = []

    def add_article(self, name: str, pages: int, missing=(), link: str | None = None, url: str | None = None,
                    **extra) -> list[str]:
        urls, htmls, texts = _article(f"/hostile/{name}", pages, self.lines, len(self.expected))
        for u, h in zip(urls, htmls):
            self.files[u] = h.encode("utf-8")
        self.listing.append((link or urls[0], f"{name} 測試文章標題"))
        text = joined(None if n in missing else t for n, t in enumerate(texts, 1))
        self.expected[url or urls[0]] = {"pages": pages, "missing": list(missing), "text": text, **extra}
        return urls

    def build(self) -> None:
        self.add_article("flaky", 3)  # page 2 answers 500 once, page 3 503 once
        self.add_article("failing", 3, missing=[2])  # page 2 always 500
        self.add_article("slow", 2, missing=[2])  # page 2 answers after the timeout
        self.add_article("dropped", 2, missing=[2])  # page 2's connection is cut mid-body
        self.add_article("empty", 2, missing=[2])  # page 2 is 200 with an empty body
        self.add_article("doubled", 3)
        self.add_article("loop", 3, skipped={"loop": 1})
        self.add_article("moved", 2, link="/hostile/old_address.html")  # 301 to moved.html
        self.add_article("redirect_loop", 1, missing=[1], link="/hostile/redirect_a.html",
                         url="/hostile/redirect_a.html")
        self.add_article("away", 1, missing=[1], link="/hostile/away.html", url="/hostile/away.html")
        self.add_article("climb", 1, link="../../../hostile/climb.html")
        self.add_article("with space", 1, link="/hostile/with space.html", url="/hostile/with%20space.html")
        self.add_article("全形網址", 1, link="/hostile/全形網址.html", url="/hostile/" + quote("全形網址") + ".html")

        # A bar listing page 2 twice.
        doubled = self.files["/hostile/doubled.html"].decode()
        self.files["/hostile/doubled.html"] = changed(
            doubled, '<a href="/hostile/doubled_2.html">[2]</a>',
            '<a href="/hostile/doubled_2.html">[2]</a> <a href="/hostile/doubled_2.html">[2]</a>').encode()
        # Page 3's 下一頁 goes back to page 1.
        loop = self.files["/hostile/loop_3.html"].decode()
        self.files["/hostile/loop_3.html"] = changed(
            loop, "下一頁</div>", '<a href="/hostile/loop.html">下一頁</a></div>').encode()
        # Cut mid-paragraph, no closing tags.
        annotated, clean = next((a, c) for a, c in self.lines[10:] if "。" in a[:-1])
        page = _page("truncated 測試文章標題", [annotated])
        self.files["/hostile/truncated.html"] = page[: page.index(annotated) + annotated.index("。") + 1].encode()
        self.listing.append(("/hostile/truncated.html", "truncated 測試文章標題"))
        self.expected["/hostile/truncated.html"] = {"pages": 1, "missing": [], "text": clean[: clean.index("。") + 1]}

        # Encodings: the same text each time.
        annotated, clean = self.lines[4]
        cases = {
            "gbk_meta": (_page("gbk_meta 測試文章標題", [annotated], charset="gbk").encode("gbk"), "text/html"),
            "utf8_header_gbk_body": (_page("utf8_header_gbk_body 測試文章標題", [annotated], charset="gbk").encode("gbk"),
                                     "text/html; charset=utf-8"),
            "no_charset": (_page("no_charset 測試文章標題", [annotated], charset="").encode("utf-8"), "text/html"),
            "bom": (b"\xef\xbb\xbf" + _page("bom 測試文章標題", [annotated], charset="").encode("utf-8"), "text/html"),
        }
        for name, (body, content_type) in cases.items():
            url = f"/hostile/{name}.html"
            self.files[url] = body
            self.headers[url] = {"Content-Type": content_type}
            self.listing.append((url, f"{name} 測試文章標題"))
            self.expected[url] = {"pages": 1, "missing": [], "text": clean, "title": f"{name} 測試文章標題"}

        # 300 pages with a window of ten numbers.
        urls = self.add_article("long", LONG_PAGES)
        assert len(urls) == LONG_PAGES
        # A page of 10 MB.
        annotated, clean = self.lines[20]
        repeat = HUGE_BYTES // len(annotated.encode("utf-8")) + 1
        self.files["/hostile/huge.html"] = _page("huge 測試文章標題", [annotated] * repeat).encode("utf-8")
        self.listing.append(("/hostile/huge.html", "huge 測試文章標題"))
        self.expected["/hostile/huge.html"] = {"pages": 1, "missing": [], "text": "\n".join([clean] * repeat)}
        # The trap: 下一頁 without end, cut by MAX_ARTICLE_PAGES.
        self.listing.append((TRAP.format(1), "trap 測試文章標題"))
        self.expected[TRAP.format(1)] = {"pages": None, "missing": [], "text": None, "skipped": {"page_limit": 1}}

        entries = "\n".join(f'<li><a href="{href}">{title}</a></li>' for href, title in self.listing)
        offsite = ('<li><a href="http://example.invalid/news.html">站外的一篇新聞報道連結</a></li>'
                   '<li><a href="mailto:admin@xiangtianlong.com">寫信給網站的管理員信箱</a></li>'
                   '<li><a href="javascript:void(0)">用腳本打開的一個連結</a></li>'
                   '<li><a href="#top">回到這一頁的最上面去</a></li>')
        self.files["/"] = (PAGE_HEAD.format(title="新聞列表") + f'<div class="list"><ul>\n{entries}\n{offsite}\n</ul></div>'
                           + PAGE_FOOT).encode("utf-8")


# The pages the server answers with a fault of its own, instead of their saved page.
SERVER_FAULTS = ("/hostile/flaky_2.html", "/hostile/flaky_3.html", "/hostile/failing_2.html", "/hostile/slow_2.html",
                 "/hostile/dropped_2.html", "/hostile/empty_2.html")


def generate_hostile(root: Path) -> HostileSite:
    """Write the hostile site and its manifest under ``root``."""
    site = HostileSite()
    site.build()
    # A fault on a page the site does not link would make that fault an ordinary page.
    linked = set(site.files) | {href for href, _ in site.listing}
    missing = [path for path in (*SERVER_FAULTS, *REDIRECTS) if path not in linked and path not in REDIRECTS.values()]
    if missing:
        raise ValueError(f"faults on pages the hostile site does not have: {missing}")
    for url, body in site.files.items():
        write_page(root, url, body)
    manifest = {"expected": site.expected, "headers": site.headers}
    (root / "hostile.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return site


REDIRECTS = {
    "/hostile/old_address.html": "/hostile/moved.html",
    "/hostile/redirect_a.html": "/hostile/redirect_b.html",
    "/hostile/redirect_b.html": "/hostile/redirect_a.html",
    "/hostile/away.html": "http://example.invalid/elsewhere.html",
}


def trap_page(number: int) -> bytes:
    bar = (f'<div class="pages"><a href="{TRAP.format(number - 1)}">上一頁</a> <b>[{number}]</b> '
           f'<a href="{TRAP.format(number + 1)}">下一頁</a></div>') if number > 1 else (
        f'<div class="pages">上一頁 <b>[1]</b> <a href="{TRAP.format(2)}">下一頁</a></div>')
    return _page("trap 測試文章標題", [f"陷阱頁第{number}頁的正文。"], bar).encode("utf-8")


class HostileServer(ReplicaServer):
    """The replica server with a fault on each hostile page."""

    def __init__(self, root: Path, host: str = HOST, port: int = 0, slow: float = SLOW_SECONDS):
        super().__init__(root, host, port)
        self.slow = slow
        manifest = json.loads((Path(root) / "hostile.json").read_text(encoding="utf-8"))
        self.content_types = manifest["headers"]
        self.hits: dict[str, int] = {}

    async def handle(self, writer, method, target, headers) -> bool:
        path = unquote(urlsplit(target).path)
        self.hits[path] = self.hits.get(path, 0) + 1
        first = self.hits[path] == 1
        html = {"Content-Type": "text/html"}
        if path == "/hostile/flaky_2.html" and first:
            return await self.send(writer, 500, html, b"try again")
        if path == "/hostile/flaky_3.html" and first:
            return await self.send(writer, 503, {**html, "Retry-After": "0"}, b"busy")
        if path == "/hostile/failing_2.html":
            return await self.send(writer, 500, html, b"broken for good")
        if path == "/hostile/slow_2.html":
            await asyncio.sleep(self.slow)
        if path == "/hostile/dropped_2.html":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20000\r\n\r\n<html><body><p>")
            await writer.drain()
            return False
        if path == "/hostile/empty_2.html":
            return await self.send(writer, 200, html, b"")
        if path in REDIRECTS:
            return await self.send(writer, 301, {**html, "Location": REDIRECTS[path]}, b"")
        if path.startswith("/hostile/trap_"):
            return await self.send(writer, 200, html, trap_page(int(path[len("/hostile/trap_"):-len(".html")])))
        status, response_headers, body = self.respond(method, target, headers)
        response_headers.update(self.content_types.get(path, {}))
        return await self.send(writer, status, response_headers, body)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tools.hostile", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="write the hostile site").add_argument("dir", type=Path)
    serve = commands.add_parser("serve", help="serve it on 127.0.0.1 with its faults")
    serve.add_argument("dir", type=Path)
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "generate":
        print(f"wrote {len(generate_hostile(args.dir).files)} hostile pages to {args.dir}")
        return
    serve_until_interrupted(HostileServer(args.dir, port=args.port))


if __name__ == "__main__":
    main()
