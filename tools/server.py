"""A small HTTP/1.1 server for saved sites on 127.0.0.1: ``python -m tools.server DIR [--port 8000] [--delay 0.1]``.

It answers from any folder in the saved-page layout (``DIR/<host>/<path>``),
so it serves the bundled fixtures as well as a generated replica.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import socket
import sys
import threading
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

from crawler.storage.layout import url_to_path

from .replica import HOST


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        """Write one response; return whether the connection can serve another request.

        A request in absolute form (``GET http://www.xiangtianlong.com/ HTTP/1.1``) is one sent to this server
        as an HTTP proxy (``http_proxy=http://127.0.0.1:PORT``): it is answered for the replica's own host only,
        so a crawl of the site's real address stays on this machine.
        """
        if target.startswith("http://"):
            parts = urlsplit(target)
            if parts.hostname != self.host:
                return await self.send(writer, 502, {"Content-Type": "text/plain"}, b"only the replica's host")
            target = parts.path + (f"?{parts.query}" if parts.query else "")
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
        try:
            asyncio.run(self._main())
        except OSError as exc:  # the port is taken: start() says so
            self._error = exc
            self._ready.set()

    def start(self) -> str:
        """Serve in a background thread; return the base URL. OSError when the port cannot be had."""
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
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
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.server", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host-dir", default=HOST, help=f"which host's folder to serve (default {HOST})")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before each response")
    args = parser.parse_args(argv)
    serve_until_interrupted(ReplicaServer(args.dir, args.host_dir, args.port, args.delay))


def serve_until_interrupted(server: ReplicaServer) -> None:
    """Run ``server`` in the foreground until Ctrl-C; one line and exit status 1 when its port is taken."""
    try:
        url = server.start()
    except OSError as exc:
        sys.exit(f"cannot serve on 127.0.0.1:{server.port}: {exc.strerror or exc}")
    print(f"serving {server.root / server.host} at {url}/ (Ctrl-C to stop)", flush=True)
    try:
        server.wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
