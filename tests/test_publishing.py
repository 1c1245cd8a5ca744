"""What gets published, and how: drafts, consent dates, the build date, and an
output folder that is replaced whole, only by a build that succeeded."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from advocacy.write import SPARE_PREFIX, spare_folder
from tests.conftest import SiteFolder
from tests.test_output import ATOM, SITEMAP, html_files, parse, write_rich_site

EPOCH_2025_06_15 = "1749945600"  # 2025-06-15T00:00:00Z


def epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc).timestamp()))


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    """Every build here happens on 2025-06-15 unless a test says otherwise."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2025_06_15)


# ---------------------------------------------------------------- the items that may be left out

HIDDEN = {
    "stories": ("content/stories/secret-plan.md", """\
        ---
        title: The secret plan
        summary: Nobody may read this yet.
        customer: acme
        date: 2025-05-01
        products: [Stealth Mode]
        values: [reliability]
        aliases: [/old/secret-plan/]
        {extra}
        ---
        Hidden story body.
        """),
    "testimonials": ("content/testimonials/hush.md", """\
        ---
        customer: acme
        author: Hush Person
        use_cases: [Quiet hours]
        {extra}
        ---
        Quiet words.
        """),
    "videos": ("content/videos/hidden-tour.md", """\
        ---
        title: Hidden tour
        url: https://vimeo.com/76979871
        date: 2025-05-02
        customer: acme
        region: Atlantis
        {extra}
        ---
        Hidden transcript.
        """),
}
COLLECTION = """\
    ---
    title: Everything pack
    items: [stories/acme-onboarding, stories/secret-plan, testimonials/hush, videos/hidden-tour]
    ---
    All of it.
    """
# How each hidden item would show itself: links to it, its text, its pages.
HREFS = {"stories": "/stories/secret-plan/", "testimonials": "#hush", "videos": "/videos/hidden-tour/"}
TEXTS = {"stories": "The secret plan", "testimonials": "Quiet words.", "videos": "Hidden tour"}
PAGES = {"stories": ["stories/secret-plan/", "old/secret-plan/", "products/stealth-mode/"],
         "testimonials": ["use-cases/quiet-hours/"],
         "videos": ["videos/hidden-tour/", "regions/atlantis/"]}


def add_hidden(folder: SiteFolder, extra: str) -> SiteFolder:
    for rel, text in HIDDEN.values():
        folder.write(rel, text.replace("{extra}", extra))
    folder.write("content/collections/everything.md", COLLECTION)
    return folder


def appearances(output: Path, kind: str) -> list[str]:
    """Every place in the output where the hidden item of `kind` shows up."""
    found = []
    for page in PAGES[kind]:
        file = output / page / "index.html"
        # a URL once published keeps a "no longer available" page, which shows nothing of the item
        heading = parse(file).h1 if file.exists() else None
        if file.exists() and "no longer available" not in (heading.get_text() if heading else ""):
            found.append(f"/{page} exists")
    for file in html_files(output):
        soup = parse(file)
        name = file.relative_to(output).as_posix()
        if soup.main is None:
            continue
        for a in soup.find_all("a", href=True):
            if a["href"].endswith(HREFS[kind]):
                found.append(f"{name} links to {a['href']}")
        if kind == "testimonials" and soup.find(id="hush") is not None:
            found.append(f"{name} has #hush")
        if TEXTS[kind] in soup.get_text(" "):
            found.append(f"{name} shows {TEXTS[kind]!r}")
    feed = ET.parse(output / "feed.xml").getroot()
    for entry in feed.findall(f"{ATOM}entry"):
        if entry.findtext(f"{ATOM}title") == TEXTS[kind]:
            found.append("feed.xml has an entry")
    sitemap = ET.parse(output / "sitemap.xml").getroot()
    for loc in sitemap.iter(f"{SITEMAP}loc"):
        if any(loc.text.endswith("/" + page) for page in PAGES[kind]):
            found.append(f"sitemap.xml lists {loc.text}")
    return found


def build(folder: SiteFolder, *args: str):
    result = folder.run("build", *args)
    assert result.exit_code == 0, result.output
    return result


# ---------------------------------------------------------------- drafts

