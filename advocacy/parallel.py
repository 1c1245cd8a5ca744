"""Render pages on every core: chunks of pages go to forked worker processes
(see forked.py for when), which write them to the page store and send back
the cache entries they made (rendered Markdown, cards, kept pages), so that
the next build finds them.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable

from advocacy import body_reads, forked
from advocacy.content.records import Record
from advocacy.errors import Problem, Problems
from advocacy.kept_results import PageKeys
from advocacy.page_store import PageStore
from advocacy.pages import Page
from advocacy.render import Renderer
from advocacy.site import Term
from advocacy.write import Linked

# A page's cost is weighed in the items it lists: a story's page costs about as much as 20 cards
# of a list (3 ms against 0.15 ms at 4,000 stories), and a list of 4,000 stories about 200 pages.
PAGE_WEIGHT = 20
MIN_PAGES = 200  # fewer pages' worth than this render as fast in one process (see docs/performance.md)
CHUNK = 64  # pages' worth of work a worker takes at a time
Progress = Callable[[int, int], None]

# What the forked workers render: set just before the fork, read by _render_chunk.
_job: tuple[Renderer, list[Page], list[str | None], PageStore | None, PageKeys | None] | None = None


def render_pages(renderer: Renderer, pages: list[Page], fingerprints: list[str | None], store: PageStore | None,
                 keys: PageKeys | None, problems: Problems,
                 progress: Progress | None = None) -> list[bytes | Linked | None]:
    """Each page's bytes, or a link to them in the store (under the key `keys` gives its
    fingerprint and the bodies it read); None for a page that failed (with a problem)."""
    weights = [weight(page) for page in pages]
    workers = forked.workers_for(sum(weights), MIN_PAGES * PAGE_WEIGHT)
    if workers == 1:
        done = []
        for index, page in enumerate(pages):
            done.append(_render_one(renderer, page, fingerprints[index], store, keys, problems))
            if progress is not None:
                progress(index + 1, len(pages))
        return done
    global _job
    _job = (renderer, pages, fingerprints, store, keys)
    if renderer.cache is not None:
        renderer.cache.read_all()  # once, here, not in each worker
        gc.freeze()  # and like the rest of the cache, never walked by a collection (build_changed unfreezes)
        renderer.cache.drain()  # what this process put is its own; workers send back only theirs
    results: list[bytes | Linked | None] = [None] * len(pages)
    chunks = _chunks(weights, workers)
    finished = 0
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk, outcome, found, journal in pool.imap_unordered(_render_chunk, chunks):
                for index, data in zip(chunk, outcome):
                    results[index] = data
                problems.add(*found)
                if renderer.cache is not None:
                    for namespace, key, value in journal:
                        renderer.cache.put(namespace, key, value)
                finished += len(chunk)
                if progress is not None:
                    progress(finished, len(pages))
    finally:
        _job = None
    return results


def weight(page: Page) -> int:
    """What rendering the page costs, roughly, in items of a list (PAGE_WEIGHT for the page itself):
    the lists a rename makes again (every story's list, a topic's page) cost hundreds of pages.
    Only items count: the sitemap's lines of 9,000 pages cost little."""
    listed = 0
    for value in page.context.values():
        if isinstance(value, (list, tuple)):
            listed += sum(1 for item in value if isinstance(item, Record))
        elif isinstance(value, Term):
            listed += len(value.items)
    return PAGE_WEIGHT + listed


def _chunks(weights: list[int], workers: int) -> list[range]:
    """The pages in runs of about CHUNK pages' weight, or less when there is little work (a rename's
    hundred pages, some of them long lists), so that every worker gets some: a page heavier than
    a run is a run alone."""
    most = max(PAGE_WEIGHT, min(CHUNK * PAGE_WEIGHT, sum(weights) // (workers * 4)))
    chunks, start, total = [], 0, 0
    for index, page_weight in enumerate(weights):
        if index > start and total + page_weight > most:
            chunks.append(range(start, index))
            start, total = index, 0
        total += page_weight
    if start < len(weights):
        chunks.append(range(start, len(weights)))
    return chunks


def _render_one(renderer: Renderer, page: Page, fingerprint: str | None, store: PageStore | None,
                keys: PageKeys | None, problems: Problems) -> bytes | Linked | None:
    with body_reads.tracking() as reads:
        data = renderer.render(page, problems)
    if data is None or fingerprint is None or store is None or keys is None:
        return data
    key = keys.rendered(fingerprint, tuple(sorted(reads)))
    kept = store.put(key, data) if key is not None else None
    return kept if kept is not None else data


def _render_chunk(chunk: range) -> tuple[range, list[bytes | Linked | None], list[Problem], list]:
    """In a worker: render a chunk of the pages."""
    assert _job is not None
    renderer, pages, fingerprints, store, keys = _job
    problems = Problems()
    outcome = [_render_one(renderer, pages[i], fingerprints[i], store, keys, problems) for i in chunk]
    journal = renderer.cache.drain() if renderer.cache is not None else []
    return chunk, outcome, problems.items, journal
