"""Files replaced whole, and the temporary files of writers killed on the way:
a later build removes those, and never one that another build is writing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advocacy.cache import CACHE_DIR
from advocacy.site_files import RECORD_FILE
from advocacy.whole_files import fcntl, is_temporary, remove_abandoned, write_whole

needs_flock = pytest.mark.skipif(fcntl is None, reason="no flock here: unfinished files are judged by age")

# A writer in its own process: it starts writing `target`, says so, and waits to be killed.
_WRITER = """
import sys, time
from pathlib import Path
from advocacy.whole_files import write_whole

def write(file):
    file.write(b"half")
    file.flush()
    print("writing", flush=True)
    time.sleep(600)

write_whole(Path(sys.argv[1]), write)
"""


def _temporaries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if is_temporary(path.name))


def test_a_write_replaces_the_file_whole_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")
    write_whole(target, lambda file: file.write(b"new bytes"))
    assert target.read_bytes() == b"new bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")

    def failing(file):
        file.write(b"half of it")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_whole(target, failing)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]


@needs_flock
def test_a_file_being_written_is_kept_and_a_killed_writers_file_is_removed(tmp_path):
    target = tmp_path / "data.bin"
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        [temporary] = _temporaries(tmp_path)
        remove_abandoned(tmp_path)
        assert _temporaries(tmp_path) == [temporary]  # its writer is alive: it stays
    finally:
        writer.kill()
        writer.wait(timeout=60)
    remove_abandoned(tmp_path, "other.bin")
    assert _temporaries(tmp_path) == [temporary]  # another target's leftovers are not touched
    remove_abandoned(tmp_path, "data.bin")
    assert _temporaries(tmp_path) == []
    assert not target.exists()


@needs_flock
def test_the_next_build_removes_what_killed_builds_left(site, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert site.run("build", "--quiet").exit_code == 0
    cache = site.root / CACHE_DIR
    folders = [cache, *[folder for folder in cache.iterdir() if folder.is_dir()]]
    left = {folder / f".advocacy-{name}.4242.tmp" for folder in folders for name in ("build.pickle", "x" * 64)}
    left.add(site.root / f".advocacy-{RECORD_FILE}.4242.tmp")
    for file in left:  # as a killed build leaves them: written by nobody, so locked by nobody
        file.write_bytes(b"half")
    mine = cache / "notes.tmp"  # not an unfinished file of advocacy's: never removed
    mine.write_text("keep me")
    site.write("content/stories/acme-onboarding.md", (site.root / "content/stories/acme-onboarding.md")
               .read_text().replace("cut onboarding", "cut onboarding time"))
    site.write("content/stories/acme-second.md", (site.root / "content/stories/acme-onboarding.md")
               .read_text().replace("How Acme", "Again, how Acme"))
    assert site.run("build", "--quiet").exit_code == 0
    assert [file for file in left if file.exists()] == []
    assert mine.read_text() == "keep me"


@needs_flock
def test_a_file_removed_between_its_making_and_its_lock_is_made_again(tmp_path, monkeypatch):
    import advocacy.whole_files as whole_files

    real = whole_files.fcntl
    removed: list[str] = []

    class CleanerInBetween:
        """flock, but a cleaner runs just before the writer locks its new file (and finds it unlocked)."""

        LOCK_EX, LOCK_NB = real.LOCK_EX, real.LOCK_NB

        @staticmethod
        def flock(descriptor, operation):
            if operation == real.LOCK_EX and not removed:
                removed.extend(_temporaries(tmp_path))
                remove_abandoned(tmp_path)
            return real.flock(descriptor, operation)

    monkeypatch.setattr(whole_files, "fcntl", CleanerInBetween)
    target = tmp_path / "data.bin"
    write_whole(target, lambda file: file.write(b"all of it"))
    assert removed  # the cleaner did take the first one
    assert target.read_bytes() == b"all of it"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]