@pytest.mark.parametrize("kind", list(HIDDEN))
def test_drafts_are_left_out_by_default(site, kind):
    add_hidden(site, "status: draft")
    result = build(site)
    assert appearances(site.output, kind) == []
    assert "3 drafts left out" in result.stdout
    assert (site.output / "stories/acme-onboarding/index.html").is_file()


def test_the_checker_sees_each_hidden_item(site):
    """appearances itself: a normal build shows every item in every place."""
    add_hidden(site, "featured: true")
    build(site)
    story = appearances(site.output, "stories")
    assert {"/stories/secret-plan/ exists", "/old/secret-plan/ exists", "/products/stealth-mode/ exists",
            "feed.xml has an entry", "sitemap.xml lists https://example.com/stories/secret-plan/"} <= set(story)
    assert any(place.startswith("customers/acme/index.html links") for place in story)
    assert any(place.startswith("collections/everything/index.html links") for place in story)
    assert any(place.startswith("index.html links") for place in story)
    assert "testimonials/index.html has #hush" in appearances(site.output, "testimonials")
    assert "feed.xml has an entry" in appearances(site.output, "videos")


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_drafts_are_built_with_drafts_flag(site, kind):
    add_hidden(site, "status: draft")
    result = build(site, "--drafts")
    assert "drafts left out" not in result.stdout
    found = appearances(site.output, kind)
    assert found
    assert all(f"/{page} exists" in found for page in PAGES[kind])
    if kind != "testimonials":
        page = site.page(PAGES[kind][0])
        assert page.find(class_="badge-draft").get_text(strip=True) == "Draft"
    collection = site.page("collections/everything/")
    assert TEXTS[kind] in collection.main.get_text(" ")


def test_a_draft_built_with_drafts_is_removed_by_the_next_build(site):
    add_hidden(site, "status: draft")
    build(site, "--drafts")
    assert (site.output / "stories/secret-plan/index.html").is_file()
    build(site)
    for kind in HIDDEN:
        assert appearances(site.output, kind) == [], kind
    assert not (site.output / "stories/secret-plan").exists()
    assert not (site.output / "old/secret-plan").exists()


def test_a_draft_in_a_collection_is_no_error(site):
    add_hidden(site, "status: draft")
    result = site.run("check")
    assert result.exit_code == 0, result.output
    build(site)
    links = {a["href"] for a in site.page("collections/everything/").main.find_all("a", href=True)}
    assert "/stories/acme-onboarding/" in links and "/stories/secret-plan/" not in links


# ---------------------------------------------------------------- consent

@pytest.mark.parametrize("kind", list(HIDDEN))
def test_expired_consent_withholds_the_item_everywhere(site, kind):
    add_hidden(site, "consent_expires: 2025-06-14")
    result = build(site)
    assert appearances(site.output, kind) == []
    assert "3 withheld (consent expired)" in result.stdout
    rel = HIDDEN[kind][0]
    line = HIDDEN[kind][1].replace("{extra}", "consent_expires").splitlines()
    lineno = next(i for i, text in enumerate(line, 1) if text.strip() == "consent_expires")
    warnings = [w for w in result.stderr.splitlines() if w.startswith(f"{rel}:")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(f"{rel}:{lineno}: warning: consent expired on 2025-06-14")


def test_check_warns_about_expired_consent(site):
    add_hidden(site, "consent_expires: 2024-01-01")
    result = site.run("check")
    assert result.exit_code == 0, result.output
    for rel, _ in HIDDEN.values():
        assert any(line.startswith(f"{rel}:") and "consent expired" in line for line in result.stderr.splitlines())


@pytest.mark.parametrize("expires, shown", [
    ("2025-06-14", False), ("2025-06-15", True), ("2025-06-16", True), ("2030-01-01", True)])
def test_consent_is_judged_on_the_build_date(site, expires, shown):
    add_hidden(site, f"consent_expires: {expires}")
    result = build(site)
    for kind in HIDDEN:
        assert bool(appearances(site.output, kind)) is shown, kind
    assert ("consent expired" in result.stderr) is not shown


def test_source_date_epoch_decides_consent(site, monkeypatch):
    add_hidden(site, "consent_expires: 2025-06-30")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2025, 6, 30)))
    build(site)
    assert (site.output / "stories/secret-plan/index.html").is_file()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2025, 7, 1)))
    build(site)
    # published once, so its URL stays: a "no longer available" page, nothing of the story
    assert site.page("stories/secret-plan/").h1.get_text(strip=True) == "This story is no longer available"
    assert appearances(site.output, "stories") == []


