"""One build at a time per output folder.

Two builds writing the same output would remove each other's staging folder
(write.py clears those a killed build left). So a build holds an exclusive
lock on the folder that holds its output, where the staging folders and the
swap live, for as long as it runs; a second build waits for it, and says so.
The lock is the kernel's (flock), so it goes away with the process even when
the process is killed: there is no lock file to clean up.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; builds there are not serialised
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def output_lock(output: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the lock of `output` (made if missing: its parent folder) for the
    body of the with block; `on_wait` is called once if another build holds it."""
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    descriptor = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the lock
