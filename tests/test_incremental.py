"""Incremental builds: after any edit, the output is byte for byte the one a
clean build makes, and pages that an edit does not touch are not rendered again."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import random
import re
import shutil
import time
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import advocacy.cache as cache_module
import advocacy.fingerprint as fingerprint_module
import advocacy.last_build as last_build
import advocacy.search as search_module
import advocacy.write as write_module
from advocacy import parallel
from advocacy.build import build
from advocacy.cache import CACHE_DIR, content_hash
from advocacy.errors import Problem
from advocacy.fingerprint import TEMPLATE_READS
from advocacy.preview_page import inject
from advocacy.markup import MarkdownRenderer
from advocacy.render import MARKDOWN_NAMESPACE, builtin_theme_dir
from advocacy.resident import Resident
from advocacy.template_reads import reads_beyond_builtin
from advocacy.write import MARKER, OutputWriter, spare_folder, write_output
from benchmarks.build_times import edit_template
from benchmarks.sitegen import generate

TODAY = dt.date(2026, 1, 1)
ROUNDS = int(os.environ.get("ADVOCACY_INCREMENTAL_ROUNDS", "30"))


@pytest.fixture(autouse=True)
def own_key(own_cache_key, monkeypatch):
    """A cache key of this test's own, the code as it was, and a search index that needs no Pagefind (but
    still changes with every document, so a stale one would show as a difference)."""
    # the shards and their reuse are advocacy's; only the indexer is stood in for
    monkeypatch.setattr(search_module, "pagefind_binary", lambda: Path(__file__))
    monkeypatch.setattr(search_module, "start_pagefind", StandInRun)


class StandInRun:
    """A Pagefind run that needs no Pagefind: its bundle changes with every document."""

    def __init__(self, documents: dict[str, str], into: Path | None = None):  # writes nowhere: `put` keeps it
        self.files = {"pagefind.js": b"//", "pagefind-entry.json": content_hash(
            *(part for item in sorted(documents.items()) for part in item)).encode()}

    def bundle(self) -> dict[str, bytes]:
        return self.files

    def stop(self) -> None:
        pass


def _site(tmp_path: Path, stories: int, seed: int) -> Path:
    """A generated site with a copy of the built-in theme as its own (so that an edit of
    the working tree's theme while the test runs cannot come between two builds)."""
    site = tmp_path / "site"
    generate(site, stories, seed=seed)
    shutil.copytree(builtin_theme_dir(), site / "themes" / "default")
    return site


def _build(root: Path, output: Path, resident: Resident | None = None):
    return build(root, output, build_date=TODAY, accept_removed=True, resident=resident)


def _tree(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def _differences(a: Path, b: Path) -> list[str]:
    left, right = _tree(a), _tree(b)
    return sorted(set(left) ^ set(right)) + sorted(
        name for name in set(left) & set(right) if not filecmp.cmp(left[name], right[name], shallow=False))


def _clean_build(site: Path, scratch: Path) -> Path:
    """The same content built from nothing: no cache, a new output."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site, scratch, symlinks=True, ignore=shutil.ignore_patterns(CACHE_DIR, "output"))
    _build(scratch, scratch / "output")
    return scratch / "output"


def _set_field(file: Path, key: str, value: str) -> None:
    text = file.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    lines = [line for line in head.splitlines() if not line.startswith(f"{key}:")]
    file.write_text("\n".join([*lines, f"{key}: {value}"]) + "\n---\n" + body, encoding="utf-8")


class Editor:
    """Random edits of the kinds a marketer makes, on a generated site."""

    def __init__(self, root: Path, rng: random.Random):
        self.root = root
        self.rng = rng
        self.added = 0

    def files(self, kind: str) -> list[Path]:
        return sorted((self.root / "content" / kind).glob("*.md"))

    def pick(self, kind: str) -> Path:
        return self.rng.choice(self.files(kind))

    def edit_story_body(self) -> None:
        story = self.pick("stories")
        story.write_text(story.read_text(encoding="utf-8") + f"\nEdited {self.rng.random()}.\n", encoding="utf-8")

    def edit_story_title(self) -> None:
        _set_field(self.pick("stories"), "title", f'"A new title {self.rng.randrange(1000)}"')

    def unlisted_story(self) -> Path:
        """A story that no collection names (renaming one a collection names is an error)."""
        listed = " ".join(file.read_text(encoding="utf-8") for file in self.files("collections"))
        return self.rng.choice([s for s in self.files("stories") if f"stories/{s.stem}" not in listed])

    def rename_story(self) -> None:
        story = self.unlisted_story()
        story.rename(story.with_name(f"renamed-{self.rng.randrange(10**6)}.md"))

    def delete_story(self) -> None:
        if len(self.files("stories")) > 4:
            self.unlisted_story().unlink()

    def add_story(self) -> None:
        model = self.pick("stories").read_text(encoding="utf-8")
        self.added += 1
        (self.root / "content" / "stories" / f"added-{self.added}.md").write_text(
            model.replace("featured: true\n", ""), encoding="utf-8")

    def rename_customer(self) -> None:
        _set_field(self.pick("customers"), "name", f'"Renamed {self.rng.randrange(1000)}"')

    def edit_testimonial(self) -> None:
        item = self.pick("testimonials")
        item.write_text(item.read_text(encoding="utf-8") + "Still true.\n", encoding="utf-8")

    def withhold(self) -> None:
        _set_field(self.pick(self.rng.choice(["stories", "testimonials", "videos"])), "consent_expires", "2020-01-01")

    def draft(self) -> None:
        _set_field(self.pick("stories"), "status", "draft")

    def change_title(self) -> None:
        config = self.root / "advocacy.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"^title: .*$", f"title: Stories {self.rng.randrange(1000)}", text, flags=re.MULTILINE),
                          encoding="utf-8")

    def edit_template(self) -> None:
        name = self.rng.choice(["story.html", "base.html", "macros.html", "term.html"])
        own = self.root / "themes" / "default" / "templates" / name
        own.write_text(own.read_text(encoding="utf-8") + f"{{# edit {self.rng.random()} #}}\n<!-- {self.rng.randrange(1000)} -->\n",
                       encoding="utf-8")

    def add_static(self) -> None:
        static = self.root / "static" / f"logo-{self.rng.randrange(1000)}.svg"
        static.parent.mkdir(exist_ok=True)
        static.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>', encoding="utf-8")
        _set_field(self.pick("customers"), "logo", f"/{static.name}")

    def toggle_reference(self) -> None:  # the picker ranks reference customers' items higher
        customer = self.pick("customers")
        _set_field(customer, "reference", "false" if "reference: true" in customer.read_text(encoding="utf-8") else "true")

    def change_industry(self) -> None:  # topics, cards, related stories and the picker
        _set_field(self.pick("stories"), "industry", self.rng.choice(["Logistics", "Retail", "A New Industry"]))

    def nothing(self) -> None:
        pass

    EDITS = ("edit_story_body", "edit_story_title", "rename_story", "delete_story", "add_story", "rename_customer",
             "edit_testimonial", "withhold", "draft", "change_title", "edit_template", "add_static",
             "toggle_reference", "change_industry", "nothing")


@pytest.mark.parametrize("resident", [False, True], ids=["one process per build", "resident (the preview)"])
def test_every_incremental_build_is_the_clean_build(tmp_path, monkeypatch, resident):
    monkeypatch.setattr(parallel, "MIN_PAGES", 40)  # the pool too, on a small site
    site = _site(tmp_path, 12, 3)
    output = site / "output"
    kept = Resident(site) if resident else None
    _build(site, output, kept)
    editor = Editor(site, random.Random(7))
    for round_number in range(ROUNDS):
        done = editor.rng.sample(Editor.EDITS, editor.rng.choice([1, 1, 2]))
        for name in done:
            getattr(editor, name)()
        result = _build(site, output, kept)
        differences = _differences(output, _clean_build(site, tmp_path / "clean"))
        assert differences == [], f"round {round_number} after {done}: {differences[:5]}"
        assert result.rendered <= len(result.changed)  # only pages whose inputs changed were rendered


def _story_pages(output: Path) -> dict[str, int]:
    return {p.parent.name: p.stat().st_ino for p in (output / "stories").glob("*/index.html")}


def test_a_story_edit_renders_only_the_pages_that_show_that_story(tmp_path):
    site = _site(tmp_path, 30, 5)
    output = site / "output"
    first = _build(site, output)
    before = _story_pages(output)
    story = site / "content" / "stories" / "story-17.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = _build(site, output)
    showing = {page.path for page in result.pages
               if any(getattr(value, "path", None) == "content/stories/story-17.md"
                      for value in [*page.context.values(), *page.context.get("related", [])])}
    assert "stories/story-17/" in result.changed
    assert result.rendered == len(result.changed) < first.rendered / 4
    other_stories = {p for p in result.changed if p.startswith("stories/story-")} - showing
    assert other_stories == set()  # no story page that does not show it
    after = _story_pages(output)
    untouched = [slug for slug in before if f"stories/{slug}/" not in result.changed]
    assert untouched and all(before[slug] == after[slug] for slug in untouched)  # the same file: not rewritten
    assert before["story-17"] != after["story-17"]


def test_a_list_rendered_again_takes_the_facet_attributes_of_unchanged_cards_from_the_cache(tmp_path, monkeypatch):
    import advocacy.render as render_module

    site = _site(tmp_path, 30, 5)
    output = site / "output"
    _build(site, output)
    made: list[str] = []
    facet_attributes = render_module.facet_attributes
    monkeypatch.setattr(render_module, "facet_attributes",
                        lambda site, item: made.append(item.path) or facet_attributes(site, item))
    _set_field(site / "content" / "stories" / "story-17.md", "title", "A title its card shows")
    result = _build(site, output)
    assert "stories/" in result.changed  # the list of every story's card was rendered again
    assert made == ["content/stories/story-17.md"]  # only the edited story's attributes were made again


def test_an_edit_of_a_story_s_text_renders_only_the_pages_that_show_its_text(tmp_path):
    site = _site(tmp_path, 30, 5)
    output = site / "output"
    _build(site, output)
    story = site / "content" / "stories" / "story-17.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = _build(site, output)
    assert result.changed == ["stories/story-17/"]  # not the lists, topics and related rows with its card
    assert result.rendered == 1
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_pages_are_walked_again_only_when_what_a_walk_reaches_changed(tmp_path, monkeypatch):
    """An edit of a story's text leaves every page's fingerprint as it was: the build takes them from
    the cache and walks no page. An edit of its front matter, or a new template, walks them all."""
    from advocacy.fingerprint import Fingerprints

    site = _site(tmp_path, 30, 5)
    output = site / "output"
    pages = len(_build(site, output).pages)
    walked: list[str] = []
    of = Fingerprints.of
    monkeypatch.setattr(Fingerprints, "of", lambda self, page: walked.append(page.path) or of(self, page))
    story = site / "content" / "stories" / "story-17.md"

    def walks_after(edit) -> int:
        walked.clear()
        edit()
        result = _build(site, output)
        walks = len(walked)
        assert result.changed and _differences(output, _clean_build(site, tmp_path / "clean")) == []
        return walks

    assert walks_after(lambda: story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n",
                                                encoding="utf-8")) == 0
    assert walks_after(lambda: _set_field(story, "title", "A title its card shows")) == pages
    assert walks_after(lambda: edit_template(site)) == pages
    assert walks_after(lambda: story.write_text(story.read_text(encoding="utf-8") + "\nAnd one more.\n",
                                                encoding="utf-8")) == 0


def test_a_gone_page_whose_address_is_respelled_in_the_url_record_is_made_again(tmp_path):
    """A "no longer available" topic page takes its path from published-urls.txt: written there
    as its file ('x/index.html' for 'x/'), its page shows that address, as a clean build's does."""
    site = _site(tmp_path, 10, 5)
    output = site / "output"
    story = site / "content" / "stories" / "story-3.md"
    _set_field(story, "products", '["Zeta Widget"]')
    _build(site, output)
    _set_field(story, "products", "[]")
    _build(site, output)
    record = site / "published-urls.txt"
    record.write_text(record.read_text().replace("/products/zeta-widget/\n", "/products/zeta-widget/index.html\n"))
    assert _build(site, output).rendered == 1
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_testimonial_s_text_renders_again_the_list_whose_cards_were_taken_from_the_cache(tmp_path):
    """The testimonials' cards show their text: a list rendered with kept cards still depends on it."""
    site = _site(tmp_path, 30, 5)
    output = site / "output"
    _build(site, output)
    testimonials = sorted((site / "content" / "testimonials").glob("*.md"))
    first_customer = re.search(r"^customer: (\S+)$", testimonials[0].read_text(encoding="utf-8"), re.MULTILINE)[1]
    _set_field(site / "content" / "customers" / f"{first_customer}.md", "name", '"Renamed"')
    assert "testimonials/" in _build(site, output).changed  # rendered again, the other cards from the cache
    other = next(t for t in testimonials if f"customer: {first_customer}\n" not in t.read_text(encoding="utf-8"))
    other.write_text(other.read_text(encoding="utf-8") + "Still true, and more.\n", encoding="utf-8")
    assert "testimonials/" in _build(site, output).changed
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_site_template_that_shows_a_body_itself_is_rendered_again_when_the_body_changes(tmp_path):
    site = _site(tmp_path, 20, 4)
    output = site / "output"
    stories = site / "themes" / "default" / "templates" / "stories.html"
    stories.write_text(stories.read_text(encoding="utf-8").replace(
        "{% for story in items %}", "{% for story in items %}<p>{{ story.body[-40:] }}</p>"), encoding="utf-8")
    _build(site, output)
    story = site / "content" / "stories" / "story-7.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nA line the list shows.\n", encoding="utf-8")
    result = _build(site, output)
    assert set(result.changed) == {"stories/", "stories/story-7/"}
    shown = BeautifulSoup((output / "stories" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert any("A line the list shows." in p.get_text() for p in shown.find_all("p"))
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_body_read_by_an_imported_template_s_own_code_is_a_body_every_page_shows(tmp_path):
    """Jinja runs an imported template's own code once per process, for the first page that imports it."""
    site = _site(tmp_path, 12, 6)
    output = site / "output"
    templates = site / "themes" / "default" / "templates"
    (templates / "latest.html").write_text(
        "{% set latest = text_of(site.stories[0]) %}{% macro latest_words() %}{{ latest[-30:] }}{% endmacro %}",
        encoding="utf-8")
    story = templates / "story.html"
    story.write_text('{% from "latest.html" import latest_words %}' + story.read_text(encoding="utf-8").replace(
        '<div class="prose">', '<p class="latest">{{ latest_words() }}</p><div class="prose">', 1), encoding="utf-8")
    first = _build(site, output).site.stories[0].path
    newest = site / first
    newest.write_text(newest.read_text(encoding="utf-8") + "\nThe newest words.\n", encoding="utf-8")
    _build(site, output)
    pages = list((output / "stories").glob("*/index.html"))
    assert len(pages) == 12 and all("The newest words." in page.read_text(encoding="utf-8") for page in pages)
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_build_with_nothing_changed_renders_and_writes_nothing(tmp_path):
    site = _site(tmp_path, 8, 2)
    output = site / "output"
    _build(site, output)
    time.sleep(1.1)  # no input saved within the last second: the stat record can be trusted
    _build(site, output)
    folder = output.stat().st_ino
    result = _build(site, output)
    assert result.rendered == 0 and result.changed == []
    assert output.stat().st_ino == folder  # not even swapped
    assert result.summary.page_total == len(result.pages)  # the pages are there for who asks
    (output / "stories" / "story-1" / "index.html").unlink()  # a damaged output is built again
    result = _build(site, output)
    assert (output / "stories" / "story-1" / "index.html").is_file()
    assert result.rendered == 0  # from the kept pages


def test_the_output_a_build_records_is_the_output_a_walk_finds(tmp_path):
    """The stat of every output file is taken as the build writes it, not by a second walk: it must
    be what a walk sees, or the next build would miss a damaged output, or never skip."""
    site = _site(tmp_path, 8, 3)
    output = site / "output"
    story = site / "content" / "stories" / "story-2.md"
    for round in range(4):  # a new output, a new kept folder, then the kept folder updated twice
        if round == 3:  # a file of the kept folder altered by hand: written again
            kept = next(spare_folder(output).rglob("index.html"))
            kept.write_bytes(kept.read_bytes().replace(b"<", b" ", 1))
        story.write_text(story.read_text(encoding="utf-8") + f"\nRound {round}.\n", encoding="utf-8")
        _build(site, output)
        [record] = (site / CACHE_DIR).glob("last-build-*")
        recorded = cache_module.BuildCache(site, file=record.name).get(last_build.NAMESPACE, "last").outputs
        assert recorded == last_build.scan_output(output) and len(recorded) > 20


# `site.<name>` that the built-in templates read: events and taxonomies are covered by the
# chrome, build_date by the global fingerprint, and the two counts by TEMPLATE_READS.
SITE_READS = frozenset({"events", "taxonomies", "build_date", "collection_items", "items_of"})
_SITE_READ = re.compile(r"\bsite\b(\s*\.\s*(\w+))?")


def reads_outside_context(template_dirs: list[Path]) -> list[str]:
    """Templates (name) in these folders that use `site` beyond SITE_READS."""
    found = []
    for folder in template_dirs:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                text = file.read_text(encoding="utf-8", errors="replace")
                text = re.sub(r"\{#.*?#\}", "", text, flags=re.DOTALL)  # comments speak of "the site"
                code = " ".join(re.findall(r"\{[{%](.*?)[%}]\}", text, flags=re.DOTALL))
                code = re.sub(r"'[^']*'|\"[^\"]*\"", "''", code)  # asset('site.css') reads no site
                if any(match.group(2) not in SITE_READS for match in _SITE_READ.finditer(code)):
                    found.append(file.relative_to(folder).as_posix())
    return found


def test_the_built_in_templates_read_of_the_site_only_what_fingerprints_cover():
    templates = builtin_theme_dir() / "templates"
    assert reads_outside_context([templates]) == []
    for name in ("collections.html", "customers.html"):
        text = (templates / name).read_text(encoding="utf-8")
        assert name in TEMPLATE_READS and re.search(r"site\.(collection_items|items_of)", text)
    assert {"collection_items", "items_of"} <= SITE_READS


# The built-in templates that read records beyond their context (the site, a share box, a topic's
# members, another page's context), and what covers each read. A template added here, or a new
# such read, needs its cover first: the video page's share box had none, and its pages went stale.
COVERED_BUILTIN_READS = {
    "collection.html": "its share box quotes the collection's members: in its context",
    "collections.html": "counts of each collection's items: TEMPLATE_READS",
    "customers.html": "counts of each customer's items: TEMPLATE_READS",
    "embed_wall.html": "a wall's items: in its context, walked",
    "home.html": "counts of each value's items: a topic is walked with its counts",
    "picker.html": "facets and topics looked up by keys of its own lists: its context and the chrome",
    "share_box.html": "included by the pages named here, covered there",
    "sitemap.xml": "each entry's item: walked",
    "stories.html": "includes picker.html, covered there",
    "story.html": "its share box quotes the story itself: in its context",
    "taxonomy.html": "counts of each topic's items: walked with its counts",
    "term.html": "its topic's items: TEMPLATE_READS",
    "video.html": "its share box quotes the customer's newest story: TEMPLATE_READS",
}


def test_every_built_in_template_that_reads_beyond_its_context_has_its_cover_named(tmp_path):
    builtin = builtin_theme_dir() / "templates"
    no_builtin = tmp_path / "none"  # against no namesake: every template that reaches anything
    no_builtin.mkdir()
    assert reads_beyond_builtin([builtin], no_builtin) == sorted(COVERED_BUILTIN_READS)
    assert {"customers.html", "collections.html", "term.html", "video.html"} <= TEMPLATE_READS.keys()


def test_a_site_template_that_reads_more_than_its_built_in_namesake_is_told_apart(tmp_path):
    builtin = builtin_theme_dir() / "templates"
    own = tmp_path / "templates"
    shutil.copytree(builtin, own)  # a copy reads what the built-in theme reads: covered
    story = (own / "story.html").read_text(encoding="utf-8")
    (own / "story.html").write_text(story.replace("{% endblock %}", "<p>Only words.</p>{% endblock %}", 1),
                                    encoding="utf-8")
    base = (own / "base.html").read_text(encoding="utf-8")  # the nav: whether there are events, the topics
    assert "('stories', 'Stories')" in base
    (own / "base.html").write_text(base.replace("('stories', 'Stories')", "('stories', 'Case studies')"),
                                   encoding="utf-8")
    assert reads_beyond_builtin([own], builtin) == []
    more = {  # each reads records its page's context does not hold
        "story.html": story + "{% for s in site.items_of(customer, 'stories') %}{{ s.title }}{% endfor %}",
        "home.html": "{% for e in site.events %}{{ e.title }}{% endfor %}",
        "taxonomy.html": "{{ term.of_kind('stories')[0].title }}",
        "testimonials.html": "{% for t in items %}{{ share_box(t).mailto }}{% endfor %}",
        "videos.html": "{% for term in terms_of(item, 'industries') %}{{ term|attr('items')|length }}{% endfor %}",
        "video.html": "{% macro latest(s=site) %}{{ s.videos[0].title }}{% endmacro %}{{ latest() }}",
        "collections.html": "{% for c in items %}{% include 'share_box.html' %}{% endfor %}",  # calls share_box
        "sitemap.xml": "{% for entry in entries %}{{ entry.context.stories[0].title }}{% endfor %}",
        "partial.html": "{{ share_box(item).subject }}",  # no built-in namesake
        "broken.html": "{% for %}",
    }
    for name, text in more.items():
        (own / name).write_text(text, encoding="utf-8")
    # the context's records, their fields and bodies, the config: what page fingerprints cover
    (own / "words.html").write_text("<p>No code at all.</p>", encoding="utf-8")
    (own / "fields.html").write_text("{% for s in items %}{{ s.title }} {{ body(s) }} {{ s.body[-40:] }}"
                                     "{{ customer_of(s).name }}{% endfor %}{{ config.title }}{{ site.build_date }}",
                                     encoding="utf-8")
    assert reads_beyond_builtin([own], builtin) == sorted(more)
    (own / "fields.html").write_text("{% for key, value in config.utm.items() %}{{ key }}{% endfor %}",
                                     encoding="utf-8")  # a dict's items(), not a topic's
    assert reads_beyond_builtin([own], builtin) == sorted(more)
    for name, read in [
        ("customers.html", "{% set s = site.items_of(customer, 'stories') %}{{ s[0].title }}"),  # it counts them
        ("customers.html", "{% macro newest(customer, s=site.items_of(customer, 'stories')) %}{{ s[0].title }}"
                           "{% endmacro %}"),
        # the built-in home page counts its own topics' items, with these very words; these are every industry's
        ("home.html", "{% for term in site.taxonomies.industries.terms %}{{ term.items | length }}{% endfor %}"),
        ("story.html", "{% for t in terms_of(item, 'industries') %}{{ [t] | map(attribute='items.0.title') }}"
                       "{% endfor %}"),
        ("story.html", "{% for t in terms_of(item, 'industries') %}{{ t[key] }}{% endfor %}"),
        ("story.html", "{{ [site] }}"),
    ]:
        (own / name).write_text(read, encoding="utf-8")
        assert name in reads_beyond_builtin([own], builtin), read


@pytest.mark.parametrize("template, edit", [
    # "more from this customer" on a story page; another story of the customer is retitled
    ("story.html", lambda site, customer: _set_field(_stories_of(site, customer)[-1], "title", '"Retitled"')),
    # a share box on a video's card: its email quotes the customer's newest story, given a new metric
    ("macros.html", lambda site, customer: _new_headline(_stories_of(site, customer)[0])),
])
def test_a_site_template_that_reads_records_its_page_does_not_hold_gets_a_clean_build_s_output(
        tmp_path, template, edit):
    site = _site(tmp_path, 30, 8)
    output = site / "output"
    video = sorted((site / "content" / "videos").glob("*.md"))[0]
    customer = re.search(r"^customer: (\S+)$", video.read_text(encoding="utf-8"), re.MULTILINE)[1]
    own = site / "themes" / "default" / "templates" / template
    text = own.read_text(encoding="utf-8")
    if template == "story.html":
        text = text.replace("{% endblock %}", "<ul>{% for s in site.items_of(customer, 'stories') %}"
                            "<li>{{ s.title }}</li>{% endfor %}</ul>{% endblock %}", 1)
    else:
        text = re.sub(r"(\{% macro video_card\(.*?%\})", r"\1<a href=\"{{ share_box(item).mailto }}\">Send</a>", text)
    assert text != own.read_text(encoding="utf-8")
    own.write_text(text, encoding="utf-8")
    _build(site, output)
    edit(site, customer)
    _build(site, output)
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def _new_headline(story: Path) -> None:
    text = re.sub(r"^metrics:\n(?:  - .*\n)*", "", story.read_text(encoding="utf-8"), flags=re.MULTILINE)
    story.write_text(text.replace("\n---\n", '\nmetrics: [{value: "7x", label: "a new headline"}]\n---\n', 1),
                     encoding="utf-8")


def _stories_of(site: Path, customer: str) -> list[Path]:
    """The customer's stories, newest first."""
    stories = [s for s in (site / "content" / "stories").glob("*.md")
               if f"customer: {customer}\n" in s.read_text(encoding="utf-8")]
    return sorted(stories, key=lambda s: re.search(r"^date: (\S+)$", s.read_text(encoding="utf-8"), re.MULTILINE)[1],
                  reverse=True)


def test_the_preview_reloads_a_page_only_when_what_it_shows_changed():
    def digest(page: bytes, draft: str | None = None, problems: list | None = None) -> str:
        tag = BeautifulSoup(inject(page, draft, 1, problems or []), "html.parser").find("script")
        return tag["data-page"]

    page = b"<html><body><h1>T</h1></body></html>"
    assert digest(page) == digest(page)
    assert digest(page) != digest(page.replace(b"T", b"U"))
    assert digest(page) != digest(page, "content/stories/a.md")
    assert digest(page) != digest(page, problems=[Problem("content/stories/a.md", 3, "bad")])
    assert b'data-version="1" data-page="' in inject(page, None, 1, [])  # the shape reload.js looks for


@pytest.mark.parametrize("name", ["../escaped.html", "/tmp/escaped.html", "a/../../escaped.html", ".."])
def test_no_file_is_written_outside_the_output_folder_and_the_old_output_stays(tmp_path, name):
    output = tmp_path / "out"
    write_output(output, {"index.html": b"old"})
    with pytest.raises(ValueError, match="outside the output folder"):
        write_output(output, {"index.html": b"new", name: b"x"})
    assert (output / "index.html").read_bytes() == b"old"
    assert not (tmp_path / "escaped.html").exists() and not Path("/tmp/escaped.html").exists()


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*")
            if path.is_file() and path.name != MARKER}


def test_an_output_written_in_parts_is_the_files_of_its_parts_and_nothing_else(tmp_path):
    output = tmp_path / "out"
    write_output(output, {"a/index.html": b"1", "old/index.html": b"x", "b": b"a file", "c/d.html": b"a folder"})
    write_output(output, {"index.html": b"between"})  # the first output is now the kept folder
    writer = OutputWriter(output)
    writer.add({"a/index.html": b"1", "b/index.html": b"now a folder"})  # the pages
    writer.add({"pagefind/p.js": b"js", "c": b"now a file"})  # then the search index
    assert _files(output) == {"index.html": b"between"}  # nothing changes before the swap
    stats = writer.finish()
    expected = {"a/index.html": b"1", "b/index.html": b"now a folder", "pagefind/p.js": b"js", "c": b"now a file"}
    assert _files(output) == expected
    assert set(stats) == set(expected) | {MARKER}


@pytest.mark.parametrize("second", [{"x/y.html": b"again"}, {"x": b"a file where a folder is"},
                                    {"x/y.html/z": b"a folder where a file is"}])
def test_a_part_that_clashes_with_an_earlier_one_is_refused_and_the_output_stays(tmp_path, second):
    output = tmp_path / "out"
    write_output(output, {"index.html": b"old"})
    writer = OutputWriter(output)
    writer.add({"x/y.html": b"first"})
    with pytest.raises(ValueError, match="two output files at one path"):
        writer.add(second)
    assert _files(output) == {"index.html": b"old"}


def test_fork_map_gives_a_plain_maps_results_in_order_from_several_processes():
    from advocacy.forked import fork_map, workers_for

    items = list(range(300))
    assert fork_map(lambda i: i * i, items, minimum=1) == [i * i for i in items]
    if workers_for(len(items), 1) > 1:
        def pid_after_a_while(i):  # a chunk lasts long enough for the other worker to take the next
            time.sleep(0.002)
            return os.getpid()

        pids = set(fork_map(pid_after_a_while, items, minimum=1))
        assert os.getpid() not in pids and len(pids) > 1
    assert set(fork_map(lambda i: os.getpid(), items, minimum=10**6)) == {os.getpid()}  # too few: here


def test_a_first_load_parsed_on_every_core_is_the_one_made_in_one_process(tmp_path, monkeypatch):
    import advocacy.content.load as load_module
    from advocacy.errors import Problems

    site = _site(tmp_path, 30, 4)
    broken = site / "content" / "stories" / "story-3.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")

    def load(minimum: int):
        monkeypatch.setattr(load_module, "MIN_FILES", minimum)
        problems = Problems()
        content = load_module.load_content(site, problems, cache_module.BuildCache(site))
        return repr(content), sorted(str(p) for p in problems.items)

    forked, alone = load(1), load(10**6)
    assert forked == alone and any("story-3.md" in problem for problem in forked[1])


def test_a_template_edit_renders_only_the_pages_made_with_it_or_with_what_imports_it(tmp_path):
    site = tmp_path / "site"
    generate(site, 12, seed=6)  # with no theme of its own: the edit makes the site's first own template
    assert not (site / "themes" / "default").exists()
    output = site / "output"
    first = _build(site, output)
    edit_template(site)  # the benchmark's edit: story.html, a copy in the site's theme with one change
    edited = _build(site, output)
    stories = {page.path for page in first.pages if page.template == "story.html"}
    assert set(edited.changed) == stories and edited.rendered == len(stories)
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []
    own = site / "themes" / "default" / "templates"
    macros = (builtin_theme_dir() / "templates" / "macros.html").read_text(encoding="utf-8")
    (own / "macros.html").write_text(macros + "{# a comment: still another template #}\n", encoding="utf-8")
    everything = _build(site, output)  # nearly every page imports the macros (not robots.txt, feed.xml...)
    assert len(everything.changed) > len(first.pages) * 0.9


def test_bodies_are_kept_compressed_and_a_page_rendered_again_takes_its_body_from_the_cache(tmp_path, monkeypatch):
    site = tmp_path / "site"
    generate(site, 12, seed=6)
    output = site / "output"
    _build(site, output)
    kept = cache_module.BuildCache(site)._old_of(MARKDOWN_NAMESPACE)
    story = next((site / "content/stories").glob("*.md"))
    body = story.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    words = re.search(r"(?:[A-Za-z]+ ){5}[A-Za-z]+", body).group().split()  # six plain words of its text
    html = [zlib.decompress(packed).decode("utf-8") for packed in kept.values()]
    assert all(isinstance(packed, bytes) for packed in kept.values())
    assert sum(map(len, kept.values())) < sum(map(len, html)) / 2
    assert any(" ".join(words) in text for text in html)

    def no_markdown(self, text):
        raise AssertionError("a body was rendered again")

    monkeypatch.setattr(MarkdownRenderer, "render", no_markdown)
    edit_template(site)  # every story page is rendered again, each with its body
    assert _build(site, output).rendered == 12
    assert " ".join(words) in (output / f"stories/{story.stem}/index.html").read_text(encoding="utf-8")


def test_the_renderer_keeps_a_body_as_the_cache_keeps_it_not_a_second_copy(tmp_path):
    from markupsafe import Markup

    from advocacy.pipeline import load_site
    from advocacy.render import Renderer, Theme

    generate(tmp_path / "site", 4, seed=6)
    site, _ = load_site(tmp_path / "site")
    cache = cache_module.BuildCache(tmp_path / "site")
    renderer = Renderer(site, Theme(tmp_path / "site", site.config.theme), cache)
    story = site.stories[0]
    html = renderer.body(story)
    assert isinstance(html, Markup) and html.startswith("<")
    kept = renderer._bodies[id(story)][1]
    assert kept is cache.get(MARKDOWN_NAMESPACE, content_hash(renderer.markdown_settings, story.body))
    assert renderer.body(story) == html  # from the memo, the same HTML


def test_a_build_right_after_one_that_wrote_the_url_record_does_nothing(tmp_path):
    site = _site(tmp_path, 8, 7)
    output = site / "output"
    time.sleep(1.1)  # the generated files settle
    _build(site, output)  # writes published-urls.txt: a racy input of the next build, which checks its hash
    record = site / "published-urls.txt"
    assert time.time_ns() - record.stat().st_mtime_ns < last_build.RACY_NS  # still racy: the case at hand
    folder = output.stat().st_ino
    again = _build(site, output)
    assert again.rendered == 0 and output.stat().st_ino == folder  # not even swapped
    with record.open("r+b") as file:  # edited by hand: built again
        file.write(file.read().replace(b"/stories/", b"/STORIES/", 1))
    _build(site, output)
    assert output.stat().st_ino != folder


def test_a_racy_file_saved_again_within_one_tick_of_the_clock_is_read_again(tmp_path, monkeypatch):
    """On a file system whose clock ticks coarsely (FAT's ticks are 2 s), a file saved twice in
    one tick keeps its stat: the hash of its bytes, kept where its stat was racy, tells."""
    tick = 100 * 10**9
    monkeypatch.setattr(last_build, "RACY_NS", tick)
    monkeypatch.setattr(last_build, "RACY_HASHED", 10**6)
    def coarse(info: os.stat_result) -> tuple[int, int, int, int]:
        return info.st_size, info.st_mtime_ns // tick * tick, 0, 0

    # every stat a build takes, of its inputs, of its output and of the static images whose sizes pages show
    for module in (last_build, write_module, fingerprint_module):
        monkeypatch.setattr(module, "stat_of", coarse)
    site = _site(tmp_path, 4, 6)
    output = site / "output"
    logo = site / "static" / "logo.svg"
    logo.parent.mkdir()
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>', encoding="utf-8")
    customer = min((site / "content" / "customers").glob("*.md"))
    _set_field(customer, "logo", "/logo.svg")
    _build(site, output)
    folder = output.stat().st_ino
    assert _build(site, output).rendered == 0 and output.stat().st_ino == folder  # every file racy, and hashed
    story = min((site / "content" / "stories").glob("*.md"))
    text = story.read_bytes()
    assert b" the " in text
    story.write_bytes(text.replace(b" the ", b" THE ", 1))  # the same size, in the same tick
    assert _build(site, output).rendered > 0
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []
    logo.write_text(logo.read_text(encoding="utf-8").replace('"40"', '"80"'), encoding="utf-8")
    _build(site, output)
    page = BeautifulSoup((output / "customers" / customer.stem / "index.html").read_bytes(), "html.parser")
    assert page.find("img", src="/logo.svg")["width"] == "80"


def test_a_file_rewritten_in_place_with_its_size_and_times_put_back_is_read_again(tmp_path):
    site = _site(tmp_path, 6, 5)
    output = site / "output"
    story = min((site / "content" / "stories").glob("*.md"))
    time.sleep(1.1)  # every file older than a second: a build trusts their stat
    _build(site, output)
    before = story.stat()
    text = story.read_bytes()
    assert b" the " in text
    with story.open("r+b") as file:  # in place, the same length: as `cp -p` or an archive tool may do
        file.write(text.replace(b" the ", b" THE ", 1))
    os.utime(story, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = story.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    time.sleep(1.1)  # settled again: only the inode's change time tells
    _build(site, output)
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_video_s_share_email_follows_the_headline_of_its_customer_s_newest_story(tmp_path):
    """The share box of a video page quotes the customer's newest story's first metric, a story
    the page's context does not hold: a story added, or its metrics removed, changes the page."""
    site = _site(tmp_path, 30, 6)
    output = site / "output"
    _build(site, output)
    video = sorted((site / "content" / "videos").glob("*.md"))[0]
    customer = re.search(r"^customer: (\S+)$", video.read_text(encoding="utf-8"), re.MULTILINE)[1]
    newest = site / "content" / "stories" / "newest.md"
    front = f'---\ntitle: "The newest one"\nsummary: "One sentence."\ncustomer: {customer}\ndate: 2025-12-31\n'
    newest.write_text(front + 'metrics:\n  - {value: "7x", label: "faster month-end close"}\n---\nText.\n',
                      encoding="utf-8")

    def email_of_video() -> str:
        page = BeautifulSoup((output / "videos" / video.stem / "index.html").read_bytes(), "html.parser")
        return next(a["href"] for a in page.find_all("a", href=True) if a["href"].startswith("mailto:"))

    _build(site, output)
    assert "7x%20faster%20month-end%20close" in email_of_video()
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []
    newest.write_text(front + "---\nText.\n", encoding="utf-8")  # its metric removed
    _build(site, output)
    assert "7x" not in email_of_video()
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_static_file_as_the_last_build_left_it_is_not_read_again_and_a_changed_one_is(tmp_path, monkeypatch):
    """A static file whose stat is the one the last build read, and whose copy is as that build left
    it, is vouched for by their stats (a large static/ folder would be read at every build); a copy
    changed in the output, a source rewritten with its old size and times, and another source
    copied to the same path (a theme's file once the site's own is deleted) are published anew."""
    monkeypatch.setattr(last_build, "RACY_NS", 0)  # every file settled: no waiting a second for it
    site = _site(tmp_path, 20, 7)
    output = site / "output"
    media = site / "static" / "media"
    media.mkdir(parents=True)
    for number in range(3):
        (media / f"case-{number}.pdf").write_bytes(bytes([number]) * 5000)
    compared: list[str] = []
    same_bytes = write_module._same_bytes
    monkeypatch.setattr(write_module, "_same_bytes", lambda a, b: compared.append(a.name) or same_bytes(a, b))
    story = sorted((site / "content" / "stories").glob("*.md"))[0]

    def edit_and_build() -> None:
        story.write_text(story.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        compared.clear()
        _build(site, output)

    for _ in range(3):  # a fresh output; its copies linked into the kept folder; the kept folder's kept
        edit_and_build()
    assert compared == []
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []

    copy, source = output / "media" / "case-1.pdf", media / "case-1.pdf"
    before = copy.stat()
    with copy.open("r+b") as file:  # the output's copy changed in place, its size and times put back
        file.write(b"X")
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit_and_build()
    assert "case-1.pdf" in compared
    assert (output / "media" / "case-1.pdf").read_bytes() == source.read_bytes()

    before = source.stat()
    source.write_bytes(b"Y" * 5000)  # as `cp -p` would
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit_and_build()
    assert (output / "media" / "case-1.pdf").read_bytes() == b"Y" * 5000

    override = site / "static" / "assets" / "favicon.svg"  # the site's own, in place of the theme's
    override.parent.mkdir()
    override.write_text("<svg><!-- the site's --></svg>", encoding="utf-8")
    edit_and_build()
    edit_and_build()
    assert (output / "assets" / "favicon.svg").read_bytes() == override.read_bytes()
    override.unlink()  # the theme's, unchanged all along, is copied to the same path again
    edit_and_build()
    theme_favicon = site / "themes" / "default" / "static" / "favicon.svg"
    assert (output / "assets" / "favicon.svg").read_bytes() == theme_favicon.read_bytes()
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_static_file_rewritten_with_its_old_size_and_modification_time_is_published_anew(tmp_path):
    """`cp -p`, `rsync -t` and archives put a file's modification time back: its inode change
    time still moves, and the copy in the output and the logo's size on every page follow."""
    site = _site(tmp_path, 20, 7)
    output = site / "output"
    logo = site / "static" / "logo.svg"
    logo.parent.mkdir()
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>', encoding="utf-8")
    customer = sorted((site / "content" / "customers").glob("*.md"))[0]
    _set_field(customer, "logo", "/logo.svg")
    _build(site, output)
    _build(site, output)  # the kept folder beside the output holds a copy of the logo too now
    before = logo.stat()
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"></svg>', encoding="utf-8")
    os.utime(logo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (logo.stat().st_size, logo.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    _build(site, output)
    assert (output / "logo.svg").read_bytes() == logo.read_bytes()
    page = BeautifulSoup((output / "customers" / customer.stem / "index.html").read_bytes(), "html.parser")
    assert page.find("img", src="/logo.svg")["width"] == "80"
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_static_file_changed_where_no_page_shows_it_renders_no_page_again(tmp_path, monkeypatch):
    """Pages show a static file's name and, for an image, its size. A brochure rewritten, a logo saved
    again at its size, a file touched: no page is rendered again, and the copies follow. A logo of
    another size renders again the pages that show it."""
    monkeypatch.setattr(last_build, "RACY_NS", 0)  # every file settled: its size is kept by its stat
    site = _site(tmp_path, 20, 7)
    output = site / "output"
    logo = site / "static" / "logo.svg"
    brochure = site / "static" / "docs" / "brochure.pdf"
    brochure.parent.mkdir(parents=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>', encoding="utf-8")
    brochure.write_bytes(b"%PDF-1.4 first")
    customer = sorted((site / "content" / "customers").glob("*.md"))[0]
    _set_field(customer, "logo", "/logo.svg")
    _build(site, output)

    brochure.write_bytes(b"%PDF-1.4 the second edition")
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><!-- new --></svg>',
                    encoding="utf-8")
    os.utime(brochure, ns=(1, 1))  # and its times set back, as an archive might
    assert _build(site, output).rendered == 0
    assert (output / "docs" / "brochure.pdf").read_bytes() == brochure.read_bytes()
    assert (output / "logo.svg").read_bytes() == logo.read_bytes()
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []

    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"></svg>', encoding="utf-8")
    result = _build(site, output)
    assert f"customers/{customer.stem}/" in result.changed
    page = BeautifulSoup((output / "customers" / customer.stem / "index.html").read_bytes(), "html.parser")
    assert page.find("img", src="/logo.svg")["width"] == "80"
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []


def test_a_picture_found_or_lost_through_a_link_renders_again_the_pages_that_show_it(tmp_path):
    """A link in static/ may lead elsewhere in the site (a record's picture is not taken from
    there), or give a folder of static/ a second name. Retargeting or removing it changes which
    pictures records keep, while static/'s own files keep their names and sizes."""
    site = _site(tmp_path, 20, 1)  # two customers
    output = site / "output"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"></svg>'
    (site / "assets-src").mkdir()
    (site / "assets-src" / "logo.svg").write_text(svg, encoding="utf-8")
    static = site / "static"
    (static / "sub").mkdir(parents=True)
    (static / "real.svg").write_text(svg + "   ", encoding="utf-8")
    (static / "sub" / "acme.svg").write_text(svg, encoding="utf-8")
    link = static / "logo.svg"
    link.symlink_to("../assets-src/logo.svg")  # outside static/: the logo is left out
    (static / "zz").symlink_to("sub", target_is_directory=True)  # a second name of static/sub/
    first, second = sorted((site / "content" / "customers").glob("*.md"))[:2]
    _set_field(first, "logo", "/logo.svg")
    _set_field(second, "logo", "/zz/acme.svg")
    _build(site, output)
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []

    link.unlink()
    link.symlink_to("real.svg")  # a file of static/ now: the first customer's logo is shown
    (static / "zz").unlink()  # the second customer's logo leads nowhere now
    _build(site, output)
    page = BeautifulSoup((output / "customers" / first.stem / "index.html").read_bytes(), "html.parser")
    assert page.find("img", src="/logo.svg") is not None
    assert _differences(output, _clean_build(site, tmp_path / "clean")) == []
