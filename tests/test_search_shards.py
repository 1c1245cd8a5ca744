"""The search index in shards: stable assignment, reuse of unchanged shards, the merged search."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

import advocacy.search
from advocacy import pipeline, search_shards
from advocacy.cache import CACHE_DIR
from tests.conftest import BASE_CONFIG, SiteFolder

INDUSTRIES = ["Logistics", "Healthcare", "Energy"]
NAMES = [f"c{n}/customers/c{n}.html" for n in range(6)] + [f"c{n % 6}/stories/s{n}.html" for n in range(12)]
WORDS = ["aardvark", "bison", "cougar", "dingo", "eland", "ferret", "gazelle", "hyena", "ibex", "jackal", "koala",
         "lemur"]  # one for each story alone
PINNED = [7, 6, 5, 6, 0, 0]  # the shards of six customers among 8: a change of the hash moves every document


pytestmark = pytest.mark.usefixtures("own_cache_key")


@pytest.fixture
def runs(monkeypatch) -> list[set[str]]:
    """The documents of every Pagefind run, recorded; eight shards for any site."""
    monkeypatch.setattr(search_shards, "shard_count", lambda documents: 8)
    recorded: list[set[str]] = []
    real = advocacy.search.start_pagefind

    def counted(documents: dict[str, str], into: Path | None = None):
        recorded.append(set(documents))
        return real(documents, into)

    monkeypatch.setattr(advocacy.search, "start_pagefind", counted)
    return recorded


def _write_site(folder: SiteFolder, base_url: str = "https://example.com/peers/") -> None:
    """Six customers and twelve stories: every story's body has 'ocelot' and a word of its own;
    story 11 is all about ocelots."""
    folder.write("advocacy.yaml", BASE_CONFIG.replace("https://example.com/", base_url))
    for n in range(6):
        folder.write(f"content/customers/c{n}.md", f"---\nname: Customer {n}\nindustry: {INDUSTRIES[n % 3]}\n---\n"
                     "A peer.\n")
    for n in range(12):
        body = "Ocelots, ocelots: the ocelot story." * (n == 11)
        folder.write(f"content/stories/s{n}.md", f"---\ntitle: Story {n}\nsummary: What happened.\ncustomer: c{n % 6}\n"
                     f"date: 2025-03-{n + 1:02d}\n---\nThe ocelot of story {n}, and {WORDS[n]}. {body}\n")


@pytest.fixture
def sharded(tmp_path, runs) -> SiteFolder:
    folder = SiteFolder(tmp_path / "site")
    _write_site(folder)
    return folder


def _build(folder: SiteFolder) -> None:
    result = folder.run("build")
    assert result.exit_code == 0, result.output


def _index_text(output: Path) -> dict[str, str]:
    """Every result of the index, in all shards: its URL -> its text."""
    records = {}
    for file in sorted((output / "pagefind").rglob("*.pf_fragment")):
        record = json.loads(gzip.decompress(file.read_bytes())[len(b"pagefind_dcd"):])
        records[record["meta"]["url"]] = record["content"]
    return records


def test_a_document_s_shard_depends_on_its_customer_alone():
    assert [search_shards.shard_of(f"c{n}/stories/s.html", 8) for n in range(6)] == PINNED
    assert search_shards.shard_of("acme/customers/acme.html", 8) == search_shards.shard_of("acme/videos/v.html", 8)
    documents = {f"c{n % 10}/stories/s{n}.html": f"<p>{n}</p>" for n in range(100)}
    shards = search_shards.split(documents)
    fewer = search_shards.split({name: html for name, html in documents.items() if name != "c3/stories/s3.html"})
    assert len(shards) == len(fewer) == 2  # 100 documents: two shards
    assert [a == b for a, b in zip(shards, fewer)].count(False) == 1  # only the shard of s3 differs
    for shard in shards:
        assert len({search_shards.shard_of(name, 2) for name in shard}) == 1


def test_the_number_of_shards_is_a_power_of_two_that_grows_with_the_root_of_the_site():
    sizes = (0, 1, 79, 80, 320, 1280, 5250, 8800, 20480)
    assert [search_shards.shard_count(n) for n in sizes] == [1, 1, 1, 2, 4, 8, 16, 16, 32]


def test_an_unchanged_site_runs_pagefind_for_no_shard_and_one_edit_for_one(sharded, runs):
    _build(sharded)
    shards = search_shards.split(dict.fromkeys(NAMES, ""))
    assert len(shards) >= 3 and len(runs) == len(shards)
    assert json.loads((sharded.output / "pagefind" / "shards.json").read_text()) == [
        f"{n}/" for n in range(1, len(shards))]
    merged = sharded.output / "pagefind" / "1"
    assert (merged / "pagefind-entry.json").is_file() and not list(merged.glob("*.js")) + list(merged.glob("wasm.*"))
    first = sharded.snapshot()

    _build(sharded)
    assert len(runs) == len(shards)  # not one run more
    assert sharded.snapshot() == first

    runs.clear()
    story = sharded.root / "content/stories/s4.md"
    story.write_text(story.read_text().replace(WORDS[4], "pangolin"))
    _build(sharded)
    assert runs == [next(set(shard) for shard in shards if "c4/stories/s4.html" in shard)]  # its shard alone
    text = _index_text(sharded.output)
    assert "pangolin" in text["/peers/stories/s4/"] and WORDS[4] not in " ".join(text.values())
    assert len(text) == len(NAMES)


def test_pagefind_writes_each_bundle_in_the_store_and_the_output_links_the_files_it_wrote(sharded, monkeypatch):
    folders: list[Path] = []
    start_pagefind = advocacy.search.start_pagefind

    def recorded(documents: dict[str, str], into: Path | None = None):
        folders.append(into)
        return start_pagefind(documents, into)

    monkeypatch.setattr(advocacy.search, "start_pagefind", recorded)
    written: list[str] = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, mode="r", *args, **kwargs:
                        (written.append(self.name) if "x" in mode else None) or real_open(self, mode, *args, **kwargs))
    _build(sharded)
    store = sharded.root / CACHE_DIR / "search"
    assert folders and all(folder.parent == store and folder.name.startswith("unfinished-") for folder in folders)
    kept = [store / folder.name.removeprefix("unfinished-") for folder in folders]
    assert all(folder.is_dir() for folder in kept) and not any(folder.exists() for folder in folders)
    # what the store wrote itself: the few files made reproducible, never a result's fragment
    assert written and not [name for name in written if name.endswith(".pf_fragment")]
    fragments = list((sharded.output / "pagefind").rglob("*.pf_fragment"))
    inodes = {(f.stat().st_dev, f.stat().st_ino) for folder in kept for f in folder.rglob("*") if f.is_file()}
    assert fragments and all((f.stat().st_dev, f.stat().st_ino) in inodes for f in fragments)
    for folder in kept:  # Pagefind's own UIs are not kept
        assert not [f for f in folder.rglob("*") if f.name.startswith(("pagefind-ui.", "pagefind-component-ui."))]


@pytest.mark.parametrize("failing", ["the folder for pagefind", "the kept folder's rename"])
def test_a_bundle_the_store_cannot_keep_is_published_all_the_same_and_nothing_half_made_stays(sharded, monkeypatch,
                                                                                              failing):
    def unfinished(path) -> bool:
        return Path(path).name.startswith("unfinished-")

    if failing == "the folder for pagefind":
        real_mkdir = Path.mkdir
        monkeypatch.setattr(Path, "mkdir", lambda self, *args, **kwargs: (_ for _ in ()).throw(
            OSError(13, "Permission denied")) if unfinished(self) else real_mkdir(self, *args, **kwargs))
    else:
        real_rename = os.rename
        monkeypatch.setattr(os, "rename", lambda source, target, *args, **kwargs: (_ for _ in ()).throw(
            OSError(28, "No space left on device")) if unfinished(source) else real_rename(source, target))
    _build(sharded)
    text = _index_text(sharded.output)
    assert len(text) == len(NAMES) and "pangolin" not in " ".join(text.values())
    assert "Ocelots" in text["/peers/stories/s11/"]
    assert not list((sharded.root / CACHE_DIR / "search").iterdir())  # nothing kept, nothing half made


def test_renaming_a_customer_indexes_the_one_shard_of_its_items_again(sharded, runs):
    _build(sharded)
    runs.clear()
    customer = sharded.root / "content/customers/c2.md"
    customer.write_text(customer.read_text().replace("Customer 2", "Renamed Co"))
    _build(sharded)
    assert runs == [{"c2/customers/c2.html", "c2/stories/s2.html", "c2/stories/s8.html"}]


def _timeline(monkeypatch) -> list[tuple[str, float]]:
    """When each Pagefind run and each call to render pages starts and ends (a run lasts 0.3 s at least)."""
    events: list[tuple[str, float]] = []
    start_pagefind = advocacy.search.start_pagefind

    class TimedRun:
        def __init__(self, documents: dict[str, str], into: Path | None = None):
            events.append(("pagefind starts", time.perf_counter()))
            self.run = start_pagefind(documents, into)
            self.ends_after = time.perf_counter() + 0.3

        def bundle(self) -> dict[str, bytes | Path]:
            time.sleep(max(0.0, self.ends_after - time.perf_counter()))
            try:
                return self.run.bundle()
            finally:
                events.append(("pagefind ends", time.perf_counter()))

        def stop(self) -> None:
            self.run.stop()

    def timed_render(*args):
        events.append(("render starts", time.perf_counter()))
        try:
            return render_pages(*args)
        finally:
            events.append(("render ends", time.perf_counter()))

    render_pages = pipeline.render_pages
    monkeypatch.setattr(advocacy.search, "start_pagefind", TimedRun)
    monkeypatch.setattr(pipeline, "render_pages", timed_render)
    return events


def test_pagefind_indexes_an_edited_shard_while_the_pages_render(sharded, runs, monkeypatch):
    _build(sharded)
    events = _timeline(monkeypatch)
    story = sharded.root / "content/stories/s4.md"
    story.write_text(story.read_text().replace(WORDS[4], "pangolin"))
    _build(sharded)
    assert [name for name, _ in events].count("pagefind starts") == 1  # the one shard of the story
    last_render = max(at for name, at in events if name == "render starts")
    assert dict(events)["pagefind starts"] < last_render < dict(events)["pagefind ends"]  # beside the rendering
    assert "pangolin" in _index_text(sharded.output)["/peers/stories/s4/"]


def test_pagefind_runs_as_a_process_so_no_thread_runs_when_pages_render(sharded, runs, monkeypatch):
    """Forked workers must not inherit a process with another thread running: a run is a process."""
    _build(sharded)
    _timeline(monkeypatch)
    threads_at_render: list[int] = []
    render_pages = pipeline.render_pages
    monkeypatch.setattr(pipeline, "render_pages", lambda *args: threads_at_render.append(threading.active_count())
                        or render_pages(*args))
    story = sharded.root / "content/stories/s4.md"
    story.write_text(story.read_text().replace(WORDS[4], "pangolin"))  # one shard to index, pages to render
    threads_before, runs_before = threading.active_count(), len(runs)
    _build(sharded)
    assert len(runs) == runs_before + 1 and "c4/stories/s4.html" in runs[-1]  # its shard was indexed
    assert threads_at_render and set(threads_at_render) == {threads_before}


def _added(monkeypatch, events: list[tuple[str, float]]) -> None:
    """When the output's writer is given the pages, and the search index, (timeline events)."""
    add = pipeline.OutputWriter.add

    def timed_add(self, files):
        part = "index" if any(path.startswith("pagefind/") for path in files) else "pages"
        events.append((f"{part} written starts", time.perf_counter()))
        return add(self, files)

    monkeypatch.setattr(pipeline.OutputWriter, "add", timed_add)


