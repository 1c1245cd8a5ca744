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

import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from advocacy.cache import BuildCache, content_hash
from advocacy.content.records import Customer, Record, Tagged
from advocacy.facets import FACET_PARAMS
from advocacy.paths import remove
from advocacy.search_bundle import rewritten, stable_bundle
from advocacy.search_shards import lay_out, split
from advocacy.search_store import ShardStore
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
            for folder in (_MEMORY_FOLDER, Path(tempfile.gettempdir())):
                _remove_abandoned_runs(folder)
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


def _in_memory(bundle: dict[str, bytes | Path]) -> dict[str, bytes]:
    try:
        return {path: data.read_bytes() if isinstance(data, Path) else data for path, data in bundle.items()}
    except OSError as exc:
        raise SearchUnavailable(f"the search index could not be read back: {exc}") from None


def _stable(files: dict[str, bytes]) -> dict[str, bytes]:
    try:
        return stable_bundle(files)
    except (ValueError, IndexError, KeyError, TypeError, EOFError, OSError):
        return files  # a Pagefind of another format: it works, only not byte-reproducible


start_pagefind = PagefindRun  # how Indexing starts a run (tests put a stand-in here)


def run_pagefind(documents: dict[str, str]) -> dict[str, bytes]:
    """One Pagefind run over `documents`: path in the bundle -> bytes, in a reproducible form."""
    return start_pagefind(documents).bundle()  # type: ignore[return-value] - no `into`: bytes only


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
