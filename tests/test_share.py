"""advocacy share: tracked links (parsed back, not string-matched), snippets, refusals, formats."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import CUSTOMER, SiteFolder

CONFIG = """\
title: Peer Stories
base_url: https://example.com/peers/
company: Example Co
share:
  utm_source: peer-site
  utm_medium: email
"""

STORY = """\
---
title: How Acme cut onboarding <fast> & well
summary: Onboarding went from weeks to days.
customer: acme
date: 2025-03-14
quote:
  text: We stopped firefighting.
  author: Ana Silva
  role: Head of Operations
metrics:
  - {value: "-85%", label: onboarding time}
  - {value: "+18%", label: stops per day}
---
Body.
"""


@pytest.fixture
def shop(tmp_path) -> SiteFolder:
    site = SiteFolder(tmp_path / "shop")
    site.write("advocacy.yaml", CONFIG)
    site.write("content/customers/acme.md", CUSTOMER)
    site.write("content/customers/bolt.md", "---\nname: Bolt Co\n---\nBolt makes bolts. They are strong.\n")
    site.write("content/stories/acme-onboarding.md", STORY)
    site.write("content/stories/bolt-story.md", "---\ntitle: Bolt's story\nsummary: It went well\n"
               "customer: bolt\ndate: 2024-01-01\n---\nBody.\n")
    site.write("content/videos/acme-onboarding.md", "---\ntitle: Acme on video\nurl: https://vimeo.com/76979871\n"
               "customer: acme\ndate: 2025-04-01\nduration: '03:10'\nsummary: Ana shows the new day.\n---\nTranscript.\n")
    site.write("content/testimonials/acme-quote.md", "---\nauthor: Joris\nrole: Depot Manager\ncustomer: acme\n---\n"
               "It was *live* on Thursday.\n")
    site.write("content/collections/fleet-pack.md", "---\ntitle: Fleet pack\nitems: [stories/acme-onboarding, "
               "stories/bolt-story]\n---\nFor fleets. Start with Acme.\n")
    site.write("content/stories/acme-draft.md", STORY.replace("date: 2025-03-14", "date: 2025-03-14\nstatus: draft"))
    site.write("content/stories/acme-expired.md", STORY.replace("date: 2025-03-14",
                                                                 "date: 2025-03-14\nconsent_expires: 2020-01-01"))
    return site


def _share(site: SiteFolder, *args: str) -> dict:
    result = site.run("share", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_link_carries_the_tracking_parameters_url_encoded(shop):
    data = _share(shop, "acme-onboarding", "--kind", "story", "--rep", "Zoë O'Brien",
                  "--campaign", "Q3 & Q4 / north=1")
    url = urlsplit(data["url"])
    assert (url.scheme, url.netloc, url.path, url.fragment) == ("https", "example.com", "/peers/stories/acme-onboarding/", "")
    assert parse_qsl(url.query, strict_parsing=True) == [  # four parameters: nothing leaked out of a value
        ("utm_source", "peer-site"), ("utm_medium", "email"),
        ("utm_campaign", "Q3 & Q4 / north=1"), ("utm_content", "Zoë O'Brien")]
    assert " " not in data["url"] and "Zoë" not in data["url"]


def test_a_testimonial_keeps_its_anchor_after_the_query(shop):
    url = urlsplit(_share(shop, "acme-quote", "--campaign", "spring")["url"])
    assert (url.path, url.fragment) == ("/peers/testimonials/", "acme-quote")
    assert parse_qs(url.query)["utm_campaign"] == ["spring"]


def test_without_share_settings_or_options_the_link_is_plain(shop):
    shop.write("advocacy.yaml", CONFIG.split("share:")[0])
    assert _share(shop, "bolt-story")["url"] == "https://example.com/peers/stories/bolt-story/"
    url = urlsplit(_share(shop, "bolt-story", "--rep", "Ana")["url"])
    assert parse_qsl(url.query) == [("utm_content", "Ana")]


@pytest.mark.parametrize("ref", ["bolt-story", "stories/bolt-story", "/stories/bolt-story/",
                                 "https://example.com/peers/stories/bolt-story/?utm_source=x"])
def test_an_item_is_named_by_slug_kind_and_slug_or_its_link(shop, ref):
    assert _share(shop, ref)["slug"] == "bolt-story"


def test_a_story_snippet_has_a_subject_and_three_or_four_sentences(shop):
    data = _share(shop, "acme-onboarding", "--kind", "story")
    assert data["subject"] == "Acme Logistics: -85% onboarding time"  # the headline metric
    assert data["sentences"] == [
        ("I thought you would like this story from Acme Logistics (Logistics, 51-200 employees, Europe): "
         "“How Acme cut onboarding <fast> & well”."),
        "The headline result: -85% onboarding time.",
        "As Ana Silva (Head of Operations) puts it: “We stopped firefighting.”",
        "Acme Logistics is happy to talk to peers, so I can set up a call if you would like.",
    ]
    assert data["body"] == " ".join(data["sentences"])


@pytest.mark.parametrize("args, subject, words", [
    (["acme-onboarding", "--kind", "video"], "Video: Acme on video", ["(03:10)", "Ana shows the new day.", "-85%"]),
    (["acme-quote"], "What Acme Logistics says about Example Co", ["As Joris (Depot Manager) puts it: “It was live on Thursday.”"]),
    (["acme", "--kind", "customer"], "Acme Logistics: -85% onboarding time", ["one of our customers", "We stopped firefighting."]),
    (["bolt"], "How Bolt Co works with Example Co", ["Bolt makes bolts.", "I would be glad to walk you through it."]),
    (["fleet-pack"], "Fleet pack", ["with Acme Logistics and Bolt Co.", "For fleets."]),
    (["bolt-story"], "Bolt's story", ["It went well."]),
])
def test_every_kind_gets_a_snippet_of_three_or_four_sentences(shop, args, subject, words):
    data = _share(shop, *args)
    assert data["subject"] == subject
    assert 3 <= len(data["sentences"]) <= 4
    for word in words:
        assert word in data["body"]


def test_the_mailto_link_holds_the_subject_the_body_and_the_link(shop):
    data = _share(shop, "bolt-story", "--campaign", "a&b")
    query = parse_qs(urlsplit(data["mailto"]).query)
    assert query["subject"] == ["Bolt's story"]
    assert query["body"] == [f"{data['body']}\n\nRead the full story: {data['url']}"]


def test_the_html_format_escapes_every_value(shop):
    result = shop.run("share", "acme-onboarding", "--kind", "story", "--campaign", "<b>&\"", "--format", "html")
    assert result.exit_code == 0
    assert "<fast>" not in result.stdout and "&lt;fast&gt; &amp; well" in result.stdout
    soup = BeautifulSoup(result.stdout, "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["p", "strong", "p", "a"]
    link = soup.find("a")
    assert parse_qs(urlsplit(link["href"]).query)["utm_campaign"] == ["<b>&\""]
    assert link.get_text() == "Read the full story"
    assert "How Acme cut onboarding <fast> & well" in soup.get_text()


def test_the_markdown_format_escapes_markdown_and_links_the_url(shop):
    result = shop.run("share", "acme-onboarding", "--kind", "story", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("**Subject:** Acme Logistics: -85% onboarding time\n\n")
    assert r"\<fast\> & well" in result.stdout
    assert "[Read the full story](<https://example.com/peers/stories/acme-onboarding/?utm_source=peer-site&utm_medium=email>)" \
        in result.stdout


def test_the_text_format_starts_with_the_link(shop):
    result = shop.run("share", "bolt-story", "--rep", "Ana")
    lines = result.stdout.splitlines()
    assert lines[0] == "https://example.com/peers/stories/bolt-story/?utm_source=peer-site&utm_medium=email&utm_content=Ana"
    assert lines[2] == "Subject: Bolt's story"
    assert lines[-1] == f"Read the full story: {lines[0]}"


@pytest.mark.parametrize("args, message", [
    (["acme-draft"], "stories/acme-draft is a draft (content/stories/acme-draft.md has status: draft)"),
    (["acme-expired"], ("stories/acme-expired is withheld from the site (consent expired on 2020-01-01, "
                        "content/stories/acme-expired.md); renew the customer's consent")),
    (["acme-onbording", "--kind", "story"], ("no published story has the slug 'acme-onbording' "
                                             "(did you mean 'acme-onboarding'?)")),
    (["acme-onboarding"], "'acme-onboarding' is a story and a video; say which with --kind story or --kind video"),
    (["acme-quote", "--kind", "story"], ("no published story has the slug 'acme-quote'; "
                                         "it is the slug of another kind: --kind testimonial")),
    (["bolt-st"], "(did you mean 'bolt-story'?)"),
    (["widgets/bolt-story"], "'widgets/bolt-story' should be a slug, or <kind>/<slug>"),
    (["bolt-story", "--rep", " "], "--rep is empty"),
])
def test_what_cannot_be_shared_is_refused_with_the_reason(shop, args, message):
    result = shop.run("share", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_site_with_errors_is_reported_not_shared(shop):
    shop.write("content/stories/broken.md", "---\ntitel: x\n---\n")
    result = shop.run("share", "bolt-story")
    assert result.exit_code == 1
    assert "content/stories/broken.md:2: unknown key 'titel' (did you mean 'title'?)" in result.stderr


def test_the_share_box_of_a_page_has_its_plain_url_an_email_and_linkedin(shop):
    from advocacy.pipeline import load_site
    from advocacy.share import share_box

    site, _ = load_site(shop.root)
    links = share_box(site, site.stories[0])
    assert links["url"] == "https://example.com/peers/stories/acme-onboarding/"  # no tracking for visitors
    email = parse_qs(urlsplit(links["mailto"]).query)
    assert email["subject"] == ["Acme Logistics: -85% onboarding time"]
    assert email["body"][0].endswith(f"Read the full story: {links['url']}")
    linkedin = urlsplit(links["linkedin"])
    assert (linkedin.netloc, linkedin.path) == ("www.linkedin.com", "/sharing/share-offsite/")
    assert parse_qs(linkedin.query) == {"url": [links["url"]]}


def test_an_unlisted_collection_is_loaded_as_such_and_shareable_by_its_link(shop):
    from advocacy.pipeline import load_site

    shop.write("content/collections/fleet-pack.md", "---\ntitle: Fleet pack\nunlisted: true\n"
               "items: [stories/bolt-story]\n---\nFor fleets.\n")
    site, _ = load_site(shop.root)
    assert [(c.slug, c.unlisted) for c in site.collections] == [("fleet-pack", True)]
    assert _share(shop, "fleet-pack")["url"] == ("https://example.com/peers/collections/fleet-pack/"
                                                 "?utm_source=peer-site&utm_medium=email")
    shop.write("content/collections/fleet-pack.md", "---\ntitle: Fleet pack\nunlisted: maybe\nitems: []\n---\n")
    result = shop.run("check")
    assert "content/collections/fleet-pack.md:3: 'unlisted' should be true or false (got 'maybe')" in result.stderr
