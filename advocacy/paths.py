"""Small path helpers shared by the layers that touch the file system."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# What stat tells of a file, to see that it changed: size, change time, inode change time, inode.
# A copy that keeps a file's size and change time (cp -p, touch -r, an archive) still changes the
# inode's change time, which no one can set.
Stat = tuple[int, int, int, int]


def stat_of(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


# What stat tells of a kept file that the output links to: size, change time, device, inode
# (not the inode change time, which each new link moves).
KeptIdentity = tuple[int, int, int, int]


def kept_identity(info: os.stat_result) -> KeptIdentity:
    return info.st_size, info.st_mtime_ns, info.st_dev, info.st_ino


def remove(path: Path) -> None:
    """Remove a file, or a folder and what it holds; a link is removed, never followed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def unpublished(site_path: str) -> bool:
    """Whether a path of static/ ('/.og.png', '/logos/.old/a.svg') has a name starting with a dot:
    files_under leaves such files out of the site."""
    return any(part.startswith(".") for part in site_path.strip("/").split("/"))


NOT_PUBLISHED = "is not published (names that start with a dot are left out of the site)"


def inside(path: Path, root: Path) -> bool:
    """True if `path`, with every symbolic link followed, lies within `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def relative(path: Path, root: Path) -> str:
    """`path` relative to the site root, with forward slashes, for messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


OUTSIDE_ROOT = ("this file is a link to a place outside the site folder; "
                "copy the file into the site instead")


def files_under(folder: Path, root: Path) -> tuple[list[Path], list[Path]]:
    """(files, links out): every file below `folder`, in a stable order, following
    folder links that stay inside `root`; links that lead outside it are returned
    apart, unread, so that the caller can report them. Names starting with '.' are skipped."""
    files: list[Path] = []
    outside: list[Path] = []
    seen: set[Path] = set()

    def walk(directory: Path) -> None:
        real = directory.resolve()
        if real in seen:  # a link back to a folder already walked
            return
        seen.add(real)
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            path = Path(entry.path)
            if entry.name.startswith("."):  # (see unpublished)
                continue
            if entry.is_symlink() and not inside(path, root):
                outside.append(path)
            elif entry.is_dir():
                walk(path)
            elif entry.is_file():
                files.append(path)

    if folder.is_dir():
        if inside(folder, root):
            walk(folder)
        else:
            outside.append(folder)
    return files, outside
