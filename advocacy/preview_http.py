"""The HTTP side of `advocacy serve`: the files of the preview folder and
nothing else, with preview_page's additions to every HTML response."""

from __future__ import annotations

import json
import mimetypes
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from advocacy.errors import Problem
from advocacy.preview_page import ERROR_PAGE, PREFIX, PREVIEW_CSS, PREVIEW_CSS_URL, RELOAD_JS, inject

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
# The Host header a browser sends for a loopback address: a name, then this server's port or none.
_LOOPBACK_HOST = re.compile(r"(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?", re.IGNORECASE)
HEARTBEAT_SECONDS = 10.0
RECONNECT_SECONDS = 10.0  # a page that reloaded has opened its next event stream by then
MAX_PATH = 2048  # of a page's path an event stream names: longer is no page of a site

@dataclass
class PreviewState:
    """What the last build left for the server: shared with the rebuild thread."""

    # Starts from the clock, so that a page left open across a restart of the server reloads too.
    version: int = field(default_factory=lambda: int(time.time() * 1000))
    problems: list[Problem] = field(default_factory=list)  # errors of the last build; [] if it worked
    drafts: dict[str, str] = field(default_factory=dict)  # output file -> its draft's content file
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    watched: Counter[str] = field(default_factory=Counter)  # site path -> event streams of pages open on it
    released: dict[str, float] = field(default_factory=dict)  # site path -> when its last stream ended

    def publish(self, problems: list[Problem], drafts: dict[str, str] | None = None) -> None:
        """A build finished: record its outcome and wake every waiting page."""
        with self.changed:
            self.version += 1
            self.problems = list(problems)
            if drafts is not None:
                self.drafts = dict(drafts)
            self.changed.notify_all()

    def open_pages(self) -> set[str]:
        """The site paths of the pages open in a browser now (their event streams), and of those whose
        stream ended a moment ago: a page that reloads lets go of its stream and opens another."""
        with self.changed:
            now = time.monotonic()
            for path, ended in list(self.released.items()):
                if now - ended > RECONNECT_SECONDS:
                    del self.released[path]
            return set(self.watched) | set(self.released)

    def opened(self, path: str) -> None:
        with self.changed:
            self.watched[path] += 1
            self.released.pop(path, None)

    def closed(self, path: str) -> None:
        with self.changed:
            self.watched[path] -= 1
            if self.watched[path] <= 0:
                del self.watched[path]
                self.released[path] = time.monotonic()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep Ctrl-C waiting

    def __init__(self, address: tuple[str, int], folder: Path, state: PreviewState):
        self.folder = folder.resolve()
        self.state = state
        self.local_only = address[0] in LOOPBACK
        if ":" in address[0]:  # an IPv6 address such as ::1
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)


def is_loopback_host(header: str, port: int) -> bool:
    """True if a Host header names this machine's loopback (and this port, if any).

    Anything else, when the server listens on loopback only, is a page of
    another site whose DNS name now points at 127.0.0.1 (DNS rebinding)."""
    match = _LOOPBACK_HOST.fullmatch(header)
    return match is not None and match.group(2) in (None, str(port))


def site_path_of(url_path: str) -> str:
    """The site path (as a page has it: 'stories/x/', '' for home) of a URL path such as '/stories/x/'."""
    path = unquote(url_path)[:MAX_PATH].lstrip("/")  # a browser's path is %-encoded (the query's own encoding is not)
    return path.removesuffix("index.html") if path.endswith("/index.html") or path == "index.html" else path


