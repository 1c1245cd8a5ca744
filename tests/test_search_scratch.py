"""Where Pagefind's runs put their files: in memory when the system has room there, and
what a killed build's run left is removed by a later one."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import advocacy.pagefind_run
from advocacy.pagefind_run import PagefindRun
from advocacy.search import Document, build_index

DOCUMENT = ('<!doctype html><html lang="en"><head><title>Ocelots</title></head>'
            '<body data-pagefind-body><h1>Ocelots</h1><p>The ocelot of the story.</p></body></html>')


@pytest.fixture
def run_folders(monkeypatch) -> list[Path]:
    """The folder of every Pagefind run's input, recorded."""
    recorded: list[Path] = []
    real = subprocess.Popen

    def recording(command, **kwargs):
        recorded.append(Path(command[command.index("--site") + 1]))
        return real(command, **kwargs)

    monkeypatch.setattr(advocacy.pagefind_run.subprocess, "Popen", recording)
    return recorded


def test_pagefind_runs_in_the_memory_folder_and_leaves_nothing_there(tmp_path, monkeypatch, run_folders):
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(advocacy.pagefind_run, "_MEMORY_FOLDER", memory)
    bundle = PagefindRun({"c/stories/s.html": DOCUMENT}).bundle()
    assert "pagefind.js" in bundle
    assert [memory in folder.parents for folder in run_folders] == [True]
    assert list(memory.iterdir()) == []


@pytest.mark.parametrize("memory_folder", ["missing", "full", "read-only"])
def test_pagefind_runs_in_the_usual_temporary_folder_without_room_in_memory(tmp_path, monkeypatch, run_folders,
                                                                             memory_folder):
    memory = tmp_path / "shm"
    if memory_folder != "missing":
        memory.mkdir()
    if memory_folder == "full":
        monkeypatch.setattr(advocacy.pagefind_run, "_MEMORY_SPARE", os.statvfs(memory).f_bavail * os.statvfs(memory).f_frsize)
    if memory_folder == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes in a read-only folder")
        memory.chmod(0o555)
    monkeypatch.setattr(advocacy.pagefind_run, "_MEMORY_FOLDER", memory)
    assert "pagefind.js" in PagefindRun({"c/stories/s.html": DOCUMENT}).bundle()
    assert [folder.parent.parent for folder in run_folders] == [Path(tempfile.gettempdir())]


def test_a_run_removes_what_the_runs_of_killed_builds_left(tmp_path, monkeypatch):
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(advocacy.pagefind_run, "_MEMORY_FOLDER", memory)
    hours_ago = time.time() - 7200
    for name in ("advocacy-search-killed", "advocacy-search-running", "someone-else"):
        (memory / name / "site").mkdir(parents=True)
        (memory / name / "site" / "page.html").write_text(DOCUMENT)
        if name != "advocacy-search-running":
            os.utime(memory / name, (hours_ago, hours_ago))
    build_index({"c/stories/s.html": Document.of_text(DOCUMENT)})
    assert sorted(path.name for path in memory.iterdir()) == ["advocacy-search-running", "someone-else"]
