"""Shared fixtures: small sites written into a temporary folder, built, parsed."""

from __future__ import annotations

import functools
import http.server
import textwrap
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from advocacy.cli import main

REPO = Path(__file__).resolve().parent.parent

BASE_CONFIG = """\
title: Peer Stories
base_url: https://example.com/
company: Example Co
values:
  reliability: {title: Reliability, description: It works every day.}
  speed: {title: Speed}
references:
  request_url: mailto:refs@example.com
"""

CUSTOMER = """\
---
name: Acme Logistics
industry: Logistics
company_size: "51-200"
region: Europe
reference: true
---
Acme moves things.
"""

STORY = """\
---
title: How Acme cut onboarding
summary: Onboarding went from weeks to days.
customer: acme
date: 2025-03-14
---
## The challenge
It was slow.
"""


class SiteFolder:
    """A site in a temporary folder: write files, run the CLI, read the output."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def run(self, *args: str):
        """Run `advocacy ARGS --site ROOT`; returns click's Result (exit_code, stdout, stderr)."""
        return CliRunner().invoke(main, [*args, "--site", str(self.root)], catch_exceptions=False)

    @property
    def output(self) -> Path:
        return self.root / "output"

    def page(self, path: str) -> BeautifulSoup:
        """The built page at site path `path` ('' is home), parsed."""
        file = self.output / path / "index.html" if path == "" or path.endswith("/") else self.output / path
        return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")

    def snapshot(self) -> dict[str, bytes]:
        """Every file of the output, for byte-for-byte comparisons."""
        return {p.relative_to(self.output).as_posix(): p.read_bytes()
                for p in sorted(self.output.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    """A minimal valid site: config, one customer, one story."""
    folder = SiteFolder(tmp_path / "site")
    folder.write("advocacy.yaml", BASE_CONFIG)
    folder.write("content/customers/acme.md", CUSTOMER)
    folder.write("content/stories/acme-onboarding.md", STORY)
    return folder


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright; skips where either is missing."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def served():
    """Serve a folder over HTTP on 127.0.0.1; yields a function folder -> base URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass
