"""How pages are shared out between render workers: by what they cost, not by their number."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
import threading

import pytest

from advocacy import forked, parallel
from advocacy.build import build
from advocacy.pipeline import load_site, plan
from benchmarks.sitegen import generate

pytestmark = pytest.mark.usefixtures("own_cache_key")


def test_a_page_weighs_the_items_it_lists(tmp_path):
    generate(tmp_path / "site", 40, seed=3)
    site, problems = load_site(tmp_path / "site")
    pages = {page.path: page for page in plan(tmp_path / "site", site, problems)}
    assert parallel.weight(pages["stories/"]) == parallel.PAGE_WEIGHT + len(site.stories) == parallel.PAGE_WEIGHT + 40
    story = pages[next(path for path, page in pages.items() if page.template == "story.html")]
    assert parallel.weight(story) == parallel.PAGE_WEIGHT + len(story.context["related"]) + len(story.context["events"])
    term = next(page for page in pages.values() if page.template == "term.html")
    assert parallel.weight(term) == parallel.PAGE_WEIGHT + len(term.context["term"].items)
    assert parallel.weight(pages["sitemap.xml"]) == parallel.PAGE_WEIGHT  # lines, not items


def test_chunks_cover_every_page_once_give_every_worker_some_and_a_heavy_page_its_own():
    cold = [parallel.PAGE_WEIGHT] * 10_000
    assert {len(chunk) for chunk in parallel._chunks(cold, 2)[:-1]} == {parallel.CHUNK}  # a cold build's
    rename = [4020, 4020, 20, 20, 20, 520, 20, 20, 800, 20]
    chunks = parallel._chunks(rename, 2)
    assert [i for chunk in chunks for i in chunk] == list(range(len(rename)))
    assert chunks[0] == range(0, 1) and chunks[1] == range(1, 2)  # the two long lists: one for each worker
    for weights, workers in ((cold, 2), (rename, 2), ([20] * 3, 8), ([], 2)):
        chunks = parallel._chunks(weights, workers)
        assert [i for chunk in chunks for i in chunk] == list(range(len(weights)))
        assert len(chunks) >= min(len(weights), workers)


def test_a_rename_that_makes_few_pages_again_but_long_lists_weighs_enough_for_every_core(tmp_path, monkeypatch):
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
    monkeypatch.setattr(forked, "workers_for", lambda count, minimum: asked.append((count, minimum)) or real(count, minimum))
    result = build(site, output, build_date=today)
    weight, minimum = asked[-1]
    assert 0 < result.rendered < 95  # by their number, one process would do (89 pages: the customer's own,
    assert weight >= minimum == 95 * parallel.PAGE_WEIGHT  # the lists and topics that show its name): by
    # their weight, every core (unless this process runs another thread: a test before may have left one)
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


def test_no_earlier_test_leaves_a_thread_that_would_keep_builds_from_forking():
    """conftest runs the browser tests last: Playwright's thread, alive for the rest of the session,
    would make every later build render in one process, and the forked path go untested."""
    if not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: builds never fork")
    for thread in threading.enumerate():  # a server an earlier test stopped may take a moment to end
        if thread is not threading.main_thread():
            thread.join(timeout=2)
    assert forked.workers_for(10**6, 1) > 1, [thread.name for thread in threading.enumerate()]
