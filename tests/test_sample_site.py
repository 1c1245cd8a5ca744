"""The sample site that ships with the repository, built and looked at as a prospect would."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from advocacy.cli import main
from tests.conftest import REPO, _open

# One page of each kind, as a prospect would reach them.
PAGE_KINDS = ["", "stories/", "testimonials/", "videos/", "customers/", "collections/", "industries/",
              "values/", "products/", "regions/", "sizes/", "use-cases/", "404.html"]


def _one_of_each(output: Path) -> list[str]:
    """PAGE_KINDS plus the first page of each detail kind present in the build."""
    paths = list(PAGE_KINDS)
    for section in ("stories", "videos", "customers", "collections", "industries", "values"):
        details = sorted(p.parent.name for p in (output / section).glob("*/index.html"))
        if details:
            paths.append(f"{section}/{details[0]}/")
    return paths


def test_sample_site_checks_clean():
    result = CliRunner().invoke(main, ["check", "--site", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_sample_site_has_what_the_readme_promises(sample):
    output, _ = sample
    count = lambda section: len(list((output / section).glob("*/index.html")))  # noqa: E731
    industries = count("industries")
    assert (count("stories"), count("videos"), count("customers")) >= (6, 3, 4)
    assert industries >= 3
    assert (output / "collections").is_dir() and count("collections") >= 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_fits_a_320px_phone_and_asks_nothing_of_other_hosts(browser, sample, scheme):
    output, base = sample
    context = browser.new_context(viewport={"width": 320, "height": 640}, color_scheme=scheme)
    page = _open(context, base)
    too_wide = {}
    for path in _one_of_each(output):
        page.goto(base + path, wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}
    assert page.offsite == []
    assert page.errors == []
    context.close()


def test_skip_link_is_the_first_stop_and_lands_on_the_main_content(browser, sample):
    _, base = sample
    context = browser.new_context()
    page = _open(context, base + "stories/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    assert page.evaluate("getComputedStyle(document.activeElement).transform") == "none"  # visible once focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.querySelector(':target').tagName") == "MAIN"
    context.close()


def test_focus_is_visible_on_links(browser, sample):
    _, base = sample
    context = browser.new_context()
    page = _open(context, base)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline
    context.close()


def test_every_sample_story_prints_as_one_a4_page(browser, sample):
    """A rep attaches a story as a PDF: the sample's stories (~350 to 400 words of
    body, with metrics, a quote, a table, one a chart) print on one A4 page each."""
    output, base = sample
    context = browser.new_context()
    stories = sorted(p.name for p in (output / "stories").iterdir() if (p / "index.html").is_file())
    assert len(stories) >= 6
    for story in stories:
        tab = _open(context, f"{base}stories/{story}/")
        pdf = tab.pdf(format="A4")
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, story
        tab.close()
    context.close()


def test_every_sample_story_page_weighs_under_50_kb_before_any_click(browser, sample):
    """HTML, CSS and JavaScript of each story as a prospect's browser fetches them (the theme's
    CSS and JavaScript minified by the build), images aside."""
    output, base = sample
    context = browser.new_context()
    for story in sorted(p.name for p in (output / "stories").iterdir() if (p / "index.html").is_file()):
        tab = _open(context, f"{base}stories/{story}/")
        tab.wait_for_timeout(300)
        weight = {url: size for url, size in tab.bytes.items()
                  if not url.split("?")[0].endswith((".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif"))}
        assert 20_000 < sum(weight.values()) < 50 * 1024, (story, weight)
        tab.close()
    context.close()
