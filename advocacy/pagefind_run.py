"""One Pagefind run: the indexer as a process over some documents, in a scratch folder.

search.py decides what to index and when; a run writes the documents where the
system keeps files in memory if it has room, starts the `pagefind[bin]`
executable on them, and gives back its bundle in a reproducible form.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from advocacy.search_bundle import rewritten, stable_bundle

# The bundle files the search page never loads: Pagefind's own UIs and the indexing playground.
_UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.", "playground/")
_TIMEOUT = 600  # seconds; 5,000 items take a few
_SCRATCH_PREFIX = "advocacy-search-"
_MEMORY_FOLDER = Path("/dev/shm")
_MEMORY_SPARE = 64 << 20  # bytes of the memory folder left free, besides a run's own files


class SearchUnavailable(Exception):
    """Pagefind could not run here; the site builds without a search index."""


def pagefind_binary() -> Path:
    """The Pagefind executable of the `pagefind[bin]` package."""
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchUnavailable("the Pagefind binary is not installed (pip install 'pagefind[bin]')") from None
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:
        raise SearchUnavailable(f"the Pagefind binary is missing: {exc}") from None


class PagefindRun:
    """One Pagefind process over some documents, started at once; `bundle` waits for it.
    With `into`, a folder of the search store, the bundle is written there (nothing of it is
    read or written again but the few files made reproducible), else in a scratch folder.
    `into` is its giver's to remove (Indexing), kept or not."""

    def __init__(self, documents: dict[str, str], into: Path | None = None):
        binary = pagefind_binary()
        size = sum(len(html) for html in documents.values())
        self._into = into
        self._scratch = Path(tempfile.mkdtemp(prefix=_SCRATCH_PREFIX, dir=_scratch_folder(size)))
        try:
            source = self._scratch / "site"
            for name, html in documents.items():
                file = source / name
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(html, encoding="utf-8")
            command = [str(binary), "--site", str(source), "--output-path", str(self._bundle_folder), "--silent"]
            # what it says goes to a file, not a pipe: a pipe nobody reads until the end could fill up
            with (self._scratch / "said.txt").open("wb") as said:
                self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=said,
                                                 stderr=subprocess.STDOUT)
        except OSError as exc:
            self.stop()
            raise SearchUnavailable(f"Pagefind could not run: {exc}") from None
        self._started = time.monotonic()

    @property
    def _bundle_folder(self) -> Path:
        return self._into if self._into is not None else self._scratch / "bundle"

    def bundle(self) -> dict[str, bytes | Path]:
        """Path in the bundle -> bytes, in a reproducible form, once the run ends. With `into`,
        the files made reproducible are bytes (their first form removed), the others the files
        Pagefind wrote there."""
        try:
            try:
                returncode = self._process.wait(timeout=max(0.0, _TIMEOUT - (time.monotonic() - self._started)))
            except subprocess.TimeoutExpired:
                raise SearchUnavailable(f"Pagefind could not run: it took more than {_TIMEOUT} s") from None
            bundle = self._bundle_folder
            if returncode != 0 or not (bundle / "pagefind.js").is_file():
                detail = (self._scratch / "said.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()
                raise SearchUnavailable("Pagefind failed" + (f": {detail[-1]}" if detail else ""))
            files: dict[str, Path] = {}
            for file in sorted(bundle.rglob("*")):
                if file.is_file():
                    path = file.relative_to(bundle).as_posix()
                    if not path.startswith(_UNUSED):
                        files[path] = file
                    elif self._into is not None:
                        file.unlink()  # and its folder, once empty (the playground's)
                        with contextlib.suppress(OSError):
                            file.parent.rmdir()
            if self._into is None:
                return _stable({path: file.read_bytes() for path, file in files.items()})
            first = {path: file.read_bytes() for path, file in files.items() if rewritten(path)}
            for path in first:
                files.pop(path).unlink()
            return {**files, **_stable(first)}
        finally:
            self.stop()

    def stop(self) -> None:
        """End the process if it still runs, and remove the run's files."""
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(self._scratch, ignore_errors=True)


def _stable(files: dict[str, bytes]) -> dict[str, bytes]:
    try:
        return stable_bundle(files)
    except (ValueError, IndexError, KeyError, TypeError, EOFError, OSError):
        return files  # a Pagefind of another format: it works, only not byte-reproducible


def _scratch_folder(size: int) -> str | None:
    """Where a Pagefind run's files go: a folder in memory where the system has one with room
    for them (a run writes a file per document and reads back a file per document, which on a
    disk cost nearly as much as the indexing), else the usual temporary folder."""
    try:
        room = os.statvfs(_MEMORY_FOLDER)
    except OSError:
        return None
    # the documents, their bundle (smaller), and as much for the run going on beside this one
    usable = os.access(_MEMORY_FOLDER, os.W_OK | os.X_OK) and room.f_bavail * room.f_frsize > 4 * size + _MEMORY_SPARE
    return str(_MEMORY_FOLDER) if usable else None


def remove_abandoned_runs() -> None:
    """Remove the files of Pagefind runs whose build was killed (a run ends within _TIMEOUT): in the
    memory folder they would hold memory until the next restart. Another user's are private to them
    (made 0700), so they stay."""
    for folder in (_MEMORY_FOLDER, Path(tempfile.gettempdir())):
        _remove_runs_older_than(folder, time.time() - 2 * _TIMEOUT)


def _remove_runs_older_than(folder: Path, too_old: float) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if (entry.name.startswith(_SCRATCH_PREFIX) and entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < too_old):
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue
