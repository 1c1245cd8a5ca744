"""Search shards' bundles of earlier builds, kept for the next build to reuse.

A shard's Pagefind bundle is kept in .advocacy-cache/search/, a folder per
bundle (named by the key of its documents, the process that wrote it and
when) holding the bundle's files, and the output gets hard links to them (as
it does to kept pages): a shard that did not change is neither read nor
written again, and a file of the folder kept beside the output is known to
be the same by its inode. Which folder and files make a shard, with each
file's size, change time, device and inode, is written in the build cache,
which is signed with this user's key: a file that differs (edited in place,
planted by a checkout or an archive) is never published; at worst the shard
is indexed again. A folder is written whole under another name (by Pagefind
itself: new_folder) and then renamed, so a killed build never leaves half a
bundle; each build writes folders of its own and prunes only those no build
used for ten minutes, so
builds side by side never replace or remove what the other links.
"""

from __future__ import annotations

import os
import re
import stat as stat_mode
import time
from pathlib import Path

from advocacy.cache import BuildCache
from advocacy.paths import KeptIdentity, kept_identity, remove
from advocacy.whole_files import is_temporary, remove_if_abandoned
from advocacy.write import Linked

_NAMESPACE = "search-shards"
_FOLDER = "search"
# a shard's folder: its key, the process that wrote it and when (a kept file of older versions: the key alone)
_KEPT = re.compile(r"[0-9a-f]{32}(\.\d+\.\d+)?")
_UNFINISHED = "unfinished-"  # a folder being written: + key + the writer's process id
_UNFINISHED_AGE = 3600  # seconds: a folder still unfinished after this was left by a killed build
GRACE_SECONDS = 600  # a folder a build beside this one used or made this recently is not pruned

Manifest = tuple[str, tuple[tuple[str, KeptIdentity], ...]]  # the shard's folder; (path in the bundle, identity)


class ShardStore:
    """Shard bundles by the key of their documents, in the folder beside the build cache."""

    def __init__(self, cache: BuildCache):
        self._cache = cache
        self._folder = cache.folder / _FOLDER
        self._usable = cache.owns(self._folder)
        self._used: set[str] = set()  # the keys of the bundles this build got or put
        self._changed = False

    def get(self, key: str) -> dict[str, Linked] | None:
        """The files of the bundle kept for `key`, or None when there is none or a file of it is
        missing or not the one this cache's signed list names."""
        manifest: Manifest | None = self._cache.get(_NAMESPACE, key)
        if manifest is None or not self._usable:
            return None
        name, listed = manifest
        folder = self._folder / name
        if folder.is_symlink():
            return None
        files = {}
        for path, identity in listed:
            try:
                info = os.lstat(f"{folder}/{path}")  # a str: a Path's own lstat is slower by far
            except OSError:
                return None
            if not stat_mode.S_ISREG(info.st_mode) or kept_identity(info) != identity:
                return None
            files[path] = Linked(folder / path, (info.st_dev, info.st_ino))
        try:
            os.utime(folder)  # used now: a build beside this one does not prune it
        except OSError:
            pass
        self._used.add(name)
        return files

    def new_folder(self, key: str) -> Path | None:
        """A new empty folder for Pagefind to write the bundle of `key` in and `put` to keep;
        None where the store cannot be written (then the run writes in its scratch folder)."""
        if not self._usable:
            return None
        folder = self._folder / f"{_UNFINISHED}{key}.{os.getpid()}.{time.time_ns()}"
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            folder.mkdir()
        except OSError:
            return None
        return folder

    def put(self, key: str, files: dict[str, bytes | Path], folder: Path | None = None) -> dict[str, Linked] | None:
        """Keep `files`, the bundle of `key`, for later builds: the kept files, to link into the
        output; None where the folder cannot be written (then nothing is kept). A file given as a
        Path is already in place in `folder` (from new_folder), which stays where it was when
        nothing is kept. Each build's bundle gets a folder of its own: one made beside this build
        is never replaced."""
        if not self._usable:
            return None
        unfinished = folder or self._folder / f"{_UNFINISHED}{key}.{os.getpid()}.{time.time_ns()}"
        name = unfinished.name.removeprefix(_UNFINISHED)
        kept: dict[str, os.stat_result] = {}
        try:
            for path, data in files.items():
                file = unfinished / path
                if isinstance(data, Path):
                    if data != file:
                        raise OSError(f"{data} is not in {unfinished}")
                    kept[path] = os.lstat(file)
                    continue
                file.parent.mkdir(parents=True, exist_ok=True)
                with file.open("xb") as out:
                    out.write(data)
                    out.flush()  # written, so that its change time is the one it keeps
                    kept[path] = os.fstat(out.fileno())
            os.rename(unfinished, self._folder / name)  # the files keep their inodes and times
        except OSError:
            if folder is None:
                remove(unfinished)
            return None  # (a folder from new_folder is its caller's to remove: it may read it first)
        self._cache.put(_NAMESPACE, key, (name, tuple((path, kept_identity(info)) for path, info in kept.items())))
        self._used.add(name)
        self._changed = True
        return {path: Linked(self._folder / name / path, (info.st_dev, info.st_ino)) for path, info in kept.items()}

    def prune(self) -> None:
        """Remove the kept bundles that this build did not use (once a build changed any; those a
        build beside it used lately stay a while), and what killed builds left. The output's links
        to their files stay whole."""
        if not self._changed:
            return
        now = time.time()
        try:
            entries = list(os.scandir(self._folder))
        except OSError:
            return
        for entry in entries:
            try:
                if is_temporary(entry.name):
                    remove_if_abandoned(Path(entry.path))  # an unfinished file of an older version's
                    continue
                age = now - entry.stat(follow_symlinks=False).st_mtime
                if entry.name.startswith(_UNFINISHED):
                    if age > _UNFINISHED_AGE:
                        remove(Path(entry.path))
                elif _KEPT.fullmatch(entry.name) and entry.name not in self._used and age > GRACE_SECONDS:
                    remove(Path(entry.path))
            except OSError:
                continue  # what is left is removed by a later build
