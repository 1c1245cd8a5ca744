"""The kept folder's folders, made by another process while a build after a fresh output loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from advocacy import folders_ahead
from advocacy.folders_ahead import FoldersAhead
from advocacy.write import OutputWriter, spare_folder, write_output
from tests.conftest import STORY, SiteFolder


pytestmark = pytest.mark.usefixtures("own_cache_key")


@pytest.fixture
def started(monkeypatch) -> list[tuple[FoldersAhead | None, list[str]]]:
    """Each start of a FoldersAhead: what it returned, and the folders of its kept folder once waited for."""
    record: list[tuple[FoldersAhead | None, list[str]]] = []
    start, wait = FoldersAhead.start.__func__, FoldersAhead.wait

    def recorded_start(cls, output: Path, files):
        ahead = start(cls, output, files)
        record.append((ahead, []))
        if ahead is not None:
            ahead.spare = spare_folder(output.resolve())
        return ahead

    def recorded_wait(self):
        wait(self)
        record[-1][1].extend(sorted(path.relative_to(self.spare).as_posix()
                                    for path in self.spare.rglob("*") if path.is_dir()))

    monkeypatch.setattr(FoldersAhead, "start", classmethod(recorded_start))
    monkeypatch.setattr(FoldersAhead, "wait", recorded_wait)
    return record


def _folders(output: Path) -> set[str]:
    return {path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_dir()}


def test_after_a_fresh_output_the_next_build_finds_the_last_output_s_folders_made(site: SiteFolder, started):
    assert site.run("build").exit_code == 0  # a first build: no output before it, nothing to make ahead
    assert started == [] or started[0][0] is None
    first = site.snapshot()
    folders = _folders(site.output)
    assert "stories/acme-onboarding" in folders and not spare_folder(site.output.resolve()).exists()

    site.write("content/stories/acme-onboarding.md", STORY.replace("It was slow.", "It was slower."))
    assert site.run("build").exit_code == 0
    ahead, made = started[-1]
    assert ahead is not None and set(made) == folders  # every folder, made before the writer began
    after = site.snapshot()
    pages = {path for path in first if not path.startswith("pagefind/")}
    assert {path for path in after if not path.startswith("pagefind/")} == pages
    story = "stories/acme-onboarding/index.html"
    assert b"It was slower." in after[story] and b"It was slower." not in first[story]


def test_a_kept_folder_beside_the_output_needs_nothing_made_ahead(tmp_path):
    output = tmp_path / "out"
    write_output(output, {"a/index.html": b"1"})
    write_output(output, {"a/index.html": b"2"})  # the first output is the kept folder now
    assert FoldersAhead.start(output, ["./a/index.html"]) is None
    assert FoldersAhead.start(tmp_path / "new", ["../outside/index.html"]) is None  # not a path of an output


def test_folders_made_ahead_that_the_new_output_does_not_need_are_removed(tmp_path):
    output = tmp_path / "out"
    write_output(output, {"gone/index.html": b"1", "kept/index.html": b"1"})
    ahead = FoldersAhead.start(output, ["./gone/index.html", "./kept/index.html", "./kept/deep/er/index.html"])
    assert ahead is not None
    writer = OutputWriter(output, ahead)
    writer.add({"kept/index.html": b"2", "new/index.html": b"3"})
    writer.finish()
    assert _folders(output) == {"kept", "new"}
    assert (output / "kept/index.html").read_bytes() == b"2"


def test_a_build_with_a_mistake_in_its_content_makes_no_folders_ahead(site: SiteFolder, started):
    assert site.run("build").exit_code == 0
    site.write("content/stories/acme-onboarding.md", STORY.replace("title:", "titel:"))
    result = site.run("build")
    assert result.exit_code != 0 and "unknown key 'titel'" in result.output
    assert started == [] or started[0][0] is None  # the first build's start only: none after the mistake
    assert not spare_folder(site.output.resolve()).exists()


def test_a_build_that_fails_later_stops_the_process_and_removes_what_it_made(site: SiteFolder, started,
                                                                              monkeypatch):
    assert site.run("build").exit_code == 0
    first = site.snapshot()
    listing = sorted(path.name for path in site.root.iterdir())
    site.write("themes/default/templates/story.html", "{% extends 'base.html' %}{% block main %}{{ nope( }}"
               "{% endblock %}")
    monkeypatch.setattr(folders_ahead, "_MAKER", "import time; time.sleep(60)")  # still at work when the build fails
    result = site.run("build")
    assert result.exit_code != 0 and "template error" in result.output
    ahead = started[-1][0]
    assert ahead is not None and ahead._process.poll() is not None  # ended, not left running
    assert sorted(path.name for path in site.root.iterdir()) == listing + ["themes"]  # nothing new beside it
    assert site.snapshot() == first
    (site.root / "themes/default/templates/story.html").unlink()
    assert site.run("build").exit_code == 0
    assert site.snapshot() == first
