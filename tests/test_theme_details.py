"""Details of the built-in theme that a prospect notices: images that do not jump, landmarks, contrast."""

import re

import pytest

from tests.conftest import REPO

LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"></svg>'


def test_logos_and_story_images_carry_their_size(site):
    site.write("static/logos/acme.svg", LOGO_SVG)
    site.write("static/images/team.svg", LOGO_SVG.replace('width="120" height="40"', 'width="800" height="450"'))
    site.write("content/customers/acme.md", "---\nname: Acme\nlogo: /logos/acme.svg\n---\n")
    site.write("content/stories/acme-onboarding.md",
               "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-01-02\nimage: /images/team.svg\n---\nBody\n")
    assert site.run("build").exit_code == 0
    page = site.page("stories/acme-onboarding/")
    logos = page.select("img.logo")
    assert logos and all((img["width"], img["height"]) == ("120", "40") for img in logos)
    story_image = page.select_one("img.story-image")
    assert (story_image["width"], story_image["height"]) == ("800", "450")
    assert story_image["alt"] == ""  # no image_alt: decorative


def test_a_story_image_carries_its_alt_text(site):
    site.write("static/images/chart.svg", LOGO_SVG)
    site.write("content/stories/acme-onboarding.md", "---\ntitle: T\nsummary: S\ncustomer: acme\n"
               "date: 2025-01-02\nimage: /images/chart.svg\nimage_alt: Waste fell by half <in 2024>\n---\n")
    assert site.run("build").exit_code == 0
    assert site.page("stories/acme-onboarding/").select_one("img.story-image")["alt"] == "Waste fell by half <in 2024>"


def test_talk_to_a_peer_is_not_an_aside_inside_an_aside(site):
    assert site.run("build").exit_code == 0
    page = site.page("stories/acme-onboarding/")
    assert page.select_one(".cta a.button")["href"].startswith("mailto:refs@example.com")
    assert page.select("aside aside") == []


def test_a_collection_naming_an_item_with_a_broken_reference_gets_no_second_error(site):
    site.write("content/stories/orphan.md", "---\ntitle: T\nsummary: S\ncustomer: nobody\ndate: 2025-01-02\n---\n")
    site.write("content/collections/pack.md", "---\ntitle: Pack\nitems: [stories/orphan]\n---\n")
    result = site.run("check")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("content/")]
    assert errors == ["content/stories/orphan.md:4: unknown customer 'nobody': add content/customers/nobody.md "
                      "or fix the slug"]


# Text/background pairs of the theme's colour tokens that carry text (WCAG AA: 4.5:1).
TEXT_PAIRS = [("text", "bg"), ("muted", "bg"), ("muted", "alt"), ("muted", "surface"), ("muted", "soft"),
              ("accent", "bg"), ("accent", "soft"), ("accent", "alt"), ("on-accent", "accent"),
              ("on-accent", "accent-2"), ("band-text", "band"), ("band-muted", "band"),
              ("band-accent", "band"), ("star", "surface"), ("warn", "warn-bg")]


def _tokens(css: str) -> dict[str, str]:
    found = re.findall(r"--([a-z0-9-]+):\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", css)
    return {name: "#" + (hex_ if len(hex_) == 6 else "".join(c * 2 for c in hex_)) for name, hex_ in found}


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_colours_meet_aa_contrast(scheme):
    css = (REPO / "themes" / "default" / "static" / "site.css").read_text(encoding="utf-8")
    light_part, dark_part = css.split("@media (prefers-color-scheme: dark)", 1)
    tokens = _tokens(light_part)
    if scheme == "dark":
        tokens |= _tokens(dark_part.split("}\n}", 1)[0])
    low = {f"{fg} on {bg}": round(_contrast(tokens[fg], tokens[bg]), 2) for fg, bg in TEXT_PAIRS
           if _contrast(tokens[fg], tokens[bg]) < 4.5}
    assert low == {}


def test_theme_css_and_js_are_published_minified_and_static_files_as_they_are(site):
    site.write("themes/default/static/extra.css", "/* a note for the theme's author */\n.note {\n  color : red ;\n}\n")
    site.write("static/raw.css", "/* kept */\n.raw { color: blue; }\n")
    assert site.run("build").exit_code == 0
    assert (site.output / "assets/extra.css").read_text() == ".note{color:red}"
    assert (site.output / "raw.css").read_text() == "/* kept */\n.raw { color: blue; }\n"
    source = (REPO / "themes/default/static/site.js").read_bytes()
    published = (site.output / "assets/site.js").read_bytes()
    assert len(published) < 0.8 * len(source) and b"// " not in published