def test_a_fresh_build_writes_its_pages_while_pagefind_indexes(sharded, runs, monkeypatch):
    events = _timeline(monkeypatch)
    _added(monkeypatch, events)
    _build(sharded)
    ends = [at for name, at in events if name == "pagefind ends"]
    assert len(ends) == len(runs) >= 3  # more shards than run at once: all are indexed after the render
    pages_written = dict(events)["pages written starts"]
    assert max(at for name, at in events if name == "render ends") < pages_written < min(ends)
    assert dict(events)["index written starts"] > max(ends)
    assert len(_index_text(sharded.output)) == len(NAMES)
    assert (sharded.output / "stories/s4/index.html").is_file()


def test_pages_that_cannot_be_written_while_pagefind_indexes_change_nothing(sharded, monkeypatch):
    _build(sharded)
    before = sharded.snapshot()
    started: list = []
    start_pagefind = advocacy.search.start_pagefind

    def recorded(documents: dict[str, str], into: Path | None = None):
        started.append(start_pagefind(documents, into))
        return started[-1]

    add = pipeline.OutputWriter.add

    def disk_full(self, files):
        if "index.html" not in files:
            return add(self, files)  # the writer's own mark
        time.sleep(0.2)  # Pagefind's runs are going by now
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(advocacy.search, "start_pagefind", recorded)
    monkeypatch.setattr(pipeline.OutputWriter, "add", disk_full)
    for n in range(6):  # every shard to index again
        sharded.write(f"content/customers/c{n}.md", (sharded.root / f"content/customers/c{n}.md").read_text()
                      .replace("A peer.", "A peer of ours."))
    result = sharded.run("build")
    assert result.exit_code != 0
    assert "No space left on device; the previous output was left as it was" in result.output
    assert sharded.snapshot() == before
    assert started and all(run._process.poll() is not None and not run._scratch.exists() for run in started)
    kept = sharded.root / CACHE_DIR / "search"
    assert not any(path.name.startswith("unfinished-") for path in kept.iterdir())


