"""Content validation: every problem as `path:line: message`, all of them in one run.

Lines are lines of the content FILE (the front matter starts on line 2), and
paths are relative to the site root.
"""

from __future__ import annotations

import datetime as dt

import pytest

from advocacy.pipeline import load_site
from tests.conftest import CUSTOMER, STORY

SUMMARY_SUFFIX = "nothing was written."


def lines_of(result) -> list[str]:
    """The `path:line: message` lines of stderr, warnings left out."""
    return [line for line in result.stderr.splitlines()
            if not line.endswith(SUMMARY_SUFFIX) and ": warning: " not in line]


def check_errors(site) -> list[str]:
    """Run `check`; it must fail with exit 1 and a matching summary line."""
    result = site.run("check")
    assert result.exit_code == 1, result.output
    errors = lines_of(result)
    count = len(errors)
    assert result.stderr.splitlines()[-1] == f"{count} error{'s' if count != 1 else ''}; {SUMMARY_SUFFIX}"
    return errors


def check_ok(site):
    result = site.run("check")
    assert result.exit_code == 0, result.stderr
    return result


def story(extra: str = "", **replace: str) -> str:
    """The STORY of conftest with lines added after `date:` (file line 6 onwards)."""
    text = STORY.replace("date: 2025-03-14\n", "date: 2025-03-14\n" + extra)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


# A second customer with no stories: its own errors stay its own.
GLOBEX = CUSTOMER.replace("Acme Logistics", "Globex")

TESTIMONIAL = """\
---
author: Ana Silva
customer: acme
---
It just works.
"""

VIDEO = """\
---
title: Acme on a year with Dispatch
url: https://youtu.be/aqz-KE-bpKQ
date: 2025-01-10
customer: acme
---
Transcript.
"""

COLLECTION = """\
---
title: Logistics pack
items:
  - stories/acme-onboarding
---
For logistics prospects.
"""


def add(site, kind_file: str, text: str, extra: str = "") -> None:
    """Write a file with `extra` front matter lines inserted before its closing '---'."""
    head, sep, body = text.partition("\n---\n")
    site.write(kind_file, head + "\n" + extra + "---\n" + body if extra else text)


# -- required keys -------------------------------------------------------------


@pytest.mark.parametrize("file, text, expected", [
    ("content/stories/s.md", "---\nslug: s\n---\nBody\n", [
        "content/stories/s.md:2: 'title' is required (the headline)",
        "content/stories/s.md:2: 'summary' is required (one sentence)",
        "content/stories/s.md:2: 'date' is required (when it was published)",
        "content/stories/s.md:2: 'customer' is required (slug of a file in content/customers/)",
    ]),
    ("content/testimonials/t.md", "---\nrole: CTO\n---\nGreat.\n", [
        "content/testimonials/t.md:2: 'author' is required (who said it)",
        "content/testimonials/t.md:2: 'customer' is required (slug of a file in content/customers/)",
    ]),
    ("content/videos/v.md", "---\nsummary: A video.\n---\n", [
        "content/videos/v.md:2: 'title' is required (the headline)",
        "content/videos/v.md:2: 'url' is required (the video on YouTube, Vimeo, Wistia or Loom)",
        "content/videos/v.md:2: 'date' is required (when it was published)",
        "content/videos/v.md:2: 'customer' is required (slug of a file in content/customers/)",
    ]),
    ("content/customers/c.md", "---\nindustry: Retail\n---\n", [
        "content/customers/c.md:2: 'name' is required (the company's name)",
    ]),
    ("content/collections/c.md", "---\n---\nIntro.\n", [
        "content/collections/c.md:2: 'title' is required (the collection's name)",
        "content/collections/c.md:2: 'items' is required (stories/<slug>, testimonials/<slug> or videos/<slug>)",
    ]),
])
def test_missing_required_keys(site, file, text, expected):
    site.write(file, text)
    assert check_errors(site) == expected


def test_required_key_without_value(site):
    site.write("content/stories/acme-onboarding.md", story(**{"title: How Acme cut onboarding": "title:"}))
    assert check_errors(site) == ["content/stories/acme-onboarding.md:2: 'title' is required but has no value"]


def test_required_key_that_is_blank_text(site):
    site.write("content/stories/acme-onboarding.md", story(**{"title: How Acme cut onboarding": "title: '  '"}))
    assert check_errors(site) == ["content/stories/acme-onboarding.md:2: 'title' is empty"]


def test_missing_key_of_a_nested_item_points_at_that_item(site):
    site.write("content/stories/acme-onboarding.md", story(
        "metrics:\n  - value: -85%\n    label: onboarding time\n  - value: 3x\n  - label: revenue\n"
        "quote:\n  author: Ana\n"
    ))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:9: 'metrics[2].label' is required (text)",
        "content/stories/acme-onboarding.md:10: 'metrics[3].value' is required (text)",
        "content/stories/acme-onboarding.md:12: 'quote.text' is required (text)",
    ]


# -- wrong types ---------------------------------------------------------------


