"""Search shards' bundles of earlier builds, kept for the next build to reuse.

A shard's Pagefind bundle is kept in .advocacy-cache/search/ as plain files
named by the hash of their bytes: one with its index, one with Pagefind's
script, worker and WebAssembly (the same for every shard, so kept once).
Which files make a shard, with their hashes, is written in the build cache,
which is signed with this user's key. A file is reused only when its bytes
have the hash that this signed list names: a file that came from anywhere
else (a checkout, an archive, another user) is never published, and a file
is never unpickled; at worst the shard is indexed again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from advocacy.cache import BuildCache, content_hash
from advocacy.search_shards import is_index_part
from advocacy.whole_files import is_temporary, remove_if_abandoned, write_whole

_NAMESPACE = "search-shards"
_FOLDER = "search"
# what prune may remove, besides unfinished files: kept files, and the unfinished files of older versions
_OWN_FILE = re.compile(r"[0-9a-f]{32}(\.\d+\.tmp)?")

Manifest = tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (file hash, ((path, size), ...)) per kept file


class ShardStore:
    """Shard bundles by the key of their documents, in the folder beside the build cache."""

    def __init__(self, cache: BuildCache):
        self._cache = cache
        self._folder = cache.folder / _FOLDER
        self._usable = cache.owns(self._folder)
        # file hash -> bytes, of the file every shard's bundle has alike (Pagefind's script, worker
        # and WebAssembly): read or written once. An index's bytes are the bundle's alone, not kept here.
        self._shared: dict[str, bytes] = {}
        self._checked: set[str] = set()  # the hashes of the files this build read (intact) or wrote
        self._used: set[str] = set()  # the hashes of the files of the bundles this build got or put
        self._changed = False

    def get(self, key: str) -> dict[str, bytes] | None:
        """The bundle kept for `key`, or None when there is none or a file of it is missing or altered."""
        manifest: Manifest | None = self._cache.get(_NAMESPACE, key)
        if manifest is None:
            return None
        files = {}
        for digest, paths in manifest:
            data = self._shared.get(digest) or self._read(digest)
            if data is None:
                return None
            if _is_shared(path for path, _ in paths):
                self._shared[digest] = data
            offset = 0
            for path, size in paths:
                files[path] = data[offset:offset + size]
                offset += size
        self._used.update(digest for digest, _ in manifest)
        return files

    def _read(self, digest: str) -> bytes | None:
        if not self._usable:
            return None
        try:
            data = (self._folder / digest).read_bytes()
        except OSError:
            return None
        if content_hash(data) != digest:
            return None
        self._checked.add(digest)
        return data

    def put(self, key: str, files: dict[str, bytes]) -> None:
        """Keep `files`, the bundle of `key`, for later builds; skipped where the folder cannot be written."""
        if not self._usable:
            return
        groups = ({p: d for p, d in files.items() if is_index_part(p)},
                  {p: d for p, d in files.items() if not is_index_part(p)})
        manifest = []
        try:
            for group in groups:
                paths = sorted(group)
                data = b"".join(group[path] for path in paths)
                digest = content_hash(data)
                if digest not in self._checked:
                    self._write(digest, data)
                if _is_shared(group):
                    self._shared[digest] = data
                manifest.append((digest, tuple((path, len(group[path])) for path in paths)))
        except OSError:
            return
        self._cache.put(_NAMESPACE, key, tuple(manifest))
        self._used.update(digest for digest, _ in manifest)
        self._changed = True

    def _write(self, digest: str, data: bytes) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        write_whole(self._folder / digest, lambda file: file.write(data))
        self._checked.add(digest)

    def prune(self) -> None:
        """Remove the kept files that no bundle of this build uses (once a build changed any)."""
        if not self._changed:
            return
        try:
            for file in self._folder.iterdir():
                if is_temporary(file.name):
                    remove_if_abandoned(file)  # a killed build's
                elif _OWN_FILE.fullmatch(file.name) and file.name not in self._used and not file.is_symlink():
                    file.unlink(missing_ok=True)
        except OSError:
            pass  # what is left is removed by a later build


def _is_shared(paths: Iterable[str]) -> bool:
    """Whether the kept file of these bundle paths is the part every shard has alike, not an index."""
    return any(not is_index_part(path) for path in paths)
