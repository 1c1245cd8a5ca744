"""`advocacy new`: a draft with its front matter filled from the field tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from advocacy.cli import main

from advocacy.content.frontmatter import split
from advocacy.content.load import load_file
from advocacy.content.schema import KINDS
from advocacy.errors import Problems
from advocacy.scaffold import KIND_NAMES, make_slug, new_item


def front(path: Path) -> dict:
    return dict(split(path.read_bytes()).data)


def test_new_story_is_a_draft_of_today_for_its_customer(site):
    result = site.run("new", "story", "How Acme: a faster start", "--customer", "acme")
    assert result.exit_code == 0, result.output
    path = site.root / "content/stories/how-acme-a-faster-start.md"
    assert result.stdout.strip().endswith("content/stories/how-acme-a-faster-start.md")
    data = front(path)
    assert data["title"] == "How Acme: a faster start"
    assert data["customer"] == "acme"
    assert data["status"] == "draft"
    assert data["date"] == dt.date.today().isoformat()
    text = path.read_text()
    # the customer's defaults are shown, as comments, so that they keep following the customer
    assert "# industry: Logistics  # from Acme Logistics" in text
    assert "# region: Europe" in text


def test_a_new_file_checks_clean_and_is_built_only_as_a_draft(site):
    site.run("new", "story", "Second story", "--customer", "acme")
    assert site.run("check").exit_code == 0
    assert site.run("build").exit_code == 0
    assert not (site.output / "stories/second-story/index.html").exists()
    assert site.run("build", "--drafts").exit_code == 0
    draft = site.page("stories/second-story/")
    assert draft.h1.get_text(strip=True) == "Second story"
    assert draft.find(class_="badge-draft") is not None


@pytest.mark.parametrize("kind", sorted(KIND_NAMES))
def test_every_commented_example_is_valid_once_uncommented(site, kind):
    made = new_item(site.root, kind, "Example title", customer="acme", today=dt.date(2025, 3, 14))
    lines = made.path.read_text().splitlines()
    end = lines.index("---", 1)
    uncommented = [line[2:] if line.startswith("# ") and ":" in line and "remove the '#'" not in line
                   else line for line in lines[:end]]
    assert uncommented != lines[:end]
    raw = "\n".join(uncommented + lines[end:]).encode()
    problems = Problems()
    record = load_file(raw, made.path.name, KIND_NAMES[kind], problems)
    assert problems.items == [], problems.items
    assert record.slug == made.slug
    if "status" in KIND_NAMES[kind].fields:
        assert record.is_draft


def test_customer_and_collection_have_no_customer_or_status(site):
    assert site.run("new", "customer", "Brightharbor Logistics").exit_code == 0
    data = front(site.root / "content/customers/brightharbor-logistics.md")
    assert data == {"name": "Brightharbor Logistics"}
    assert site.run("new", "collection", "Logistics pack").exit_code == 0
    assert front(site.root / "content/collections/logistics-pack.md") == {"title": "Logistics pack", "items": []}
    assert site.run("check").exit_code == 0


def test_a_testimonial_is_titled_by_its_author(site):
    assert site.run("new", "testimonial", "Ana Silva", "-c", "acme").exit_code == 0
    data = front(site.root / "content/testimonials/ana-silva.md")
    assert data["author"] == "Ana Silva" and data["status"] == "draft"


def test_new_never_overwrites(site):
    path = site.root / "content/stories/acme-onboarding.md"
    before = path.read_bytes()
    result = site.run("new", "story", "Acme onboarding", "--customer", "acme")
    assert result.exit_code == 2
    assert "content/stories/acme-onboarding.md already exists" in result.stderr
    assert "--slug" in result.stderr
    assert path.read_bytes() == before
    assert site.run("new", "story", "Acme onboarding", "--customer", "acme", "--slug", "acme-2").exit_code == 0
    assert (site.root / "content/stories/acme-2.md").is_file()


def test_the_customer_must_be_named_and_known(site):
    missing = site.run("new", "story", "A story")
    assert missing.exit_code == 2
    assert "--customer" in missing.stderr and "acme" in missing.stderr
    typo = site.run("new", "story", "A story", "--customer", "acmee")
    assert typo.exit_code == 2 and "did you mean 'acme'" in typo.stderr
    by_name = site.run("new", "video", "A video", "--customer", "ACME logistics")
    assert by_name.exit_code == 0, by_name.output
    assert front(site.root / "content/videos/a-video.md")["customer"] == "acme"
    assert not (site.root / "content/stories/a-story.md").exists()


def test_a_site_without_customers_says_to_add_one_first(site):
    (site.root / "content/customers/acme.md").unlink()
    result = site.run("new", "story", "A story")
    assert result.exit_code == 2 and 'advocacy new customer' in result.stderr


@pytest.mark.parametrize("title, slug", [
    ("Café Lumière: less waste!", "cafe-lumiere-less-waste"),
    ("  Spaces   everywhere ", "spaces-everywhere"),
    ("A " + "very-long " * 12, "a-very-long-very-long-very-long-very-long-very-long-very"),
])
def test_slugs_are_made_from_titles(title, slug):
    assert make_slug(title) == slug
    assert len(slug) <= 60


def test_a_title_without_letters_asks_for_a_slug(site):
    result = site.run("new", "customer", "東京")
    assert result.exit_code == 2 and "--slug" in result.stderr
    assert site.run("new", "customer", "東京", "--slug", "tokyo-co").exit_code == 0
    assert front(site.root / "content/customers/tokyo-co.md") == {"name": "東京"}
    bad = site.run("new", "customer", "X", "--slug", "Bad Slug")
    assert bad.exit_code == 2 and "bad-slug" in bad.stderr


def test_unknown_kind_and_missing_site_are_usage_errors(site, tmp_path):
    kind = site.run("new", "storey", "X")
    assert kind.exit_code == 2 and "story" in kind.stderr
    nosite = CliRunner().invoke(main, ["new", "customer", "X", "--site", str(tmp_path)])
    assert nosite.exit_code == 2 and "advocacy.yaml" in nosite.stderr
    assert not (tmp_path / "content").exists()


def test_kinds_of_the_command_are_the_kinds_of_the_schema():
    from advocacy.commands.new import KINDS as COMMAND_KINDS
    assert sorted(COMMAND_KINDS) == sorted(k.singular for k in KINDS.values())


def test_a_folder_that_cannot_be_made_is_an_error_without_traceback(site):
    site.write("content/testimonials", "a file where the folder should be")
    result = site.run("new", "testimonial", "Ana", "--customer", "acme")
    assert result.exit_code == 1 and "content/testimonials" in result.stderr
    assert "previous output" not in result.stderr and "Traceback" not in result.output
