"""`advocacy serve`: a real server on a free port, a real file watcher, real edits."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from advocacy.errors import UsageError
from advocacy.build import build
from advocacy.cache import CACHE_DIR, CACHE_FILE
from advocacy.preview_http import RECONNECT_SECONDS, site_path_of
from advocacy.serve import PREVIEW_DIR, Preview
from tests.conftest import CUSTOMER, STORY

TIMEOUT = 10.0


class Running:
    """A Preview serving and watching in background threads, and a small HTTP client."""

    def __init__(self, root: Path, **options):
        self.events: list = []
        self.preview = Preview(root, port=0, report=self.events.append, **options)
        self.preview.start()
        self.stop = threading.Event()
        self.watcher = threading.Thread(target=self.preview.watch, args=(self.stop,), kwargs={"step_ms": 10},
                                        daemon=True)
        self.watcher.start()
        time.sleep(0.2)  # the watcher needs a moment to set up its watches before the first edit

    def request(self, path: str, host: str = "localhost") -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.preview.port, timeout=TIMEOUT)
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"{host}:{self.preview.port}")
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), body

    def page(self, path: str) -> BeautifulSoup:
        status, _, body = self.request(path)
        assert status == 200, (path, status)
        return BeautifulSoup(body, "html.parser")

    def version(self) -> int:
        return json.loads(self.request("/__advocacy__/status")[2])["version"]

    def next_reload(self, since: int) -> int:
        """Wait on the event stream, as the page's script does, for the reload after `since`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.preview.port, timeout=TIMEOUT)
        conn.request("GET", f"/__advocacy__/events?since={since}")
        response = conn.getresponse()
        assert response.getheader("Content-Type") == "text/event-stream"
        lines: list[str] = []
        while len(lines) < 2 and (line := response.fp.readline().decode()):
            if line.strip() and not line.startswith(":"):  # ':' lines are heartbeats
                lines.append(line.strip())
        conn.close()
        assert lines[0] == "event: reload", lines
        return int(lines[1].removeprefix("data: "))

    def close(self) -> None:
        self.stop.set()
        self.watcher.join(timeout=TIMEOUT)
        self.preview.close()