@pytest.mark.parametrize("when", ["at its start", "at its end"])
def test_a_run_that_fails_leaves_the_site_without_its_search_index(sharded, monkeypatch, when):
    _build(sharded)
    start_pagefind = advocacy.search.start_pagefind

    class Failing:
        def __init__(self, documents: dict[str, str], into: Path | None = None):
            if when == "at its start":
                raise advocacy.search.SearchUnavailable("Pagefind could not run: out of memory")
            self.run = start_pagefind(documents, into)

        def bundle(self) -> dict[str, bytes | Path]:
            self.run.bundle()
            raise advocacy.search.SearchUnavailable("Pagefind failed: out of memory")

        def stop(self) -> None:
            self.run.stop()

    monkeypatch.setattr(advocacy.search, "start_pagefind", Failing)
    story = sharded.root / "content/stories/s4.md"
    story.write_text(story.read_text().replace(WORDS[4], "pangolin"))
    result = sharded.run("build")
    assert result.exit_code == 0, result.output  # a warning, not a failed build
    assert "out of memory; the site is built without its search index" in result.output
    assert not (sharded.output / "pagefind").exists()
    kept = sharded.root / CACHE_DIR / "search"
    assert not any(path.name.startswith("unfinished-") for path in kept.iterdir())


def test_an_incremental_build_is_byte_identical_to_a_clean_one(tmp_path, sharded, runs):
    _build(sharded)
    sharded.write("content/stories/s7.md", (sharded.root / "content/stories/s7.md").read_text().replace(WORDS[7], "yak"))
    _build(sharded)
    incremental = sharded.snapshot()
    clean = SiteFolder(tmp_path / "clean")
    shutil.copytree(sharded.root / "content", clean.root / "content")
    shutil.copy(sharded.root / "advocacy.yaml", clean.root / "advocacy.yaml")
    _build(clean)
    assert clean.snapshot() == incremental
    shutil.rmtree(clean.root / CACHE_DIR)
    shutil.rmtree(clean.output)
    _build(clean)
    assert clean.snapshot() == incremental