@pytest.mark.parametrize("extra, message", [
    ("title2: x\n", "unknown key 'title2' (did you mean 'title'?)"),
    ("featured: yes\n", "'featured' should be true or false (got 'yes')"),
    ("featured: 1\n", "'featured' should be true or false (got '1')"),
    ("products: {dispatch: 1}\n", "'products' should be a list (got a set of 'key: value' lines)"),
    ("products: 42\n", "'products' should be a list (got a number)"),
    ("industry: [Retail, Logistics]\n", "'industry' should be text, not a list"),
    ("region: true\n", "'region' should be text, not true/false"),
    ("quote: It just works.\n",
     "'quote' should be indented keys: text, author, role on indented lines below it (got text)"),
    ("metrics: -85%\n", "'metrics' should be a list (got text)"),
    ("status: archived\n", "'status' should be one of published, draft (got 'archived')"),
    ("status: Draft\n", "'status' should be one of published, draft (got 'Draft') (did you mean 'draft'?)"),
    ("image: https://cdn.example.com/a.png\n",
     "'image' should be a path inside the site such as /images/acme-team.jpg (got 'https://cdn.example.com/a.png')"),
    ("aliases: ['/']\n", "'aliases[1]' cannot be the home page '/'"),
])
def test_wrong_types_in_a_story(site, extra, message):
    site.write("content/stories/acme-onboarding.md", story(extra))
    assert check_errors(site) == [f"content/stories/acme-onboarding.md:6: {message}"]


def test_wrong_type_inside_a_list_points_at_the_item(site):
    site.write("content/stories/acme-onboarding.md", story(
        "products:\n  - Dispatch\n  - [nested]\n  - Routing\nuse_cases:\n  - {a: b}\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:8: 'products[2]' should be text, not a list",
        "content/stories/acme-onboarding.md:11: 'use_cases[1]' should be text, not a set of 'key: value' lines",
    ]


@pytest.mark.parametrize("file, text, extra, message", [
    ("content/customers/globex.md", GLOBEX.replace("reference: true\n", ""), "reference: maybe\n",
     "'reference' should be true or false (got 'maybe')"),
    ("content/customers/globex.md", GLOBEX, "logo: ../../etc/passwd\n",
     "'logo' should be a path inside the site such as /logos/acme.svg (got '../../etc/passwd')"),
    ("content/videos/v.md", VIDEO, "duration: 90\n", "'duration' should be a duration like 04:30 or 1:02:30 (got '90')"),
    ("content/videos/v.md", VIDEO, "duration: four minutes\n",
     "'duration' should be a duration like 04:30 or 1:02:30 (got 'four minutes')"),
    ("content/testimonials/t.md", TESTIMONIAL, "source: G2\n",
     "'source' should be indented keys: name, url on indented lines below it (got text)"),
    ("content/collections/c.md", COLLECTION.replace("items:\n  - stories/acme-onboarding\n", ""),
     "items: {stories: acme-onboarding}\n", "'items' should be a list (got a set of 'key: value' lines)"),
    ("content/collections/c.md", COLLECTION, "title: [a]\n", None),
])
def test_wrong_types_in_other_kinds(site, file, text, extra, message):
    add(site, file, text, extra)
    line = text.split("\n---\n")[0].count("\n") + 2
    if message is None:  # a second 'title' is a duplicate key
        assert check_errors(site) == [f"{file}:{line}: invalid YAML: 'title' is given twice (first at line 2); keep one"]
    else:
        assert check_errors(site) == [f"{file}:{line}: {message}"]


# -- dates ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2025-3-4", "14/03/2025", "2025-02-30", "2025-13-01", "2025-03-14T10:00:00",
                                   "'March 2025'", "20250314"])
def test_story_date_must_be_iso(site, value):
    site.write("content/stories/acme-onboarding.md", story(**{"date: 2025-03-14": f"date: {value}"}))
    shown = value.strip("'")
    assert check_errors(site) == [
        f"content/stories/acme-onboarding.md:5: 'date' should be a date written YYYY-MM-DD, e.g. 2025-03-14 (got '{shown}')"
    ]


@pytest.mark.parametrize("file, text, key, line", [
    ("content/videos/v.md", VIDEO.replace("date: 2025-01-10\n", ""), "date", 5),
    ("content/videos/v.md", VIDEO, "consent_expires", 6),
    ("content/testimonials/t.md", TESTIMONIAL, "date", 4),
    ("content/testimonials/t.md", TESTIMONIAL, "consent_expires", 4),
    ("content/stories/acme-onboarding.md", STORY, "consent_expires", 6),
])
def test_other_dates_must_be_iso(site, file, text, key, line):
    add(site, file, text, f"{key}: 14/03/2025\n")
    assert check_errors(site) == [
        f"{file}:{line}: '{key}' should be a date written YYYY-MM-DD, e.g. 2025-03-14 (got '14/03/2025')"
    ]


def test_quoted_and_unquoted_iso_dates_are_the_same(site):
    site.write("content/stories/quoted.md", story(**{"date: 2025-03-14": "date: '2025-03-14'"}))
    site, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors
    assert [s.date for s in site.stories] == [dt.date(2025, 3, 14), dt.date(2025, 3, 14)]


# -- company size and rating ---------------------------------------------------


