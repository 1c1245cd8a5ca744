"""Which records' bodies a page read while it was rendered.

A page shows the front matter of many records (cards, lists, related rows)
but the body of a few (its own story, a testimonial's quote). Its fingerprint
(fingerprint.py) is made from what its context reaches, with each record's
front matter only, plus the bodies its last render read: an edit of a
story's text then renders the pages that show that text again, not every
list with the story's card.

Every read is noted: `Record.body` notes its record when read (templates,
the share box and structured data read it directly), and what is kept of a
render (a card, the HTML of a body) notes again, when taken from a memo or
a cache, the bodies it was made from (`made`, `replay`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
Reads = tuple[str, ...]  # record files, sorted

_reading: ContextVar[set[str] | None] = ContextVar("body_reads", default=None)


def note(path: str) -> None:
    """The body of the record of file `path` was read (by what is being rendered, if anything)."""
    reads = _reading.get()
    if reads is not None:
        reads.add(path)


@contextlib.contextmanager
def tracking() -> Iterator[set[str]]:
    """The bodies read inside the block; they count for a block around it too."""
    outer = _reading.get()
    reads: set[str] = set()
    token = _reading.set(reads)
    try:
        yield reads
    finally:
        _reading.reset(token)
        if outer is not None:
            outer.update(reads)


def made(make: Callable[[], T]) -> tuple[T, Reads]:
    """`make()`'s value, and the bodies it read: to keep with it, and `replay` when it is used."""
    with tracking() as reads:
        value = make()
    return value, tuple(sorted(reads))


def replay(reads: Reads) -> None:
    """A kept value made from these bodies is used again: they count as read."""
    for path in reads:
        note(path)
