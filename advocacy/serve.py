"""`advocacy serve`: build into a preview folder, serve it, rebuild on save.

The preview is built into `.advocacy-preview/` in the site (never over the
marketer's output/), with drafts unless told otherwise, and with base_url
set to the preview server, so every link stays on it. A build that fails
leaves the last good preview in place; the server shows its errors over it.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.build import FirstPages, build
from advocacy.config import CONFIG_FILE
from advocacy.errors import ContentError, Problem, UsageError
from advocacy.lock import output_lock
from advocacy.preview_http import PreviewServer, PreviewState
from advocacy.resident import Resident
from advocacy.whole_files import write_whole

PREVIEW_DIR = ".advocacy-preview"
WATCHED = ("content", "static", "themes")
PORT_TRIES = 10  # the default port and the next nine


@dataclass
class BuildEvent:
    """One rebuild, for the terminal: its errors and warnings, and what set it off."""

    ok: bool
    seconds: float
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # site-relative paths that were saved
    detail: str = ""  # the traceback of a failure that is advocacy's fault, for a bug report


Report = Callable[[BuildEvent], None]


def bind(host: str, port: int, folder: Path, state: PreviewState, *, next_free: bool) -> PreviewServer:
    """A server on `port`, or with `next_free` on the first free one after it;
    UsageError (with what to do) when none is free."""
    last = port + (PORT_TRIES - 1 if next_free and port else 0)
    for candidate in range(port, last + 1):
        try:
            return PreviewServer((host, candidate), folder, state)
        except socket.gaierror:
            raise UsageError(f"'{host}' is not a host name or address of this computer; "
                             "leave out --host to preview on 127.0.0.1") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            if exc.errno == errno.EADDRNOTAVAIL:
                raise UsageError(f"{host} is not an address of this computer; "
                                 "leave out --host to preview on 127.0.0.1") from None
            if exc.errno == errno.EACCES:
                raise UsageError(f"port {candidate} needs special rights; choose one above 1024, "
                                 "e.g. --port 8000") from None
            raise
    tried = f"ports {port} to {last} are" if last > port else f"port {port} is"
    raise UsageError(f"{tried} in use (is another preview running?); stop it, or choose a port with --port 8080")


class Preview:
    """The preview of one site: a server thread, and rebuilds on the caller's thread."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000, next_free: bool = True,
                 drafts: bool = True, report: Report | None = None):
        self.root = root
        self.folder = root / PREVIEW_DIR
        self.drafts = drafts
        self.report = report or (lambda event: None)
        self.state = PreviewState()
        self.resident = Resident(root)  # what the rebuilds share, in memory
        self.server = bind(host, port, self.folder, self.state, next_free=next_free)
        shown = f"[{host}]" if ":" in host else host  # the address itself: no doubt which one "localhost" is
        self.port: int = self.server.server_address[1]
        self.url = f"http://{shown}:{self.port}/"
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Build once, then answer requests in the background."""
        self.rebuild([])
        self._thread = threading.Thread(target=self.server.serve_forever, name="advocacy-preview", daemon=True)
        self._thread.start()

    def rebuild(self, saved: list[str]) -> BuildEvent:
        """Build again after the files `saved` (site-relative) changed, showing first what can be."""
        started = time.perf_counter()
        open_pages = self.state.open_pages()  # before the first page's reload makes them reconnect
        self._show_first(saved)
        # an editor's temporary files come and go within one save: name only what is left
        changed = [path for path in saved if (self.root / path).exists()] or saved
        try:
            result = build(self.root, self.folder, drafts=self.drafts, base_url=self.url, record=False,
                           resident=self.resident, first=FirstPages(open_pages, self._show))
        except ContentError as exc:
            event = BuildEvent(False, time.perf_counter() - started, problems=exc.problems.items, changed=changed)
        except (UsageError, OSError) as exc:  # advocacy.yaml deleted or unreadable mid-edit, a full disk
            where = getattr(exc, "filename", None) or CONFIG_FILE
            message = (f"cannot read this file ({exc.strerror}); restore it to rebuild the preview"
                       if getattr(exc, "strerror", None) else str(exc))
            event = BuildEvent(False, time.perf_counter() - started,
                               problems=[Problem(_relative(where, self.root), 1, message)], changed=changed)
        except Exception as exc:  # noqa: BLE001 - a bug must not take the preview down mid-edit
            event = BuildEvent(False, time.perf_counter() - started, changed=changed,
                               detail=traceback.format_exc(), problems=[Problem(
                CONFIG_FILE, 1, f"advocacy failed unexpectedly ({type(exc).__name__}: {exc}); "
                "please report it with the lines above; saving a file tries again")])
        else:
            self.state.publish([], result.summary.draft_pages)
            event = BuildEvent(True, time.perf_counter() - started, result.summary.page_total,
                               result.problems.warnings, changed)
            self.report(event)
            return event
        self.state.publish([p for p in event.problems if not p.is_warning])
        self.report(event)
        return event

    def _show_first(self, changed: list[str]) -> None:
        """Before the whole build, the page of an edited story or video (Resident.first_pages):
        open on it, the browser reloads in milliseconds, whatever the size of the site."""
        try:
            first = self.resident.first_pages(changed)
            if first:
                with output_lock(self.folder):
                    self._show(first)
        except Exception:  # noqa: BLE001 - a shortcut only: the build that follows shows it, or the problem
            return

    def _show(self, pages: dict[str, bytes]) -> None:
        """Put pages made ahead of the build in the preview's folder, and reload them where they are open
        (the build holds the folder's lock, or the caller does)."""
        try:
            for output, data in pages.items():
                page = self.folder / output
                if page.is_file():  # written whole: the build's files are links to its kept pages
                    write_whole(page, lambda file, data=data: file.write(data))
        except OSError:
            return  # a full disk, a file in use: the build shows them when it is done, or says why not
        self.state.publish([])

    def watch(self, stop: threading.Event | None = None, *, step_ms: int = 50) -> None:
        """Rebuild after every save until `stop` is set (or Ctrl-C, which propagates)."""
        import watchfiles

        editor_files = watchfiles.DefaultFilter()  # swap files, backups, .git

        def relevant(change: watchfiles.Change, path: str) -> bool:
            rel = _relative(path, self.root)
            return (rel == CONFIG_FILE or rel.split("/")[0] in WATCHED) and editor_files(change, path)

        for changes in watchfiles.watch(self.root, watch_filter=relevant, step=step_ms, stop_event=stop,
                                        raise_interrupt=True):
            self.rebuild(sorted({_relative(path, self.root) for _, path in changes}))

    def close(self) -> None:
        """Stop serving: open pages' event streams end, the port is freed."""
        self.state.stop()
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()
        self.resident.close()


def _relative(path: str | Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)
