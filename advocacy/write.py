"""Files -> the output folder, all at once.

The new site is written to a staging folder beside the output and swapped in
with one rename, so a failed or killed build leaves the previous site as it
was, and files left from an earlier build (an unpublished draft) disappear.
Files that did not change are not written again: the staging folder gets a
hard link to them (to a kept page, or to the previous output's copy of a
static file), or a copy where the file system has no hard links.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat as stat_mode
import tempfile
from dataclasses import dataclass
from pathlib import Path

from advocacy.errors import UsageError

MARKER = ".advocacy-output"
STAGING_PREFIX = ".advocacy-staging-"
_MARKER_TEXT = b"This folder is made by `advocacy build` and replaced whole on every build.\n"


def check_output_dir(root: Path, output: Path) -> None:
    """Refuse an output folder whose replacement would lose a marketer's work."""
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents:
        raise UsageError(f"the output folder {output} would hold the site folder itself; "
                         "choose a folder inside it, such as output/")
    for source in ("content", "static", "themes"):
        folder = root / source
        if output == folder or folder in output.parents:
            raise UsageError(f"the output folder {output} is inside {source}/, which the build reads; "
                             "choose another folder, such as output/")
    if (output / "advocacy.yaml").exists() or (output / "content").is_dir():
        raise UsageError(f"the output folder {output} holds a site (advocacy.yaml or content/); "
                         "choose another folder")
    if output.exists() and not output.is_dir():
        raise UsageError(f"the output path {output} is a file, not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise UsageError(f"the output folder {output} is not empty and was not made by advocacy; "
                         "empty it or choose another folder, so that nothing in it is lost")


@dataclass(frozen=True)
class Linked:
    """A file to hard-link into the output as it is (a kept page): never to be changed in place."""

    path: Path


def write_output(output: Path, files: dict[str, bytes | Path | Linked]) -> None:
    """Write `files` (output path -> bytes, a file to copy, or a file to link) as the new output folder."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(output)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{output.name}-", dir=output.parent))
    made: set[Path] = set()
    try:
        for rel, data in files.items():
            target = staging / _inside(rel)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if isinstance(data, Linked):
                _link_or_copy(data.path, target)
            elif isinstance(data, Path):
                _copy_static(data, output / rel, target)
            else:
                target.write_bytes(data)
        (staging / MARKER).write_bytes(_MARKER_TEXT)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
        _swap_in(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _inside(rel: str) -> str:
    """`rel` if it names a file inside the output folder. Said from its text alone: the
    staging folder is new, and holds only the folders and files made here, no links."""
    norm = os.path.normpath(rel)
    if os.path.isabs(norm) or norm in (".", "..") or norm.startswith("../"):
        raise ValueError(f"refusing to write outside the output folder: {rel}")
    return norm


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)


def _copy_static(source: Path, previous: Path, target: Path) -> None:
    """A copy of `source` with its change time, or a link to the previous output's copy
    when that one has the source's size and change time (as this function left it)."""
    stat = source.stat()
    try:
        old = previous.lstat()
        if stat_mode.S_ISREG(old.st_mode) and (old.st_size, old.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            os.link(previous, target)
            return
    except OSError:
        pass
    shutil.copyfile(source, target)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _remove_stale_staging(output: Path) -> None:
    """Staging folders left by a build that was killed before its swap."""
    for stale in output.parent.glob(f"{STAGING_PREFIX}{output.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _swap_in(staging: Path, output: Path) -> None:
    """Make `staging` the output; afterwards `staging` holds the old site, if any."""
    if not output.exists():
        os.rename(staging, output)
        return
    if _exchange(staging, output):
        return
    # No atomic exchange here: two renames, with a moment in between.
    old = staging.with_name(staging.name + "-old")
    os.rename(output, old)
    os.rename(staging, output)
    os.rename(old, staging)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
