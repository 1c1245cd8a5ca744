"""The kept folder's folders, made by another process while a build loads and plans.

After a fresh output (a first build, or an output folder deleted) there is no
kept folder beside the output (write.py), and the next build must make one
folder per page in it: 9,000 at 4,000 stories, seconds that mostly wait on the
disk. The folders of the last build's output are what the next one needs, but
for a few: once the content has loaded without a mistake, a small process
makes them while the build plans and fingerprints on one core, and the writer
waits for it, then finds them made. A build that fails before its writer
starts removes what the process made. A process, not a thread: a thread
making folders would wait for Python's lock at every one while the build's
thread works.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from advocacy.paths import remove
from advocacy.write import inside_output, parents, spare_folder

# Reads the folders (NUL-separated, parents first) on stdin and makes them in the folder it runs in;
# one that cannot be made is left to the writer, which makes whatever is missing.
_MAKER = """
import os, sys
for folder in sys.stdin.buffer.read().split(b"\\0"):
    try:
        os.mkdir(folder)
    except OSError:
        pass
"""


class FoldersAhead:
    """A process making folders in the kept folder beside an output; `wait` for it, or `discard` it."""

    def __init__(self, spare: Path, folders: list[str]):
        self._spare = spare
        self._taken = False
        with tempfile.TemporaryFile() as listing:  # a file, not a pipe: starting it never waits on the reader
            listing.write(b"\0".join(folder.encode("utf-8") for folder in folders))
            listing.seek(0)
            self._process = subprocess.Popen([sys.executable, "-I", "-S", "-c", _MAKER], cwd=spare, stdin=listing,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @classmethod
    def start(cls, output: Path, files: Iterable[str]) -> FoldersAhead | None:
        """Start making the folders of `files` (paths in the output, as the last build wrote them) in
        the kept folder, when there is none; None when there is one, or nothing to make, or no way to."""
        spare = spare_folder(output.resolve())
        if spare.exists() or spare.is_symlink():
            return None  # a kept folder (or something in its place, which the writer removes)
        try:
            folders = sorted({parent for rel in files for parent in parents(inside_output(rel))})
        except ValueError:
            return None  # not a record of this code's writer
        if not folders:
            return None
        try:
            spare.mkdir()
            return cls(spare, folders)
        except OSError:
            return None  # the writer makes them itself

    def wait(self) -> None:
        """Wait for it to end: the writer takes the kept folder from then on."""
        self._process.wait()
        self._taken = True

    def discard(self) -> None:
        """For a build that failed before its writer took the folder: end the process, and remove
        the folder it began, so that a failed build leaves nothing new beside the output."""
        if self._taken:
            return
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        remove(self._spare)
