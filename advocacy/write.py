"""Files -> the output folder, all at once (given in parts: a build writes its pages
while Pagefind still indexes, then the search index).

The new site is made in a second folder beside the output and swapped in
with one atomic rename, so a failed or killed build leaves the previous
site as it was, and files left from an earlier build (an unpublished draft)
disappear.

The second folder is kept between builds: after the swap it holds the site
the output held, and the next build turns it into its own site by changing
only what differs, then swaps again. Making a whole folder tree anew each
time would cost a folder per page (a 4,000-story site has 9,000, about 2.5 s
to make and as long to remove); most builds change a few files. Every file
of the kept folder is checked before it is kept (a link to the same kept
page, a copy of a static file as it is now, the same bytes), so
one that was altered or half-written by a killed build is made again.
A copy of a static file is checked by its bytes, unless the build vouches
for it (`unchanged_copies`: its source and the copy are both as the last
build left them), so that a large static/ folder is not read at every build.
A file is never changed in place: it may be a hard link to a page the
output shows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat as stat_mode
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from advocacy.errors import UsageError
from advocacy.paths import Stat, remove, stat_of

if TYPE_CHECKING:
    from advocacy.folders_ahead import FoldersAhead

MARKER = ".advocacy-output"
SPARE_PREFIX = ".advocacy-previous-"  # the folder beside the output that the next build turns into its site
_MARKER_TEXT = b"This folder is made by `advocacy build` and replaced whole on every build.\n"


def spare_folder(output: Path) -> Path:
    """Where the site the output held before the last build is kept, for the next build to update."""
    return output.parent / f"{SPARE_PREFIX}{output.name}"


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
    """A file to hard-link into the output as it is (a kept page): never to be changed in place.
    `inode` is the file's (st_dev, st_ino), when whoever made it had them at hand."""

    path: Path
    inode: tuple[int, int] | None = None


def write_output(output: Path, files: dict[str, bytes | Path | Linked]) -> dict[str, Stat]:
    """Make `files` (output path -> bytes, a file to copy, or a file to link) the output folder.
    Returns the stat of every file of the new output, as it stands (no second walk needed)."""
    writer = OutputWriter(output)
    writer.add(files)
    return writer.finish()


class OutputWriter:
    """The output folder made from files given in parts (the pages, then the search index once
    Pagefind has made it): the kept folder beside the output becomes exactly the files added,
    and `finish` swaps it in. Nothing of the output changes before then."""

    def __init__(self, output: Path, ahead: FoldersAhead | None = None,
                 unchanged_copies: dict[str, Stat] | None = None):
        """`ahead`: the process making the kept folder's folders, if one was started (folders_ahead.py).
        `unchanged_copies`: output path -> the stat of a copy that is its source's copy as long as it has
        that stat (last_build.unchanged_copies); any other copy is compared with its source byte for byte."""
        self._unchanged = unchanged_copies or {}
        if ahead is not None:
            ahead.wait()
        self._output = output.resolve()
        self._output.parent.mkdir(parents=True, exist_ok=True)
        self._spare = spare_folder(self._output)
        half_swapped = self._spare.with_name(self._spare.name + "-old")  # left by a build killed in _swap_in
        if half_swapped.exists() or half_swapped.is_symlink():
            remove(half_swapped)
        if self._spare.is_symlink() or (self._spare.exists() and not self._spare.is_dir()):
            self._spare.unlink()
        self._spare.mkdir(exist_ok=True)
        self._found, self._folders = _scan(self._spare)  # what the kept folder holds and no part named yet
        self._needed: set[str] = set()  # the folders the parts added need
        self._stats: dict[str, Stat] = {}  # the files added, as they stand
        self.add({MARKER: _MARKER_TEXT})

    def add(self, files: dict[str, bytes | Path | Linked]) -> None:
        """Put `files` in the kept folder; a path given before, or where a part added before
        has a folder, or a file, is refused (ValueError)."""
        targets = {inside_output(rel): data for rel, data in files.items()}
        needed = {parent for rel in targets for parent in parents(rel)} - self._needed
        clashes = [rel for rel in targets if rel in self._stats or rel in self._needed] + \
            [rel for rel in needed if rel in self._stats or rel in targets]
        if clashes:
            raise ValueError(f"two output files at one path: {clashes[0]}")
        spare = self._spare
        for rel in needed & self._found.keys():  # a file where a folder goes
            os.unlink(spare / rel)
            del self._found[rel]
        for rel in targets.keys() & self._folders:  # a folder where a file goes: whatever is in it goes too
            shutil.rmtree(spare / rel)
            self._forget(rel)
        for rel in sorted(needed - self._folders):  # parents before their children
            os.mkdir(spare / rel)
            self._folders.add(rel)
        self._needed |= needed
        for rel, data in targets.items():
            old = self._found.pop(rel, None)
            if old is not None:
                # A copy of a source the build vouches for is kept by its stat alone; if the kept folder's
                # copy is another file, it is replaced by a link to the output's, and kept at the next build.
                vouched = self._unchanged.get(rel)
                kept = stat_of(old) == vouched if vouched is not None else _same(old, data, spare, rel)
                if kept:
                    self._stats[rel] = stat_of(old)  # most files of a build: no Path is made for them
                    continue
                os.unlink(spare / rel)
            target = spare / rel
            if isinstance(data, Linked):
                _link_or_copy(data.path, target)
            elif isinstance(data, Path):
                _copy_static(data, self._output / rel, target, self._unchanged.get(rel))
            else:
                target.write_bytes(data)
            self._stats[rel] = stat_of(os.lstat(target))

    def finish(self) -> dict[str, Stat]:
        """Remove what no part named, and swap the folder in as the output: the stat of each of
        its files (moving the folder changes nothing of them)."""
        for rel in self._found:
            os.unlink(self._spare / rel)
        for rel in sorted(self._folders - self._needed, key=len, reverse=True):  # the deepest first
            os.rmdir(self._spare / rel)  # emptied above: every file under it is gone
        os.chmod(self._spare, 0o755)  # a web server must read it
        _swap_in(self._spare, self._output)
        return self._stats

    def _forget(self, folder: str) -> None:
        """What the kept folder held under `folder`, removed with it."""
        inside = folder + "/"
        self._found = {rel: stat for rel, stat in self._found.items() if not rel.startswith(inside)}
        self._folders = {rel for rel in self._folders if rel != folder and not rel.startswith(inside)}


