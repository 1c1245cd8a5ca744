"""Links that never break: the record of published URLs across renames, withdrawals and removals."""

from __future__ import annotations

import pytest

from advocacy.build import build
from advocacy.pipeline import load_site
from advocacy.errors import ContentError
from advocacy.url_record import (
    RECORD_FILE,
    check_published,
    read_record,
    record_published,
)

def _build(folder, *, accept: bool = False, drafts: bool = False):
    """advocacy build, as the command runs it: (site, pages, errors); the site and pages
    are None and [] when the build failed."""
    try:
        result = build(folder.root, folder.output, drafts=drafts, accept_removed=accept)
    except ContentError as exc:
        return None, [], exc.problems.errors
    return result.site, result.pages, result.problems.errors


def _recorded(folder) -> list[str]:
    return [line for line in (folder.root / RECORD_FILE).read_text().splitlines() if not line.startswith("#")]


def test_the_first_build_records_every_url_sorted(site):
    _, pages, errors = _build(site)
    assert errors == []
    recorded = _recorded(site)
    assert recorded == sorted(recorded)
    assert {"/", "/stories/", "/stories/acme-onboarding/", "/customers/acme/", "/feed.xml"} <= set(recorded)
    assert len(recorded) == len(pages)


def test_a_renamed_story_fails_the_build_with_the_alias_to_add(site):
    _build(site)
    story = (site.root / "content/stories/acme-onboarding.md").read_text()
    (site.root / "content/stories/acme-onboarding.md").unlink()
    site.write("content/stories/acme-faster-onboarding.md", story)
    before = (site.root / RECORD_FILE).read_text()
    _, _, errors = _build(site)
    line = _recorded(site).index("/stories/acme-onboarding/") + 4  # after the three lines of header
    assert [str(e) for e in errors] == [(
        f"{RECORD_FILE}:{line}: /stories/acme-onboarding/ was published, and this build would drop it: "
        "if content/stories/acme-faster-onboarding.md is its new name, add 'aliases: [/stories/acme-onboarding/]' "
        f"to it; if it should go for good, end its line in {RECORD_FILE} with ' removed' "
        "(or build once with --accept-removed)")]
    assert (site.root / RECORD_FILE).read_text() == before  # a failed build leaves the record alone

    site.write("content/stories/acme-faster-onboarding.md",
               story.replace("customer: acme", "customer: acme\naliases: [/stories/acme-onboarding/]"))
    _, pages, errors = _build(site)
    assert errors == []
    assert {p.path: p.template for p in pages}["stories/acme-onboarding/"] == "redirect.html"
    assert {"/stories/acme-onboarding/", "/stories/acme-faster-onboarding/"} <= set(_recorded(site))


def test_accepting_a_removal_marks_it_removed_and_later_builds_pass(site):
    _build(site)
    (site.root / "content/stories/acme-onboarding.md").unlink()
    assert len(_build(site)[2]) == 1
    assert _build(site, accept=True)[2] == []
    assert "/stories/acme-onboarding/ removed" in _recorded(site)
    assert _build(site)[2] == []  # the removal is in the record now
    site.write("content/stories/acme-onboarding.md", "---\ntitle: Back\nsummary: Again.\ncustomer: acme\n"
               "date: 2025-01-01\n---\nBody.\n")
    _build(site)
    assert "/stories/acme-onboarding/" in _recorded(site)  # published again: no longer removed


def test_a_url_marked_removed_by_hand_may_go(site):
    _build(site)
    record = (site.root / RECORD_FILE).read_text()
    (site.root / RECORD_FILE).write_text(record.replace("/stories/acme-onboarding/\n",
                                                        "/stories/acme-onboarding/   removed  # old pilot\n"))
    (site.root / "content/stories/acme-onboarding.md").unlink()
    assert _build(site)[2] == []


