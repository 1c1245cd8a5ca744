"""The preview's resident state: the page of an edited story or video is made
first, from the last build, and it is the page the whole build then makes."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from advocacy import pipeline
from advocacy.build import build
from advocacy.cache import CACHE_DIR
from advocacy.errors import ContentError
from advocacy.render import builtin_theme_dir
from advocacy.resident import Resident
from benchmarks.sitegen import generate

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def built(tmp_path) -> tuple[Path, Resident]:
    """A generated site built once by a resident, as `advocacy serve` starts."""
    root = tmp_path / "site"
    generate(root, 12, seed=11)
    resident = Resident(root)
    _build(root, resident)
    return root, resident


def _build(root: Path, resident: Resident):
    return build(root, root / "preview", build_date=TODAY, drafts=True, record=False, resident=resident)


def _replace_line(file: Path, key: str, line: str) -> None:
    text = file.read_text(encoding="utf-8")
    file.write_text(re.sub(rf"(?m)^{key}:.*$", line, text, count=1), encoding="utf-8")


def _text_edits(rng: random.Random):
    """Edits of what a story's or a video's page shows, and of nothing else."""
    yield "body", lambda file: file.write_text(file.read_text(encoding="utf-8") + f"\nMore, {rng.random()}.\n",
                                               encoding="utf-8")
    yield "summary", lambda file: _replace_line(file, "summary", f'summary: "Shorter: {rng.randrange(1000)}."')


def test_the_first_page_of_a_text_edit_is_the_page_the_whole_build_makes(built):
    root, resident = built
    rng = random.Random(3)
    files = sorted((root / "content/stories").glob("*.md")) + sorted((root / "content/videos").glob("*.md"))
    for round_number in range(12):
        file = rng.choice(files)
        what, edit = rng.choice(list(_text_edits(rng)))
        edit(file)
        rel = file.relative_to(root).as_posix()
        first = resident.first_pages([rel])
        assert len(first) == 1, (round_number, rel, what)
        [(output, data)] = first.items()
        _build(root, resident)
        assert (root / "preview" / output).read_bytes() == data, (round_number, rel, what)


def test_a_preview_started_on_an_unchanged_site_shows_its_first_edit_first(built, monkeypatch):
    """A new preview whose first build has nothing to change still holds that build: the first edit
    shows first, as every later one does (the build used to be skipped, and the edit waited for all)."""
    root, resident = built
    resident.close()
    again = Resident(root)
    result = _build(root, again)
    assert result.rendered == 0  # from the cache: nothing rendered, as a skipped build renders nothing
    story = sorted((root / "content/stories").glob("*.md"))[0]
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    first = again.first_pages([story.relative_to(root).as_posix()])
    assert len(first) == 1
    [(output, data)] = first.items()
    _build(root, again)
    assert (root / "preview" / output).read_bytes() == data
    made = []  # once it holds a build, a build with nothing changed is skipped again
    monkeypatch.setattr(pipeline, "build_changed", lambda *args, **kwargs: made.append(args))
    _build(root, again)
    assert made == []


def test_no_first_page_when_an_edit_is_more_than_text(built):
    root, resident = built
    story = min((root / "content/stories").glob("*.md"))
    rel = story.relative_to(root).as_posix()
    original = story.read_text(encoding="utf-8")

    _replace_line(story, "date", "date: 2001-01-01")  # the lists' order, the feed
    assert resident.first_pages([rel]) == {}
    _replace_line(story, "values", "values: [speed]")  # its topics, and the stories ranked beside it
    assert resident.first_pages([rel]) == {}
    story.write_text(original, encoding="utf-8")
    _replace_line(story, "title", 'title: "Another title"')  # the order of the stories of one date
    assert resident.first_pages([rel]) == {}
    story.write_text(original.replace("title:", "titel:", 1), encoding="utf-8")  # a mistake: the build reports it
    assert resident.first_pages([rel]) == {}
    story.write_text(original + "\nMore.\n", encoding="utf-8")
    assert len(resident.first_pages([rel])) == 1
    other = max((root / "content/stories").glob("*.md")).relative_to(root).as_posix()
    assert resident.first_pages([rel, other]) == {}  # two files: only the build knows
    customer = min((root / "content/customers").glob("*.md")).relative_to(root).as_posix()
    assert resident.first_pages([customer]) == {}  # a customer's name is on many cards
    new = root / "content/stories/brand-new.md"
    new.write_text(original, encoding="utf-8")
    assert resident.first_pages(["content/stories/brand-new.md"]) == {}  # no page of it yet
    new.unlink()


def test_no_first_page_after_a_build_that_failed(built):
    root, resident = built
    story = min((root / "content/stories").glob("*.md"))
    rel = story.relative_to(root).as_posix()
    original = story.read_text(encoding="utf-8")
    story.write_text(original.replace("customer:", "customer: nobody-at-all\nx:", 1), encoding="utf-8")
    with pytest.raises(ContentError):
        _build(root, resident)
    story.write_text(original + "\nMore.\n", encoding="utf-8")
    assert resident.first_pages([rel]) == {}  # the preview shows the errors until a build succeeds
    _build(root, resident)
    story.write_text(original + "\nMore again.\n", encoding="utf-8")
    assert len(resident.first_pages([rel])) == 1


def test_a_theme_that_shows_the_storys_own_card_gets_it_new_and_keeps_no_card_under_the_old_text(built, tmp_path):
    root, resident = built
    templates = root / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    story_html = (builtin_theme_dir() / "templates" / "story.html").read_text(encoding="utf-8")
    assert "import logo," in story_html and '<div class="prose">' in story_html
    story_html = story_html.replace("import logo,", "import story_card, logo,").replace(
        '<div class="prose">', '<div class="own">{{ story_card(item) }}</div><div class="prose">')
    (templates / "story.html").write_text(story_html, encoding="utf-8")
    _build(root, resident)
    story = min((root / "content/stories").glob("*.md"))
    rel = story.relative_to(root).as_posix()
    original = story.read_bytes()
    _replace_line(story, "summary", 'summary: "An edited summary."')
    [(output, first)] = resident.first_pages([rel]).items()
    own_card = BeautifulSoup(first, "html.parser").select_one(".own")
    assert "An edited summary." in own_card.get_text()
    _build(root, resident)
    assert (root / "preview" / output).read_bytes() == first
    # back as it was: no card made for the edit may be taken for the old text
    story.write_bytes(original)
    shutil.rmtree(root / CACHE_DIR / "pages")  # every page rendered again, its cards from the cache
    _build(root, resident)
    resident.close()
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".advocacy-*", "preview"))
    _build(clean, Resident(clean))
    assert (root / "preview" / output).read_bytes() == (clean / "preview" / output).read_bytes()


def test_an_editors_own_temporary_file_is_no_second_file_but_a_deleted_story_is(built):
    root, resident = built
    first, second = sorted((root / "content/stories").glob("*.md"))[:2]
    rel = first.relative_to(root).as_posix()
    first.write_text(first.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    # saved through a temporary file that is gone by the time the watcher reports
    assert len(resident.first_pages([rel, "content/stories/.story.md.swp~", rel + ".tmp1234"])) == 1
    second.unlink()  # its related stories and lists change: only the whole build knows them
    assert resident.first_pages([rel, second.relative_to(root).as_posix()]) == {}
