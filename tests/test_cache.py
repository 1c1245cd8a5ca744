"""The build cache: reused only when it is ours, for the same bytes and the same code."""

import gc
import shutil
import subprocess
from pathlib import Path

import pytest

import advocacy.cache as cache_module
import advocacy.content.load as load_module
from advocacy.build import build
from advocacy.cache import CACHE_DIR, CACHE_FILE, BuildCache
from advocacy.content.load import load_content
from advocacy.errors import ContentError, Problems
from tests.conftest import CUSTOMER, STORY


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """A cache key of this test's own, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files that load_content really parses (not taken from the cache)."""
    seen: list[str] = []
    real = load_module.load_file

    def counting(raw, rel, kind, problems):
        seen.append(rel)
        return real(raw, rel, kind, problems)

    monkeypatch.setattr(load_module, "load_file", counting)
    return seen


def _load(root: Path) -> tuple[Problems, object]:
    problems = Problems()
    cache = BuildCache(root)
    content = load_content(root, problems, cache)
    cache.save()
    return problems, content


def test_unchanged_files_are_not_parsed_again_and_changed_ones_are(site, parses):
    _load(site.root)
    assert sorted(parses) == ["content/customers/acme.md", "content/stories/acme-onboarding.md"]
    parses.clear()
    _, content = _load(site.root)
    assert parses == []
    assert content.by_kind["stories"][0].title == "How Acme cut onboarding"
    site.write("content/stories/acme-onboarding.md", "---\ntitle: New title\nsummary: S\ncustomer: acme\n"
               "date: 2025-01-01\n---\n")
    _, content = _load(site.root)
    assert parses == ["content/stories/acme-onboarding.md"]
    assert content.by_kind["stories"][0].title == "New title"


def test_problems_of_a_cached_file_are_reported_again(site, parses):
    site.write("content/stories/acme-onboarding.md", "---\ntitel: T\n---\n")
    first, _ = _load(site.root)
    second, _ = _load(site.root)
    assert parses.count("content/stories/acme-onboarding.md") == 1
    assert [str(p) for p in second.items] == [str(p) for p in first.items] and first.errors