@pytest.mark.parametrize("change", ["consent_expires: 2020-01-01", "status: draft"])
def test_a_withdrawn_story_leaves_a_no_longer_available_page_at_its_old_urls(site, change):
    site.write("content/stories/other.md", "---\ntitle: Other story\nsummary: Another.\ncustomer: acme\n"
               "date: 2024-01-01\n---\nBody.\n")
    story = (site.root / "content/stories/acme-onboarding.md").read_text()
    site.write("content/stories/acme-onboarding.md", story.replace(
        "customer: acme", "customer: acme\naliases: [/case-studies/acme/]"))
    _build(site)
    site.write("content/stories/acme-onboarding.md", story.replace(
        "customer: acme", f"customer: acme\naliases: [/case-studies/acme/]\n{change}"))
    built, pages, errors = _build(site)
    assert errors == []
    gone = [p for p in pages if p.template == "gone.html"]
    assert [p.path for p in gone] == ["stories/acme-onboarding/", "case-studies/acme/"]
    assert gone[0].context == {"kind": "story", "related": [built.stories[0]]}  # nothing of the withdrawn story
    assert not gone[0].in_sitemap

    for path in ("stories/acme-onboarding/", "case-studies/acme/"):
        page = site.page(path)
        assert page.h1.get_text(strip=True) == "This story is no longer available"
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert "/stories/other/" in [a["href"] for a in page.select("#related ~ .grid a")]
        for secret in ("How Acme cut onboarding", "Onboarding went from weeks to days", "It was slow"):
            assert secret not in page.get_text()
    sitemap = (site.output / "sitemap.xml").read_text()
    assert "acme-onboarding" not in sitemap


def test_a_topic_page_no_item_has_any_more_is_no_longer_available_not_an_error(site):
    story = (site.root / "content/stories/acme-onboarding.md").read_text()
    site.write("content/stories/acme-onboarding.md", story.replace("customer: acme", "customer: acme\nuse_cases: [Yard planning]"))
    _build(site)
    assert "/use-cases/yard-planning/" in _recorded(site)
    site.write("content/stories/acme-onboarding.md", story.replace(
        "customer: acme", "customer: acme\nuse_cases: [Yard planning]\nconsent_expires: 2020-01-01"))
    _, pages, errors = _build(site)
    assert errors == []  # consent running out never fails a build
    gone = {p.path: p.context["kind"] for p in pages if p.template == "gone.html"}
    assert gone == {"stories/acme-onboarding/": "story", "use-cases/yard-planning/": "use case page"}
    assert "/use-cases/yard-planning/" in _recorded(site)  # still served, so still recorded


def test_a_withheld_testimonial_keeps_its_aliases_only(site):
    quote = "---\nauthor: Joris\ncustomer: acme\naliases: [/quotes/joris/]\n{}---\nFast.\n"
    site.write("content/testimonials/joris.md", quote.format(""))
    _build(site)
    site.write("content/testimonials/joris.md", quote.format("consent_expires: 2020-01-01\n"))
    _, pages, errors = _build(site)
    assert errors == []
    assert [(p.path, p.context["kind"]) for p in pages if p.template == "gone.html"] == [("quotes/joris/", "testimonial")]


def test_a_draft_never_published_gets_no_page(site):
    _build(site)
    site.write("content/stories/secret-launch.md", "---\ntitle: Secret\nsummary: Soon.\ncustomer: acme\n"
               "date: 2025-01-01\nstatus: draft\n---\nBody.\n")
    _, pages, errors = _build(site)
    assert errors == [] and "stories/secret-launch/" not in [p.path for p in pages]
    _build(site, drafts=True)  # a preview with drafts is not recorded
    assert "/stories/secret-launch/" not in _recorded(site)


def test_an_unchanged_record_is_not_rewritten(site):
    _build(site)
    file = site.root / RECORD_FILE
    file.write_text(file.read_text())
    stamp = file.stat().st_mtime_ns
    assert record_published(site.root, read_record(site.root), [line.lstrip("/") for line in _recorded(site)]) is False
    assert file.stat().st_mtime_ns == stamp
    assert not (site.root / ".advocacy-urls.tmp").exists()


