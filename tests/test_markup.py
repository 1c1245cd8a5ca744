"""Markdown bodies: the trusted raw-HTML mode still cleans what could run or call out."""

import pytest
from bs4 import BeautifulSoup

from advocacy.markup import MarkdownRenderer
from tests.test_security import (
    test_each_dangerous_link_form_is_dropped as built_site_test,
)

RAW = """\
<div class="note" onclick="steal()">raw <a href="javascript:alert(1)">js</a>
<a href=" JaVaScRiPt:alert(1)">spaced</a> <a href="/stories/a/">inside</a>
<img src="https://tracker.example/pixel.png" onerror="x()"> <img src="/logos/a.svg" alt="A"></div>

<script>alert(1)</script><iframe src="https://evil.example/"></iframe>
<style>body{background:url(https://evil.example/x)}</style><form action="https://evil.example/"><input></form>
<p style="background:url(javascript:alert(1))">styled</p><svg onload="x()"><circle/></svg>
"""


@pytest.fixture
def trusted() -> BeautifulSoup:
    return BeautifulSoup(MarkdownRenderer("/peers/", unsafe_html=True).render(RAW), "html.parser")


def test_trusted_html_keeps_its_harmless_markup(trusted):
    note = trusted.find("div", class_="note")
    assert note is not None and note.get_text(" ", strip=True).startswith("raw js")
    assert trusted.find("a", string="inside")["href"] == "/peers/stories/a/"
    assert trusted.find("img", alt="A")["src"] == "/peers/logos/a.svg"


def test_trusted_html_loses_everything_that_runs_or_calls_out(trusted):
    assert trusted.find_all(["script", "iframe", "style", "form", "input", "svg"]) == []
    assert [(tag.name, name) for tag in trusted.find_all(True) for name in tag.attrs
            if name.startswith("on") or name == "style"] == []
    assert trusted.find("a", string="js").get("href") is None
    assert trusted.find("a", string="spaced").get("href") is None
    assert [img.get("src") for img in trusted.find_all("img")] == [None, "/peers/logos/a.svg"]
    assert "alert" not in trusted.get_text()


def test_without_trusted_mode_raw_html_is_text():
    soup = BeautifulSoup(MarkdownRenderer().render(RAW), "html.parser")
    assert soup.find_all(["div", "script", "iframe", "img"]) == []
    assert "<script>alert(1)</script>" in soup.get_text()


# ---------------------------------------------------------------- what the markdown-it rules keep as it was

def render(text: str, base_path: str = "/", **options) -> str:
    return str(MarkdownRenderer(base_path, **options).render(text))


def test_heading_ids_avoid_the_theme_s_ids_and_number_repeats():
    renderer = MarkdownRenderer("/", False, frozenset({"share-box"}), ("picker-",))
    html = str(renderer.render("# Main\n\n## Results\n\n## Results\n\n## Main\n\n## Share box\n\n"
                               "## Picker options\n\n## The “new” `api` -- *fast*\n\n## ???\n"))
    assert [h["id"] for h in BeautifulSoup(html, "html.parser").find_all(["h1", "h2"])] == [
        "main-1", "results", "results_1", "main-1_1", "share-box-1", "picker-options-1", "the-new-api-fast", "section"]


def test_tables_align_with_attributes_and_an_empty_corner_is_a_plain_cell():
    html = render("| | Before | After |\n| :-- | :-: | --: |\n| Days | 12 | 3 |\n")
    assert "style" not in html
    assert '<td align="left"></td>\n<th align="center">Before</th>\n<th align="right">After</th>' in html
    assert '<td align="left">Days</td>' in html


def test_smart_punctuation_is_written_as_entities():
    html = render("\"Quoted\" and 'single', it's the '90s -- a range --- a break... "
                  "typed ’ stays; (c) +- `\"code\" -- ...`")
    assert html == ("<p>&ldquo;Quoted&rdquo; and &lsquo;single&rsquo;, it&rsquo;s the &rsquo;90s &ndash; a range "
                    "&mdash; a break&hellip; typed ’ stays; (c) +- <code>&quot;code&quot; -- ...</code></p>")


def test_raw_html_is_escaped_and_smartened_like_text():
    assert render('A <b class="x">bold</b> claim') == (
        "<p>A &lt;b class=&ldquo;x&rdquo;&gt;bold&lt;/b&gt; claim</p>")


def test_site_paths_get_the_subpath_once_in_both_modes():
    text = "[story](/stories/a/) ![Chart](/images/c.png \"Growth\") [rel](../x/) [anchor](#top)"
    for unsafe_html in (False, True):
        soup = BeautifulSoup(render(text, "/peers/", unsafe_html=unsafe_html), "html.parser")
        assert [a["href"] for a in soup.find_all("a")] == ["/peers/stories/a/", "../x/", "#top"]
        image = soup.find("img")
        assert (image["src"], image["alt"], image["title"], image["loading"]) == (
            "/peers/images/c.png", "Chart", "Growth", "lazy")


def test_external_links_open_without_opener_and_local_ones_plainly():
    soup = BeautifulSoup(render("[a](https://a.example/) <https://b.example/> [mail](mailto:a@example.com) "
                                "[local](/stories/)"), "html.parser")
    assert [(a["href"], a.get("rel")) for a in soup.find_all("a")] == [
        ("https://a.example/", ["noopener", "noreferrer"]), ("https://b.example/", ["noopener", "noreferrer"]),
        ("mailto:a@example.com", None), ("/stories/", None)]


def test_images_from_elsewhere_become_links():
    html = render('![A "chart"](https://cdn.example/c.png) ![](//cdn.example/d.png) ![x](mailto:a@example.com)')
    assert html == ('<p><a href="https://cdn.example/c.png" rel="noopener noreferrer">A &quot;chart&quot;</a> '
                    "<a>image</a> <a>x</a></p>")


# The forms the built-site test tries, each rendered here in both modes, and a few more.
DANGEROUS_LINKS = next(mark.args[1] for mark in built_site_test.pytestmark if mark.name == "parametrize")


@pytest.mark.parametrize("link", [*DANGEROUS_LINKS, "[x](  javascript:alert(1))", "![x](javascript:alert(1))",
                                  "[x](file:///etc/passwd)", "[x](//evil.example/)", "[x]()"])
@pytest.mark.parametrize("unsafe_html", [False, True])
def test_refused_links_keep_their_text_and_lose_their_target(link, unsafe_html):
    soup = BeautifulSoup(render(link, unsafe_html=unsafe_html), "html.parser")
    assert soup.get_text(strip=True), "the text of the link is lost"
    assert [(tag.name, tag.attrs) for tag in soup.find_all(True) if {"href", "src"} & set(tag.attrs)] == []


def test_the_html_ends_without_a_newline():
    assert render("One.\n\nTwo.\n") == "<p>One.</p>\n<p>Two.</p>"