def test_a_withheld_story_leaves_the_index_while_other_shards_are_reused(sharded, runs):
    _build(sharded)
    before = len(runs)
    story = sharded.root / "content/stories/s9.md"
    story.write_text(story.read_text().replace("date:", "consent_expires: 2024-01-01\ndate:"))
    _build(sharded)
    assert len(runs) == before + 1 and "c3/stories/s9.html" not in runs[-1]
    text = _index_text(sharded.output)
    assert "/peers/stories/s9/" not in text and WORDS[9] not in " ".join(text.values()) and len(text) == len(NAMES) - 1


def test_a_kept_bundle_file_that_was_altered_is_never_published(sharded, runs):
    _build(sharded)
    first, built = sharded.snapshot(), len(runs)
    kept = [file for file in (sharded.root / CACHE_DIR / "search").rglob("*") if file.is_file()]
    assert len(kept) > len(NAMES)  # a file per document, at least
    for file in kept:  # in place: the output's links to them change too, and the output is made again
        file.write_bytes(file.read_bytes()[:-1] + b"!")
    shutil.rmtree(sharded.output)  # else nothing changed: the build would do nothing
    _build(sharded)
    assert len(runs) == 2 * built  # every shard indexed again, none taken from an altered file
    assert sharded.snapshot() == first


def test_the_output_links_the_kept_bundle_files_and_a_new_output_indexes_nothing(sharded, runs):
    _build(sharded)
    kept = {file.stat().st_ino for file in (sharded.root / CACHE_DIR / "search").rglob("*") if file.is_file()}
    published = [file for file in (sharded.output / "pagefind").rglob("*") if file.is_file()]
    linked = [file for file in published if file.stat().st_ino in kept]
    assert len(linked) == len(published) - 1  # all but the list of shards, made by the build
    first, built = sharded.snapshot(), len(runs)
    shutil.rmtree(sharded.output)
    _build(sharded)
    assert len(runs) == built and sharded.snapshot() == first


