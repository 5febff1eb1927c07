"""Shared test fixtures: the seed page (the one real page of the site we hold) and its cleaned text."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FIXTURE_SITE = ROOT / "fixtures" / "site"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The visible text of one real page of the site, as saved (with readings)."""
    return (ROOT / "fixtures" / "seed-page.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_clean() -> str:
    """The seed page cleaned by hand: 305 readings, the page bar, source line and disclaimer gone."""
    return (DATA / "seed-page.clean.txt").read_text(encoding="utf-8").rstrip("\n")


SITE_HOST = "www.xiangtianlong.com"
SITE_URL = f"http://{SITE_HOST}"


def fixture_response(path: str, url: str | None = None):
    """A saved page of the fixture site as Scrapy would receive it."""
    from scrapy.http import HtmlResponse

    body = (FIXTURE_SITE / SITE_HOST / path).read_bytes()
    return HtmlResponse(url or f"{SITE_URL}/{path}", body=body, headers={"Content-Type": "text/html"})


@pytest.fixture(scope="session")
def site_server():
    """The fixture site served over real HTTP on 127.0.0.1; yields its base URL.

    Files are found by the replay layout, written out here on its own: a query
    string after '@', a path ending in '/' as index.html.
    """
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import unquote, urlsplit

    root = FIXTURE_SITE / SITE_HOST

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            relative = unquote(parts.path).lstrip("/")
            if not relative or relative.endswith("/"):
                relative += "index.html"
            if parts.query:
                relative += "@" + parts.query
            path = root / relative
            if not path.is_file():
                self.send_error(404)
                return
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def crawl(tmp_path, *args: str) -> list[dict]:
    """Run `scrapy crawl hometown ARGS -O out.jsonl` as a user would; return the records."""
    import json
    import subprocess
    import sys

    out = tmp_path / "articles.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "hometown", *args, "-O", str(out), "-s", "LOG_LEVEL=INFO"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    with out.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]
