"""Markdown bodies: the trusted raw-HTML mode still cleans what could run or call out."""

import pytest
from bs4 import BeautifulSoup

from advocacy.markup import MarkdownRenderer

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