def test_a_line_that_is_not_a_url_is_reported_with_its_line(site):
    site.write(RECORD_FILE, "# comment\n/\nstories/acme/\n/stories/x/ gone\n\n")
    record = read_record(site.root)
    assert list(record.published) == ["/"]
    assert [(p.line, p.message.split(" should")[0]) for p in record.problems] == [
        (3, "'stories/acme/'"), (4, "'/stories/x/ gone'")]
    assert record.problems == check_published(record, ["", "stories/x/"], load_site(site.root)[0], accept=True)


def test_check_reports_a_dropped_url_and_records_nothing(site):
    _build(site)
    before = (site.root / RECORD_FILE).read_bytes()
    (site.root / "content/stories/acme-onboarding.md").rename(site.root / "content/stories/acme-2.md")
    result = site.run("check")
    assert result.exit_code == 1
    assert f"{RECORD_FILE}:" in result.stderr and "aliases: [/stories/acme-onboarding/]" in result.stderr
    assert (site.root / RECORD_FILE).read_bytes() == before


def test_a_live_page_recorded_by_its_file_is_the_page_itself_not_a_gone_one(site):
    """'/customers/acme/index.html', written by hand, is the file of /customers/acme/: the live page
    stays, and the URL counts as kept."""
    _build(site)
    record = site.root / RECORD_FILE
    record.write_text(record.read_text() + "/customers/acme/index.html\n")
    _, pages, errors = _build(site)
    assert errors == []
    assert [p.path for p in pages if p.output == "customers/acme/index.html"] == ["customers/acme/"]
    assert "Acme Logistics" in site.page("customers/acme/").h1.get_text()


def test_a_gone_page_recorded_under_two_spellings_is_one_page(site):
    _build(site)
    record = site.root / RECORD_FILE
    record.write_text(record.read_text() + "/stories/acme-onboarding/index.html\n")
    site.write("content/stories/acme-onboarding.md",
               (site.root / "content/stories/acme-onboarding.md").read_text().replace(
                   "customer: acme", "customer: acme\nstatus: draft"))
    _, pages, errors = _build(site)
    assert errors == []
    assert [p.path for p in pages if p.output == "stories/acme-onboarding/index.html"] == ["stories/acme-onboarding/"]
    assert "no longer available" in site.page("stories/acme-onboarding/").get_text()


def test_a_renamed_story_s_alias_written_as_its_file_keeps_the_old_embed_card(site):
    _build(site)
    assert "/embed/stories/acme-onboarding/" in _recorded(site)
    story = (site.root / "content/stories/acme-onboarding.md").read_text()
    (site.root / "content/stories/acme-onboarding.md").unlink()
    site.write("content/stories/acme-new.md", story.replace(
        "customer: acme", "customer: acme\naliases: [/stories/acme-onboarding/index.html]"))
    _, pages, errors = _build(site)
    assert errors == []
    card = site.page("embed/stories/acme-onboarding/")
    assert "How Acme cut onboarding" in card.get_text() and "no longer available" not in card.get_text()


def test_a_draft_recorded_only_as_its_file_gets_its_gone_page(site):
    _build(site)
    record = site.root / RECORD_FILE
    record.write_text(record.read_text().replace("/stories/acme-onboarding/\n", "/stories/acme-onboarding/index.html\n"))
    site.write("content/stories/acme-onboarding.md", (site.root / "content/stories/acme-onboarding.md").read_text()
               .replace("customer: acme", "customer: acme\nstatus: draft"))
    _, pages, errors = _build(site)
    assert errors == []
    assert [p.template for p in pages if p.output == "stories/acme-onboarding/index.html"] == ["gone.html"]


def test_another_spelling_of_a_page_still_served_is_not_marked_removed(site):
    _build(site)
    record = site.root / RECORD_FILE
    record.write_text(record.read_text() + "/customers/acme/index.html\n")
    _build(site)
    assert [line for line in _recorded(site) if line.startswith("/customers/acme/")] == ["/customers/acme/"]
