"""Small path helpers shared by the layers that touch the file system."""

from __future__ import annotations

from pathlib import Path


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
