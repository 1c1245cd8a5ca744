"""Files replaced whole: a reader sees the old bytes or the new ones, never half.

A writer writes a temporary file beside the target, named for the target and
its own process, and renames it over the target. A writer killed on the way
leaves its temporary file behind. While it writes, it holds a kernel lock
(flock) on that file, and the kernel drops the lock when the process dies:
so a later build tells a file that nobody writes any more from one that
another build is writing right now, and removes only the first.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no flock; an unfinished file counts as abandoned after a day
    fcntl = None  # type: ignore[assignment]

# named like all of advocacy's own files in a site folder, which git ignores (/.advocacy-*)
_TEMPORARY = re.compile(r"\.advocacy-(?P<target>.+)\.\d+\.tmp")
_UNLOCKED_AGE_SECONDS = 86400


def write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Make `path` hold what `write` writes to the file it is given, all at once.
    Raises OSError (and leaves no temporary file) where it cannot."""
    temporary = path.with_name(f".advocacy-{path.name}.{os.getpid()}.tmp")
    try:
        with _locked(temporary) as file:
            write(file)
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _locked(temporary: Path) -> Iterator[BinaryIO]:
    """`temporary`, made and locked. A cleaner that found it unlocked in the instant
    between the two may have removed it: then it is made again."""
    for _ in range(3):
        with temporary.open("wb") as file:
            if fcntl is None:
                yield file
                return
            fcntl.flock(file, fcntl.LOCK_EX)  # held until the file is closed, or its writer dies
            try:
                still_there = os.stat(temporary).st_ino == os.fstat(file.fileno()).st_ino
            except FileNotFoundError:
                still_there = False
            if still_there:
                yield file
                return
    raise OSError(f"{temporary} is removed as soon as it is made")


def is_temporary(name: str, target: str | None = None) -> bool:
    """Whether `name` is the temporary file of a writer (of `target` only, if given)."""
    match = _TEMPORARY.fullmatch(name)
    return match is not None and (target is None or match["target"] == target)


def remove_if_abandoned(path: Path) -> None:
    """Remove the temporary file `path` if no writer holds it (killed before it finished)."""
    if fcntl is None:
        try:
            if time.time() - path.lstat().st_mtime > _UNLOCKED_AGE_SECONDS:
                path.unlink()
        except OSError:
            pass
        return
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink()  # while locked: a writer that locks it next sees it gone, and makes it again
    except OSError:
        return  # its writer still holds it, or it is gone
    finally:
        os.close(descriptor)


def remove_abandoned(folder: Path, target: str | None = None) -> None:
    """Remove the temporary files in `folder` (of `target` only, if given) that no writer holds."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if is_temporary(entry.name, target):
            remove_if_abandoned(Path(entry.path))
