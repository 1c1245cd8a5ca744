"""`advocacy check`: body links, images, consent soon to expire, idle customers,
warnings apart from errors, --strict and --format json."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import pytest
from click.testing import CliRunner

from advocacy.cli import main

STORY_WITH = """\
---
title: How Acme cut onboarding
summary: Onboarding went from weeks to days.
customer: acme
date: 2025-03-14
---
## The challenge

{body}
"""
BODY_LINE = 9  # the file line of {body}


def check(site, *args: str, today: dt.date | None = None):
    env = {"SOURCE_DATE_EPOCH": str(calendar.timegm(today.timetuple()))} if today else {}
    return CliRunner().invoke(main, ["check", *args, "--site", str(site.root)], env=env, catch_exceptions=False)


def lines_of(result, path: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(path + ":")]


def with_body(site, body: str) -> str:
    site.write("content/stories/acme-onboarding.md", STORY_WITH.format(body=body))
    return "content/stories/acme-onboarding.md"


def test_the_minimal_site_checks_clean(site):
    result = check(site)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "No errors" in result.stdout


def test_a_body_link_to_no_page_and_a_missing_image_are_errors_at_their_line(site):
    rel = with_body(site, "Fine: [all stories](/stories/).\n\nSee [the other story](/stories/no-such-story/)\n"
                          "and ![a chart](/images/missing.png).")
    result = check(site)
    assert result.exit_code == 1
    found = lines_of(result, rel)
    assert any(line.startswith(f"{rel}:{BODY_LINE + 2}: link /stories/no-such-story/ leads to no page")
               for line in found), result.stderr
    assert any(line.startswith(f"{rel}:{BODY_LINE + 3}: /images/missing.png is not a file of the site: "
                               "add static/images/missing.png") for line in found), result.stderr
    assert len(found) == 2  # reported once, at the content file, not again at the template


def test_links_that_resolve_are_fine_relative_absolute_and_external(site):
    site.write_bytes("static/images/chart.png", b"\x89PNG\r\n\x1a\n")
    with_body(site, "[rel](../acme-onboarding/) [home](/) [cust](/customers/acme/) "
                    "[abs](https://example.com/stories/) [ext](https://elsewhere.example/x) "
                    "[mail](mailto:a@example.com) [top](#the-challenge) [nodir](/customers/acme) "
                    "![img](/images/chart.png)")
    result = check(site)
    assert result.exit_code == 0, result.output


def test_an_absolute_link_to_the_site_itself_is_checked(site):
    rel = with_body(site, "[gone](https://example.com/stories/gone/)")
    result = check(site)
    assert result.exit_code == 1
    assert lines_of(result, rel)[0].startswith(f"{rel}:{BODY_LINE}: link https://example.com/stories/gone/")


def test_links_under_a_subpath(site):
    site.write("advocacy.yaml", (site.root / "advocacy.yaml").read_text().replace(
        "https://example.com/", "https://example.com/peers/"))
    rel = with_body(site, "[ok](/customers/acme/)\n[bad](/stories/nope/)")
    result = check(site)
    found = lines_of(result, rel)
    assert len(found) == 1 and found[0].startswith(f"{rel}:{BODY_LINE + 1}: link /peers/stories/nope/"), \
        result.stderr
    assert not [line for line in result.stderr.splitlines() if "templates" in line]


def test_a_mistyped_link_gets_a_suggestion(site):
    rel = with_body(site, "[acme](/customers/acmee/)")
    [error] = lines_of(check(site), rel)
    assert "link /customers/acmee/ leads to no page of the site (did you mean '/customers/acme/'?)" in error


def test_a_link_to_a_draft_says_so(site):
    site.write("content/stories/secret.md", STORY_WITH.format(body="x").replace(
        "date: 2025-03-14", "date: 2025-03-14\nstatus: draft"))
    rel = with_body(site, "[secret](/stories/secret/)")
    result = check(site)
    assert result.exit_code == 1
    assert "a draft (status: draft)" in lines_of(result, rel)[0]
    assert check(site, "--drafts").exit_code == 0


def test_a_link_to_a_content_file_says_to_link_the_page(site):
    rel = with_body(site, "[other](other-story.md)")
    result = check(site)
    assert "points at a content file; link to its page instead" in lines_of(result, rel)[0]


def test_a_missing_anchor_is_a_warning(site):
    rel = with_body(site, "[x](/stories/acme-onboarding/#no-such-heading) [y](#the-challenge)")
    result = check(site)
    assert result.exit_code == 0, result.output
    [warning] = lines_of(result, rel)
    assert f"{rel}:{BODY_LINE}: warning: link /stories/acme-onboarding/#no-such-heading: no anchor" in warning
    assert check(site, "--strict").exit_code == 1


def test_a_broken_link_in_a_site_template_is_reported_at_the_template(site):
    site.write("themes/default/templates/404.html",
               '{% extends "base.html" %}{% block content %}<a href="{{ url(\'nowhere/\') }}">x</a>{% endblock %}')
    result = check(site)
    assert result.exit_code == 1
    [line] = lines_of(result, "themes/default/templates/404.html")
    assert "on /404.html: link /nowhere/ leads to no page" in line


@pytest.mark.parametrize("logo, written, warned", [
    ("/logos/acme.svg", None, "'logo' file static/logos/acme.svg was not found"),
    # static/ files whose names start with a dot are not copied to the site: the page would show a
    # broken image, and a build that kept pages made with it would show it after the file went
    ("/.acme.png", "static/.acme.png", "'logo' file static/.acme.png is not published (names that start with a dot"),
])
def test_a_logo_the_site_does_not_publish_is_a_warning_and_left_out(site, logo, written, warned):
    if written:
        site.write_bytes(written, b"\x89PNG\r\n\x1a\n")
    site.write("content/customers/acme.md", (site.root / "content/customers/acme.md").read_text().replace(
        "reference: true", f"reference: true\nlogo: {logo}"))
    result = check(site)
    assert result.exit_code == 0
    [warning] = lines_of(result, "content/customers/acme.md")
    assert f"warning: {warned}" in warning
    strict = check(site, "--strict")
    assert strict.exit_code == 1 and "--strict" in strict.stderr
    assert site.run("build").exit_code == 0
    assert [img["src"] for img in site.page("customers/acme/").select("img") if "acme" in img["src"]] == []


def test_a_share_image_in_a_dot_file_is_a_warning_and_link_previews_use_the_theme_s(site):
    site.write_bytes("static/.og.png", b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (1200).to_bytes(4, "big")
                     + (630).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00" + b"\x00" * 4)
    site.write("advocacy.yaml", (site.root / "advocacy.yaml").read_text() + "share:\n  image: /.og.png\n")
    result = check(site)
    assert result.exit_code == 0
    [warning] = lines_of(result, "advocacy.yaml")
    assert "'share.image' file static/.og.png is not published (names that start with a dot" in warning
    assert site.run("build").exit_code == 0
    assert ".og.png" not in site.page("").find("meta", property="og:image")["content"]


def test_a_body_image_in_a_dot_file_is_an_error_that_says_why(site):
    site.write_bytes("static/.team.png", b"\x89PNG\r\n\x1a\n")
    story = site.root / "content/stories/acme-onboarding.md"
    story.write_text(story.read_text() + "\n![The team](/.team.png)\n")
    result = check(site)
    assert result.exit_code == 1
    [error] = lines_of(result, "content/stories/acme-onboarding.md")
    assert "static/.team.png is not published (names that start with a dot" in error and "add static" not in error


@pytest.mark.parametrize("days, warned", [(-1, False), (0, True), (1, True), (30, True), (31, False)])
def test_consent_expiring_within_30_days_is_a_warning(site, days, warned):
    today = dt.date(2026, 5, 1)
    expires = today + dt.timedelta(days=days)
    site.write("content/stories/acme-onboarding.md", STORY_WITH.format(body="x").replace(
        "date: 2025-03-14", f"date: 2025-03-14\nconsent_expires: {expires.isoformat()}"))
    result = check(site, today=today)
    found = [line for line in lines_of(result, "content/stories/acme-onboarding.md") if "consent expires" in line]
    assert bool(found) == warned, result.stderr
    if warned:
        assert found[0].startswith(f"content/stories/acme-onboarding.md:6: warning: consent expires on "
                                   f"{expires.isoformat()}")


def test_a_customer_with_nothing_published_is_a_warning(site):
    site.write("content/customers/globex.md", "---\nname: Globex\n---\nGlobex.\n")
    site.write("content/customers/initech.md", "---\nname: Initech\n---\nInitech.\n")
    site.write("content/testimonials/initech-bob.md", "---\nauthor: Bob\ncustomer: initech\nstatus: draft\n---\nHi.\n")
    result = check(site)
    assert result.exit_code == 0
    assert lines_of(result, "content/customers/globex.md")[0].startswith(
        "content/customers/globex.md:2: warning: Globex has nothing published")
    assert "Initech has only drafts" in lines_of(result, "content/customers/initech.md")[0]
    assert lines_of(result, "content/customers/acme.md") == []


def test_an_alias_that_is_the_address_of_a_page_is_an_error(site):
    site.write("content/stories/acme-onboarding.md", STORY_WITH.format(body="x").replace(
        "date: 2025-03-14", "date: 2025-03-14\naliases: [/customers/acme/]"))
    result = check(site)
    assert result.exit_code == 1
    assert "alias '/customers/acme/' is the address of an existing page" in \
        lines_of(result, "content/stories/acme-onboarding.md")[0]


def test_json_format_separates_errors_and_warnings(site):
    site.write("content/customers/globex.md", "---\nname: Globex\n---\n")
    with_body(site, "[bad](/nope/)")
    result = check(site, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [(p["path"], p["severity"]) for p in report["errors"]] == [("content/stories/acme-onboarding.md", "error")]
    assert [(p["path"], p["line"]) for p in report["warnings"]] == [("content/customers/globex.md", 2)]
    assert report["published"]["stories"] == 1


def test_json_format_with_validation_errors(site):
    site.write("content/stories/acme-onboarding.md", STORY_WITH.format(body="x").replace("title:", "titel:"))
    result = check(site, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    messages = [p["message"] for p in report["errors"]]
    assert any("unknown key 'titel' (did you mean 'title'?)" in m for m in messages)


def test_check_without_a_site_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["check", "--site", str(tmp_path)])
    assert result.exit_code == 2 and "advocacy.yaml" in result.stderr
    bad = CliRunner().invoke(main, ["check", "--format", "xml", "--site", str(tmp_path)])
    assert bad.exit_code == 2 and "json" in bad.stderr


def test_json_format_names_the_pages_a_template_mistake_broke(site):
    site.write("content/stories/second.md", STORY_WITH.format(body="x").replace("How Acme cut", "Second,"))
    site.write("themes/default/templates/story.html",
               "{% extends 'base.html' %}{% block content %}{{ item.titel.upper() }}{% endblock %}")
    result = check(site, "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(p["path"], p["message"], p["pages"]) for p in errors] == [
        ("themes/default/templates/story.html", "template error: a Story has no attribute 'titel'",
         ["/stories/acme-onboarding/", "/stories/second/"])]
