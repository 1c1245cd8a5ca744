"""How pages are shared out between render workers: by what they cost, not by their number."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil

import pytest

from advocacy import forked, parallel
from advocacy.build import build
from advocacy.pages import Page
from advocacy.site import Term
from benchmarks.sitegen import generate

pytestmark = pytest.mark.usefixtures("own_cache_key")


def test_a_page_weighs_what_it_lists():
    term = Term("industries", "Logistics", "logistics", None, items=tuple(range(7)))
    assert parallel.weight(Page("stories/a/", "story.html", {"item": object(), "related": [1, 2, 3]})) \
        == parallel.PAGE_WEIGHT + 3
    assert parallel.weight(Page("stories/", "stories.html", {"items": list(range(4000)), "facets": {}})) \
        == parallel.PAGE_WEIGHT + 4000
    assert parallel.weight(Page("industries/logistics/", "term.html", {"taxonomy": "industries", "term": term})) \
        == parallel.PAGE_WEIGHT + 7


def test_chunks_cover_every_page_once_and_give_every_worker_some_when_pages_are_few():
    for count, workers in ((10_000, 2), (62, 2), (3, 8), (0, 2)):
        chunks = parallel._chunks(count, workers)
        assert [i for chunk in chunks for i in chunk] == list(range(count))
        assert all(len(chunk) <= parallel.CHUNK for chunk in chunks)
        assert len(chunks) >= min(count, workers)
    assert {len(chunk) for chunk in parallel._chunks(10_000, 2)[:-1]} == {parallel.CHUNK}  # a cold build's


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: pages always render in one process")
def test_a_rename_that_makes_few_pages_again_but_long_lists_renders_them_on_every_core(tmp_path, monkeypatch):
    site, output = tmp_path / "site", tmp_path / "site" / "output"
    generate(site, 80, seed=3)
    today = dt.date(2026, 1, 1)
    assert build(site, output, build_date=today).rendered > 0
    customer = sorted((site / "content" / "customers").glob("*.md"))[0]
    text = customer.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name:"))
    customer.write_text(text.replace(name, 'name: "Renamed Customer"'), encoding="utf-8")
    monkeypatch.setattr(parallel, "MIN_PAGES", 95)
    asked = []
    real = forked.workers_for
    monkeypatch.setattr(forked, "workers_for",
                        lambda count, minimum: asked.append((count, real(count, minimum))) or asked[-1][1])
    result = build(site, output, build_date=today)
    weight, workers = asked[-1]
    assert 0 < result.rendered < 95  # by their number, one process would do (89 pages: the customer's own,
    assert weight > 95 * parallel.PAGE_WEIGHT  # the lists and topics that show its name)
    assert workers > 1  # by their weight, every core
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".advocacy-*"))
    build(clean, clean / "output", build_date=today)
    comparison = filecmp.dircmp(output, clean / "output")
    assert _differences(comparison) == []


def _differences(comparison: filecmp.dircmp, prefix: str = "") -> list[str]:
    found = [prefix + name for name in comparison.left_only + comparison.right_only + comparison.diff_files]
    _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files, shallow=False)
    found += [prefix + name for name in mismatch + errors]
    for name, sub in comparison.subdirs.items():
        found += _differences(sub, f"{prefix}{name}/")
    return found