def resolve_file(folder: Path, url_path: str) -> Path | str | None:
    """The file of `folder` a URL path asks for; a str is a redirect target (a
    folder asked without its slash); None for anything outside, hidden or missing."""
    decoded = unquote(url_path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") for part in parts):
        return None  # climbing out, or the build's own marker and staging files
    candidate = folder.joinpath(*parts)
    try:
        real = candidate.resolve()
        if real != folder and folder not in real.parents:
            return None  # a link that leads out of the preview folder
        if real.is_dir():
            if not url_path.endswith("/"):
                return url_path + "/"
            index = real / "index.html"
            return index if index.is_file() else None  # never a listing of the folder
        return real if real.is_file() else None
    except (OSError, RuntimeError):  # a name too long for the file system, a loop of links
        return None


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "advocacy-preview"
    # An error answer to a request line too broken to name its version still
    # starts with a status line (http.server would answer as HTTP/0.9, bare).
    default_request_version = "HTTP/1.0"
    timeout = 60  # seconds: a client that opens a connection and sends nothing lets go of its thread

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build results, not a line per request

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.headers.defects:  # e.g. a header line without a colon, which http.server lets pass
            self.send_error(400, "Malformed header line")
            return False
        return True

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(send_body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._respond(send_body=True)

    def _respond(self, send_body: bool) -> None:
        host = self.headers.get("Host") or ""
        if self.server.local_only and not is_loopback_host(host, self.server.server_address[1]):
            # another site's page, pointed at 127.0.0.1 by its DNS, must not read the drafts
            return self._send(403, b"This preview answers only at localhost.", "text/plain; charset=utf-8", send_body)
        path = urlsplit(self.path).path
        if path == PREFIX + "events":
            return self._events()
        if path == PREFIX + "reload.js":
            return self._send(200, RELOAD_JS, "text/javascript; charset=utf-8", send_body)
        if path == PREVIEW_CSS_URL:
            return self._send(200, PREVIEW_CSS, "text/css; charset=utf-8", send_body)
        if path == PREFIX + "status":
            state = self.server.state
            with state.changed:
                status = {"version": state.version, "errors": [str(p) for p in state.problems]}
            return self._send(200, json.dumps(status).encode(), "application/json", send_body)
        found = resolve_file(self.server.folder, path)
        if isinstance(found, str):
            query = urlsplit(self.path).query
            return self._redirect(found + (f"?{query}" if query else ""))
        if found is None:
            return self._not_found(send_body)
        self._send_file(200, found, send_body)

    def _not_found(self, send_body: bool) -> None:
        page = self.server.folder / "404.html"
        if page.is_file():
            return self._send_file(404, page, send_body)
        with self.server.state.changed:
            failing = bool(self.server.state.problems)
        if failing:  # nothing built yet: the errors are the page
            return self._send_html(500, ERROR_PAGE, None, send_body)
        self._send(404, b"Not found", "text/plain; charset=utf-8", send_body)

    def _send_file(self, status: int, file: Path, send_body: bool) -> None:
        try:
            data = file.read_bytes()
        except OSError:  # replaced by a rebuild between the lookup and the read
            return self._send(503, b"Rebuilding; reload the page.", "text/plain; charset=utf-8", send_body)
        if file.suffix == ".html":
            rel = file.relative_to(self.server.folder).as_posix()
            return self._send_html(status, data, rel, send_body)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml", "application/json"):
            kind += "; charset=utf-8"
        self._send(status, data, kind, send_body)

    def _send_html(self, status: int, data: bytes, rel: str | None, send_body: bool) -> None:
        state = self.server.state
        with state.changed:
            version, problems = state.version, list(state.problems)
            draft = state.drafts.get(rel) if rel else None
        self._send(status, inject(data, draft, version, problems), "text/html; charset=utf-8", send_body)

    def _send(self, status: int, data: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a preview is always the latest build
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self) -> None:
        """Server-Sent Events: 'reload' as soon as the version differs from the page's."""
        query = dict(parse_qsl(urlsplit(self.path).query))
        since = query.get("since", "")
        if "page" not in query:  # a stream of no page (an older script, a test)
            return self._stream(since)
        page = site_path_of(query["page"])
        self.server.state.opened(page)
        try:
            self._stream(since)
        finally:
            self.server.state.closed(page)

    def _stream(self, since: str) -> None:
        state = self.server.state
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            while True:
                with state.changed:
                    state.changed.wait_for(lambda: state.stopping or str(state.version) != since,
                                           timeout=HEARTBEAT_SECONDS)
                    stopping, version = state.stopping, state.version
                if stopping:
                    return
                if str(version) != since:
                    self.wfile.write(f"event: reload\ndata: {version}\n\n".encode())
                    self.wfile.flush()
                    return
                self.wfile.write(b": still here\n\n")  # finds closed tabs; keeps proxies from timing out
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return  # the tab was closed
