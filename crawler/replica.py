"""A generated replica of the site, and a small HTTP server for saved sites on 127.0.0.1.

    python -m crawler.replica generate DIR --articles 1000 --pages 10
    python -m crawler.replica serve DIR [--port 8000] [--delay 0.1]

The generated site has the shape of the real one: listing pages joined by
上一頁/下一頁, articles split over numbered pages, Traditional text with pinyin
readings, the source line and the disclaimer on every page, about 10–20 KB a
page. Its paragraphs are the seed page's lines, so the text each article must
clean to is known from the hand-checked ``seed-page.clean.txt``; the generator
writes a hash of it per article to ``DIR/expected.jsonl``.

The server answers from any folder in the replay layout (``DIR/<host>/<path>``),
so it serves the bundled fixtures as well as a generated site.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import json
import random
import threading
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from .replay import url_to_path

HOST = "www.xiangtianlong.com"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_SOURCE_LINE = "文章來源於:http://www.xiangtianlong.com 家(jiā)鄉網"
_DISCLAIMER = "網站內容來源於網絡,其真(zhēn)實性與(yǔ)本站無關,請網友慎重判斷"
_IMAGE = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")  # a minimal JPEG header and end

_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{title}_家鄉網</title>
<meta name="keywords" content="家鄉網,{title}" />
<link href="/templets/style/style.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="top"><div class="logo"><a href="/"><img src="/templets/images/logo.gif" alt="家鄉網"></a></div>
<div class="nav"><a href="/">首頁</a> | <a href="/about.html">關於我們</a></div></div>
<div class="main">
<div class="left">
"""
_FOOT = """</div>
</div>
<div class="footer"><p>Copyright &copy; 2013-2023 家鄉網 版權所有</p>
<p><a href="mailto:admin@xiangtianlong.com">聯繫我們</a> | <a href="/about.html">關於我們</a></p></div>
</body>
</html>
"""


def seed_lines() -> list[tuple[str, str]]:
    """The seed page's text lines, each with readings and as cleaned by hand."""
    annotated = (FIXTURES / "seed-page.txt").read_text(encoding="utf-8").split("\n")
    clean = (FIXTURES / "seed-page.clean.txt").read_text(encoding="utf-8").rstrip("\n").split("\n")
    return list(zip(annotated, clean))


def _page_bar(number: int, total: int, url_of) -> str:
    """上一頁 [1] [2] … 下一頁 with a window of ten numbers, the current one in bold."""
    low = max(1, min(number - 4, total - 9))
    parts = [f'<a href="{url_of(number - 1)}">上一頁</a>' if number > 1 else "上一頁"]
    for n in range(low, min(total, low + 9) + 1):
        parts.append(f"<b>[{n}]</b>" if n == number else f'<a href="{url_of(n)}">[{n}]</a>')
    parts.append(f'<a href="{url_of(number + 1)}">下一頁</a>' if number < total else "下一頁")
    return '<div class="pages">' + " ".join(parts) + "</div>"


def _safe_split(line: str, rng: random.Random) -> int:
    """A place to cut an annotated line that does not part a character from its reading."""
    depth, places = 0, []
    for i, char in enumerate(line):
        # Cutting before line[i]: everything before it is outside readings, and it does not open one.
        if depth == 0 and i > 0 and char != "(":
            places.append(i)
        depth += (char == "(") - (char == ")")
    return rng.choice(places) if places else len(line)


@dataclass
class Article:
    number: int
    pages: int

    @property
    def stem(self) -> str:
        return f"/html/2023/{1 + self.number % 12:02d}{1 + self.number % 28:02d}/{10000 + self.number}"

    def url(self, page: int) -> str:
        return f"{self.stem}.html" if page == 1 else f"{self.stem}_{page}.html"


