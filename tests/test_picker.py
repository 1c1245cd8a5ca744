"""The "companies like mine" picker: the ranking of `advocacy match`, worked out at
build time into /picker.json, which picker.js fetches on the first pick and shows."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from advocacy.pipeline import load_site
from advocacy import match
from advocacy.match import picker_data
from tests.conftest import SiteFolder, _layout_problems, _open, _tab_to

PROFILES = [("logistics", "201-1000", "europe"), ("healthcare", "", ""), ("", "5000+", "north-america"),
            ("food-beverage", "1-50", "asia-pacific")]


def _published(output: Path) -> dict:
    """The picker's data as the site publishes it."""
    return json.loads((output / "picker.json").read_text(encoding="utf-8"))


def _match(root: Path, industry: str, size: str, region: str) -> list[dict]:
    """`advocacy match --format json --limit 3` for a profile (options left open are left out)."""
    options = [f"--{name}={value}" for name, value in (("industry", industry), ("size", size), ("region", region))
               if value]
    result = SiteFolder(root).run("match", *options, "--limit", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["matches"]


# ---------------------------------------------------------------- the built pages

def test_the_site_publishes_the_rankings_of_match_in_their_order(sample):
    output, base = sample
    site, _ = load_site(output.parent, base_url=base)
    expected = json.loads(json.dumps(picker_data(site)))
    data = _published(output)
    assert data == expected
    assert list(data["top"]) == list(expected["top"])  # the same profiles, in the same order
    for path in ("", "stories/"):
        soup = SiteFolder(output.parent).page(path)
        assert len(soup.select('script[src*="picker.js"]')) == 1
        assert soup.select_one("[data-picker]")["data-src"] == urlsplit(base).path + "picker.json"
        assert soup.select('script[type="application/json"]') == []  # the pages stay light
    for industry, size, region in PROFILES[:2]:
        key = "|".join((industry, size.replace("+", "-plus"), region))
        assert [data["items"][e["item"]]["path"] for e in data["top"][key]] == [
            m["path"] for m in _match(output.parent, industry, size, region)]


def test_the_selects_are_labelled_and_offer_what_the_data_holds(sample):
    output, _ = sample
    soup = SiteFolder(output.parent).page("")
    data = _published(output)
    for facet in ("industry", "size", "region"):
        select = soup.select_one(f"[data-picker] select[name={facet}]")
        assert soup.select_one(f'label[for="{select["id"]}"]').get_text(strip=True)
        values = [option["value"] for option in select.select("option")]
        assert values == [""] + [entry["slug"] for entry in data["facets"][facet]]  # "" leaves it open
    assert soup.select_one("[data-picker] [role=status]") is not None


def test_without_javascript_home_and_stories_offer_topic_pages(sample):
    """No dead selects without JavaScript: the topic pages instead, in the place the
    picker takes, so that nothing below moves when the script shows the selects."""
    output, _ = sample
    folder = SiteFolder(output.parent)
    for path in ("", "stories/"):
        picker = folder.page(path).select_one("[data-picker]")
        assert not picker.has_attr("hidden") and picker.select_one("[data-picker-form]").has_attr("hidden")
        links = [a["href"] for a in picker.select("[data-picker-fallback] a")]
        assert {link.split("/")[1] for link in links} == {"industries", "sizes", "regions"}, path
        assert all((output / link.lstrip("/") / "index.html").is_file() for link in links)


def test_hostile_content_stays_data_in_the_published_rankings(site):
    hostile = "</script><script>alert(1)</script><!--"
    site.write("content/customers/acme.md", site.root.joinpath("content/customers/acme.md").read_text()
               .replace("name: Acme Logistics", f"name: \"{hostile}\""))
    site.write("content/stories/acme-onboarding.md", site.root.joinpath("content/stories/acme-onboarding.md")
               .read_text().replace("title: How Acme cut onboarding", f"title: \"{hostile}\""))
    assert site.run("build").exit_code == 0
    body = (site.output / "picker.json").read_text(encoding="utf-8")
    data = json.loads(body)
    assert data["items"]["stories/acme-onboarding"]["title"] == hostile
    assert data["items"]["stories/acme-onboarding"]["customer"] == hostile
    assert "<" not in body and ">" not in body  # no markup, even if the file were shown as HTML


def test_a_renamed_customer_or_a_new_title_is_shown_without_ranking_again(site, monkeypatch):
    """The ranking is kept while what it reads stays the same; the names it lists are read afresh."""
    assert site.run("build").exit_code == 0
    ranked = []
    rank_site = match.picker_ranking
    monkeypatch.setattr(match, "picker_ranking", lambda *args: ranked.append(args) or rank_site(*args))
    customer = site.root.joinpath("content/customers/acme.md").read_text()
    site.write("content/customers/acme.md", customer.replace("name: Acme Logistics", "name: Acme Freight"))
    story = site.root.joinpath("content/stories/acme-onboarding.md").read_text()
    site.write("content/stories/acme-onboarding.md", story.replace("title: How Acme cut", "title: How Acme halved"))
    assert site.run("build").exit_code == 0
    assert ranked == []
    listed = _published(site.output)["items"]["stories/acme-onboarding"]
    assert (listed["customer"], listed["title"]) == ("Acme Freight", "How Acme halved onboarding")
    # what the ranking reads (here: a reference customer's items get a bonus) ranks again
    site.write("content/customers/acme.md", customer.replace("reference: true", "reference: false"))
    assert site.run("build").exit_code == 0
    assert len(ranked) == 1
    fresh, _ = load_site(site.root)
    assert _published(site.output) == json.loads(json.dumps(picker_data(fresh)))
    assert "has a reference customer" not in json.dumps(_published(site.output)["top"])


def test_a_site_with_nothing_to_rank_has_no_picker(site):
    (site.root / "content/stories/acme-onboarding.md").unlink()
    assert site.run("build").exit_code == 0
    for path in ("", "stories/"):
        page = site.page(path)
        assert page.select("[data-picker], script[src*='picker.js']") == []
    assert json.loads((site.output / "picker.json").read_text())["top"] == {}  # published even empty


# ---------------------------------------------------------------- in the browser

def _shown(tab) -> list[dict]:
    """The results shown, once the rankings fetched on the first pick have arrived."""
    from playwright.sync_api import expect  # here, so that the module loads where playwright is missing

    expect(tab.locator("[data-picker-status]")).not_to_have_text("Finding the closest…")
    return tab.eval_on_selector_all("[data-picker-results] > li", """items => items.map(li => ({
        path: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
        why: li.querySelector('.card-meta').textContent}))""")


@pytest.mark.parametrize("industry, size, region", PROFILES)
def test_picking_shows_the_top_three_of_match_with_their_reasons(browser, sample, industry, size, region):
    output, base = sample
    context = browser.new_context()
    tab = _open(context, base)
    assert tab.locator("[data-picker-fallback]").is_hidden() and tab.locator("[data-picker-form]").is_visible()
    for name, value in (("industry", industry), ("size", size.replace("+", "-plus")), ("region", region)):
        tab.select_option(f"[data-picker] select[name={name}]", value)
    expected = _match(output.parent, industry, size, region)
    shown = _shown(tab)
    assert [s["path"] for s in shown] == ["/" + m["path"] for m in expected]
    assert [s["title"] for s in shown] == [m["title"] for m in expected]
    # the reasons it fits; a penalty such as "more from a customer listed above" is for reps only
    assert [s["why"] for s in shown] == ["Why: " + "; ".join(r["text"] for r in m["reasons"] if r["points"] > 0)
                                         for m in expected]
    assert tab.text_content("[data-picker] [role=status]") == f"The {len(expected)} closest to you, best first:"
    tab.select_option("[data-picker] select[name=industry]", "")  # opening them all again empties the list
    tab.select_option("[data-picker] select[name=size]", "")
    tab.select_option("[data-picker] select[name=region]", "")
    assert _shown(tab) == [] and tab.text_content("[data-picker] [role=status]") == ""
    assert tab.errors == [] and tab.offsite == []
    context.close()


def test_a_pick_that_nothing_fits_says_so(browser, site, served):
    assert site.run("build").exit_code == 0  # one customer, of 51-200 employees
    context = browser.new_context()
    tab = _open(context, served(site.output) + "stories/")
    tab.select_option("[data-picker] select[name=size]", "5000-plus")
    assert _shown(tab) == []
    assert "Nothing fits" in tab.text_content("[data-picker] [role=status]")
    tab.select_option("[data-picker] select[name=size]", "201-1000")  # a neighbouring band fits
    assert len(_shown(tab)) == 1
    context.close()


def test_the_picker_works_from_the_keyboard_alone(browser, sample):
    output, base = sample
    context = browser.new_context()
    tab = _open(context, base)
    _tab_to(tab, tab.locator("[data-picker] select[name=industry]"))
    tab.keyboard.type("Logistics")  # a closed select takes the option its name starts with
    tab.keyboard.press("Tab")
    tab.keyboard.type("201")
    tab.keyboard.press("Tab")
    tab.keyboard.type("Europe")
    expected = _match(output.parent, "logistics", "201-1000", "europe")
    assert [s["path"] for s in _shown(tab)] == ["/" + m["path"] for m in expected]
    tab.keyboard.press("Tab")  # on from the last select to the first result
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "/" + expected[0]["path"]
    tab.keyboard.press("Enter")
    tab.wait_for_url(base + expected[0]["path"])
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_picker_with_results_passes_axe_and_fits_360px(axe_context, sample, scheme):
    _, base = sample
    context = axe_context(360, scheme)
    tab = _open(context, base)
    problems = {}
    for path in ("", "stories/"):
        tab.goto(base + path, wait_until="load")
        tab.select_option("[data-picker] select[name=industry]", "logistics")
        tab.select_option("[data-picker] select[name=region]", "europe")
        assert _shown(tab)
        problems[path] = _layout_problems(tab, 360)
    assert problems == {"": None, "stories/": None}