@pytest.mark.parametrize("value, hint", [
    ("10-20", " (did you mean '51-200'?)"),
    ("50", " (did you mean '1-50'?)"),
    ("5000 +", " (did you mean '5000+'?)"),
    ("large", ""),
])
def test_company_size_must_be_a_bucket(site, value, hint):
    site.write("content/stories/acme-onboarding.md", story(f"company_size: '{value}'\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: 'company_size' should be one of 1-50, 51-200, 201-1000, "
        f"1001-5000, 5000+ (got '{value}'){hint}"
    ]


def test_company_size_of_a_customer(site):
    site.write("content/customers/globex.md", GLOBEX.replace('company_size: "51-200"', "company_size: 51 - 200"))
    assert check_errors(site) == [
        "content/customers/globex.md:4: 'company_size' should be one of 1-50, 51-200, 201-1000, "
        "1001-5000, 5000+ (got '51 - 200') (did you mean '51-200'?)"
    ]


@pytest.mark.parametrize("size", ["1-50", "51-200", "201-1000", "1001-5000", "5000+"])
def test_company_size_buckets_accepted_unquoted(site, size):
    site.write("content/customers/acme.md", CUSTOMER.replace('company_size: "51-200"', f"company_size: {size}"))
    check_ok(site)


@pytest.mark.parametrize("value, shown", [("0", "0"), ("6", "6"), ("five", "five"), ("'5'", "5"), ("4.5", "4.5"),
                                          ("-1", "-1")])
def test_rating_from_1_to_5(site, value, shown):
    add(site, "content/testimonials/t.md", TESTIMONIAL, f"rating: {value}\n")
    assert check_errors(site) == [
        f"content/testimonials/t.md:4: 'rating' should be a whole number from 1 to 5 (got '{shown}')"
    ]


@pytest.mark.parametrize("value", [1, 5])
def test_rating_accepted(site, value):
    add(site, "content/testimonials/t.md", TESTIMONIAL, f"rating: {value}\n")
    check_ok(site)


# -- slugs ---------------------------------------------------------------------


def test_file_name_that_is_not_a_slug(site):
    site.write("content/stories/Bad_Name.md", STORY)
    assert check_errors(site) == [
        "content/stories/Bad_Name.md:1: the file name 'Bad_Name.md' cannot be used in a URL: rename it to "
        "'bad-name.md' (lower-case letters, digits and dashes), or set 'slug:'"
    ]


def test_file_name_not_a_slug_is_fine_with_a_slug_key(site):
    site.write("content/stories/Bad_Name.md", story(**{"---\ntitle": "---\nslug: good-name\ntitle"}))
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert (site.output / "stories/good-name/index.html").is_file()


@pytest.mark.parametrize("value", ["Has Space", "UPPER", "-lead", "über", "a_b", "a/b"])
def test_slug_key_must_be_a_slug(site, value):
    site.write("content/videos/v.md", VIDEO.replace("---\ntitle", f"---\nslug: '{value}'\ntitle"))
    assert check_errors(site) == [
        f"content/videos/v.md:2: 'slug' must use only lower-case letters, digits and dashes, "
        f"starting with a letter or digit (got '{value}')"
    ]


def test_duplicate_slugs_across_two_files(site):
    site.write("content/stories/copy.md", STORY.replace("---\ntitle", "---\nslug: acme-onboarding\ntitle"))
    assert check_errors(site) == [
        "content/stories/copy.md:2: two stories have the slug 'acme-onboarding' "
        "(content/stories/acme-onboarding.md and this file); rename one file or set a different 'slug:'"
    ]


def test_duplicate_customer_slugs(site):
    site.write("content/customers/acme-copy.md", CUSTOMER.replace("---\nname", "---\nslug: acme\nname"))
    assert check_errors(site) == [
        "content/customers/acme.md:1: two customers have the slug 'acme' "
        "(content/customers/acme-copy.md and this file); rename one file or set a different 'slug:'"
    ]


def test_same_slug_in_two_kinds_is_fine(site):
    add(site, "content/videos/acme-onboarding.md", VIDEO)
    add(site, "content/testimonials/acme-onboarding.md", TESTIMONIAL)
    add(site, "content/collections/acme-onboarding.md", COLLECTION)
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert (site.output / "videos/acme-onboarding/index.html").is_file()
    assert (site.output / "stories/acme-onboarding/index.html").is_file()


# -- references ----------------------------------------------------------------


@pytest.mark.parametrize("file, text, line", [
    ("content/stories/acme-onboarding.md", STORY, 4),
    ("content/testimonials/t.md", TESTIMONIAL, 3),
    ("content/videos/v.md", VIDEO, 5),
])
def test_unknown_customer_with_did_you_mean(site, file, text, line):
    site.write(file, text.replace("customer: acme", "customer: acmee"))
    assert check_errors(site) == [
        f"{file}:{line}: unknown customer 'acmee' (did you mean 'acme'?): "
        "add content/customers/acmee.md or fix the slug"
    ]


def test_unknown_customer_without_a_close_name(site):
    site.write("content/stories/acme-onboarding.md", STORY.replace("customer: acme", "customer: globex"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:4: unknown customer 'globex': "
        "add content/customers/globex.md or fix the slug"
    ]


def test_customer_by_its_slug_key(site):
    site.write("content/customers/acme-logistics.md", CUSTOMER.replace("---\nname", "---\nslug: globex\nname"))
    site.write("content/stories/acme-onboarding.md", STORY.replace("customer: acme", "customer: globex"))
    check_ok(site)


def test_unknown_value_key_points_at_its_list_item(site):
    site.write("content/stories/acme-onboarding.md", story("values:\n  - speed\n  - reliabilty\n  - trust\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:8: unknown value 'reliabilty' (did you mean 'reliability'?): "
        "use a key of 'values:' in advocacy.yaml (reliability, speed)",
        "content/stories/acme-onboarding.md:9: unknown value 'trust': "
        "use a key of 'values:' in advocacy.yaml (reliability, speed)",
    ]


def test_value_key_when_none_are_defined(site):
    site.write("advocacy.yaml", "title: T\nbase_url: https://example.com/\n")
    site.write("content/stories/acme-onboarding.md", story("values: [speed]\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: unknown value 'speed': "
        "use a key of 'values:' in advocacy.yaml (none are defined yet)"
    ]


def test_collection_item_that_does_not_exist(site):
    site.write("content/collections/pack.md", COLLECTION.replace(
        "  - stories/acme-onboarding\n",
        "  - stories/acme-onboarding\n  - stories/acme-onbording\n  - videos/nope\n  - /stories/acme-onboarding/\n"))
    assert check_errors(site) == [
        "content/collections/pack.md:5: 'stories/acme-onbording' is not an item of this site (did you mean "
        "'stories/acme-onboarding'?); write stories/<slug>, testimonials/<slug> or videos/<slug>",
        "content/collections/pack.md:6: 'videos/nope' is not an item of this site; "
        "write stories/<slug>, testimonials/<slug> or videos/<slug>",
        "content/collections/pack.md:7: '/stories/acme-onboarding/' is not an item of this site (did you mean "
        "'stories/acme-onboarding'?); write stories/<slug>, testimonials/<slug> or videos/<slug>",
    ]


def test_collection_item_whose_file_has_errors_is_reported_once(site):
    site.write("content/stories/acme-onboarding.md", story(**{"date: 2025-03-14": "date: 2025-3-14"}))
    site.write("content/collections/pack.md", COLLECTION)
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:5: 'date' should be a date written YYYY-MM-DD, "
        "e.g. 2025-03-14 (got '2025-3-14')"
    ]


def test_collection_item_with_an_unknown_customer_is_reported_once(site):
    site.write("content/stories/acme-onboarding.md", STORY.replace("customer: acme", "customer: acmee"))
    site.write("content/collections/pack.md", COLLECTION)
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:4: unknown customer 'acmee' (did you mean 'acme'?): "
        "add content/customers/acmee.md or fix the slug"
    ]


def test_collection_may_name_a_draft(site):
    site.write("content/stories/acme-onboarding.md", story("status: draft\n"))
    site.write("content/collections/pack.md", COLLECTION)
    check_ok(site)


def test_collection_item_whose_file_is_unreadable_is_reported_once(site):
    site.write("content/stories/acme-onboarding.md", story("industry: Logistics: EU\n"))
    site.write("content/collections/pack.md", COLLECTION)
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: invalid YAML: mapping values are not allowed in this context "
        "(put quotes around a value that contains ': ' or starts with a special character)"
    ]


def test_collection_of_every_kind(site):
    add(site, "content/videos/v.md", VIDEO)
    add(site, "content/testimonials/t.md", TESTIMONIAL)
    site.write("content/collections/pack.md", COLLECTION.replace(
        "  - stories/acme-onboarding\n", "  - stories/acme-onboarding\n  - videos/v\n  - testimonials/t\n"))
    check_ok(site)


def test_references_of_a_file_with_field_errors_are_checked_too(site):
    site.write("content/stories/acme-onboarding.md", story(
        "featured: sometimes\nvalues: [sped]\n", **{"customer: acme": "customer: acne"}))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:4: unknown customer 'acne' (did you mean 'acme'?): "
        "add content/customers/acne.md or fix the slug",
        "content/stories/acme-onboarding.md:6: 'featured' should be true or false (got 'sometimes')",
        "content/stories/acme-onboarding.md:7: unknown value 'sped' (did you mean 'speed'?): "
        "use a key of 'values:' in advocacy.yaml (reliability, speed)",
    ]