def test_a_cache_signed_with_another_key_is_never_unpickled(site, parses, tmp_path, monkeypatch):
    _load(site.root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    parses.clear()
    _load(site.root)
    assert len(parses) == 2


def test_a_tampered_cache_is_ignored(site, parses):
    _load(site.root)
    files = [path for path in (site.root / CACHE_DIR / CACHE_FILE).iterdir() if path.name.startswith("content.")]
    assert files
    for cache_file in files:
        data = bytearray(cache_file.read_bytes())
        data[-1] ^= 0xFF
        cache_file.write_bytes(bytes(data))
    parses.clear()
    _load(site.root)
    assert len(parses) == 2


def test_other_code_starts_a_fresh_cache(site, parses, monkeypatch):
    _load(site.root)
    monkeypatch.setattr("advocacy.cache.code_fingerprint", lambda: "another version")
    parses.clear()
    _load(site.root)
    assert len(parses) == 2


def test_entries_no_longer_used_are_dropped(site):
    _load(site.root)
    site.write("content/stories/acme-onboarding.md", "---\ntitle: T2\nsummary: S\ncustomer: acme\ndate: 2025-01-01\n---\n")
    _load(site.root)
    cache = BuildCache(site.root)
    assert len(cache._old_of("content")) == 2  # the customer and the story's new version, not its old one


def test_a_lasting_namespace_keeps_unused_entries_for_a_while_and_the_others_do_not(site):
    from advocacy.cache import UNUSED_BUILDS_KEPT

    def one_build(put: bool) -> BuildCache:
        cache = BuildCache(site.root)
        cache.keep_unused("cards")
        if put:
            cache.put("cards", "a card", "<article>")
            cache.put("content", "a record", "record")
        else:  # a build that uses both namespaces, but not these entries
            assert cache.get("cards", "another card") is None and cache.get("content", "another") is None
        cache.save()
        return cache

    one_build(put=True)
    for _ in range(UNUSED_BUILDS_KEPT):  # builds that render no page showing the card
        cache = one_build(put=False)
    reread = BuildCache(site.root)
    assert reread.get("cards", "a card") == "<article>" and reread.get("content", "a record") is None
    one_build(put=False)
    assert BuildCache(site.root).get("cards", "a card") is None  # unused for longer: dropped
    assert cache.kept("cards") == set()  # what a build used is what prune-like callers see


def test_a_namespace_is_read_when_first_asked_for_and_one_never_asked_for_keeps_its_files(site, monkeypatch):
    first = BuildCache(site.root)
    first.put("cards", "a card", "<article>")
    first.put("content", "a record", "record")
    first.save()
    files = {path.name: path.read_bytes() for path in first.path.iterdir()}
    read = []
    real = BuildCache._read
    monkeypatch.setattr(BuildCache, "_read", lambda self, path, header: read.append(header[1]) or real(self, path, header))
    cache = BuildCache(site.root)
    assert read == []
    assert cache.get("content", "another") is None and cache.get("content", "a third") is None
    assert read == ["content"]  # once, and not the cards
    cache.put("content", "a new record", "new")
    cache.save()
    assert read == ["content"]
    after = {path.name: path.read_bytes() for path in cache.path.iterdir()}
    assert after["cards.1.0.pickle"] == files["cards.1.0.pickle"]  # never asked for: left as it was
    assert after["content.1.0.pickle"] != files["content.1.0.pickle"]
    again = BuildCache(site.root)
    assert again.get("cards", "a card") == "<article>"
    assert again.get("content", "a new record") == "new" and again.get("content", "a record") is None


def test_workers_get_every_namespace_read_before_the_fork(site):
    first = BuildCache(site.root)
    first.put("cards", "a card", "<article>")
    first.save()
    cache = BuildCache(site.root)
    cache.read_all()
    assert cache._old["cards"] == {"a card": "<article>"}


def test_another_version_s_files_all_go_at_the_next_save_even_of_a_namespace_no_build_asks_for(site, monkeypatch):
    first = BuildCache(site.root)
    first.put("cards", "a card", "<article>")
    first.put("content", "a record", "record")
    first.save()
    monkeypatch.setattr("advocacy.cache.code_fingerprint", lambda: "another version")
    read = []
    real = BuildCache._read
    monkeypatch.setattr(BuildCache, "_read", lambda self, path, header: read.append(header[1]) or real(self, path, header))
    upgraded = BuildCache(site.root)
    assert upgraded.get("content", "a record") is None
    upgraded.put("content", "a record", "new record")
    upgraded.save()
    assert read == []  # known as another version's by the cache's own note: not even read
    assert sorted(path.name for path in upgraded.path.glob("*.pickle")) == ["content.1.0.pickle"]
    assert BuildCache(site.root).get("content", "a record") == "new record"


def test_a_build_reuses_rendered_markdown_and_gives_the_same_output(site, monkeypatch):
    from advocacy.markup import MarkdownRenderer

    assert site.run("build").exit_code == 0
    first = site.snapshot()
    calls = []
    real = MarkdownRenderer.render
    monkeypatch.setattr(MarkdownRenderer, "render", lambda self, text: calls.append(text) or real(self, text))
    assert site.run("build").exit_code == 0
    assert calls == [] and site.snapshot() == first
    site.write("content/customers/acme.md", CUSTOMER.replace("Acme moves things.", "Acme moves more things."))
    assert site.run("build").exit_code == 0
    assert calls == ["Acme moves more things.\n"]


def _files(root: Path) -> dict[str, int]:
    """The cache's files, by name, with their inode (a file written again gets a new one)."""
    return {path.name: path.stat().st_ino for path in (root / CACHE_DIR / CACHE_FILE).glob("*.pickle")}


def _save_many(root: Path, count: int, change: str | None = None) -> BuildCache:
    """A build that uses entries 0..count-1 of "content" (one of them made again as `change`)."""
    cache = BuildCache(root)
    for number in range(count):
        key = f"entry {number}"
        if key == change or cache.get("content", key) is None:
            cache.put("content", key, f"value of {key} {change}")
    cache.save()
    return cache


def test_a_save_writes_only_the_files_whose_entries_changed(tmp_path):
    _save_many(tmp_path, 2000)
    before = _files(tmp_path)
    assert len(before) > 4  # a big namespace is split
    _save_many(tmp_path, 2000)
    assert _files(tmp_path) == before  # nothing changed: nothing written
    _save_many(tmp_path, 2000, change="entry 7")
    after = _files(tmp_path)
    assert sorted(after) == sorted(before)
    assert len([name for name in after if after[name] != before[name]]) == 1
    reread = BuildCache(tmp_path)
    assert reread.get("content", "entry 7") == "value of entry 7 entry 7"
    assert reread.get("content", "entry 8") == "value of entry 8 None"


def test_a_namespace_that_grows_or_shrinks_is_split_anew_and_loses_nothing(tmp_path):
    _save_many(tmp_path, 10)
    assert list(_files(tmp_path)) == ["content.1.0.pickle"]
    _save_many(tmp_path, 2000)
    grown = _files(tmp_path)
    assert "content.1.0.pickle" not in grown and len(grown) > 4
    reread = BuildCache(tmp_path)
    assert all(reread.get("content", f"entry {n}") is not None for n in range(2000))
    _save_many(tmp_path, 10)  # the build used ten: the others are dropped, and their files
    assert list(_files(tmp_path)) == ["content.1.0.pickle"]


def test_a_damaged_file_loses_its_own_entries_only(tmp_path):
    _save_many(tmp_path, 2000)
    damaged = sorted((tmp_path / CACHE_DIR / CACHE_FILE).glob("content.*.pickle"))[0]
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\0")
    reread = BuildCache(tmp_path)
    found = [n for n in range(2000) if reread.get("content", f"entry {n}") is not None]
    assert 1000 < len(found) < 2000


def test_the_single_file_of_older_versions_is_removed(tmp_path):
    old = tmp_path / CACHE_DIR / f"{CACHE_FILE}.pickle"
    old.parent.mkdir()
    old.write_bytes(b"a cache of an older advocacy")
    _save_many(tmp_path, 10)
    assert not old.exists() and _files(tmp_path)


def test_a_lasting_entry_used_at_every_build_outlives_a_build_that_does_not_use_it(tmp_path):
    from advocacy.cache import UNUSED_BUILDS_KEPT

    def one_build(used: tuple[str, ...]) -> None:
        cache = BuildCache(tmp_path)
        cache.keep_unused("cards")
        for key in used:
            if cache.get("cards", key) is None:
                cache.put("cards", key, f"<article>{key}</article>")
        cache.save()

    for _ in range(UNUSED_BUILDS_KEPT + 5):  # used every time: its file need not be written each time
        one_build(("a", "b"))
    one_build(("a",))
    assert BuildCache(tmp_path).get("cards", "b") == "<article>b</article>"


@pytest.mark.parametrize("noted", [True, False], ids=["the cache notes its code", "a cache older than the note"])
def test_the_files_of_other_code_are_not_unpickled_and_are_removed_at_the_next_save(tmp_path, monkeypatch, noted):
    import pickle

    _save_many(tmp_path, 2000)
    old = set(_files(tmp_path))
    if not noted:
        (tmp_path / CACHE_DIR / CACHE_FILE / "code").unlink()
    monkeypatch.setattr("advocacy.cache.code_fingerprint", lambda: "another version")
    bodies = []
    real = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda data, **kw: bodies.append(len(data)) or real(data, **kw))
    cache = BuildCache(tmp_path)
    assert cache.get("content", "entry 1") is None
    assert (max(bodies) < 200) if not noted else bodies == []  # the headers alone, or nothing at all
    cache.put("content", "entry 1", "new")
    cache.save()
    assert set(_files(tmp_path)) == {"content.1.0.pickle"} and len(old) == 8  # the other code's eight: gone
    assert BuildCache(tmp_path).get("content", "entry 1") == "new"


