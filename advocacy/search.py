"""The search index of /search/: Pagefind, run on one small document per item.

Each published story, video, testimonial and customer becomes a document
written for the indexer alone (its title, text, kind, customer, facets and
URL), so the index never depends on how a theme lays out its pages, and
what is left out of the site (drafts, even in a --drafts build, and
withheld items) is never indexed. The index is made of shards
(search_shards), each its own Pagefind bundle; a shard whose documents are
those of an earlier build is taken from the build's cache (search_store),
so a build re-runs Pagefind only for the shards that changed. The bundles
become part of the output before it is swapped in, so a failed build
publishes neither.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Customer, Record, Tagged
from advocacy.facets import FACET_PARAMS
from advocacy.search_bundle import stable_bundle
from advocacy.search_shards import lay_out, split
from advocacy.search_store import Manifest, ShardStore
from advocacy.site import Site
from advocacy.write import Linked

BUNDLE_DIR = "pagefind"  # published at /pagefind/
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
    return Indexing(documents, cache).run()


class Indexing:
    """The search index of one build: the shards Pagefind must index again, their runs, the bundle."""

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
        self._pool = ThreadPoolExecutor(max_workers=self._at_once)
        self._running: deque[tuple[int, Future[dict[str, bytes]]]] = deque()
        self._started: set[int] = set()  # the shards whose run was submitted
        self._failure: SearchUnavailable | None = None  # of a run `settle` waited for, raised by `run`
        self._closed = False  # the index is not wanted: runs still going keep nothing

    def start(self) -> None:
        """Start Pagefind in the background on the shards to index, if they are no more than
        can run at once (their documents are all in memory then): the build goes on meanwhile.
        Rendering a body is not for threads, so the documents are made here, in this thread."""
        if len(self.missing) <= self._at_once:
            for number in self.missing:
                self._submit(number)
            self._shards = []  # every document the runs need is made: the others leave memory

    def settle(self) -> None:
        """Wait for the runs `start` started, and let go of their threads (a process forked
        afterwards must not inherit a running thread); `run` then has nothing left to index."""
        try:
            while self._running:
                self._finish_first()
        except SearchUnavailable as exc:
            self._failure = exc
            self._closed = True
        if not self._shards or self._failure:  # every run was started, or one failed: no other will be
            self._pool.shutdown()

    def close(self) -> None:
        """Let go of the runs' threads (once the index is made, or given up: then the runs not
        started are cancelled, and those going on end on their own, leaving nothing behind)."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self) -> dict[str, bytes | Linked]:
        """The bundle, once every shard to index is indexed. A shard's documents are made just before
        its run, so that only the shards being indexed have theirs in memory."""
        if self._failure is not None:
            raise self._failure
        try:
            for number in self.missing:
                if number in self._started:
                    continue
                if len(self._running) == self._at_once:
                    self._finish_first()
                self._submit(number)
            while self._running:
                self._finish_first()
        except BaseException:
            self._closed = True  # the runs still going end on their own, and keep nothing
            raise
        finally:
            self._pool.shutdown()
        if not self._keys:
            return {}  # Pagefind builds no index of nothing; the search page then says search is unavailable
        if self._store is not None:
            self._store.prune()
        if self.missing:
            for folder in (_MEMORY_FOLDER, Path(tempfile.gettempdir())):
                _remove_abandoned_runs(folder)
        return lay_out(self._bundles, f"{BUNDLE_DIR}/")

    def _submit(self, number: int) -> None:
        self._started.add(number)
        texts = {name: document.make() for name, document in self._shards[number].items()}
        self._running.append((number, self._pool.submit(self._index, self._keys[number], texts)))

    def _index(self, key: str, texts: dict[str, str]) -> tuple[dict[str, bytes], Manifest | None]:
        """In a run's thread: the bundle of `texts`, and its files as the store wrote them, if it did."""
        bundle = run_pagefind(texts)
        return bundle, self._store.write(key, bundle) if self._store is not None and not self._closed else None

    def _finish_first(self) -> None:
        number, run = self._running.popleft()
        bundle, written = run.result()
        kept = self._store.keep(self._keys[number], written) if self._store is not None and written else None
        self._bundles[number] = kept or bundle  # the kept files, linked into the output, or the bytes


def run_pagefind(documents: dict[str, str]) -> dict[str, bytes]:
    """One Pagefind run over `documents`: path in the bundle -> bytes, in a reproducible form."""
    binary = pagefind_binary()
    size = sum(len(html) for html in documents.values())
    with tempfile.TemporaryDirectory(prefix=_SCRATCH_PREFIX, dir=_scratch_folder(size)) as temp:
        source, bundle = Path(temp) / "site", Path(temp) / "bundle"
        for name, html in documents.items():
            file = source / name
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(html, encoding="utf-8")
        command = [str(binary), "--site", str(source), "--output-path", str(bundle), "--silent"]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchUnavailable(f"Pagefind could not run: {exc}") from None
        if run.returncode != 0 or not (bundle / "pagefind.js").is_file():
            detail = (run.stderr or run.stdout).strip().splitlines()
            raise SearchUnavailable("Pagefind failed" + (f": {detail[-1]}" if detail else ""))
        files = {path: file.read_bytes() for file in sorted(bundle.rglob("*"))
                 if file.is_file() and not (path := file.relative_to(bundle).as_posix()).startswith(_UNUSED)}
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


def _remove_abandoned_runs(folder: Path) -> None:
    """Remove the files of Pagefind runs in `folder` whose build was killed (a run ends within
    _TIMEOUT): in the memory folder they would hold memory until the next restart. Another
    user's are private to them (made 0700), so they stay."""
    too_old = time.time() - 2 * _TIMEOUT
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