def test_source_date_epoch_dates_a_feed_without_entries(site, monkeypatch):
    (site.root / "content/stories/acme-onboarding.md").unlink()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2024, 2, 29)))
    build(site)
    feed = ET.parse(site.output / "feed.xml").getroot()
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2024-02-29T00:00:00Z"


def test_feed_dates_do_not_depend_on_the_day_of_the_build(site, monkeypatch):
    build(site)
    first = (site.output / "feed.xml").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2031, 1, 1)))
    build(site)
    assert (site.output / "feed.xml").read_bytes() == first
    assert ET.fromstring(first).findtext(f"{ATOM}updated") == "2025-03-14T00:00:00Z"


@pytest.mark.parametrize("value", ["yesterday", "-", "1e9"])
def test_bad_source_date_epoch_is_a_usage_error(site, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = site.run("build")
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert not site.output.exists()


# ---------------------------------------------------------------- failed builds

def _site_tree(root: Path) -> dict[str, bytes | None]:
    tree: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            tree[os.path.relpath(os.path.join(dirpath, name), root)] = None
        for name in filenames:
            tree[os.path.relpath(os.path.join(dirpath, name), root)] = Path(dirpath, name).read_bytes()
    return tree


def _staging_leftovers(folder: Path) -> list[str]:
    """What a build may leave beside its output besides the output's previous copy: nothing."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith(".advocacy-") and not p.name.startswith(SPARE_PREFIX)
                  and p.name != ".advocacy-cache" or p.name.endswith("-old"))


@pytest.mark.parametrize("breakage", [
    ("content/stories/acme-onboarding.md", "---\ntitel: typo\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\nx\n",
     "content/stories/acme-onboarding.md:2:"),
    ("content/stories/second.md", "---\ntitle: T\nsummary: S\ncustomer: nobody\ndate: 2025-03-14\n---\nx\n",
     "content/stories/second.md:4:"),
    ("advocacy.yaml", "title: Peer Stories\nbase_url: not a url\n", "advocacy.yaml:2:"),
    ("themes/default/templates/story.html", "{% extends 'base.html' %}{% block content %}{{ nope }}{% endblock %}",
     "themes/default/templates/story.html:1:"),
])
def test_a_failed_build_leaves_the_previous_output_as_it_was(tmp_path, breakage):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    build(folder)
    before = folder.snapshot()
    rel, text, message = breakage
    folder.write(rel, text)
    result = folder.run("build")
    assert result.exit_code == 1, result.output
    assert any(line.startswith(message) for line in result.stderr.splitlines()), result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert folder.snapshot() == before
    assert _staging_leftovers(folder.root) == []


def test_a_build_that_fails_while_writing_leaves_the_previous_output(tmp_path, monkeypatch):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    build(folder)
    before = folder.snapshot()
    folder.write("content/stories/new.md", "---\ntitle: New\nsummary: S\ncustomer: acme\ndate: 2025-04-01\n---\nx\n")

    write_bytes = Path.write_bytes

    def disk_full(path, data):  # the disk fills up while the new site is being written
        if SPARE_PREFIX in str(path):
            raise OSError(28, "No space left on device", str(path))
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    result = folder.run("build")
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.output
    assert folder.snapshot() == before
    assert _staging_leftovers(folder.root) == []


def test_no_staging_folder_is_left_after_success(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    build(folder)
    build(folder)
    assert _staging_leftovers(folder.root) == []
    out = tmp_path / "public"
    build(folder, "--output", str(out))
    build(folder, "--output", str(out))
    assert _staging_leftovers(tmp_path) == []


def test_the_previous_copy_is_checked_file_by_file_before_it_becomes_the_output(site, tmp_path):
    """The folder kept beside the output (the site before the last build), which the
    next build updates and swaps in, may have been altered: nothing of that is published."""
    second = "---\ntitle: {}\nsummary: S\ncustomer: acme\ndate: 2025-04-01\n---\nx\n"
    site.write("content/stories/second.md", second.format("Second"))
    build(site)
    expected = site.snapshot()
    site.write("content/stories/second.md", second.format("Second story"))
    build(site)
    spare = spare_folder(site.output)
    assert (spare / "stories/second/index.html").read_bytes() == expected["stories/second/index.html"]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    page = spare / "stories/acme-onboarding/index.html"
    page.unlink()
    page.write_text("<p>edited by hand</p>")  # another file in the page's place
    (spare / "stories/planted.html").write_text("<script>alert(1)</script>")
    shutil.rmtree(spare / "customers")
    (spare / "customers").symlink_to(outside)  # a link where a folder goes
    (spare / "feed.xml").unlink()
    (spare / "feed.xml").mkdir()  # a folder where a file goes
    (spare / "feed.xml/inner.txt").write_text("x")
    stylesheet = next(rel for rel in expected if rel.startswith("assets/") and rel.endswith(".css"))
    (spare / stylesheet).unlink()
    (spare / stylesheet).write_bytes(b"body{display:none}".ljust(len(expected[stylesheet]), b" "))  # same size
    site.write("content/stories/second.md", second.format("Second"))
    build(site)
    assert site.snapshot() == expected
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"] and (outside / "keep.txt").read_text() == "mine"


def test_a_previous_copy_that_is_a_link_is_not_followed(site, tmp_path):
    build(site)
    expected = site.snapshot()
    outside = tmp_path / "outside"
    outside.mkdir()
    spare = spare_folder(site.output)
    shutil.rmtree(spare, ignore_errors=True)
    spare.symlink_to(outside)
    build(site)
    assert site.snapshot() == expected
    assert list(outside.iterdir()) == []


def test_files_of_an_earlier_build_disappear(site):
    build(site)
    stray = site.output / "stories" / "stale" / "index.html"
    stray.parent.mkdir(parents=True)
    stray.write_text("<p>stale</p>")
    build(site)
    assert not stray.exists()
    assert (site.output / "stories/acme-onboarding/index.html").is_file()


# ---------------------------------------------------------------- output folders that are refused

@pytest.mark.parametrize("output", [
    ".", "..", "../..", "content", "content/stories", "static", "static/logos", "themes", "themes/default",
    "not-ours", "a-file", "other-site",
])
def test_dangerous_output_folders_are_refused(tmp_path, output):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("themes/default/templates/robots.txt", "User-agent: *\n")
    folder.write("not-ours/notes.txt", "my notes\n")
    folder.write("a-file", "just a file\n")
    folder.write("other-site/advocacy.yaml", "title: Other\nbase_url: https://other.example/\n")
    build(folder)  # an output/ made by advocacy exists too
    before = _site_tree(tmp_path)
    result = folder.run("build", "--output", str(folder.root / output))
    assert result.exit_code == 2, result.output
    assert "Error: " in result.stderr
    assert "Traceback" not in result.output
    assert _site_tree(tmp_path) == before


def test_default_output_inside_a_refused_place_is_refused(tmp_path):
    """--site pointing at a folder whose output/ is a folder the user made."""
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("output/index.html", "<p>hand made</p>")
    before = _site_tree(tmp_path)
    result = folder.run("build")
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert _site_tree(tmp_path) == before


@pytest.mark.parametrize("state", ["missing", "empty", "made by advocacy"])
def test_acceptable_output_folders(tmp_path, state):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    out = tmp_path / "public"
    if state == "empty":
        out.mkdir()
    elif state == "made by advocacy":
        build(folder, "--output", str(out))
        (out / "leftover.txt").write_text("old\n")
    build(folder, "--output", str(out))
    assert (out / "stories/acme-onboarding/index.html").is_file()
    assert not (out / "leftover.txt").exists()
    assert (folder.root / "content/stories/acme-onboarding.md").is_file()


def test_the_output_is_readable_by_a_web_server(site):
    old = os.umask(0o022)
    try:
        build(site)
        build(site)  # the swap too
    finally:
        os.umask(old)
    for path in [site.output, *site.output.rglob("*")]:
        mode = path.stat().st_mode
        wanted = 0o005 if path.is_dir() else 0o004
        assert mode & wanted == wanted, f"{path.relative_to(site.root)} is {oct(mode & 0o777)}"
