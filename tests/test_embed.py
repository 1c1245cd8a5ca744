"""Embeds: the wall and card pages made for iframes, the snippet of
`advocacy embed`, the "Embed this" panel, and in a browser a host page on
another origin that embeds a wall and a card."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import BASE_CONFIG, SiteFolder, _axe, _open

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
SANDBOX = {"allow-scripts", "allow-same-origin", "allow-top-navigation-by-user-activation", "allow-popups",
           "allow-popups-to-escape-sandbox"}


def _story(slug: str, title: str, *, extra: str = "", quote: str = "It works.") -> tuple[str, str]:
    return (f"content/stories/{slug}.md",
            (f"---\ntitle: '{title}'\nsummary: What {slug} did.\ncustomer: acme\ndate: 2025-03-14\n"
             f"products: [Dispatch]\nmetrics:\n  - {{value: '-85%', label: onboarding time}}\n"
             f"quote: {{text: '{quote}', author: Ana Silva, role: COO}}\n{extra}---\nBody of {slug}.\n"))


def _testimonial(slug: str, words: str, extra: str = "") -> tuple[str, str]:
    return f"content/testimonials/{slug}.md", f"---\ncustomer: acme\nauthor: Bo\nproducts: [Dispatch]\n{extra}---\n{words}\n"


def _write(site: SiteFolder, *files: tuple[str, str]) -> None:
    for rel, text in files:
        site.write(rel, text)


@pytest.fixture
def embeds(site: SiteFolder) -> SiteFolder:
    """The conftest site with a card-worthy story, a draft and a withheld one,
    testimonials published, draft and withheld, and a collection of one."""
    site.write("advocacy.yaml", BASE_CONFIG + "share: {utm_source: peers, utm_medium: referral}\n")
    site.write("static/logos/acme.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"/>')
    site.write("content/customers/acme.md", "---\nname: Acme Logistics\nindustry: Logistics\nlogo: /logos/acme.svg\n"
               "reference: true\n---\nAcme moves things.\n")
    _write(site, _story("acme-onboarding", "How Acme cut onboarding"),
           _story("acme-secret", "Secret draft story", extra="status: draft\n"),
           _story("acme-expired", "Expired consent story", extra="consent_expires: 2020-01-01\n"),
           _testimonial("bo-loud", "Loud and clear praise."),
           _testimonial("bo-draft", "Draft praise nobody may see.", "status: draft\n"),
           _testimonial("bo-gone", "Withheld praise nobody may see.", "consent_expires: 2020-01-01\n"),
           ("content/collections/pack.md", "---\ntitle: Starter pack\nitems: [testimonials/bo-loud]\n---\nStart.\n"))
    return site


def _build(site: SiteFolder) -> None:
    result = site.run("build")
    assert result.exit_code == 0, result.output + result.stderr


# ---------------------------------------------------------------- the pages

def test_walls_show_published_testimonials_only_and_link_to_the_top_window(embeds):
    _build(embeds)
    walls = ["embed/wall/", "embed/wall/pack/", "embed/wall/products/dispatch/", "embed/wall/industries/logistics/"]
    for path in walls:
        page = embeds.page(path)
        text = page.get_text()
        assert "Loud and clear praise." in text, path
        assert "Draft praise" not in text and "Withheld praise" not in text, path
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert page.find("base")["target"] == "_top"  # every link opens in the visitor's window
        assert not page.select("header.site-header, footer.site-footer, nav, form"), path
        assert page.select_one("script[src*='embed.js']") and not page.select("script:not([src])")
    assert embeds.page("embed/wall/").select_one(".embed-more a")["href"] == "/testimonials/"
    assert embeds.page("embed/wall/products/dispatch/").select_one(".embed-more a")["href"] == "/products/dispatch/"


def test_a_card_shows_customer_logo_metric_quote_and_a_link_to_the_story(embeds):
    _build(embeds)
    card = embeds.page("embed/stories/acme-onboarding/")
    assert card.select_one(".card-kicker").get_text() == "Acme Logistics"
    assert card.select_one("img.logo")["src"] == "/logos/acme.svg"
    assert card.select_one(".card-metric").get_text(" ", strip=True) == "-85% onboarding time"
    assert card.select_one("blockquote").get_text(strip=True) == "It works."
    link = card.select_one("a.embed-read")
    assert link["href"] == "/stories/acme-onboarding/" and link["target"] == "_top"
    assert card.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_drafts_and_withheld_stories_have_no_card_and_embeds_stay_out_of_sitemap_and_feed(embeds):
    _build(embeds)
    embed_files = [p.relative_to(embeds.output).as_posix() for p in (embeds.output / "embed").rglob("index.html")]
    assert "embed/stories/acme-onboarding/index.html" in embed_files
    assert not [f for f in embed_files if "secret" in f or "expired" in f]
    every_embed = "".join((embeds.output / f).read_text() for f in embed_files)
    assert "Secret draft" not in every_embed and "Expired consent" not in every_embed
    assert "/embed/" not in (embeds.output / "sitemap.xml").read_text()
    assert "/embed/" not in (embeds.output / "feed.xml").read_text()


def test_a_card_withheld_after_it_was_published_becomes_an_empty_card(embeds):
    _build(embeds)  # records /embed/stories/acme-onboarding/ as published
    embeds.write("content/stories/acme-onboarding.md",
                 _story("acme-onboarding", "How Acme cut onboarding", extra="consent_expires: 2021-01-01\n")[1])
    embeds.write("content/stories/acme-other.md", _story("acme-other", "Another story")[1])  # a page to link to
    _build(embeds)
    html = (embeds.output / "embed/stories/acme-onboarding/index.html").read_text()
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one("h1").get_text() == "No longer available"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    for word in ("Acme", "onboarding time", "-85%", "It works", "Ana Silva", "How Acme cut"):
        assert word not in page.get_text(), word
    assert "acme" not in html.replace("/stories/acme-onboarding/", "")  # not even in a link or a file name
    assert "/embed/" not in (embeds.output / "sitemap.xml").read_text()


def test_a_card_embedded_before_a_rename_keeps_showing_the_story(embeds):
    _build(embeds)
    (embeds.root / "content/stories/acme-onboarding.md").unlink()
    _write(embeds, _story("acme-faster", "How Acme cut onboarding",
                          extra="aliases: [/stories/acme-onboarding/, /case-studies/acme/]\n"))
    _build(embeds)
    for path in ("embed/stories/acme-faster/", "embed/stories/acme-onboarding/"):
        card = embeds.page(path)
        assert card.h1.get_text(strip=True) != "No longer available", path
        assert card.select_one('a[target="_top"]')["href"].endswith("/stories/acme-faster/"), path
    assert not (embeds.output / "embed/case-studies").exists()  # only old names of the card itself


def test_a_never_published_draft_gets_no_empty_card(embeds):
    _build(embeds)
    assert not (embeds.output / "embed/stories/acme-secret").exists()


def test_hostile_content_is_text_in_embeds_and_in_the_snippet(embeds):
    hostile_yaml = HOSTILE.replace("'", "''")
    embeds.write("content/customers/acme.md", f"---\nname: '{hostile_yaml}'\nindustry: Logistics\n---\nAcme.\n")
    _write(embeds, _story("acme-onboarding", hostile_yaml, quote=hostile_yaml),
           _testimonial("bo-loud", HOSTILE))
    _build(embeds)
    for path in ("embed/wall/", "embed/stories/acme-onboarding/"):
        page = embeds.page(path)
        assert not page.select("img[onerror], [onerror]"), path
        assert [s.get("src") for s in page.select("script")] and all(s.get("src") for s in page.select("script"))
        assert HOSTILE in page.get_text(), path  # shown as text
    result = embeds.run("embed", "story", "acme-onboarding")
    assert result.exit_code == 0, result.output
    snippet = BeautifulSoup(result.output, "html.parser")
    assert snippet.iframe["title"] == f"{HOSTILE}: {HOSTILE}"
    assert len(snippet.select("script")) == 1 and not snippet.select("img")


# ---------------------------------------------------------------- the snippet

def _snippet(site: SiteFolder, *args: str) -> BeautifulSoup:
    result = site.run("embed", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return BeautifulSoup(result.output, "html.parser")


def test_the_snippet_is_a_sandboxed_lazy_iframe_with_tracking_and_a_careful_listener(embeds):
    snippet = _snippet(embeds, "story", "acme-onboarding")
    frame = snippet.iframe
    src = urlsplit(frame["src"])
    assert (src.scheme, src.netloc, src.path) == ("https", "example.com", "/embed/stories/acme-onboarding/")
    assert parse_qs(src.query) == {"utm_source": ["peers"], "utm_medium": ["embed"], "utm_campaign": ["embed"]}
    assert frame["title"] == "Acme Logistics: How Acme cut onboarding"
    assert frame["loading"] == "lazy" and frame["referrerpolicy"] == "no-referrer"
    assert set(frame["sandbox"]) == SANDBOX  # bs4 splits it into its tokens
    assert "width:100%" in frame["style"]
    listener = snippet.script.string
    assert snippet.script.find_previous_sibling() is frame  # it finds its iframe as the element before it
    assert "e.origin===o" in listener and "e.source===f.contentWindow" in listener
    assert "new URL(f.src).origin" in listener


def test_snippet_options_theme_transparency_campaign_and_walls(embeds):
    frame = _snippet(embeds, "wall", "--product", "dispatch", "--theme", "dark", "--transparent",
                     "--campaign", "pricing page").iframe
    src = urlsplit(frame["src"])
    assert src.path == "/embed/wall/products/dispatch/"
    assert parse_qs(src.query)["theme"] == ["dark"] and parse_qs(src.query)["bg"] == ["transparent"]
    assert parse_qs(src.query)["utm_campaign"] == ["pricing page"]
    assert frame["title"] == "What Dispatch customers say"
    assert urlsplit(_snippet(embeds, "wall", "--collection", "pack").iframe["src"]).path == "/embed/wall/pack/"
    assert urlsplit(_snippet(embeds, "wall", "--industry", "logistics").iframe["src"]).path == \
        "/embed/wall/industries/logistics/"
    assert "theme" not in _snippet(embeds, "wall", "--theme", "auto").iframe["src"]


def test_markdown_format_keeps_the_html_in_one_block_and_adds_a_plain_link(embeds):
    result = embeds.run("embed", "story", "acme-onboarding", "--format", "markdown")
    assert result.exit_code == 0
    block, link = result.output.strip().split("\n\n")
    assert block.startswith("<div>\n<iframe ") and block.endswith("</script>\n</div>")
    assert re.fullmatch(r"\[Read the full story\]\(<https://example\.com/stories/acme-onboarding/\?utm_[^>\s]+>\)", link)


@pytest.mark.parametrize(("args", "message"), [
    (("story", "acme-onbording"), "did you mean 'acme-onboarding'"),
    (("story", "acme-secret"), "is a draft"),
    (("story", "acme-expired"), "withheld"),
    (("story",), "give the story's slug"),
    (("story", "acme-onboarding", "--collection", "pack"), "no --collection"),
    (("wall", "acme-onboarding"), "a wall takes no slug"),
    (("wall", "--collection", "pak"), "did you mean 'pack'"),
    (("wall", "--product", "Dispatch", "--industry", "Logistics"), "give one of --product or --industry"),
    (("wall", "--industry", "Logistix"), "did you mean 'Logistics'"),
    (("wall", "--theme", "neon"), "'neon' is not one of"),
    (("story", "acme-onboarding", "--campaign", " "), "--campaign is empty"),
])
def test_the_command_refuses_what_it_cannot_embed(embeds, args, message):
    result = embeds.run("embed", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_a_wall_with_no_testimonials_is_refused(embeds):
    embeds.write("content/collections/empty.md", "---\ntitle: Stories only\nitems: [stories/acme-onboarding]\n---\n")
    result = embeds.run("embed", "wall", "--collection", "empty")
    assert result.exit_code == 2 and "has no published testimonials" in result.stderr


def test_help_says_what_it_does(embeds):
    result = embeds.run("embed", "--help")
    assert result.exit_code == 0 and "advocacy embed story" in result.output and "--transparent" in result.output


# ---------------------------------------------------------------- the panel

def test_story_and_testimonials_pages_offer_the_snippet_and_a_preview_loaded_on_demand(embeds):
    _build(embeds)
    for path, embed_path in (("stories/acme-onboarding/", "/embed/stories/acme-onboarding/"),
                             ("testimonials/", "/embed/wall/")):
        page = embeds.page(path)
        panel = page.select_one(".embed-panel details")
        code = BeautifulSoup(panel.select_one("textarea[readonly]").string, "html.parser")
        assert urlsplit(code.iframe["src"]).path == embed_path and code.script
        assert not page.select("iframe")  # the preview is a template: nothing loads before the panel opens
        preview = BeautifulSoup(panel.select_one("template[data-embed-preview]").decode_contents(), "html.parser")
        assert preview.iframe["src"] == embed_path  # this site's own address, never the published one
        assert not preview.iframe.get("style") and not preview.select("script")  # the site's policy allows neither


# ---------------------------------------------------------------- in a browser

@pytest.fixture
def hosted(embeds, served, tmp_path):
    """The site served on one origin and a host page that embeds a wall and a
    card on another (another port); yields (site base URL, host page URL)."""
    output = embeds.output
    output.mkdir()
    base = served(output)
    embeds.write("advocacy.yaml", (embeds.root / "advocacy.yaml").read_text().replace("https://example.com/", base))
    result = embeds.run("build")
    assert result.exit_code == 0, result.output
    wall = embeds.run("embed", "wall").output
    card = embeds.run("embed", "story", "acme-onboarding").output
    host = tmp_path / "host"
    host.mkdir()
    (host / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Pricing</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{margin:0;font:16px sans-serif}</style></head><body>"
        f"<h1>Pricing</h1><div id='wall'>{wall}</div><p>Between the embeds.</p><div id='card'>{card}</div>"
        "</body></html>", encoding="utf-8")
    yield base, served(host)


def _frame_heights(tab) -> list[tuple[float, float]]:
    """(height of the iframe on the host page, height of its page's content) for each embed."""
    heights = []
    for index, frame in enumerate(tab.frames[1:]):
        frame.wait_for_load_state("load")
        content = frame.evaluate("document.documentElement.offsetHeight")
        outer = tab.evaluate("i => document.querySelectorAll('iframe')[i].getBoundingClientRect().height", index)
        heights.append((outer, content))
    return heights


@pytest.mark.parametrize("width", [280, 800])
def test_a_host_page_on_another_origin_embeds_a_wall_and_a_card_that_fit_their_content(browser, hosted, width):
    base, host_url = hosted
    assert urlsplit(base).netloc != urlsplit(host_url).netloc
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = _open(context, host_url)
    tab.wait_for_function("[...document.querySelectorAll('iframe')].every(f => f.style.height !== '600px'"
                          " && f.style.height !== '360px')")
    for outer, content in _frame_heights(tab):
        assert abs(outer - content) <= 1, (outer, content)
    for frame in tab.frames[1:]:  # nothing wider than the iframe
        assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert tab.errors == [] and tab.offsite == []
    context.close()


def test_the_card_link_opens_the_story_in_the_top_window(browser, hosted):
    base, host_url = hosted
    context = browser.new_context()
    tab = _open(context, host_url)
    tab.frame_locator("#card iframe").get_by_role("link", name="Read the full story").click()
    tab.wait_for_url(f"{base}stories/acme-onboarding/")
    assert tab.locator("h1").inner_text() == "How Acme cut onboarding"
    context.close()


def test_messages_from_another_origin_or_window_do_not_resize(browser, hosted):
    _, host_url = hosted
    context = browser.new_context()
    tab = _open(context, host_url)
    tab.wait_for_function("document.querySelector('#card iframe').style.height !== '360px'")
    before = tab.evaluate("document.querySelector('#card iframe').style.height")
    # the host page itself, and a frame of the host's origin, claim a height
    tab.evaluate("""() => {
        window.postMessage({advocacyHeight: 7}, '*');
        const other = document.createElement('iframe');
        other.srcdoc = "<script>parent.postMessage({advocacyHeight: 9}, '*')<\\/script>";
        document.body.append(other);
    }""")
    tab.wait_for_timeout(300)
    assert tab.evaluate("document.querySelector('#card iframe').style.height") == before
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_embed_pages_pass_axe_and_follow_the_theme_asked_for(axe_context, hosted, scheme):
    base, _ = hosted
    context = axe_context(280, scheme, height=600)
    tab = _open(context, base + "embed/wall/")
    problems = {}
    for path in ("embed/wall/", "embed/wall/pack/", "embed/stories/acme-onboarding/",
                 "embed/stories/acme-onboarding/?theme=dark", "embed/stories/acme-onboarding/?theme=light"):
        tab.goto(base + path, wait_until="load")
        found = _axe(tab)
        if found:
            problems[path] = found
    assert problems == {}
    other = "light" if scheme == "dark" else "dark"
    tab.goto(f"{base}embed/stories/acme-onboarding/?theme={other}&bg=transparent", wait_until="load")
    card = tab.evaluate("getComputedStyle(document.querySelector('.card')).backgroundColor")
    assert tab.evaluate("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
    tab.goto(f"{base}embed/stories/acme-onboarding/?theme={scheme}", wait_until="load")
    assert tab.evaluate("getComputedStyle(document.querySelector('.card')).backgroundColor") != card
    assert tab.errors == []


def test_the_panel_preview_loads_only_when_opened_and_fits(browser, hosted):
    base, _ = hosted
    context = browser.new_context()
    tab = _open(context, base + "stories/acme-onboarding/")
    tab.wait_for_timeout(200)
    assert not [url for url in tab.bytes if "/embed/" in url] and tab.locator("iframe").count() == 0
    tab.locator(".embed-panel summary").click()
    # expect(), not wait_for_function: the page's CSP refuses a string's eval
    from playwright.sync_api import expect

    expect(tab.locator(".embed-panel iframe")).to_have_attribute("style", re.compile(r"height: \d+px"))
    assert [url for url in tab.bytes if "/embed/stories/acme-onboarding/" in url]
    assert tab.errors == [] and tab.offsite == []
    context.close()
