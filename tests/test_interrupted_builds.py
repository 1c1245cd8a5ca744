"""Builds killed half-way, and two builds at once: the output is always one
whole site, the old or the new, and the next build cleans up after the dead one.

Each build runs as its own process (`python -m advocacy build`), as a user or
CI runs it, so a SIGKILL lands wherever that process happens to be: loading,
rendering, indexing, writing the staging folder, swapping, saving the cache.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advocacy.write import SPARE_PREFIX
from benchmarks.sitegen import generate

KILLS = 20
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # the same build date in every process


def _start_build(root: Path, output: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "advocacy", "build", "--site", str(root), "--output", str(output),
                             "--quiet"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _build(root: Path, output: Path) -> None:
    done = _start_build(root, output)
    stdout, stderr = done.communicate(timeout=300)
    assert done.returncode == 0, stdout + stderr


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {file.relative_to(folder).as_posix(): file.read_bytes()
            for file in sorted(folder.rglob("*")) if file.is_file()}


def _set_title(root: Path, title: str) -> None:
    """Content version A or B: the same URLs, one story's title (and so its page,
    the lists, the feed and the search index) different."""
    story = min((root / "content/stories").glob("*.md"))
    lines = story.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"title: {title}\n" if line.startswith("title:") else line for line in lines]
    story.write_text("".join(lines), encoding="utf-8")


def _leftovers(root: Path, output: Path) -> list[str]:
    """What a dead build may leave: a half-swapped folder beside the output, temporary files."""
    return sorted([p.name for p in output.parent.glob(f"{SPARE_PREFIX}*-old")]
                  + [p.relative_to(root).as_posix() for p in root.rglob("*.tmp")])


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """A generated site big enough that a build takes a while, and clean builds
    of its two versions: (site, output, snapshot of A, snapshot of B)."""
    root = tmp_path_factory.mktemp("killed") / "site"
    generate(root, 20, seed=7)
    reference = root.parent / "reference"
    _set_title(root, "Version B of this story")
    _build(root, reference)
    new = _snapshot(reference)
    _set_title(root, "Version A of this story")
    _build(root, reference)
    old = _snapshot(reference)
    assert old != new
    return root, root / "output", old, new


def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one(two_sites):
    root, output, old, new = two_sites
    _build(root, output)
    durations = []  # how long a build of one change takes here, the longer of two
    for title in ("Version B of this story", "Version A of this story", "Version B of this story"):
        started = time.perf_counter()
        _set_title(root, title)
        _build(root, output)
        durations.append(time.perf_counter() - started)
    duration = max(durations[1:])
    assert _snapshot(output) == new
    rng = random.Random(2026)
    outcomes = []
    for attempt in range(KILLS):
        before = _snapshot(output)
        target = old if before == new else new
        _set_title(root, "Version A of this story" if target is old else "Version B of this story")
        build = _start_build(root, output)
        time.sleep(rng.uniform(0.05, duration * 2))  # from its start to well after its end
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=60)
        after = _snapshot(output)
        assert after in (before, target), f"kill {attempt + 1}: the output is neither the old site nor the new one"
        outcomes.append("new" if after == target and after != before else "old")
    # killed early, late and in between: both outcomes were seen
    assert {"old", "new"} <= set(outcomes) or duration < 0.2, outcomes
    _build(root, output)  # the next build finishes the job and clears what the dead ones left
    assert _snapshot(output) in (old, new)
    assert _leftovers(root, output) == []


def test_two_builds_at_once_both_finish_and_leave_one_whole_site(two_sites):
    root, output, _, new = two_sites
    _set_title(root, "Version B of this story")
    first, second = _start_build(root, output), _start_build(root, output)
    results = [process.communicate(timeout=300) for process in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), results
    assert _snapshot(output) == new
    assert _leftovers(root, output) == []


def test_a_second_build_says_it_waits_for_the_first(two_sites):
    from advocacy.lock import output_lock

    root, output, _, _ = two_sites
    with output_lock(output):  # as if another build were running
        waiting = subprocess.Popen([sys.executable, "-m", "advocacy", "build", "--site", str(root),
                                    "--output", str(output)], env=ENV, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting
    _, stderr = waiting.communicate(timeout=300)
    assert waiting.returncode == 0
    assert "waiting" in stderr.lower() and str(output) in stderr
