"""The page store: rendered pages kept by fingerprint, trusted only as the signed cache vouches,
and never written through a link to elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from advocacy.cache import CACHE_DIR, BuildCache
from advocacy.page_store import PAGES_DIR, PageStore

FINGERPRINT = "ab" + "0" * 30


pytestmark = pytest.mark.usefixtures("own_cache_key")


def _store(root: Path) -> PageStore:
    return PageStore(BuildCache(root))


def test_a_kept_page_is_found_by_the_next_build_unless_it_was_changed_in_place(tmp_path):
    store = _store(tmp_path)
    kept = store.put(FINGERPRINT, b"the page")
    store.cache.save()
    assert _store(tmp_path).get(FINGERPRINT).path.read_bytes() == b"the page"
    kept.path.write_bytes(b"the page, altered by hand")
    assert _store(tmp_path).get(FINGERPRINT) is None


@pytest.mark.parametrize("linked", [f"{CACHE_DIR}/{PAGES_DIR}", CACHE_DIR])
def test_a_store_folder_that_links_elsewhere_is_never_written_through(tmp_path, linked):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "site" / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere, target_is_directory=True)
    assert _store(tmp_path / "site").put(FINGERPRINT, b"the page") is None
    assert list(elsewhere.rglob("*")) == []


def test_prune_removes_the_pages_no_build_used_for_a_while_and_keeps_the_others(tmp_path):
    import os
    import time

    from advocacy.page_store import GRACE_SECONDS

    store = _store(tmp_path)
    used, stale, recent = (store.put(name * 32, name.encode()) for name in "abc")
    store.cache.save()
    later = _store(tmp_path)
    assert later.get("a" * 32) is not None  # this build uses a page; the other two it does not
    stranger = store.folder / ("d" * 32)  # made by no build of this cache
    stranger.write_bytes(b"d")
    long_ago = time.time() - GRACE_SECONDS - 60
    for path in (used.path, stale.path, stranger):
        os.utime(path, (long_ago, long_ago))
    later.prune()
    assert sorted(path.name for path in later.folder.iterdir()) == ["a" * 32, "c" * 32]  # c: made too lately


def test_a_new_page_is_written_under_its_name_with_no_temporary_file(tmp_path, monkeypatch):
    import advocacy.page_store as page_store

    replaced = []
    monkeypatch.setattr(page_store, "write_whole", lambda *args: replaced.append(args))
    store = _store(tmp_path)
    kept = store.put(FINGERPRINT, b"the page")
    assert replaced == [] and kept.path.read_bytes() == b"the page"
    assert [path.name for path in store.folder.iterdir()] == [FINGERPRINT]
    assert kept.inode == (kept.path.stat().st_dev, kept.path.stat().st_ino)


def test_half_a_page_a_killed_build_left_is_never_used_and_is_replaced_whole(tmp_path):
    store = _store(tmp_path)
    store.folder.mkdir(parents=True)
    half = store.folder / FINGERPRINT
    half.write_bytes(b"the pa")  # killed while it wrote: no cache vouches for it
    linked = tmp_path / "an output's link"
    linked.hardlink_to(half)
    assert _store(tmp_path).get(FINGERPRINT) is None
    kept = store.put(FINGERPRINT, b"the page")
    assert kept.path.read_bytes() == b"the page" and linked.read_bytes() == b"the pa"  # a new file, not rewritten
    store.cache.save()
    assert _store(tmp_path).get(FINGERPRINT).path.read_bytes() == b"the page"


def test_a_page_that_cannot_be_written_leaves_nothing_under_its_name(tmp_path, monkeypatch):
    import os

    class DiskFull:
        def __init__(self, descriptor, mode):
            self.file = real_fdopen(descriptor, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    store = _store(tmp_path)
    assert store.put("c" * 32, b"another page") is not None
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", DiskFull)
    assert store.put(FINGERPRINT, b"the page") is None
    assert [path.name for path in store.folder.iterdir()] == ["c" * 32]