def _write(root: Path, url: str, body: str | bytes) -> None:
    path = root / url_to_path(f"http://{HOST}{url}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)


def _article_pages(article: Article, lines, titles, rng: random.Random) -> tuple[list[str], str, str]:
    """The HTML of each page of an article, its title and its expected clean text."""
    title_annotated, title_clean = titles[article.number % len(titles)]
    suffix = f"（{article.number}）"
    pages, expected, carry = [], [], ""
    position = rng.randrange(len(lines))
    for page in range(1, article.pages + 1):
        size, body = rng.randrange(9000, 15000), []
        if carry:
            body.append(carry)
            carry = ""
        while sum(len(p.encode("utf-8")) for p in body) < size:
            annotated, clean = lines[position % len(lines)]
            position += 1
            body.append(annotated)
            expected.append(clean)
        if page < article.pages and rng.random() < 0.5:
            # The site cuts pages in the middle of a paragraph.
            cut = _safe_split(body[-1], rng)
            body[-1], carry = body[-1][:cut], body[-1][cut:]
        paragraphs = "\n".join(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(p, quote=False)}</p>" for p in body if p)
        image = f'<p style="text-align:center"><img src="/uploads/allimg/{10000 + article.number}.jpg" /></p>\n'
        pages.append(
            _HEAD.format(title=title_clean + suffix)
            + f'<div class="title"><h1>{title_annotated}{suffix}</h1></div>\n'
            + '<div class="info">時間:2023-06-28 09:12 來源:陽江日報 作者:胡斌</div>\n'
            + '<div class="content">\n'
            + (image if page == 1 else "")
            + paragraphs
            + "\n"
            + (_page_bar(page, article.pages, article.url) if article.pages > 1 else "")
            + f"\n<p>{_SOURCE_LINE}</p>\n<p>{_DISCLAIMER}</p>\n</div>\n"
            + _FOOT
        )
    return pages, title_clean + suffix, "".join(expected)


def _listing_url(number: int) -> str:
    return "/" if number == 1 else f"/news/list_{number}.html"


def generate(root: Path, articles: int, pages: int, per_listing: int = 20, seed: int = 0) -> int:
    """Write a site of ``articles`` × ``pages`` pages under ``root/<HOST>``; return the number of pages."""
    lines = seed_lines()
    titles = [(a, c) for a, c in lines if 8 <= len(c) <= 30 and not c.startswith("作者")]
    listings = max(1, -(-articles // per_listing))
    written = 0
    root.mkdir(parents=True, exist_ok=True)
    with (root / "expected.jsonl").open("w", encoding="utf-8") as expected:
        for listing in range(1, listings + 1):
            entries = []
            for number in range((listing - 1) * per_listing, min(articles, listing * per_listing)):
                article = Article(number, pages)
                html_pages, title, text = _article_pages(article, lines, titles, random.Random(seed * 7919 + number))
                for page, body in enumerate(html_pages, 1):
                    _write(root, article.url(page), body)
                _write(root, f"/uploads/allimg/{10000 + number}.jpg", _IMAGE)
                written += len(html_pages)
                entries.append(f'<li><span class="date">2023-06-28</span><a href="{article.url(1)}">{title}</a></li>')
                record = {"path": article.url(1), "title": title, "pages": pages, "chars": len(text),
                          "sha256": text_digest(text)}
                expected.write(json.dumps(record, ensure_ascii=False) + "\n")
            bar = _page_bar(listing, listings, _listing_url) if listings > 1 else ""
            body = '<div class="list"><ul>\n' + "\n".join(entries) + "\n</ul></div>\n" + bar
            _write(root, _listing_url(listing), _HEAD.format(title="新聞列表") + body + _FOOT)
            written += 1
    _write(root, "/about.html", _HEAD.format(title="關於我們") + "<p>家鄉網</p>" + _FOOT)
    _write(root, "/templets/style/style.css", "body { font-family: sans-serif; }\n")
    return written + 1


def text_digest(text: str) -> str:
    """The hash ``expected.jsonl`` holds: SHA-256 of the text with all white space removed."""
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class ReplicaServer:
    """HTTP/1.1 with keep-alive on 127.0.0.1, serving ``root/<host>/`` in the replay layout.

    ``delay`` seconds are waited before each response, as a far-away server would.
    With ``validators`` (the default) pages carry ETag and Last-Modified and
    conditional requests are answered 304. Runs in a thread of its own
    (``start``/``stop``) or in the foreground (``run``).
    """

    def __init__(self, root: Path, host: str = HOST, port: int = 0, delay: float = 0.0, validators: bool = True,
                 one_name: bool = False):
        self.root, self.host, self.port, self.delay = Path(root), host, port, delay
        self.validators = validators
        # Answer a request for any other name of this server (localhost) with a 301 to 127.0.0.1,
        # as a site redirects its bare domain to www.
        self.one_name = one_name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def respond(self, method: str, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request."""
        path = self.root / url_to_path(f"http://{self.host}{target}")
        if not path.is_file():
            return 404, {"Content-Type": "text/html"}, b"<html><body>404 Not Found</body></html>"
        body = path.read_bytes()
        content_type = "text/css" if path.suffix == ".css" else "image/jpeg" if path.suffix == ".jpg" else None
        # Validators for conditional requests, as a real web server sends them.
        validators = {
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:16] + '"',
            "Last-Modified": formatdate(path.stat().st_mtime, usegmt=True),
        } if self.validators else {}
        if validators and headers.get("if-none-match") == validators["ETag"]:
            return 304, validators, b""
        if content_type is None:
            # The charset only when it is true: a page in another encoding declares it in <meta>.
            content_type = "text/html; charset=utf-8" if _is_utf8(body) else "text/html"
        return 200, {"Content-Type": content_type, **validators}, body

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line.strip():
                    break
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                method, target, version = request_line.decode("latin-1").split()
                if self.delay:
                    await asyncio.sleep(self.delay)
                if not await self.handle(writer, method, target, headers):
                    break
                if version == "HTTP/1.0" or headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def handle(self, writer: asyncio.StreamWriter, method: str, target: str, headers: dict[str, str]) -> bool:
        """Write one response; return whether the connection can serve another request."""
        if self.one_name and headers.get("host") != f"127.0.0.1:{self.port}":
            return await self.send(writer, 301, {"Location": f"{self.url}{target}"}, b"")
        status, response_headers, body = self.respond(method, target, headers)
        return await self.send(writer, status, response_headers, b"" if method == "HEAD" else body)

    @staticmethod
    async def send(writer: asyncio.StreamWriter, status: int, headers: dict[str, str], body: bytes) -> bool:
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        return True

    async def _main(self) -> None:
        server = await asyncio.start_server(self._serve_connection, "127.0.0.1", self.port, backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        self._ready.set()
        async with server:
            await self._stopped.wait()

    def run(self) -> None:
        asyncio.run(self._main())

    def start(self) -> str:
        """Serve in a background thread; return the base URL."""
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        self._ready.wait()
        return self.url

    def wait(self) -> None:
        """Block until the server thread ends."""
        if self._thread:
            self._thread.join()

    def stop(self) -> None:
        if self._loop:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread:
            self._thread.join()


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found",
            500: "Internal Server Error", 503: "Service Unavailable"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.replica", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write a generated site in the replay layout")
    gen.add_argument("dir", type=Path)
    gen.add_argument("--articles", type=int, default=100)
    gen.add_argument("--pages", type=int, default=10, help="pages per article")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--hostile", action="store_true", help="write the hostile replica instead (crawler/hostile.py)")
    serve = commands.add_parser("serve", help="serve a folder in the replay layout on 127.0.0.1")
    serve.add_argument("dir", type=Path)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host-dir", default=HOST, help=f"which host's folder to serve (default {HOST})")
    serve.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each response")
    serve.add_argument("--hostile", action="store_true", help="inject the hostile replica's faults")
    args = parser.parse_args(argv)
    from .hostile import HostileServer, generate_hostile  # here: hostile.py builds on this module

    if args.command == "generate" and args.hostile:
        site = generate_hostile(args.dir)
        print(f"wrote {len(site.files)} hostile pages to {args.dir}")
    elif args.command == "generate":
        count = generate(args.dir, args.articles, args.pages, seed=args.seed)
        print(f"wrote {count} pages to {args.dir}")
    else:
        if args.hostile:
            server = HostileServer(args.dir, args.host_dir, args.port)
        else:
            server = ReplicaServer(args.dir, args.host_dir, args.port, args.delay)
        url = server.start()
        print(f"serving {args.dir / args.host_dir} at {url}/ (Ctrl-C to stop)", flush=True)
        try:
            server.wait()
        except KeyboardInterrupt:
            server.stop()


if __name__ == "__main__":
    main()
