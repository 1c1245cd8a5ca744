"""The search index in shards: stable assignment, reuse of unchanged shards, the merged search."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

import advocacy.search
from advocacy import search_shards
from advocacy.cache import CACHE_DIR
from tests.conftest import BASE_CONFIG, SiteFolder

INDUSTRIES = ["Logistics", "Healthcare", "Energy"]
NAMES = [f"customers/c{n}.html" for n in range(3)] + [f"stories/s{n}.html" for n in range(12)]
WORDS = ["aardvark", "bison", "cougar", "dingo", "eland", "ferret", "gazelle", "hyena", "ibex", "jackal", "koala",
         "lemur"]  # one for each story alone
PINNED = [5, 5, 5, 1, 2, 3]  # the shards of six names among 8: a change of the hash moves every document


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path, monkeypatch):
    """This test's own key for the build cache, as a user of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def runs(monkeypatch) -> list[set[str]]:
    """The documents of every Pagefind run, recorded; shards of about two documents."""
    monkeypatch.setattr(search_shards, "DOCS_PER_SHARD", 2)
    recorded: list[set[str]] = []
    real = advocacy.search.run_pagefind

    def counted(documents: dict[str, str]) -> dict[str, bytes]:
        recorded.append(set(documents))
        return real(documents)

    monkeypatch.setattr(advocacy.search, "run_pagefind", counted)
    return recorded


def _write_site(folder: SiteFolder, base_url: str = "https://example.com/peers/") -> None:
    """Three customers and twelve stories: every story's body has 'ocelot' and a word of its own;
    story 11 is all about ocelots."""
    folder.write("advocacy.yaml", BASE_CONFIG.replace("https://example.com/", base_url))
    for n, industry in enumerate(INDUSTRIES):
        folder.write(f"content/customers/c{n}.md", f"---\nname: Customer {n}\nindustry: {industry}\n---\nA peer.\n")
    for n in range(12):
        body = "Ocelots, ocelots: the ocelot story." * (n == 11)
        folder.write(f"content/stories/s{n}.md", f"---\ntitle: Story {n}\nsummary: What happened.\ncustomer: c{n % 3}\n"
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


def test_a_document_s_shard_depends_on_its_name_alone(monkeypatch):
    assert [search_shards.shard_of(f"stories/s{n}.html", 8) for n in range(6)] == PINNED
    monkeypatch.setattr(search_shards, "DOCS_PER_SHARD", 4)
    documents = {f"stories/s{n}.html": f"<p>{n}</p>" for n in range(40)}
    shards = search_shards.split(documents)
    fewer = search_shards.split({name: html for name, html in documents.items() if name != "stories/s3.html"})
    assert len(shards) == len(fewer) == 8
    assert [a == b for a, b in zip(shards, fewer)].count(False) == 1  # only the shard of s3 differs
    for shard in shards:
        assert len({search_shards.shard_of(name, 8) for name in shard}) == 1


def test_the_number_of_shards_is_a_power_of_two_that_grows_with_the_site(monkeypatch):
    monkeypatch.setattr(search_shards, "DOCS_PER_SHARD", 64)
    assert [search_shards.shard_count(n) for n in (0, 1, 127, 128, 255, 256, 5250, 8800)] == [1, 1, 1, 2, 2, 4, 64, 128]


def test_an_unchanged_site_runs_pagefind_for_no_shard_and_one_edit_for_one(sharded, runs):
    _build(sharded)
    shards = search_shards.split(dict.fromkeys(NAMES, ""))
    assert len(shards) >= 3 and len(runs) == len(shards)
    assert len(json.loads((sharded.output / "pagefind" / "shards.json").read_text())) == len(shards) - 1
    first = sharded.snapshot()

    _build(sharded)
    assert len(runs) == len(shards)  # not one run more
    assert sharded.snapshot() == first

    runs.clear()
    story = sharded.root / "content/stories/s4.md"
    story.write_text(story.read_text().replace(WORDS[4], "pangolin"))
    _build(sharded)
    assert runs == [next(set(shard) for shard in shards if "stories/s4.html" in shard)]  # its shard alone
    text = _index_text(sharded.output)
    assert "pangolin" in text["/peers/stories/s4/"] and WORDS[4] not in " ".join(text.values())
    assert len(text) == len(NAMES)


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
    assert len(runs) == before + 1 and "stories/s9.html" not in runs[-1]
    text = _index_text(sharded.output)
    assert "/peers/stories/s9/" not in text and WORDS[9] not in " ".join(text.values()) and len(text) == 14


def test_a_kept_bundle_file_that_was_altered_is_never_published(sharded, runs):
    _build(sharded)
    first, built = sharded.snapshot(), len(runs)
    for file in (sharded.root / CACHE_DIR / "search").iterdir():
        file.write_bytes(file.read_bytes()[:-1] + b"!")
    _build(sharded)
    assert len(runs) == 2 * built  # every shard indexed again, none taken from an altered file
    assert sharded.snapshot() == first


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


def test_the_merged_search_finds_stories_of_every_shard_and_filters_them(tmp_path, runs, browser, served,
                                                                        monkeypatch):
    monkeypatch.setattr(search_shards, "DOCS_PER_SHARD", 1)  # eight shards of about two documents
    www = tmp_path / "www"
    base = served(www) + "peers/"
    folder = SiteFolder(tmp_path / "site")
    _write_site(folder, base)
    result = folder.run("build", "--output", str(www / "peers"))
    assert result.exit_code == 0, result.output
    assert len(json.loads((www / "peers" / "pagefind" / "shards.json").read_text())) >= 5

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
