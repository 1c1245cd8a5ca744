"""Rendered pages kept between builds, one file per page fingerprint, in the
cache folder: an output file is a hard link to one of them, so a page that
did not change is neither rendered nor written again.

The files are trusted only as far as the signed cache vouches for them: its
index holds each file's size, change time, device and inode, and a file that
differs (edited in place, planted by a checkout) is not used.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from advocacy.cache import BuildCache
from advocacy.paths import kept_identity
from advocacy.whole_files import is_temporary, remove_if_abandoned, write_whole
from advocacy.write import Linked

NAMESPACE = "pages"
PAGES_DIR = "pages"
GRACE_SECONDS = 600  # a file a concurrent build may have just made is not pruned


class PageStore:
    """fingerprint -> the file of the page's bytes, in the cache folder."""

    def __init__(self, cache: BuildCache):
        self.cache = cache
        self.folder = cache.folder / PAGES_DIR
        self.enabled = cache.enabled and cache.owns(self.folder)

    def get(self, fingerprint: str) -> Linked | None:
        """The file of an earlier render of this fingerprint, if it is still as it was made."""
        if not self.enabled:
            return None
        expected = self.cache.get(NAMESPACE, fingerprint)
        if expected is None:
            return None
        try:
            stat = os.stat(f"{self.folder}/{fingerprint}")  # a str: a Path's own stat is slower by far
        except OSError:
            return None
        if kept_identity(stat) != expected:
            return None
        return Linked(self.folder / fingerprint, (stat.st_dev, stat.st_ino))

    def put(self, fingerprint: str, data: bytes) -> Linked | None:
        """Keep a page's bytes; None (and nothing kept) where the cache folder cannot be written."""
        if not self.enabled:
            return None
        file = self.folder / fingerprint
        try:
            try:
                stat = _create(file, data)
            except FileNotFoundError:  # the store's first page (a build that fails later must not leave it to git)
                self.folder.mkdir(parents=True, exist_ok=True)
                self.cache.keep_out_of_git()
                stat = _create(file, data)
        except FileExistsError:  # left by a killed build, or made beside this one: replaced whole
            try:
                write_whole(file, lambda out: out.write(data))
                stat = file.stat()
            except OSError:
                return None
        except OSError:
            return None
        self.remember(fingerprint, stat)
        return Linked(file, (stat.st_dev, stat.st_ino))

    def remember(self, fingerprint: str, stat: os.stat_result) -> None:
        """Vouch for a page file made by this build (here, or in a worker process)."""
        self.cache.put(NAMESPACE, fingerprint, kept_identity(stat))

    def prune(self) -> None:
        """Remove page files this build did not use (those of a build running beside it stay a while)."""
        if not self.enabled:
            return
        old = time.time() - GRACE_SECONDS
        try:
            unused = set(os.listdir(self.folder)) - self.cache.kept(NAMESPACE)  # a set difference: 9,000 names
        except OSError:
            return
        for name in unused:
            path = self.folder / name
            try:
                if is_temporary(name):
                    remove_if_abandoned(path)  # a killed build's
                elif path.lstat().st_mtime < old:
                    os.unlink(path)
            except OSError:
                continue


def _create(file: Path, data: bytes) -> os.stat_result:
    """A new file of `data`, made under its own name: no temporary file, lock and rename per page
    (a cold build keeps 9,000). Half a page under its name, should the build be killed while it
    writes, is harmless: only a page the saved cache vouches for is ever used, and the next
    build to keep that fingerprint replaces it whole."""
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    made = os.fstat(descriptor)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            return os.fstat(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            if os.lstat(file).st_ino == made.st_ino:  # not a whole page another build put there since
                file.unlink()
        raise
