"""What a build keeps for the next, and the key it is kept under.

A rendered page is kept under its fingerprint (fingerprint.py) and the bytes
of the records whose bodies its render read (body_reads.py): so an edit of a
story's text renders its own page again, not the lists that show its card.
What one record alone makes (its cards, their facet attributes) is kept
under the record's fingerprint and the build's global one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from advocacy import body_reads
from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Record
from advocacy.fingerprint import Fingerprints

T = TypeVar("T")

BODY_READS = "body-reads"  # of the build cache: a page fingerprint -> the files whose bodies its render read


class PageKeys:
    """The key a rendered page is kept under: its fingerprint, and the bytes of the records whose
    bodies its render read (body_reads.py), which are kept by fingerprint. A render with the same
    fingerprint, given the same bodies, reads the same bodies and makes the same bytes: so a page
    whose key is known and kept need not be rendered."""

    def __init__(self, cache: BuildCache, files: dict[str, str]):
        self._cache = cache
        self._files = files  # a record's file -> the hash of its bytes
        cache.keep_unused(BODY_READS)  # as the pages they key

    def known(self, fingerprint: str) -> str | None:
        """The key of a page with this fingerprint, as its last render read; None before any render."""
        reads = self._cache.get(BODY_READS, fingerprint)
        return None if reads is None else self._key(fingerprint, reads)

    def rendered(self, fingerprint: str, reads: tuple[str, ...]) -> str | None:
        """The key of a page with this fingerprint whose render read these bodies (kept for later builds)."""
        self._cache.put(BODY_READS, fingerprint, reads)
        return self._key(fingerprint, reads)

    def _key(self, fingerprint: str, reads: tuple[str, ...]) -> str | None:
        parts = [fingerprint]
        for path in reads:
            key = self._files.get(path)
            if key is None:
                return None  # a body of no known file: the page is rendered every time
            parts += (path, key)
        return content_hash(*parts)


class RecordResults:
    """What is made from one record alone (a card, a search document), kept between
    builds in `namespace` of the cache, under the record's fingerprint and the
    build's global one: made again when either changes."""

    def __init__(self, cache: BuildCache, fingerprints: Fingerprints, namespace: str, made_with: str = ""):
        self._cache = cache
        self._fingerprints = fingerprints
        self._namespace = namespace
        self._made_with = made_with  # what else the results are made from (the templates of cards)
        cache.keep_unused(namespace)  # a build that renders a few pages asks for a few of them

    def get(self, record: Record, options: str, make: Callable[[], T]) -> T:
        """The kept result for `record` made with `options`, or `make()`'s, then kept. Either way,
        the bodies it was made from count as read (body_reads.py)."""
        fingerprint = self._fingerprints.of_record(record)
        if fingerprint is None:
            return make()
        key = content_hash(self._fingerprints.global_fingerprint, self._made_with, options, fingerprint)
        value, reads = self._cache.get_or_make(self._namespace, key, lambda: body_reads.made(make))
        body_reads.replay(reads)
        return value