def test_a_cache_folder_that_links_elsewhere_is_never_written_through(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "site" / CACHE_DIR).mkdir(parents=True)
    (tmp_path / "site" / CACHE_DIR / CACHE_FILE).symlink_to(elsewhere, target_is_directory=True)
    _save_many(tmp_path / "site", 10)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("collecting", [True, False])
def test_a_cache_is_loaded_with_the_cycle_collector_off_and_left_as_it_was(site, collecting):
    cache = BuildCache(site.root)
    cache.put("things", "a", {"b": [1, 2, 3]})
    cache.save()
    seen: list[bool] = []
    real_loads = cache_module.pickle.loads

    def loads(data):
        seen.append(gc.isenabled())
        return real_loads(data)

    (gc.enable if collecting else gc.disable)()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cache_module.pickle, "loads", loads)
            assert BuildCache(site.root).get("things", "a") == {"b": [1, 2, 3]}
        assert gc.isenabled() == collecting
    finally:
        gc.enable()
    assert seen[-1] is False  # the entries: unpickled with the collector off


def test_a_build_leaves_the_cycle_collector_on_and_nothing_frozen(site):
    """A preview builds again and again in one process: what a build froze must be freed after it."""
    assert site.run("build").exit_code == 0
    site.write("content/stories/acme-onboarding.md", STORY.replace("It was slow.", "It was quick."))
    assert site.run("build").exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    site.write("content/stories/acme-onboarding.md", STORY.replace("title:", "titel:"))
    assert site.run("build").exit_code != 0  # a mistake: the same
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_ignores_the_cache_folder_of_a_site_that_has_no_gitignore(site):
    """A site not made by `advocacy init` has no .gitignore: the cache folder ignores itself."""
    subprocess.run(["git", "init", "-q", str(site.root)], check=True)
    build(site.root, site.root / "output")
    assert (site.root / CACHE_DIR / "pages").is_dir()  # pages, search bundles, records: all in it
    untracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=site.root,
                               capture_output=True, text=True, check=True).stdout.splitlines()
    assert untracked and not [line for line in untracked if CACHE_DIR in line]
    shutil.rmtree(site.root / CACHE_DIR)  # and after a first build that fails once pages are made
    site.write("themes/default/templates/story.html", "{{ item.no_such_field }}")
    with pytest.raises(ContentError):
        build(site.root, site.root / "output")
    assert (site.root / CACHE_DIR / "pages").is_dir()
    untracked = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=site.root,
                               capture_output=True, text=True, check=True).stdout.splitlines()
    assert not [line for line in untracked if CACHE_DIR in line]
