"""Work spread over every core with forked processes.

Forking copies the parent's data for free: a worker needs only the index of
its piece of work, and sends back the result. It is used on Linux (where fork
is the default and safe), for enough pieces of work to pay for the workers,
and only when this process runs no other thread (a preview server's thread
could hold a lock at the fork).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

CHUNK = 64

# What the forked workers run: set just before the fork, read by _run_chunk.
_work: Callable | None = None


def workers_for(count: int, minimum: int) -> int:
    """How many processes to do `count` pieces of work with: 1 where a pool would not pay."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if count < minimum or cpus < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    return min(cpus, 8)


def fork_map(work: Callable[[Item], Result], items: Sequence[Item], minimum: int = 200) -> list[Result]:
    """[work(item) for item in items], on every core when there are at least `minimum` items.
    Results come back pickled: they must be picklable."""
    workers = workers_for(len(items), minimum)
    if workers == 1:
        return [work(item) for item in items]
    global _work
    _work = lambda chunk: [work(items[index]) for index in chunk]  # noqa: E731 - forked, never pickled
    chunks = [range(start, min(start + CHUNK, len(items))) for start in range(0, len(items), CHUNK)]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return [result for done in pool.map(_run_chunk, chunks) for result in done]
    finally:
        _work = None


def _run_chunk(chunk: range) -> list:
    assert _work is not None
    return _work(chunk)