def inside_output(rel: str) -> str:
    """`rel` if it names a file inside the output folder. Said from its text alone: the
    kept folder is scanned and holds only real folders and files, no links, by then."""
    norm = os.path.normpath(rel)
    if os.path.isabs(norm) or norm in (".", "..") or norm.startswith("../"):
        raise ValueError(f"refusing to write outside the output folder: {rel}")
    return norm


def _scan(folder: Path) -> tuple[dict[str, os.stat_result], set[str]]:
    """Every file (anything not a folder, links included, never followed) and folder under `folder`."""
    files: dict[str, os.stat_result] = {}
    folders: set[str] = set()
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(rel)
                    pending.append((rel + "/", entry.path))
                else:
                    files[rel] = entry.stat(follow_symlinks=False)
    return files, folders


def parents(rel: str) -> list[str]:
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _same(old: os.stat_result, data: bytes | Path | Linked, spare: Path, rel: str) -> bool:
    """Whether the kept file `rel` of the folder `spare` (whose lstat is `old`) already is `data`."""
    if not stat_mode.S_ISREG(old.st_mode):
        return False
    try:
        if isinstance(data, Linked):
            inode = data.inode or _inode(data.path.stat())
            return (old.st_dev, old.st_ino) == inode
        if isinstance(data, Path):
            return _copy_of(data, data.stat(), spare / rel, old)
        return old.st_size == len(data) and (spare / rel).read_bytes() == data
    except OSError:
        return False


def _inode(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_dev, stat.st_ino


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)


def _copy_of(source: Path, source_stat: os.stat_result, copy: Path, copy_stat: os.stat_result) -> bool:
    """Whether `copy` is a copy of `source` as it is now: of its size and modification time (which
    `_copy_static` gives it) and its bytes. The bytes too: `cp -p`, `rsync -t` and archives write a
    file with its old modification time, and the copy's other times move with every link made to it."""
    return (stat_mode.S_ISREG(copy_stat.st_mode)
            and (copy_stat.st_size, copy_stat.st_mtime_ns) == (source_stat.st_size, source_stat.st_mtime_ns)
            and _same_bytes(source, copy))


def _same_bytes(a: Path, b: Path) -> bool:
    """(Not filecmp.cmp: it remembers its answers by size and modification time.)"""
    with a.open("rb") as first, b.open("rb") as second:
        while True:
            block = first.read(1 << 20)
            if block != second.read(1 << 20):
                return False
            if not block:
                return True


def _copy_static(source: Path, previous: Path, target: Path, unchanged: Stat | None = None) -> None:
    """A copy of `source` with its modification time, or a link to the previous output's copy
    when that one is a copy of it as it is now (vouched for by its stat being `unchanged`, or
    compared)."""
    stat = source.stat()
    try:
        previous_stat = previous.lstat()
        if stat_of(previous_stat) == unchanged or _copy_of(source, stat, previous, previous_stat):
            os.link(previous, target)
            return
    except OSError:
        pass
    shutil.copyfile(source, target)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _swap_in(spare: Path, output: Path) -> None:
    """Make `spare` the output; afterwards `spare` holds the old site, if any."""
    if not output.exists():
        os.rename(spare, output)
        return
    if _exchange(spare, output):
        return
    # No atomic exchange here: two renames, with a moment in between.
    old = spare.with_name(spare.name + "-old")
    os.rename(output, old)
    os.rename(spare, output)
    os.rename(old, spare)


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
