"""The search index of /search/: Pagefind, run on one small document per item.

Each published story, video, testimonial and customer becomes a document
written for the indexer alone (its title, text, kind, customer, facets and
URL), so the index never depends on how a theme lays out its pages, and
what is left out of the site (drafts, even in a --drafts build, and
withheld items) is never indexed. The index is made of shards
(search_shards), each its own Pagefind bundle; a shard whose documents are
those of an earlier build is taken from the build's cache (search_store),
so a build runs Pagefind (pagefind_run) only for the shards that changed.
The bundles become part of the output before it is swapped in, so a failed
build publishes neither.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Customer, Record, Tagged
from advocacy.facets import FACET_PARAMS
from advocacy.pagefind_run import PagefindRun, SearchUnavailable, pagefind_binary, remove_abandoned_runs
from advocacy.paths import remove
from advocacy.search_shards import lay_out, split
from advocacy.search_store import ShardStore
from advocacy.site import Site
from advocacy.write import Linked

BUNDLE_DIR = "pagefind"  # published at /pagefind/


@dataclass(frozen=True)
class Document:
    """An indexer input, made only when its shard is indexed again. `key` is what it is
    made from, as one hash (the same key, the same text): its record's fingerprint, or
    the hash of the text itself."""

    key: str
    make: Callable[[], str]

    @classmethod
    def of_text(cls, text: str) -> Document:
        return cls(content_hash(text), lambda: text)


def search_documents(site: Site, url: Callable[[Record], str], body: Callable[[Record], Markup],
                     record_key: Callable[[Record], str | None] | None = None) -> dict[str, Document]:
    """Indexer input: file name -> document, one per item a prospect may find. The name is
    <customer>/<kind>/<slug>.html, so that a customer and its items share a shard. With
    `record_key` (what a record's document is made from, as one hash), a document of a
    shard that needs no indexing is never made."""
    documents = {}
    for kind in ("stories", "videos", "testimonials", "customers"):
        for record in site.published(kind):
            if isinstance(record, Tagged) and record.is_draft:
                continue  # shown in a --drafts preview, never findable
            customer = record if isinstance(record, Customer) else site.customer_of(record)
            make = functools.partial(_document, site, record, url, body)
            key = record_key(record) if record_key is not None else None
            documents[f"{customer.slug}/{kind}/{record.slug}.html"] = (
                Document(key, make) if key is not None else Document.of_text(make()))
    return documents


def _document(site: Site, record: Record, url: Callable[[Record], str], body: Callable[[Record], Markup]) -> str:
    kind = {"stories": "Story", "videos": "Video", "testimonials": "Testimonial", "customers": "Customer"}[record.kind]
    customer = record if isinstance(record, Customer) else site.customer_of(record)
    title = getattr(record, "title", None) or (
        f"{record.author}, {customer.name}" if kind == "Testimonial" else customer.name)
    # what the page shows besides the body: summary, pull quote, key numbers
    quote = getattr(record, "quote", None)
    texts = [getattr(record, "summary", None), quote.text if quote else None,
             *(f"{m.value} {m.label}" for m in getattr(record, "metrics", ()))]
    lead = "".join(f"<p>{escape(text)}</p>" for text in texts if text)
    meta = {"title": title, "url": url(record), "kind": kind, "customer": customer.name}
    filters: list[tuple[str, str]] = [("kind", kind)]
    for key, param in FACET_PARAMS:
        filters += [(param, term.name) for term in site.terms_of(record, key)]
    tags = "".join(_tag("meta", k, v) for k, v in meta.items()) + "".join(_tag("filter", k, v) for k, v in filters)
    return (f'<!doctype html><html lang="{escape(site.config.language)}"><head><title>{escape(title)}</title></head>'
            f'<body data-pagefind-body>{tags}<h1>{escape(title)}</h1>{lead}{body(record)}</body></html>')


@functools.lru_cache(maxsize=8192)
def _tag(role: str, key: str, value: str) -> str:
    """A tag giving Pagefind a meta or filter value; kept, since most recur in many documents."""
    return f'<meta data-pagefind-{role}="{escape(key)}[content]" content="{escape(value)}">'


def build_index(documents: dict[str, Document], cache: BuildCache | None = None) -> dict[str, bytes | Linked]:
    """The search index of `documents`: output path under pagefind/ -> bytes, or with a build cache
    the kept file to link; Pagefind runs only for the shards whose documents changed since a build
    it kept."""
    indexing = Indexing(documents, cache)
    try:
        return indexing.run()
    finally:
        indexing.close()


class Indexing:
    """The search index of one build: the shards Pagefind must index again, their runs, the bundle.
    A run is a Pagefind process, not a thread: it goes on beside whatever the build does meanwhile
    (fingerprints, rendering, forked workers) without taking turns with it for Python's lock."""

    def __init__(self, documents: dict[str, Document], cache: BuildCache | None = None):
        self._shards = split(documents)
        binary = pagefind_binary().stat() if self._shards else None  # another Pagefind writes other bundles
        indexer = f"{binary.st_size}:{binary.st_mtime_ns}" if binary is not None else ""
        self._keys = [content_hash(indexer, *(part for name, document in sorted(shard.items())
                                              for part in (name, document.key))) for shard in self._shards]
        self._store = ShardStore(cache) if cache is not None else None
        self._bundles = [self._store.get(key) if self._store is not None else None for key in self._keys]
        self.missing = [number for number, bundle in enumerate(self._bundles) if bundle is None]
        # A Pagefind run is partly serial (start, reading, writing): one per core at once keeps them busy.
        self._at_once = os.cpu_count() or 1
        self._running: deque[tuple[int, PagefindRun]] = deque()
        self._started: set[int] = set()  # the shards whose run was started
        self._into: dict[int, Path | None] = {}  # shard -> the store's folder its run writes the bundle in
        self._failure: SearchUnavailable | None = None  # of a run that could not start early: `run` raises it

    def start(self) -> None:
        """Start Pagefind on the shards to index, if they are no more than can run at once (their
        documents are all in memory then): the build goes on meanwhile."""
        if len(self.missing) <= self._at_once:
            try:
                for number in self.missing:
                    self._start(number)
            except SearchUnavailable as exc:
                self._failure = exc
                self.close()
            self._shards = []  # every document the runs need is written: the others leave memory

    def close(self) -> None:
        """Stop the runs still going (the index is made, or given up), and remove their files."""
        while self._running:
            self._running.popleft()[1].stop()
        for into in self._into.values():
            if into is not None:
                remove(into)
        self._into.clear()

    def run(self) -> dict[str, bytes | Linked]:
        """The bundle, once every shard to index is indexed. A shard's documents are made just before
        its run, so that only the shards being indexed have theirs in memory."""
        if self._failure is not None:
            raise self._failure
        for number in self.missing:
            if number in self._started:
                continue
            if len(self._running) == self._at_once:
                self._finish_first()
            self._start(number)
        while self._running:
            self._finish_first()
        if not self._keys:
            return {}  # Pagefind builds no index of nothing; the search page then says search is unavailable
        if self._store is not None:
            self._store.prune()
        if self.missing:
            remove_abandoned_runs()
        return lay_out(self._bundles, f"{BUNDLE_DIR}/")

    def _start(self, number: int) -> None:
        self._started.add(number)
        texts = {name: document.make() for name, document in self._shards[number].items()}
        # with a store, Pagefind writes the bundle in the folder that keeps it
        into = self._into[number] = self._store.new_folder(self._keys[number]) if self._store is not None else None
        self._running.append((number, start_pagefind(texts, into)))  # (close removes `into` if this fails)

    def _finish_first(self) -> None:
        number, run = self._running.popleft()
        into = self._into.pop(number)
        try:
            bundle = run.bundle()  # a run that fails has stopped itself
            if self._store is None:
                self._bundles[number] = bundle
                return
            kept = self._store.put(self._keys[number], bundle, into)
            # the kept files, linked into the output, or (the store could not keep them) the bytes
            self._bundles[number] = kept or _in_memory(bundle)
        finally:
            if into is not None:
                remove(into)  # what was not kept (a kept bundle's folder has its own name by now)


def _in_memory(bundle: dict[str, bytes | Path]) -> dict[str, bytes]:
    try:
        return {path: data.read_bytes() if isinstance(data, Path) else data for path, data in bundle.items()}
    except OSError as exc:
        raise SearchUnavailable(f"the search index could not be read back: {exc}") from None


start_pagefind = PagefindRun  # how Indexing starts a run (tests put a stand-in here)