def test_customer_with_an_error_is_not_called_unknown(site):
    site.write("content/customers/acme.md", CUSTOMER.replace("reference: true", "reference: maybe"))
    assert check_errors(site) == [
        "content/customers/acme.md:6: 'reference' should be true or false (got 'maybe')",
    ]


# -- unknown keys --------------------------------------------------------------


@pytest.mark.parametrize("file, text, key, hint", [
    ("content/stories/acme-onboarding.md", STORY, "titel", " (did you mean 'title'?)"),
    ("content/stories/acme-onboarding.md", STORY, "sumary", " (did you mean 'summary'?)"),
    ("content/stories/acme-onboarding.md", STORY, "costumer", " (did you mean 'customer'?)"),
    ("content/stories/acme-onboarding.md", STORY, "colour", ""),
    ("content/testimonials/t.md", TESTIMONIAL, "raiting", " (did you mean 'rating'?)"),
    ("content/videos/v.md", VIDEO, "durations", " (did you mean 'duration'?)"),
    ("content/customers/globex.md", GLOBEX, "websit", " (did you mean 'website'?)"),
    ("content/customers/globex.md", GLOBEX, "products", ""),
    ("content/collections/c.md", COLLECTION, "item", " (did you mean 'items'?)"),
])
def test_unknown_key_with_did_you_mean(site, file, text, key, hint):
    add(site, file, text, f"{key}: x\n")
    line = text.split("\n---\n")[0].count("\n") + 2
    assert check_errors(site) == [f"{file}:{line}: unknown key '{key}'{hint}"]


