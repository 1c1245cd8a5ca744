"""The preview server attacked from the same machine, byte for byte.

Each request is sent over a raw socket exactly as written here (no client
library cleans it up first): path traversal in every encoding, links out of
the preview folder, DNS rebinding, oversized and malformed requests. Each must
be refused with the right status, and no answer may carry anything from
outside the folder served.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from advocacy.preview_http import PreviewServer, PreviewState
from tests.conftest import SiteFolder

SECRET = b"TOP SECRET 7f3a"
TIMEOUT = 10.0
SITE_PAGE = b"/assets/site.css"  # in every page of the site: an answer with it served a page


@dataclass
class Target:
    port: int
    folder: Path

    def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send `raw` as it is; the status code and the whole answer (0 if the server just hung up)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT) as conn:
            try:
                conn.sendall(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused before the end of a huge request: the answer may still be there
            answer = b""
            try:
                while chunk := conn.recv(65536):
                    answer += chunk
            except ConnectionResetError:
                pass
        status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") else b"0"
        return int(status), answer

    def get(self, target: str | bytes, host: str | bytes | None = None, method: bytes = b"GET") -> tuple[int, bytes]:
        target = target.encode("latin-1") if isinstance(target, str) else target
        host = f"127.0.0.1:{self.port}".encode() if host is None else host
        host = host.encode("latin-1") if isinstance(host, str) else host
        return self.send(method + b" " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> Iterator[Target]:
    """A built site served by the preview's HTTP handler, with secrets beside it and links leading to them."""
    root = tmp_path_factory.mktemp("attacked")
    (root / "secret.txt").write_bytes(SECRET)
    (root / "outside").mkdir()
    (root / "outside" / "index.html").write_bytes(SECRET)
    site = SiteFolder(root / "site")
    site.write("advocacy.yaml", "title: T\nbase_url: https://example.com/\n")
    site.write("content/customers/acme.md", "---\nname: Acme\n---\nSecret-free.\n")
    site.write("content/stories/acme.md", "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\nx\n")
    result = site.run("build")
    assert result.exit_code == 0, result.output
    folder = site.output
    os.symlink(root / "secret.txt", folder / "leak.txt")  # links inside the output that lead out
    os.symlink(root / "outside", folder / "out", target_is_directory=True)
    os.symlink("../../secret.txt", folder / "stories" / "rel.txt")
    (folder / ".hidden.txt").write_bytes(SECRET)  # the build's own dot-files are never served
    server = PreviewServer(("127.0.0.1", 0), folder, PreviewState())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Target(server.server_address[1], folder)
    server.shutdown()
    server.server_close()


def leaks(answer: bytes) -> bool:
    """Anything from outside the output folder (or a folder listing) in an answer."""
    return any(mark in answer for mark in (SECRET, b"base_url", b"root:x:", b"Index of", b"Directory listing"))


