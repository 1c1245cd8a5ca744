"""What a long-running preview keeps between its builds, so that a build after
one saved file does not start from the disk again: the build cache, in memory
(saved when the preview stops), and each content file's key with its stat
then, so that a file whose stat did not change is not read again.
"""

from __future__ import annotations

from pathlib import Path

from advocacy.cache import BuildCache
from advocacy.last_build import InputScan, Stat


class Resident:
    """The state of one site's builds in one process (`advocacy serve`)."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: BuildCache | None = None
        self._keys: dict[str, tuple[Stat, str]] = {}  # content file -> (its stat when read, the hash of its bytes)

    def cache(self) -> BuildCache:
        """The cache of the next build: loaded once, then kept as each build leaves it."""
        if self._cache is None:
            self._cache = BuildCache(self.root)
        else:
            self._cache.next_build()
        return self._cache

    def known_keys(self, scan: InputScan) -> dict[str, str]:
        """The key of each content file read before whose stat is still the same."""
        stats = scan.stats or {}
        return {name: key for name, (stat, key) in self._keys.items() if stats.get(name) == stat}

    def remember(self, scan: InputScan, keys: dict[str, str]) -> None:
        """Keep the keys a build read, of the files whose stat will show their next change."""
        settled = scan.settled()
        self._keys = {name: (settled[name], key) for name, key in keys.items() if name in settled}

    def close(self) -> None:
        """Save the cache for the next process."""
        if self._cache is not None:
            self._cache.save()