def test_unknown_nested_key(site):
    site.write("content/stories/acme-onboarding.md", story("quote:\n  txt: Hi\n  author: Ana\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:7: unknown key 'quote.txt' (did you mean 'text'?)",
        "content/stories/acme-onboarding.md:7: 'quote.text' is required (text)",
    ]


def test_typo_and_missing_required_key_both_reported(site):
    site.write("content/stories/acme-onboarding.md", STORY.replace("title:", "titel:"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:2: unknown key 'titel' (did you mean 'title'?)",
        "content/stories/acme-onboarding.md:2: 'title' is required (the headline)",
    ]


# -- URL fields ----------------------------------------------------------------

BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
            "vbscript:msgbox(1)", "java\tscript:alert(1)", "www.acme.example", "//acme.example/"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_customer_website_refuses_unsafe_urls(site, url):
    quoted = url.replace("\t", "\\t")
    site.write("content/customers/globex.md", GLOBEX.replace("reference: true", f'website: "{quoted}"'))
    assert check_errors(site) == [
        f"content/customers/globex.md:6: 'website' should be a full URL starting with http, https, mailto (got '{url}')"
    ]


@pytest.mark.parametrize("url", BAD_URLS)
def test_testimonial_source_url_refuses_unsafe_urls(site, url):
    quoted = url.replace("\t", "\\t")
    add(site, "content/testimonials/t.md", TESTIMONIAL, f'source:\n  name: G2\n  url: "{quoted}"\n')
    assert check_errors(site) == [
        f"content/testimonials/t.md:6: 'source.url' should be a full URL starting with http, https, mailto (got '{url}')"
    ]


@pytest.mark.parametrize("url", ["https://www.acme.example/", "http://acme.example", "mailto:hello@acme.example"])
def test_customer_website_accepts(site, url):
    site.write("content/customers/acme.md", CUSTOMER.replace("reference: true", f"website: {url}"))
    check_ok(site)


@pytest.mark.parametrize("url", BAD_URLS + ["https://www.dailymotion.com/video/x7tgad0",
                                            "https://example.com/video.mp4", "youtu.be/aqz-KE-bpKQ"])
def test_story_video_refuses_other_providers(site, url):
    quoted = url.replace("\t", "\\t")
    site.write("content/stories/acme-onboarding.md", story(f'video: "{quoted}"\n'))
    assert check_errors(site) == [
        f"content/stories/acme-onboarding.md:6: 'video' should be a video page on YouTube, Vimeo, Wistia or Loom "
        f"(got '{url}')"
    ]


@pytest.mark.parametrize("url", ["https://vimeo.com/76979871", "javascript:alert(1)"])
def test_video_and_testimonial_video_fields(site, url):
    site.write("content/videos/v.md", VIDEO.replace("https://youtu.be/aqz-KE-bpKQ", f"'{url}'"))
    add(site, "content/testimonials/t.md", TESTIMONIAL, f"video: '{url}'\n")
    if url.startswith("https"):
        check_ok(site)
    else:
        assert check_errors(site) == [
            f"content/testimonials/t.md:4: 'video' should be a video page on YouTube, Vimeo, Wistia or Loom (got '{url}')",
            f"content/videos/v.md:3: 'url' should be a video page on YouTube, Vimeo, Wistia or Loom (got '{url}')",
        ]


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
    "https://youtu.be/aqz-KE-bpKQ",
    "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
    "https://vimeo.com/76979871",
    "https://acme.wistia.com/medias/abcde12345",
    "https://www.loom.com/share/0281766fa2d04bb788eaf19e65135184",
])
def test_video_urls_from_the_four_providers_build(site, url):
    site.write("content/videos/v.md", VIDEO.replace("https://youtu.be/aqz-KE-bpKQ", url))
    site.write("content/stories/acme-onboarding.md", story(f"video: {url}\n"))
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert (site.output / "videos/v/index.html").is_file()


# -- file-level problems -------------------------------------------------------