def test_a_kept_bundle_file_replaced_by_another_is_never_published(sharded, runs):
    _build(sharded)
    first, built = sharded.snapshot(), len(runs)
    fragment = next((sharded.root / CACHE_DIR / "search").rglob("*.pf_fragment"))
    replaced = fragment.read_bytes()
    fragment.unlink()  # the output keeps its own link to the file
    fragment.write_bytes(replaced[:-1] + b"!")  # another file, under the same name
    shutil.rmtree(sharded.output)
    _build(sharded)
    assert len(runs) == built + 1  # its shard alone indexed again
    assert sharded.snapshot() == first


def test_what_a_killed_build_left_of_a_bundle_is_removed_once_it_is_old(sharded, runs):
    store = sharded.root / CACHE_DIR / "search"
    _build(sharded)
    left, recent = store / f"unfinished-{'a' * 32}.4242", store / f"unfinished-{'b' * 32}.4243"
    for folder in (left, recent):
        (folder / "fragment").mkdir(parents=True)
        (folder / "fragment" / "x.pf_fragment").write_bytes(b"half")
    os.utime(left, (time.time() - 7200, time.time() - 7200))
    kept = {folder.name for folder in store.iterdir() if not folder.name.startswith("unfinished-")}
    assert len(kept) == len(search_shards.split(dict.fromkeys(NAMES, "")))  # a folder per shard
    story = sharded.root / "content/stories/s4.md"
    story.write_text(story.read_text().replace(WORDS[4], "pangolin"))  # a shard indexed again: the store pruned
    _build(sharded)
    assert not left.exists() and recent.is_dir()
    after = {folder.name for folder in store.iterdir() if not folder.name.startswith("unfinished-")}
    assert len(after - kept) == 1 and kept <= after  # the edited shard's old folder stays a while: a build
    for folder in store.iterdir():  # beside this one may link it
        os.utime(folder, (time.time() - 3600, time.time() - 3600))  # an hour later
    story.write_text(story.read_text().replace("pangolin", "tapir"))
    _build(sharded)
    assert len([folder for folder in store.iterdir() if not folder.name.startswith("unfinished-")]) == len(kept)


def test_a_kept_bundle_folder_that_links_elsewhere_is_neither_used_nor_emptied(tmp_path, sharded, runs):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ("0" * 32)).write_text("a file of someone else's")
    (sharded.root / CACHE_DIR).mkdir()
    (sharded.root / CACHE_DIR / "search").symlink_to(elsewhere, target_is_directory=True)
    _build(sharded)
    sharded.write("content/stories/s1.md", (sharded.root / "content/stories/s1.md").read_text().replace(WORDS[1], "emu"))
    before = len(runs)
    _build(sharded)
    assert len(runs) - before == before  # nothing kept: every shard indexed again
    assert [file.name for file in elsewhere.iterdir()] == ["0" * 32]


def test_the_merged_search_finds_stories_of_every_shard_and_filters_them(tmp_path, runs, browser, served):
    www = tmp_path / "www"
    base = served(www) + "peers/"
    folder = SiteFolder(tmp_path / "site")
    _write_site(folder, base)
    result = folder.run("build", "--output", str(www / "peers"))
    assert result.exit_code == 0, result.output
    assert len(json.loads((www / "peers" / "pagefind" / "shards.json").read_text())) >= 2

    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "search/?q=ocelot", wait_until="load")
    results = page.locator("[data-search-results] li")
    results.first.wait_for()
    assert "12 results" in page.text_content("[data-search-status]")
    assert results.first.locator("h2").text_content() == "Story 11"  # ranked first of all shards
    assert [page.text_content(f"[data-facet=industry] [data-value={name}] .count") for name in INDUSTRIES] == [
        "4", "4", "4"]  # counted over all shards
    page.click("[data-search-more]")
    from playwright.sync_api import expect

    expect(results).to_have_count(12)
    titles = {results.nth(n).locator("h2").text_content() for n in range(12)}
    assert titles == {f"Story {n}" for n in range(12)}

    page.click("[data-search-filters] [data-facet=industry] [data-value=Healthcare]")
    expect(results).to_have_count(4)
    assert {results.nth(n).locator("h2").text_content() for n in range(4)} == {f"Story {n}" for n in (1, 4, 7, 10)}

    page.goto(base + f"search/?q={WORDS[5]}", wait_until="load")
    results.first.wait_for()
    assert results.first.locator("h2").text_content() == "Story 5"
    assert "1 result" in page.text_content("[data-search-status]")
    assert errors == []
    page.close()
