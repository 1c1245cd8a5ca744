"""The share box of story, video and collection pages: the page's own link to
copy, an email with subject and body filled in, LinkedIn's share page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import SiteFolder, _layout_problems, _open, _tab_to

VIDEO = """\
---
title: A day at Acme
url: https://vimeo.com/76979871
customer: acme
date: 2025-04-01
---
Transcript.
"""
COLLECTION = """\
---
title: Pack for Nordics
unlisted: true
items: [stories/acme-onboarding, videos/acme-day]
---
Start here.
"""
SAMPLE_PAGES = ["stories/brightharbor-driver-onboarding/", "videos/brightharbor-first-day/",
                "collections/logistics-reference-pack/"]


@pytest.fixture
def shared(site):
    """The minimal site with a video, an unlisted collection and a draft story too."""
    site.write("content/videos/acme-day.md", VIDEO)
    site.write("content/collections/nordics.md", COLLECTION)
    site.write("content/stories/acme-draft.md", "---\ntitle: Not yet\nsummary: Soon.\ncustomer: acme\n"
               "date: 2025-05-01\nstatus: draft\n---\nBody.\n")
    return site


def _box(page) -> dict:
    """What a page's share box offers: the copy field, the email decoded, LinkedIn's link."""
    box = page.select_one("[data-share]")
    field = box.select_one("input[data-share-url]")
    assert field.has_attr("readonly") and box.select_one(f'label[for="{field["id"]}"]')
    assert box.select_one("button[data-share-copy]").has_attr("hidden")  # site.js shows it; no dead button
    mailto, linkedin = (a["href"] for a in box.select(".share-links a"))
    email = urlsplit(mailto)
    assert email.scheme == "mailto" and email.path == ""  # the rep or visitor picks the recipient
    query = parse_qs(email.query, strict_parsing=True)
    return {"url": field["value"], "subject": query["subject"], "body": query["body"],
            "linkedin": urlsplit(linkedin), "shared": parse_qs(urlsplit(linkedin).query)["url"]}


@pytest.mark.parametrize("path, heading, subject, call", [
    ("stories/acme-onboarding/", "Share this story", "How Acme cut onboarding", "Read the full story"),
    ("videos/acme-day/", "Share this video", "Video: A day at Acme", "Watch the video"),
    ("collections/nordics/", "Share this collection", "Pack for Nordics", "See the collection"),
])
def test_a_page_shares_its_canonical_url_by_copy_email_and_linkedin(shared, path, heading, subject, call):
    assert shared.run("build").exit_code == 0
    page = shared.page(path)
    canonical = page.select_one('link[rel="canonical"]')["href"]
    assert canonical == f"https://example.com/{path}"
    links = _box(page)
    assert page.select_one("#share-title").get_text(strip=True) == heading
    assert links["url"] == canonical  # as it is: a visitor passing it on is no campaign
    assert links["subject"] == [subject]
    body = links["body"][0]
    assert "Acme Logistics" in body and body.endswith(f"\n\n{call}: {canonical}")
    assert (links["linkedin"].scheme, links["linkedin"].netloc, links["linkedin"].path) == (
        "https", "www.linkedin.com", "/sharing/share-offsite/")
    assert links["shared"] == [canonical]


def test_a_story_email_carries_its_headline_number_and_quote(sample):
    output, _ = sample
    links = _box(SiteFolder(output.parent).page(SAMPLE_PAGES[0]))
    assert links["subject"] == ["Brightharbor Logistics: -85% driver onboarding time"]
    assert "The headline result: -85% driver onboarding time." in links["body"][0]
    assert "As Ana Silva (Head of Operations, Brightharbor Logistics) puts it:" in links["body"][0]


def test_a_draft_has_no_share_box(shared):
    assert shared.run("build", "--drafts").exit_code == 0
    draft = shared.page("stories/acme-draft/")
    assert draft.select("[data-share]") == [] and "mailto:?" not in str(draft)  # its link would not work
    assert "linkedin.com" not in str(draft)
    assert shared.page("stories/acme-onboarding/").select("[data-share]")  # the published one keeps its box


def test_the_share_box_asks_nothing_of_another_host(shared):
    assert shared.run("build").exit_code == 0
    page = shared.page("stories/acme-onboarding/")
    loaded = [tag.get("src") or tag.get("href") for tag in page.select("script[src], img, iframe, link[rel=stylesheet]")]
    assert loaded and all(urlsplit(url).netloc == "" for url in loaded)
    assert all(a.name == "a" for a in page.select("[data-share] [href]"))  # plain links, followed on a click


# ---------------------------------------------------------------- in the browser

def _canonical(tab) -> str:
    return tab.get_attribute('link[rel="canonical"]', "href")


def _says(tab, text: str) -> None:
    """The share box's live region says `text` (once the clipboard has answered)."""
    from playwright.sync_api import expect

    expect(tab.locator("[data-share-status]")).to_have_text(text)


@pytest.mark.parametrize("path", SAMPLE_PAGES)
def test_copy_link_puts_the_page_url_on_the_clipboard(browser, sample, path):
    _, base = sample
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = _open(context, base + path)
    tab.click("[data-share-copy]")
    _says(tab, "Link copied.")
    assert tab.evaluate("navigator.clipboard.readText()") == _canonical(tab) == base + path
    assert tab.offsite == [] and tab.errors == []
    context.close()


def test_without_the_clipboard_api_the_link_is_selected_to_copy(browser, sample):
    _, base = sample
    context = browser.new_context()
    context.add_init_script("delete Navigator.prototype.clipboard")
    tab = _open(context, base + SAMPLE_PAGES[0])
    assert tab.evaluate("navigator.clipboard") is None
    tab.click("[data-share-copy]")
    selected = tab.evaluate("""() => { const el = document.activeElement;
        return [el.id, el.value.slice(el.selectionStart, el.selectionEnd)]; }""")
    assert selected == ["share-url", base + SAMPLE_PAGES[0]]
    _says(tab, "Selected: press Ctrl+C (⌘C on a Mac) to copy.")
    assert tab.errors == []
    context.close()


def test_copy_link_works_from_the_keyboard(browser, sample):
    _, base = sample
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = _open(context, base + SAMPLE_PAGES[1])
    _tab_to(tab, tab.locator("[data-share-copy]"))
    tab.keyboard.press("Enter")
    _says(tab, "Link copied.")
    tab.keyboard.press("Tab")  # on to the email link
    assert tab.evaluate("document.activeElement.getAttribute('href')").startswith("mailto:?subject=")
    context.close()


def test_without_javascript_the_link_is_there_to_select(browser, sample):
    _, base = sample
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base + SAMPLE_PAGES[0], wait_until="load")
    assert tab.locator("#share-url").input_value() == base + SAMPLE_PAGES[0]
    assert tab.locator("[data-share-copy]").is_hidden()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_with_a_share_box_pass_axe_and_fit_360px(axe_context, sample, scheme):
    _, base = sample
    context = axe_context(360, scheme, permissions=["clipboard-read", "clipboard-write"])
    tab = _open(context, base)
    problems = {}
    for path in SAMPLE_PAGES:
        tab.goto(base + path, wait_until="load")
        tab.click("[data-share-copy]")
        _says(tab, "Link copied.")  # axe sees the box with its status
        problems[path] = _layout_problems(tab, 360)
    assert problems == dict.fromkeys(SAMPLE_PAGES)