def test_yaml_syntax_error_with_its_file_line(site):
    site.write("content/stories/acme-onboarding.md", story("industry: Logistics: EU\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: invalid YAML: mapping values are not allowed in this context "
        "(put quotes around a value that contains ': ' or starts with a special character)"
    ]


def test_yaml_bad_indentation_with_its_file_line(site):
    site.write("content/stories/acme-onboarding.md", story("products:\n  - Dispatch\n - Routing\n"))
    errors = check_errors(site)
    assert len(errors) == 1
    assert errors[0].startswith("content/stories/acme-onboarding.md:8: invalid YAML: ")


def test_unclosed_quote_points_at_its_line(site):
    site.write("content/stories/acme-onboarding.md",
               "---\ntitle: \"How Acme cut onboarding\nsummary: x\ncustomer: acme\ndate: 2025-03-14\n---\nBody\n")
    errors = check_errors(site)
    assert len(errors) == 1
    assert errors[0].startswith("content/stories/acme-onboarding.md:2: invalid YAML: ")


def test_tab_indentation_gets_a_hint(site):
    site.write("content/stories/acme-onboarding.md", story("products:\n\t- Dispatch\n"))
    errors = check_errors(site)
    assert len(errors) == 1
    assert errors[0].startswith("content/stories/acme-onboarding.md:7: invalid YAML: ")
    assert errors[0].endswith("(indent with spaces, not tabs)")


def test_non_utf8_bytes(site):
    site.write_bytes("content/customers/globex.md", GLOBEX.replace("Acme moves", "Caf\udce9 moves").encode(
        "utf-8", "surrogateescape"))
    assert check_errors(site) == [
        "content/customers/globex.md:8: the file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ]


def test_latin1_front_matter(site):
    site.write_bytes("content/customers/globex.md", "---\nname: Globex Café\n---\n".encode("latin-1"))
    assert check_errors(site) == [
        "content/customers/globex.md:2: the file is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ]


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_file(site, data):
    site.write_bytes("content/stories/empty.md", data)
    assert check_errors(site) == [
        "content/stories/empty.md:1: the file is empty; start it with front matter between two '---' lines"
    ]


def test_front_matter_never_closed(site):
    site.write("content/stories/acme-onboarding.md", STORY.replace("---\n## The", "## The"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:1: the front matter opened at line 1 is never closed; "
        "add a line '---' after its last key"
    ]


def test_no_front_matter(site):
    site.write("content/stories/acme-onboarding.md", "# How Acme cut onboarding\n\nBody\n")
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:1: the file must start with a line of three dashes '---' "
        "that opens its front matter"
    ]


def test_front_matter_that_is_not_keys(site):
    site.write("content/stories/acme-onboarding.md", "---\n- title\n- summary\n---\nBody\n")
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:2: the front matter must be a list of 'key: value' lines"
    ]


def test_nul_byte(site):
    site.write_bytes("content/stories/acme-onboarding.md", STORY.encode() + b"bad\x00byte\n")
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:9: the file contains a NUL byte; save it as plain UTF-8 text"
    ]


def test_duplicate_keys(site):
    site.write("content/stories/acme-onboarding.md", story("title: Another title\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: invalid YAML: 'title' is given twice (first at line 2); keep one"
    ]


def test_bom_and_crlf_files_simply_work(site):
    text = "\ufeff" + STORY.replace("\n", "\r\n")
    site.write_bytes("content/stories/acme-onboarding.md", text.encode("utf-8"))
    site.write_bytes("content/customers/acme.md", CUSTOMER.replace("\n", "\r\n").encode("utf-8"))
    site.write_bytes("content/testimonials/t.md", TESTIMONIAL.replace("\n", "\r").encode("utf-8"))
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    page = site.page("stories/acme-onboarding/")
    assert page.h1.get_text(strip=True) == "How Acme cut onboarding"
    assert "\ufeff" not in page.get_text()
    assert "\r" not in (site.output / "stories/acme-onboarding/index.html").read_text(encoding="utf-8")


def test_crlf_file_errors_keep_their_lines(site):
    text = story("featured: maybe\n").replace("\n", "\r\n")
    site.write_bytes("content/stories/acme-onboarding.md", ("\ufeff" + text).encode("utf-8"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: 'featured' should be true or false (got 'maybe')"
    ]


def test_yaml_1_1_traps(site):
    site.write("content/customers/acme.md", CUSTOMER.replace("region: Europe", "region: no"))
    add(site, "content/videos/v.md", VIDEO, "duration: 1:30\n")
    site.write("content/stories/acme-onboarding.md", story("use_cases: [yes, off]\n"))
    loaded, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors, problems.errors
    assert loaded.customers["acme"].region == "no"
    assert loaded.videos[0].duration == "1:30"
    assert loaded.videos[0].region == "no"
    assert loaded.stories[0].date == dt.date(2025, 3, 14)
    assert loaded.stories[0].use_cases == ("yes", "off")
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert (site.output / "regions/no/index.html").is_file()
    assert "1:30" in (site.output / "videos/v/index.html").read_text(encoding="utf-8")


def test_metric_value_keeps_its_digits(site):
    site.write("content/stories/acme-onboarding.md", story("metrics:\n  - value: 1.50\n    label: dollars saved\n"))
    loaded, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors
    assert loaded.stories[0].metrics[0].value == "1.50"


def test_numbers_as_text_where_text_is_expected(site):
    site.write("content/stories/acme-onboarding.md", story(
        "metrics:\n  - value: 40\n    label: hours saved\nproducts: [Dispatch 2.10]\n",
        **{"title: How Acme cut onboarding": "title: 2025"}))
    loaded, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors
    assert loaded.stories[0].title == "2025"
    assert loaded.stories[0].metrics[0].value == "40"
    assert loaded.stories[0].products == ("Dispatch 2.10",)


def test_other_files_and_folders_are_warnings_not_errors(site):
    site.write("content/stories/notes.txt", "not content")
    site.write("content/storys/x.md", STORY)
    site.write("content/stories/2025/acme-later.md", STORY)
    result = site.run("check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "content/stories/2025:1: warning: folder ignored: content/stories/ holds .md files only, not folders; "
        "move its .md files up into content/stories/ (images go in static/)",
        "content/stories/notes.txt:1: warning: file ignored: content files must end in .md",
        "content/storys:1: warning: folder ignored: content/ holds only customers, stories, testimonials, "
        "videos, events, collections (did you mean 'stories'?)",
    ]


# -- every problem in one run --------------------------------------------------


def _break_many_files(site) -> list[str]:
    site.write("content/stories/acme-onboarding.md", story(
        "company_size: huge\n", **{"date: 2025-03-14": "date: 2025-3-4", "customer: acme": "customer: acmee"}))
    site.write("content/stories/Second_Story.md", STORY)
    add(site, "content/testimonials/t.md", TESTIMONIAL, "rating: 6\n")
    site.write("content/videos/v.md", VIDEO.replace("https://youtu.be/aqz-KE-bpKQ", "https://evil.example/v"))
    site.write("content/customers/globex.md", "---\nname: Globex\nwebsite: javascript:alert(1)\n---\n")
    site.write("content/collections/pack.md", COLLECTION.replace("stories/acme-onboarding", "stories/nope"))
    site.write_bytes("content/stories/broken.md", b"---\ntitle: x\n")
    return [
        "content/collections/pack.md:4: 'stories/nope' is not an item of this site; "
        "write stories/<slug>, testimonials/<slug> or videos/<slug>",
        "content/customers/globex.md:3: 'website' should be a full URL starting with http, https, mailto "
        "(got 'javascript:alert(1)')",
        "content/stories/Second_Story.md:1: the file name 'Second_Story.md' cannot be used in a URL: rename it "
        "to 'second-story.md' (lower-case letters, digits and dashes), or set 'slug:'",
        "content/stories/acme-onboarding.md:4: unknown customer 'acmee' (did you mean 'acme'?): "
        "add content/customers/acmee.md or fix the slug",
        "content/stories/acme-onboarding.md:5: 'date' should be a date written YYYY-MM-DD, e.g. 2025-03-14 "
        "(got '2025-3-4')",
        "content/stories/acme-onboarding.md:6: 'company_size' should be one of 1-50, 51-200, 201-1000, "
        "1001-5000, 5000+ (got 'huge')",
        "content/stories/broken.md:1: the front matter opened at line 1 is never closed; "
        "add a line '---' after its last key",
        "content/testimonials/t.md:4: 'rating' should be a whole number from 1 to 5 (got '6')",
        "content/videos/v.md:3: 'url' should be a video page on YouTube, Vimeo, Wistia or Loom "
        "(got 'https://evil.example/v')",
    ]


def test_check_reports_every_problem_of_every_file_at_once(site):
    expected = _break_many_files(site)
    result = site.run("check")
    assert result.exit_code == 1
    assert lines_of(result) == expected
    assert result.stderr.splitlines()[-1] == "9 errors; nothing was written."
    assert result.stdout == ""
    assert not site.output.exists()


def test_build_reports_every_problem_and_writes_nothing(site):
    expected = _break_many_files(site)
    result = site.run("build")
    assert result.exit_code == 1
    assert lines_of(result) == expected
    assert result.stderr.splitlines()[-1] == "9 errors; nothing was written."
    assert not site.output.exists()


def test_failed_build_leaves_previous_output_unchanged(site):
    assert site.run("build").exit_code == 0
    before = site.snapshot()
    assert before
    _break_many_files(site)
    result = site.run("build")
    assert result.exit_code == 1
    assert site.snapshot() == before
    # the build cache (issue 7) is the one folder a build keeps beside the output
    assert sorted(p.name for p in site.root.iterdir()) == [".advocacy-cache", "advocacy.yaml", "content", "output",
                                                                "published-urls.txt"]


def test_one_error_is_singular(site):
    site.write("content/stories/acme-onboarding.md", story("featured: maybe\n"))
    result = site.run("build")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "1 error; nothing was written."


def test_warnings_do_not_fail_but_are_printed_with_errors(site):
    site.write("content/stories/acme-onboarding.md", story("consent_expires: 2020-01-01\nfeatured: maybe\n"))
    result = site.run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/stories/acme-onboarding.md:7: 'featured' should be true or false (got 'maybe')",
        "1 error; nothing was written.",
    ]


# -- defaults and taxonomies ---------------------------------------------------


def test_facets_default_to_the_customers(site):
    add(site, "content/videos/v.md", VIDEO, "industry: Retail\n")
    add(site, "content/testimonials/t.md", TESTIMONIAL, "company_size: 5000+\nregion: Asia\n")
    loaded, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors
    story_ = loaded.stories[0]
    assert (story_.industry, story_.company_size, story_.region) == ("Logistics", "51-200", "Europe")
    video = loaded.videos[0]
    assert (video.industry, video.company_size, video.region) == ("Retail", "51-200", "Europe")
    testimonial = loaded.testimonials[0]
    assert (testimonial.industry, testimonial.company_size, testimonial.region) == ("Logistics", "5000+", "Asia")


def test_defaults_show_on_taxonomy_pages(site):
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    for page in ("industries/logistics/", "sizes/51-200/", "regions/europe/"):
        links = [a["href"] for a in site.page(page).find_all("a", href=True)]
        assert "/stories/acme-onboarding/" in links, page


def test_customer_without_facets_leaves_them_empty(site):
    site.write("content/customers/acme.md", "---\nname: Acme\n---\n")
    loaded, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors
    assert (loaded.stories[0].industry, loaded.stories[0].company_size, loaded.stories[0].region) == (None, None, None)


@pytest.mark.parametrize("name, slug", [
    ("Food & Beverage", "food-beverage"),
    ("Café", "cafe"),
    ("Health Care", "health-care"),
    ("Straße & Bau", "strasse-bau"),
])
def test_taxonomy_slugs(site, name, slug):
    site.write("content/customers/acme.md", CUSTOMER.replace("industry: Logistics", f"industry: {name}"))
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    page = site.page(f"industries/{slug}/")
    assert name in page.h1.get_text()


def test_term_slug_collision_across_files(site):
    site.write("content/customers/bistro.md", "---\nname: Bistro\nindustry: Café\n---\n")
    site.write("content/stories/acme-onboarding.md", story("industry: Cafe\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:6: industry 'Cafe' and 'Café' (in content/customers/bistro.md) "
        "would share the page /industries/cafe/; write them the same way"
    ]


def test_term_slug_collision_in_one_list(site):
    site.write("content/stories/acme-onboarding.md", story("products:\n  - Dispatch\n  - dispatch\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:8: product 'dispatch' and 'Dispatch' "
        "(in content/stories/acme-onboarding.md) would share the page /products/dispatch/; write them the same way"
    ]


def test_term_slug_collision_of_regions(site):
    add(site, "content/testimonials/t.md", TESTIMONIAL, "region: europe\n")
    assert check_errors(site) == [
        "content/testimonials/t.md:4: region 'europe' and 'Europe' (in content/customers/acme.md) "
        "would share the page /regions/europe/; write them the same way"
    ]


def test_term_without_latin_letters(site):
    site.write("content/customers/globex.md", GLOBEX.replace("industry: Logistics", "industry: 物流"))
    assert check_errors(site) == [
        "content/customers/globex.md:3: industry '物流' has no letters or digits that can make a URL; "
        "add a Latin spelling"
    ]


def test_bad_customer_term_is_reported_once_not_on_each_story(site):
    site.write("content/customers/acme.md", CUSTOMER.replace("industry: Logistics", "industry: 物流"))
    assert check_errors(site) == [
        "content/customers/acme.md:3: industry '物流' has no letters or digits that can make a URL; "
        "add a Latin spelling"
    ]


def test_same_name_in_many_files_is_one_term(site):
    site.write("content/stories/second.md", story(**{"title: How Acme cut onboarding": "title: Second"}))
    site.write("content/stories/acme-onboarding.md", story("industry: Logistics\n"))
    loaded, problems = load_site(site.root, build_date=dt.date(2025, 6, 1))
    assert not problems.errors
    terms = loaded.taxonomies["industries"].terms
    assert [(t.name, t.slug, len(t.items)) for t in terms] == [("Logistics", "logistics", 2)]


def test_a_comma_in_an_unquoted_flow_value_gets_a_quoting_hint(site):
    site.write("content/stories/acme-onboarding.md",
               story("people:\n  - {name: Joris, role: Depot Manager, Rotterdam}\n"))
    assert check_errors(site) == [
        "content/stories/acme-onboarding.md:7: unknown key 'people[1].Rotterdam'; if it belongs to 'role', "
        "put that value in quotes: role: \"Depot Manager, Rotterdam\""
    ]


def test_a_template_mistake_on_every_story_page_is_one_error_naming_the_pages(site):
    for name in ("second", "third"):
        site.write(f"content/stories/{name}.md", story(**{"title: How Acme cut onboarding": f"title: {name}"}))
    site.write("themes/default/templates/story.html",
               "{% extends 'base.html' %}{% block content %}\n<p>{{ item.titel.upper() }}</p>{% endblock %}")
    result = site.run("build")
    assert result.exit_code == 1
    assert lines_of(result) == [
        "themes/default/templates/story.html:2: template error: a Story has no attribute 'titel' "
        "(while making /stories/acme-onboarding/ and 2 other pages)"
    ]
    assert result.stderr.splitlines()[-1] == f"1 error; {SUMMARY_SUFFIX}"
    assert not site.output.exists()
