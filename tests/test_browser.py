"""The site as a prospect sees it: headless Chromium against a served build.

One site is built for the module and served on 127.0.0.1 under a subpath
(/peers/), so every link, script and the search index are tried there.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import BASE_CONFIG, SiteFolder, _axe, _open, _QuietHandler, _tab_to

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="#4338ca"/></svg>'

CUSTOMERS = {
    "acme": ("Acme Logistics", "Logistics", "51-200", "Europe", True),
    "globex": ("Globex Health", "Healthcare", "5000+", "North America", False),
    "initech": ("Initech Energy", "Energy", "201-1000", "Europe", True),
}
STORIES = [  # slug, customer, title, products, values, a word only its body has
    ("acme-onboarding", "acme", "How Acme cut onboarding", ["Dispatch"], ["speed"], "zanzibar"),
    ("acme-routes", "acme", "Acme plans routes overnight", ["Dispatch", "Beacon"], ["reliability"], "marmalade"),
    ("globex-fridges", "globex", "Globex watches every fridge", ["Beacon"], ["reliability"], "quetzal"),
    ("initech-storms", "initech", "Initech restores power faster", ["Beacon"], ["speed", "reliability"], "tornado"),
]
VIDEO = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"


def _write_site(folder: SiteFolder, base_url: str) -> None:
    folder.write("advocacy.yaml", BASE_CONFIG.replace("https://example.com/", base_url))
    for slug, (name, industry, size, region, reference) in CUSTOMERS.items():
        folder.write(f"content/customers/{slug}.md", f"---\nname: {name}\nindustry: {industry}\n"
                     f"company_size: \"{size}\"\nregion: {region}\nlogo: /logos/{slug}.svg\n"
                     f"reference: {str(reference).lower()}\n---\n{name} is a customer.\n")
        folder.write(f"static/logos/{slug}.svg", SVG.format(w=120, h=40))
    for index, (slug, customer, title, products, values, word) in enumerate(STORIES):
        video = f"video: {VIDEO}\n" if index == 0 else ""
        folder.write(f"content/stories/{slug}.md", f"---\ntitle: {title}\nsummary: What {title} did.\n"
                     f"customer: {customer}\ndate: 2025-0{index + 1}-14\nproducts: {json.dumps(products)}\n"
                     f"values: {json.dumps(values)}\nuse_cases: [Planning]\n{video}"
                     "metrics:\n  - {value: \"-50%\", label: time lost}\n"
                     f"quote: {{text: It works., author: Ana, role: COO}}\n---\n## The challenge\n"
                     f"The {word} problem, and <img src=x onerror=alert(1)> typed as text.\n\n"
                     "## Results\n\n| | Before | After |\n| --- | --- | --- |\n| Days | 21 | 2 |\n")
    folder.write("content/testimonials/acme-ana.md", "---\ncustomer: acme\nauthor: Ana\nrole: COO\nrating: 5\n---\n"
                 "It just works.\n")
    folder.write("content/testimonials/globex-bo.md", "---\ncustomer: globex\nauthor: Bo\n---\nWe sleep at night.\n")
    folder.write("content/videos/globex-night.md", f"---\ntitle: A night at Globex\nurl: {VIDEO}\ncustomer: globex\n"
                 "date: 2025-03-01\nduration: \"03:20\"\nsummary: The night shift.\n---\nTranscript.\n")
    folder.write("content/collections/pack.md", "---\ntitle: Starter pack\nitems: [stories/acme-onboarding, "
                 "videos/globex-night]\n---\nStart here.\n")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The site built into www/peers/ and served at http://127.0.0.1:PORT/peers/."""
    root = tmp_path_factory.mktemp("live")
    www = root / "www"
    www.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/peers/"
    folder = SiteFolder(root / "site")
    _write_site(folder, base)
    result = folder.run("build", "--output", str(www / "peers"))
    assert result.exit_code == 0, result.output
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(browser, live):
    """One tab for the module's tests, light mode, a laptop's width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = _open(context, live)
    yield tab
    context.close()


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _visible_titles(page) -> list[str]:
    return page.eval_on_selector_all("[data-results] > article:not([hidden]) h3",
                                     "els => els.map(e => e.textContent.trim())")


def _status(page) -> str:
    return page.text_content("[data-status]").strip()


# ---------------------------------------------------------------- filters

def test_filters_combine_or_within_a_facet_and_and_across_with_the_state_in_the_url(page, live):
    page.goto(live + "stories/", wait_until="load")
    assert page.locator("[data-filters] a[data-value]").count() == 0  # links became buttons
    assert len(_visible_titles(page)) == 4
    page.click("[data-facet=industry] [data-value=logistics]")
    assert _query(page) == {"industry": ["logistics"]}
    assert sorted(_visible_titles(page)) == ["Acme plans routes overnight", "How Acme cut onboarding"]
    assert _status(page) == "2 of 4 stories match"
    page.click("[data-facet=industry] [data-value=energy]")  # OR within a facet
    assert len(_visible_titles(page)) == 3
    page.click("[data-facet=product] [data-value=beacon]")  # AND across facets
    assert sorted(_visible_titles(page)) == ["Acme plans routes overnight", "Initech restores power faster"]
    assert _query(page) == {"industry": ["logistics", "energy"], "product": ["beacon"]}
    assert page.get_attribute("[data-facet=product] [data-value=beacon]", "aria-pressed") == "true"
    # counts say what each option would show with the other facets as they are
    assert page.text_content("[data-facet=industry] [data-value=healthcare] [data-count]") == "1"

    page.go_back()
    assert _query(page) == {"industry": ["logistics", "energy"]}
    assert len(_visible_titles(page)) == 3
    assert page.get_attribute("[data-facet=product] [data-value=beacon]", "aria-pressed") == "false"

    page.goto(live + "stories/?size=5000-plus&value=reliability&industry=nonsense", wait_until="load")  # a bookmark
    assert _visible_titles(page) == ["Globex watches every fridge"]
    page.click(".filters-reset")
    assert _query(page) == {} and len(_visible_titles(page)) == 4
    assert _status(page) == "4 stories"


def test_an_empty_result_suggests_the_nearest_match(page, live):
    page.goto(live + "stories/?industry=healthcare&value=speed", wait_until="load")
    assert _visible_titles(page) == []
    empty = page.locator("[data-empty]")
    assert empty.is_visible()
    suggestion = empty.locator("[data-suggest] button")
    assert suggestion.text_content().startswith("Leave out ")
    suggestion.click()
    assert len(_visible_titles(page)) >= 1
    assert not empty.is_visible()


def test_filters_work_from_the_keyboard_alone(browser, live):
    context = browser.new_context()
    tab = _open(context, live + "videos/")
    tab.goto(live + "stories/", wait_until="load")
    target = tab.locator("[data-facet=region] [data-value=north-america]")
    _tab_to(tab, target)
    tab.keyboard.press("Enter")
    assert _visible_titles(tab) == ["Globex watches every fridge"]
    assert target.evaluate("el => el === document.activeElement")  # focus stays where it was
    tab.keyboard.press("Space")
    assert len(_visible_titles(tab)) == 4
    assert tab.errors == []
    context.close()


def test_testimonials_and_videos_filter_too(page, live):
    page.goto(live + "testimonials/?industry=healthcare", wait_until="load")
    visible = page.eval_on_selector_all("[data-results] > article:not([hidden])", "els => els.map(e => e.id)")
    assert visible == ["globex-bo"]
    page.goto(live + "videos/?region=north-america", wait_until="load")
    assert _visible_titles(page) == ["A night at Globex"]
    assert _status(page) == "1 of 1 videos match"


def test_without_javascript_the_filters_are_links_to_topic_pages(browser, live):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live + "stories/?industry=logistics", wait_until="load")
    link = tab.locator("[data-facet=industry] a[data-value=logistics]")
    assert link.get_attribute("href") == "/peers/industries/logistics/"
    assert len(_visible_titles(tab)) == 4  # everything is listed; the links lead on
    tab.goto(live + "search/", wait_until="load")
    assert tab.locator("noscript").count() == 1
    context.close()


# ---------------------------------------------------------------- search

def test_search_finds_a_story_by_a_word_of_its_body(page, live):
    page.goto(live, wait_until="load")
    page.fill("header input[name=q]", "quetzal")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=quetzal")
    first = page.locator("[data-search-results] li").first
    first.wait_for()
    assert first.locator("a").get_attribute("href") == "/peers/stories/globex-fridges/"
    assert first.locator("a").text_content() == "Globex watches every fridge"
    assert first.locator(".card-kicker").text_content() == "Story \u00b7 Globex Health"
    assert first.locator("mark").first.text_content().lower() == "quetzal"
    assert "1 result" in page.text_content("[data-search-status]")
    assert page.offsite == [] and page.errors == []


def test_search_filters_narrow_results_and_keep_their_state_in_the_url(page, live):
    from playwright.sync_api import expect  # not wait_for_function, whose string the page's CSP refuses to eval

    page.goto(live + "search/?q=problem", wait_until="load")
    page.locator("[data-search-results] li").first.wait_for()
    assert page.locator("[data-search-results] li").count() == 4
    page.click("[data-search-filters] [data-facet=industry] [data-value=Healthcare]")
    expect(page.locator("[data-search-results] li")).to_have_count(1)
    assert _query(page) == {"q": ["problem"], "industry": ["Healthcare"]}
    page.reload(wait_until="load")
    expect(page.locator("[data-search-results] li")).to_have_count(1)
    assert page.get_attribute("[data-facet=industry] [data-value=Healthcare]", "aria-pressed") == "true"


def test_search_shows_content_as_text_never_as_markup(page, live):
    page.goto(live + "search/?q=onerror", wait_until="load")
    page.locator("[data-search-results] li").first.wait_for()
    results = page.locator("[data-search-results]")
    assert results.locator("img").count() == 0
    assert "onerror" in results.text_content()


# ---------------------------------------------------------------- accessibility, layout, budgets

PAGES = ["", "stories/", "stories/?industry=logistics&product=beacon", "stories/?industry=healthcare&value=speed", "stories/acme-onboarding/",
         "testimonials/", "videos/", "videos/globex-night/", "customers/", "customers/acme/", "industries/",
         "industries/logistics/", "collections/pack/", "search/?q=problem", "404.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_passes_axe_and_fits_360px(axe_context, live, scheme):
    context = axe_context(360, scheme)
    tab = _open(context, live)
    problems = {}
    for path in PAGES:
        tab.goto(live + path, wait_until="load")
        if path.startswith("search/"):
            tab.locator("[data-search-results] li").first.wait_for()
        if tab.locator(".filters-toggle").count():
            tab.locator(".filters-toggle").first.click()  # the unfolded filters must fit too
        found = _axe(tab)
        width = tab.evaluate("document.documentElement.scrollWidth")
        if found or width > 360:
            problems[path] = {"axe": found, "width": width}
    assert problems == {}
    assert tab.offsite == [] and tab.errors == []


def test_dark_mode_follows_the_system(browser, live):
    def background(scheme: str) -> list[int]:
        context = browser.new_context(color_scheme=scheme)
        tab = _open(context, live + "stories/acme-onboarding/")
        colour = tab.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
        return [int(c) for c in colour[colour.index("(") + 1:-1].split(",")[:3]]

    assert sum(background("light")) > 600
    assert sum(background("dark")) < 150


def test_story_page_budget_before_any_click(browser, live):
    context = browser.new_context()
    tab = _open(context, live + "stories/acme-onboarding/")
    tab.wait_for_timeout(300)
    assert tab.offsite == []
    weight = {url: size for url, size in tab.bytes.items()
              if not urlsplit(url).path.endswith((".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"))}
    assert any(urlsplit(url).path.endswith(".css") for url in weight)
    assert sum(weight.values()) < 50 * 1024, weight
    assert tab.locator("iframe").count() == 0
    sizes = tab.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('width'), e.getAttribute('height')])")
    assert sizes and all(w and h for w, h in sizes)
    context.close()


def test_a_story_prints_as_a_one_pager_with_its_url(browser, live):
    context = browser.new_context()
    tab = _open(context, live + "stories/acme-onboarding/")
    tab.emulate_media(media="print")
    hidden = tab.evaluate("""['.site-header nav', '.site-search', '.site-footer', '.video', '.cta', '#related']
        .map(s => document.querySelector(s)).filter(Boolean)
        .filter(e => e.getClientRects().length > 0).map(e => e.className || e.id)""")
    assert hidden == []
    printed_url = tab.evaluate("getComputedStyle(document.querySelector('main'), '::after').content")
    assert live + "stories/acme-onboarding/" in printed_url
    pdf = tab.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # a short story fits one page
    context.close()


# ---------------------------------------------------------------- the video preview

def test_video_loads_nothing_from_the_provider_before_the_click(browser, live):
    context = browser.new_context()
    tab = _open(context, live + "stories/acme-onboarding/")
    assert tab.locator("iframe").count() == 0
    assert tab.offsite == []
    tab.click(".video-facade")
    frame = tab.locator(".video iframe")
    frame.wait_for()
    assert urlsplit(frame.get_attribute("src")).hostname == "www.youtube-nocookie.com"
    tab.wait_for_timeout(200)
    assert {urlsplit(u).hostname for u in tab.offsite} == {"www.youtube-nocookie.com"}
    context.close()


def test_video_plays_from_the_keyboard(browser, live):
    context = browser.new_context()
    tab = _open(context, live + "videos/globex-night/")
    tab.focus(".video-facade")
    tab.keyboard.press("Enter")
    tab.locator(".video iframe").wait_for()
    assert tab.evaluate("document.activeElement.tagName") == "IFRAME"
    context.close()


def test_video_without_javascript_is_a_plain_link(browser, live):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live + "stories/acme-onboarding/", wait_until="load")
    assert tab.locator(".video-facade").get_attribute("href") == VIDEO
    context.close()
