"""Shared fixtures: small sites written into a temporary folder, built, parsed."""

from __future__ import annotations

import functools
import http.server
import shutil
import textwrap
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

import advocacy.cache as cache_module
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


def pytest_collection_modifyitems(items):
    """The tests that drive the browser run last. Playwright keeps a thread for the rest of the
    session, and a process with another thread never forks render workers (forked.workers_for):
    so every other test builds as `advocacy build` does, on every core where its site is big enough."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


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
def own_cache_key(tmp_path, monkeypatch):
    """This test's own key for the build cache, as a user of its own, and the code as it was
    (another engineer's edit of advocacy's code between two builds would start a fresh cache)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    code = cache_module.code_fingerprint()
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: code)


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    """A minimal valid site: config, one customer, one story."""
    folder = SiteFolder(tmp_path / "site")
    folder.write("advocacy.yaml", BASE_CONFIG)
    folder.write("content/customers/acme.md", CUSTOMER)
    folder.write("content/stories/acme-onboarding.md", STORY)
    return folder


AXE = REPO / "tests" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
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
def axe_context(browser):
    """Browser contexts for pages checked with axe (the test skips where axe is missing),
    closed when the test ends: axe_context(width, scheme, height=740, **other options)."""
    if not AXE.is_file():
        pytest.skip("tests/vendor/axe.min.js is missing")
    contexts = []

    def make(width: int, scheme: str, height: int = 740, **options):
        contexts.append(browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                            **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


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


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The repository's sample site copied, built with a served base URL; yields (output, base URL)."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copy(REPO / "advocacy.yaml", root)
    for folder in ("content", "static"):
        shutil.copytree(REPO / folder, root / folder)
    output = root / "output"
    output.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    result = CliRunner().invoke(main, ["build", "--site", str(root), "--base-url", base])
    assert result.exit_code == 0, result.output
    yield output, base
    server.shutdown()
    server.server_close()


def _open(context, url: str):
    """A page at url; requests to other hosts are recorded and answered locally, never sent."""
    from playwright.sync_api import Error as PlaywrightError

    page = context.new_page()
    page.offsite, page.errors, page.bytes = [], [], {}
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def route(request_route):
        if urlsplit(request_route.request.url).hostname == "127.0.0.1":
            request_route.continue_()
        else:
            page.offsite.append(request_route.request.url)
            request_route.fulfill(status=204, body="")

    def finished(response):
        try:
            page.bytes[response.url] = len(response.body())
        except PlaywrightError:  # a redirect or an aborted response has no body
            pass

    page.route("**/*", route)
    page.on("response", finished)
    page.goto(url, wait_until="load")
    return page


def _axe(tab) -> list[str]:
    """axe-core's WCAG 2.2 A and AA violations on the page, as 'rule: targets'."""
    if not tab.evaluate("typeof axe !== 'undefined'"):
        # evaluated through the DevTools protocol: the page's CSP refuses an inline <script> tag
        tab.evaluate(AXE.read_text(encoding="utf-8"))
    found = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                         ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
                         AXE_TAGS)
    return found


def _layout_problems(tab, width: int) -> dict | None:
    """axe's violations on the page and its width if wider than `width`; None when all is well."""
    found, scrolled = _axe(tab), tab.evaluate("document.documentElement.scrollWidth")
    return {"axe": found, "width": scrolled} if found or scrolled > width else None


def _tab_to(tab, locator, presses: int = 80) -> None:
    """Press Tab until `locator` has focus, as a keyboard user would; fail if it never does."""
    for _ in range(presses):
        tab.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{locator} is never reached with Tab")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass
