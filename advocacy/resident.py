"""What a long-running preview keeps between its builds, so that a build after
one saved file does not start from the disk again:

- the build cache, in memory (saved when the preview stops);
- the last good build's site and renderer, so that the page of an edited story
  or video is made first, from the new file and the last build, in a few
  milliseconds: the preview shows it while the whole build runs, which then
  gives every page, that one included, exactly as `advocacy build` would.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from advocacy.cache import BuildCache, content_hash
from advocacy.content.load import front_key, load_file
from advocacy.content.schema import KINDS
from advocacy.errors import Problems
from advocacy.pages import story_or_video_page

if TYPE_CHECKING:
    from advocacy.fingerprint import Fingerprints
    from advocacy.render import Renderer
    from advocacy.site import Site

# What an edit may change for its page to be made first: what the page shows of the
# item, never which pages exist, which lists or topics hold it, or what ranks beside it
# (not the title: it orders the stories of one date, and the related stories follow that order).
TEXT_FIELDS = frozenset({"body", "body_line", "lines", "summary", "quote", "metrics", "people",
                         "image_alt", "duration"})
FIRST_PAGE_KINDS = ("stories", "videos")


class Resident:
    """The state of one site's builds in one process (`advocacy serve`)."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: BuildCache | None = None
        self._built_keys: dict[str, str] = {}  # content file -> its key in the last build
        self._last: tuple[Site, Renderer, Fingerprints | None] | None = None  # of the last build, if it succeeded

    def cache(self) -> BuildCache:
        """The cache of the next build: loaded once, then kept as each build leaves it."""
        self._last = None  # until this build succeeds
        if self._cache is None:
            self._cache = BuildCache(self.root)
        else:
            self._cache.next_build()
        return self._cache

    def remember(self, keys: dict[str, str]) -> None:
        """The key of each content file as the build read it: the first page compares with it."""
        self._built_keys = dict(keys)

    def remember_build(self, site: Site, renderer: Renderer, fingerprints: Fingerprints | None) -> None:
        """The build succeeded: its site, renderer and fingerprints make the first page after the next edit."""
        self._last = site, renderer, fingerprints

    @property
    def holds_last_build(self) -> bool:
        """Whether the last build's site is here to make first pages from. Until it is, a build
        with nothing changed is made all the same (from the cache, rendering nothing), so that
        the first edit after the preview starts shows first too, and finds the cache in memory."""
        return self._last is not None

    def first_pages(self, changed: list[str]) -> dict[str, bytes]:
        """The page of the one story or video whose file `changed`, made from the last
        build and the file's new text (output file -> bytes). Empty when the edit is
        more than text (see TEXT_FIELDS), has a mistake, or is of anything else."""
        existing = [path for path in changed if (self.root / path).exists()]
        if len(existing) != 1 or any(path in self._built_keys for path in changed if path not in existing):
            return {}  # more than one file, or a file deleted (an editor's own temporary files aside)
        rel = existing[0]
        parts = rel.split("/")
        if self._last is None or self._cache is None or len(parts) != 3 or parts[0] != "content" \
                or parts[1] not in FIRST_PAGE_KINDS:
            return {}
        site, renderer, fingerprints = self._last
        kind = parts[1]
        shown = next((item for item in site.published(kind) if item.path == rel), None)
        before = self._cache.get("content", self._built_keys.get(rel, ""))
        if shown is None or before is None:  # a new file, or one the last build did not load (a link outside)
            return {}
        try:
            raw = (self.root / rel).read_bytes()
        except OSError:
            return {}
        problems = Problems()
        after = load_file(raw, rel, KINDS[kind], problems)
        if problems.items or type(after) is not type(before[0]):
            return {}
        edited = {field.name for field in dataclasses.fields(after)
                  if repr(getattr(after, field.name)) != repr(getattr(before[0], field.name))}
        if not edited or not edited <= TEXT_FIELDS:
            return {}
        if fingerprints is not None:  # its cards (in a theme that shows one) are kept under the new text
            key = content_hash(kind, rel, raw)
            fingerprints.reread(rel, key, front_key(kind, rel, raw, key, after.body))
        page = story_or_video_page(site, dataclasses.replace(shown, **{name: getattr(after, name) for name in edited}))
        data = renderer.render(page, problems)
        return {page.output: data} if data is not None and not problems.items else {}

    def close(self) -> None:
        """Save the cache for the next process."""
        if self._cache is not None:
            self._cache.save()