TRAVERSALS = [
    "/../secret.txt", "/../../secret.txt", "/stories/../../secret.txt",
    "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
    "/%2e%2e%2fsecret.txt", "/%2E%2E%2F%2E%2E%2Fsecret.txt", "/stories/..%2f..%2fsecret.txt",
    "/..%5csecret.txt", "/%5c..%5csecret.txt", "/..\\secret.txt", "/stories\\..\\..\\secret.txt",
    "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt", "/%25252e%25252e/secret.txt",
    "/%c0%ae%c0%ae/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt", "/%u002e%u002e/secret.txt",
    "/..%00/secret.txt", "/%00", "/index.html%00.txt", "/stories/%00/",
    "/../site/advocacy.yaml", "/%2e%2e/site/advocacy.yaml", "//etc/passwd", "///etc/passwd",
    "/./../secret.txt", "/....//secret.txt", "/..;/secret.txt",
    "/leak.txt", "/out/", "/out/index.html", "/out", "/stories/rel.txt", "/.hidden.txt", "/%2ehidden.txt",
    "/assets/", "/stories/acme/index.html/..", "/stories/acme/index.html/../../../secret.txt",
    "http://127.0.0.1/../secret.txt", "http://evil.example/%2e%2e/secret.txt",
    "/" + "a" * 5000, "/" + "a/" * 2000, "/%ff%fe", "/\x7f", "*",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_refused_and_leaks_nothing(target, path):
    status, answer = target.get(path)
    assert status in (301, 400, 404), (path, status, answer[:200])
    assert not leaks(answer), path
    if status == 301:  # a folder asked without its slash: sent to the same folder, on this site
        location = next(line for line in answer.split(b"\r\n") if line.lower().startswith(b"location:"))
        assert location.split(b":", 1)[1].strip().startswith(b"/") and not location.split(b":", 1)[1].strip(
        ).startswith((b"//", b"/\\")), location


def test_the_site_itself_is_still_served(target):
    for path in ("/", "/stories/acme/", "/assets/site.css", "/stories/acme/index.html"):
        assert target.get(path)[0] == 200, path


@pytest.mark.parametrize("host", [
    "attacker.example", "attacker.example:{port}", "localhost.attacker.example", "127.0.0.1.nip.io:{port}",
    "127.0.0.1@attacker.example", "attacker.example@127.0.0.1", "attacker.example#@127.0.0.1",
    "localhost:{port}@attacker.example", "127.0.0.2", "0.0.0.0:{port}", "[::ffff:127.0.0.1]",
    "127.1", "2130706433", "localhost:notaport", "localhost:{port}:{port}", "localhost:99999",
    " attacker.example", "localhost\tattacker.example", "",
])
def test_dns_rebinding_hosts_are_refused(target, host):
    """A page on another site whose name was pointed at 127.0.0.1 must not read the preview."""
    status, answer = target.get("/stories/acme/", host=host.format(port=target.port))
    assert status in (400, 403, 421), (host, status)
    assert SITE_PAGE not in answer


def test_a_request_without_a_host_is_refused(target):
    status, _ = target.send(b"GET / HTTP/1.0\r\n\r\n")
    assert status in (400, 403, 421)


@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "127.0.0.1", "127.0.0.1:{port}",
                                  "LOCALHOST:{port}", "[::1]:{port}"])
def test_loopback_names_are_answered(target, host):
    assert target.get("/", host=host.format(port=target.port))[0] == 200


@pytest.mark.parametrize("raw, statuses", [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", (414,)),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n", (431, 400)),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(200)) + b"\r\n",
     (431, 400)),
    (b"GARBAGE\r\n\r\n", (400,)),
    (b"GET\r\n\r\n", (400,)),
    (b"GET / HTTP/1.1 extra\r\nHost: localhost\r\n\r\n", (400,)),
    (b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", (505, 400)),
    (b"GET / FTP/1.1\r\nHost: localhost\r\n\r\n", (400,)),
    (b"GET /\x00 HTTP/1.1\r\nHost: localhost\r\n\r\n", (400, 404)),
    (b"GET / HTTP/1.1\r\nHost: localhost\r\nbroken header line\r\n\r\n", (400,)),
    (b"\xff\xfe\xfd / HTTP/1.1\r\n\r\n", (400, 501)),
])
def test_oversized_and_malformed_requests_are_refused(target, raw, statuses):
    status, answer = target.send(raw)
    assert status in statuses, (raw[:60], status, answer[:200])
    assert not leaks(answer)


@pytest.mark.parametrize("method", [b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"CONNECT",
                                    b"PROPFIND", b"FOO", b"get"])
def test_methods_other_than_get_and_head_are_refused(target, method):
    status, answer = target.get("/", method=method)
    assert status in (405, 501), (method, status)
    assert not leaks(answer) and SITE_PAGE not in answer


def test_a_silent_client_is_dropped_instead_of_holding_a_thread(target, monkeypatch):
    """A connection that opens and sends nothing is closed once the handler's timeout passes."""
    monkeypatch.setattr("advocacy.preview_http.PreviewHandler.timeout", 0.3)
    with socket.create_connection(("127.0.0.1", target.port), timeout=TIMEOUT) as conn:
        assert conn.recv(1024) in (b"", b"HTTP/1.0 408 Request Timeout\r\n")  # closed, not held open