@pytest.fixture
def running(site):
    servers: list[Running] = []

    def start(**options) -> Running:
        servers.append(Running(site.root, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def preview(site, tmp_path, monkeypatch):
    """A Preview of `site` that has built once, with a cache key of its own and no file watcher:
    the test saves files and calls rebuild itself."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    started = Preview(site.root, port=0)
    try:
        started.start()
        yield started
    finally:
        started.close()


def test_a_page_is_served_with_the_reload_script_that_a_build_never_has(site, running):
    server = running()
    home = server.page("/")
    script = home.find("script", src="/__advocacy__/reload.js")
    assert script is not None and script["data-version"] == str(server.version())
    story = server.page("/stories/acme-onboarding/")
    assert story.h1.get_text(strip=True) == "How Acme cut onboarding"
    assert all(a["href"].startswith(("/", "#", "mailto:", "http")) for a in story.find_all("a", href=True))
    status, headers, js = server.request("/__advocacy__/reload.js")
    assert status == 200 and b"EventSource" in js and headers["Content-Type"].startswith("text/javascript")
    # the preview has its own folder; output/ is not touched, and a build has no script
    assert (site.root / PREVIEW_DIR / "index.html").is_file()
    assert not site.output.exists()
    assert site.run("build").exit_code == 0
    built = site.page("")
    assert built.find("script", src="/__advocacy__/reload.js") is None
    assert not [s for s in built.find_all("script") if "EventSource" in (s.string or "")]


def test_saving_a_file_rebuilds_and_reloads(site, running):
    server = running()
    before = server.version()
    site.write("content/stories/acme-onboarding.md", STORY.replace("How Acme cut onboarding", "Acme, faster"))
    after = server.next_reload(before)
    assert after > before
    # that reload may be of the pages open, shown first: the whole build's report follows
    deadline = time.monotonic() + TIMEOUT
    while not [e for e in server.events if e.changed] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.page("/stories/acme-onboarding/").h1.get_text(strip=True) == "Acme, faster"
    built = [e for e in server.events if e.changed]
    assert built and built[-1].ok and built[-1].changed == ["content/stories/acme-onboarding.md"]
    # a page that loaded the new version waits: no reload without a change
    assert server.page("/").find("script", src="/__advocacy__/reload.js")["data-version"] == str(server.version())


def test_an_error_shows_over_the_last_good_page_until_it_is_fixed(site, running):
    server = running()
    before = server.version()
    site.write("content/stories/acme-onboarding.md", STORY.replace("title:", "titel:"))
    failed = server.next_reload(before)
    page = server.page("/stories/acme-onboarding/")
    overlay = page.find(attrs={"data-advocacy-errors": True})
    assert overlay is not None and overlay.get("role") == "alert"
    messages = [li.get_text() for li in overlay.find_all("li")]
    assert "content/stories/acme-onboarding.md:2: unknown key 'titel' (did you mean 'title'?)" in messages
    assert page.h1.get_text(strip=True) == "How Acme cut onboarding"  # the last good version, under it
    assert server.events[-1].ok is False
    status = json.loads(server.request("/__advocacy__/status")[2])
    assert status["errors"][0].startswith("content/stories/acme-onboarding.md:2:")

    site.write("content/stories/acme-onboarding.md", STORY)
    server.next_reload(failed)
    fixed = server.page("/stories/acme-onboarding/")
    assert fixed.find(attrs={"data-advocacy-errors": True}) is None
    assert server.events[-1].ok is True


def test_a_site_that_does_not_build_at_first_still_serves_its_errors(site, running):
    site.write("content/stories/acme-onboarding.md", STORY.replace("customer: acme", "customer: nobody"))
    server = running()
    status, _, body = server.request("/")
    assert status == 500
    overlay = BeautifulSoup(body, "html.parser").find(attrs={"data-advocacy-errors": True})
    assert "unknown customer 'nobody'" in overlay.get_text()
    site.write("content/stories/acme-onboarding.md", STORY)
    server.next_reload(server.version())
    assert server.page("/").find(attrs={"data-advocacy-errors": True}) is None


def test_config_static_and_theme_changes_rebuild_too(site, running):
    server = running()
    version = server.version()
    site.write("advocacy.yaml", (site.root / "advocacy.yaml").read_text().replace("Peer Stories", "Peer Voices"))
    version = server.next_reload(version)
    assert server.page("/").title.get_text().strip().endswith("Peer Voices")
    site.write("static/images/chart.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    version = server.next_reload(version)
    assert server.request("/images/chart.svg")[0] == 200
    site.write("themes/default/templates/404.html", '{% extends "base.html" %}{% block content %}<h1>Lost</h1>{% endblock %}')
    server.next_reload(version)
    status, _, body = server.request("/no/such/page/")
    assert status == 404 and BeautifulSoup(body, "html.parser").h1.get_text() == "Lost"


def test_drafts_show_with_a_banner_unless_no_drafts(site, running):
    site.write("content/stories/secret.md", STORY.replace("date: 2025-03-14", "date: 2025-03-14\nstatus: draft"))
    server = running()
    banner = server.page("/stories/secret/").find(attrs={"data-advocacy-draft": True})
    assert banner is not None and "content/stories/secret.md" in banner.get_text()
    assert server.page("/stories/acme-onboarding/").find(attrs={"data-advocacy-draft": True}) is None
    published = running(drafts=False)
    assert published.request("/stories/secret/")[0] == 404


TRAVERSALS = [
    "/../advocacy.yaml", "/%2e%2e/advocacy.yaml", "/%2E%2E%2Fadvocacy.yaml", "/stories/..%2f..%2fadvocacy.yaml",
    "/..%5cadvocacy.yaml", "/%252e%252e/advocacy.yaml", "//etc/passwd", "/stories/%00/", "/.advocacy-output",
    "/outside/secret.txt", "/outside/", "/assets/", "/stories/acme-onboarding/index.html/..",
]


def test_nothing_outside_the_preview_folder_and_no_listings(site, running, tmp_path):
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    server = running()
    os.symlink(tmp_path, site.root / PREVIEW_DIR / "outside")  # a link inside that leads out
    for path in TRAVERSALS:
        status, _, body = server.request(path)
        assert status in (301, 404), (path, status)
        assert b"TOP SECRET" not in body and b"base_url" not in body and b"root:" not in body, path
        assert b"Index of" not in body and b"Directory listing" not in body, path
    assert server.request("/assets/site.css")[0] == 200  # while the files of the site are served


def test_a_folder_without_its_slash_is_redirected(site, running):
    server = running()
    status, headers, _ = server.request("/stories/acme-onboarding?utm_source=x")
    assert status == 301 and headers["Location"] == "/stories/acme-onboarding/?utm_source=x"


def test_other_host_names_are_refused(site, running):
    # a web page whose DNS points at 127.0.0.1 must not read the drafts
    assert running().request("/", host="attacker.example")[0] == 403


def test_a_busy_port_is_skipped_or_refused(site):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        preview = Preview(site.root, port=port)
        try:
            assert preview.port != port and preview.port > port
        finally:
            preview.close()
        with pytest.raises(UsageError, match=f"port {port} is in use"):
            Preview(site.root, port=port, next_free=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_the_command_serves_and_stops_cleanly_on_ctrl_c(site):
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-X", "faulthandler", "-m", "advocacy", "serve", "--port", str(port), "--site",
                                str(site.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        while "Previewing" not in first:
            assert process.poll() is None, process.stderr.read()
            first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        conn.request("GET", "/stories/")
        assert conn.getresponse().status == 200
        conn.close()
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:  # show where it hangs: faulthandler dumps every thread
            process.send_signal(signal.SIGABRT)
            pytest.fail("still running after Ctrl-C:\n" + process.communicate()[1][-4000:])
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Stopped." in out
    assert "Traceback" not in err


def test_the_command_refuses_a_port_chosen_and_taken(site):
    from click.testing import CliRunner

    from advocacy.cli import main
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--site", str(site.root)])
    assert result.exit_code == 2
    assert f"port {port} is in use" in result.stderr and "--port" in result.stderr


def test_an_open_browser_page_reloads_by_itself_and_shows_errors(site, running, browser):
    from playwright.sync_api import expect  # not wait_for_function, whose string the page's CSP refuses to eval

    server = running()
    page = browser.new_page()
    try:
        page.goto(f"http://localhost:{server.preview.port}/stories/acme-onboarding/")
        assert page.locator("h1").inner_text() == "How Acme cut onboarding"
        site.write("content/stories/acme-onboarding.md", STORY.replace("How Acme cut onboarding", "Acme, live"))
        expect(page.locator("h1")).to_have_text("Acme, live", timeout=TIMEOUT * 1000)
        site.write("content/stories/acme-onboarding.md", STORY.replace("title:", "titel:"))
        page.locator("[data-advocacy-errors]").wait_for(timeout=TIMEOUT * 1000)
        assert "unknown key 'titel'" in page.locator("[data-advocacy-errors]").inner_text()
        assert page.locator("h1").first.inner_text() == "Acme, live"
        site.write("content/stories/acme-onboarding.md", STORY)
        page.locator("[data-advocacy-errors]").wait_for(state="detached", timeout=TIMEOUT * 1000)
        assert page.locator("h1").inner_text() == "How Acme cut onboarding"
    finally:
        page.close()


def test_a_bug_in_a_rebuild_does_not_take_the_preview_down(site, running, monkeypatch):
    import advocacy.serve

    server = running()
    before = server.version()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(advocacy.serve, "build", broken)
    site.write("content/stories/acme-onboarding.md", STORY.replace("How Acme", "How Acme really"))
    server.next_reload(before)
    page = server.page("/stories/acme-onboarding/")
    assert "failed unexpectedly (RuntimeError: boom)" in page.find(attrs={"data-advocacy-errors": True}).get_text()
    assert "Traceback" in server.events[-1].detail


def test_what_the_preview_adds_is_escaped_and_fits_any_page():
    from advocacy.errors import Problem
    from advocacy.preview_page import inject

    hostile = Problem('content/stories/<img src=x onerror=alert(1)>.md', 3, "unknown key '<script>alert(1)</script>'")
    page = inject(b"<HTML><BODY class='x'><h1>T</h1></BODY></HTML>", "content/stories/a&b.md", 7, [hostile])
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script", src=False) is None and soup.find("img") is None  # shown as text, never run
    assert "<script>alert(1)</script>" in soup.find(attrs={"data-advocacy-errors": True}).get_text()
    body = soup.find("body")
    assert next(body.children).name == "p" and "content/stories/a&b.md" in next(body.children).get_text()
    assert body.find_all(recursive=False)[-1].name == "script"  # before </body>
    bare = BeautifulSoup(inject(b"plain text", None, 1, []), "html.parser")
    assert bare.find("script", src="/__advocacy__/reload.js")["data-version"] == "1"


def test_ipv6_loopback(site):
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        preview = Preview(site.root, host="::1", port=0)
    except UsageError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    try:
        preview.start()
        assert preview.url == f"http://[::1]:{preview.port}/"
        conn = http.client.HTTPConnection("::1", preview.port, timeout=TIMEOUT)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        preview.close()


def test_the_preview_keeps_its_cache_in_memory_and_saves_it_when_it_stops(site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # a key of this test's own
    saved = site.root / CACHE_DIR / CACHE_FILE
    preview = Preview(site.root, port=0)
    try:
        preview.start()
        site.write("content/stories/acme-onboarding.md", STORY.replace("How Acme cut onboarding", "Acme, faster"))
        assert preview.rebuild(["content/stories/acme-onboarding.md"]).ok
        assert not saved.exists()  # no build of the preview read or wrote it
    finally:
        preview.close()
    assert any(saved.glob("content.*.pickle"))
    # the next process starts from what the preview made: nothing is rendered again
    again = build(site.root, tmp_path / "elsewhere", drafts=True, base_url=preview.url, record=False)
    assert again.summary.page_total > 0 and again.rendered == 0


def test_an_edited_story_is_shown_before_the_whole_build_runs(site, preview, monkeypatch):
    import advocacy.serve as serve_module

    seen_before_build: list[str] = []
    real_build = serve_module.build

    def build_after_a_look(*args, **kwargs):
        page = preview.folder / "stories/acme-onboarding/index.html"
        main = BeautifulSoup(page.read_bytes(), "html.parser").main
        seen_before_build.append("It was fast." if "It was fast." in main.get_text() else "It was slow.")
        return real_build(*args, **kwargs)

    monkeypatch.setattr(serve_module, "build", build_after_a_look)
    version = preview.state.version
    site.write("content/stories/acme-onboarding.md", STORY.replace("It was slow.", "It was fast."))
    assert preview.rebuild(["content/stories/acme-onboarding.md"]).ok
    assert seen_before_build == ["It was fast."]
    assert preview.state.version == version + 2  # the first page, then the whole build


def test_the_pages_open_in_a_browser_are_rendered_and_shown_before_the_rest(site, preview, monkeypatch):
    import advocacy.pipeline as pipeline_module

    shown_before_writing: list[tuple[str, str]] = []

    class WriterAfterALook(pipeline_module.OutputWriter):
        def __init__(self, *args, **kwargs):
            def h1(path: str) -> str:
                return BeautifulSoup((preview.folder / path).read_bytes(), "html.parser").h1.get_text(strip=True)

            customer_shown = "Acme Freight" if "Acme Freight" in h1("customers/acme/index.html") else "Acme Logistics"
            shown_before_writing.append((customer_shown, h1("stories/acme-onboarding/index.html")))
            super().__init__(*args, **kwargs)

    preview.state.opened("customers/acme/")  # as the event stream of a page open on it does
    monkeypatch.setattr(pipeline_module, "OutputWriter", WriterAfterALook)
    version = preview.state.version
    site.write("content/customers/acme.md", CUSTOMER.replace("Acme Logistics", "Acme Freight"))
    assert preview.rebuild(["content/customers/acme.md"]).ok
    # the open page was new before the build wrote the site; the story's page (not open) was not
    assert shown_before_writing == [("Acme Freight", "How Acme cut onboarding")]
    assert preview.state.version == version + 2
    assert BeautifulSoup((preview.folder / "stories/acme-onboarding/index.html").read_bytes(),
                         "html.parser").find(string=lambda text: "Acme Freight" in text)


def test_an_open_pages_event_stream_tells_the_server_which_page_it_is(site, running):
    server = running()
    connection = http.client.HTTPConnection("127.0.0.1", server.preview.port, timeout=TIMEOUT)
    connection.request("GET", f"/__advocacy__/events?since={server.version()}&page=%2Fstories%2Facme-onboarding%2F",
                       headers={"Host": f"localhost:{server.preview.port}"})
    response = connection.getresponse()
    assert response.status == 200
    deadline = time.monotonic() + TIMEOUT
    while not server.preview.state.open_pages() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.preview.state.open_pages() == {"stories/acme-onboarding/"}
    connection.close()
    server.preview.state.publish([])  # the stream answers, finds its page gone, and lets go of it
    deadline = time.monotonic() + TIMEOUT
    while server.preview.state.watched and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not server.preview.state.watched
    # a page that reloads opens its next stream a moment later: until then it still counts as open
    assert server.preview.state.open_pages() == {"stories/acme-onboarding/"}
    server.preview.state.released["stories/acme-onboarding/"] -= RECONNECT_SECONDS + 1
    assert server.preview.state.open_pages() == set()
    status, _, script = server.request("/__advocacy__/reload.js")
    assert status == 200 and b"&page=" in script


@pytest.mark.parametrize("url, path", [("/", ""), ("/stories/", "stories/"), ("/stories/x/index.html", "stories/x/"),
                                       ("/index.html", ""), ("/feed.xml", "feed.xml"), ("/a%20b/", "a b/")])
def test_a_url_path_names_the_site_path_of_its_page(url, path):
    assert site_path_of(url) == path


def test_pages_open_when_a_story_is_saved_are_rendered_first_though_its_first_page_reloads_them(site, preview,
                                                                                                 monkeypatch):
    import advocacy.serve as serve_module

    asked_first: list[set[str]] = []
    real_build = serve_module.build

    def build_and_note(*args, **kwargs):
        asked_first.append(set(kwargs["first"].paths))
        return real_build(*args, **kwargs)

    preview.state.opened("")  # the home page is open in a tab
    monkeypatch.setattr(serve_module, "build", build_and_note)
    site.write("content/stories/acme-onboarding.md", STORY.replace("It was slow.", "It was fast."))
    preview.state.closed("")  # the first page's reload ends every stream: the tab reconnects a moment later
    assert preview.rebuild(["content/stories/acme-onboarding.md"]).ok
    assert asked_first == [{""}]


def test_a_first_page_that_cannot_be_written_waits_for_the_build(site, preview, monkeypatch):
    import advocacy.serve as serve_module

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serve_module, "write_whole", disk_full)
    preview.state.opened("stories/acme-onboarding/")
    site.write("content/stories/acme-onboarding.md", STORY.replace("It was slow.", "It was fast."))
    event = preview.rebuild(["content/stories/acme-onboarding.md"])
    assert event.ok
    page = (preview.folder / "stories/acme-onboarding/index.html").read_text(encoding="utf-8")
    assert "It was fast." in page  # written by the build
