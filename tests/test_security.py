"""Hostile content never becomes markup, script or a dangerous link, and the
build neither reads from outside the site nor writes outside its output.

Every check parses the built pages: an element, an attribute or a URL scheme
is what a browser would act on, so that is what is looked at.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from advocacy.cache import CACHE_DIR
from advocacy.url_record import RECORD_FILE
from advocacy.write import SPARE_PREFIX, spare_folder
from tests.conftest import CUSTOMER, SiteFolder
from tests.test_output import ATOM, html_files, parse, url_values, write_rich_site

ATTACK = '<script>alert(1)</script>"><img src=x onerror=alert(1)><svg onload=alert(1)></script><!-- {{ config }} &amp;'
SHORT_ATTACK = '<img src=x onerror=alert(1)>'  # metric values are at most 40 characters

HOSTILE_BODY = """\
<script>alert(1)</script>

"><img src=x onerror=alert(1)>

<iframe src="https://evil.example/frame"></iframe>

<svg onload=alert(1)><circle r="5"/></svg>

<div onclick="alert(1)">a raw block</div>

<a href="javascript:alert(1)">a raw link</a>

<object data="data:text/html,hi"></object> <embed src="https://evil.example/e">

[plain js](javascript:alert(1)) [entity js](jav&#x61;script:alert(1)) [upper js](JAVASCRIPT:alert(1))
[tab js](<java\tscript:alert(1)>) [spaced js](  javascript:alert(1)) [decimal js](&#106;avascript:alert(1))
[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(1))
[file](file:///etc/passwd) [ref js][bad] [protocol-relative](//evil.example/x)
![data image](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) ![js image](javascript:alert(1))
[newline js](java
script:alert(1))

Text with </script> and <!-- an open comment, and `<script>in code</script>`.

[bad]: javascript:alert(2)
"""

# Every scheme a page may link to; anything else (javascript:, data:, vbscript:,
# file:) must never reach an href or a src.
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_BROWSER_IGNORES = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


def scheme(url: str) -> str | None:
    """The scheme a browser would act on: whitespace and control characters
    stripped (BeautifulSoup has already decoded entities), case folded."""
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", _BROWSER_IGNORES.sub("", url))
    return match.group(1).lower() if match else None


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON is YAML)."""
    return json.dumps(text)


def unsafe_markup(output: Path, base_path: str = "/") -> list[str]:
    """Everything in the output a browser would run or follow dangerously."""
    found = []
    for file in html_files(output):
        soup = parse(file)
        name = file.relative_to(output).as_posix()
        for script in soup.find_all("script"):
            if not (theme_script(script, base_path) or json_ld_data(script) is not None):
                found.append(f"{name}: {script}")
        for tag in ("iframe", "frame", "object", "embed", "svg", "base", "math"):
            found += [f"{name}: <{tag}>" for element in soup.find_all(tag) if not theme_element(element, base_path)]
        # the theme's own search forms: GET to the site's search page, nothing else
        found += [f"{name}: {form}" for form in soup.find_all("form")
                  if form.get("action") != f"{base_path}search/" or form.get("method", "get").lower() != "get"
                  or form.find(["button", "input"], attrs={"formaction": True})]
        for element in soup.find_all(True):
            for attr in element.attrs:
                if attr.lower().startswith("on"):
                    found.append(f"{name}: <{element.name} {attr}=...>")
            for attr in ("data-embed",):
                if element.get(attr) and scheme(element[attr]) != "https":
                    found.append(f"{name}: <{element.name} {attr}={element[attr]!r}>")
        for element, attr, url in url_values(soup):
            if scheme(url) is not None and scheme(url) not in ALLOWED_SCHEMES:
                found.append(f"{name}: <{element.name} {attr}={url!r}>")
            if element.name == "meta" and attr == "refresh" and scheme(url) not in (None, "http", "https"):
                found.append(f"{name}: refresh to {url!r}")
    return found


def theme_element(element, base_path: str = "/") -> bool:
    """One of the theme's own: the embed pages' <base target="_top"> (links open in the
    host's window, no href), or the embed panel's preview, an iframe of this site that
    waits inert in a <template> until the panel is opened."""
    if element.name == "base":
        return element.attrs == {"target": "_top"}
    return (element.name == "iframe" and element.find_parent("template") is not None
            and element.get("src", "").startswith(f"{base_path}embed/"))


def theme_script(script, base_path: str = "/") -> bool:
    """A script of the theme: loaded from the site's assets, with no inline code."""
    src = script.get("src") or ""
    return src.startswith(f"{base_path}assets/") and not script.get_text().strip()


def json_ld_data(script):
    """The data of a JSON block (JSON-LD, the picker's data) that no content can break out of, else None."""
    if script.get("type") not in ("application/ld+json", "application/json") or script.get("src"):
        return None
    text = script.string or ""
    if "<" in text or ">" in text:  # must be escaped (\u003c), so that '</script' can never appear
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def visible(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- a site of hostile text

def hostile_site(folder: SiteFolder, *, unsafe_html: bool = False) -> SiteFolder:
    """Every front-matter text field and every body holds an attack."""
    def a(label: str) -> str:
        return q(f"{label} {ATTACK}")

    folder.write("advocacy.yaml", f"""\
title: {a('Site')}
base_url: https://example.com/
company: {a('Company')}
description: {a('Description')}
values:
  trust: {{title: {a('Value')}, description: {a('Value description')}}}
references:
  request_url: mailto:refs@example.com
""" + ("markdown: {unsafe_html: true}\n" if unsafe_html else ""))
    folder.write("content/customers/evil.md", f"""\
---
name: {a('Customer')}
industry: {a('Industry')}
region: {a('Region')}
company_size: "51-200"
reference: true
website: https://evil.example/
---
{HOSTILE_BODY}""")
    folder.write("content/stories/evil-story.md", f"""\
---
title: {a('Title')}
summary: {a('Summary')}
customer: evil
date: 2025-03-14
products: [{a('Product')}]
use_cases: [{a('Use case')}]
values: [trust]
quote:
  text: {a('Quote')}
  author: {a('Author')}
  role: {a('Role')}
metrics:
  - {{value: {q(SHORT_ATTACK)}, label: {a('Metric')}}}
people:
  - {{name: {a('Person')}, role: {a('Person role')}}}
video: https://www.youtube.com/watch?v=aqz-KE-bpKQ
---
{HOSTILE_BODY}""")
    folder.write("content/testimonials/evil-words.md", f"""\
---
customer: evil
author: {a('Testimonial author')}
role: {a('Testimonial role')}
source: {{name: {a('Source')}, url: "https://reviews.example/1"}}
rating: 5
values: [trust]
---
{HOSTILE_BODY}""")
    folder.write("content/videos/evil-video.md", f"""\
---
title: {a('Video title')}
summary: {a('Video summary')}
url: https://vimeo.com/76979871
date: 2025-02-01
customer: evil
---
{HOSTILE_BODY}""")
    folder.write("content/collections/evil-set.md", f"""\
---
title: {a('Collection')}
items: [stories/evil-story, testimonials/evil-words, videos/evil-video]
aliases: [/old/evil-set/]
---
{HOSTILE_BODY}""")
    return folder


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> SiteFolder:
    folder = hostile_site(SiteFolder(tmp_path_factory.mktemp("hostile") / "site"))
    result = folder.run("build")
    assert result.exit_code == 0, result.output
    return folder


def test_hostile_site_builds_every_page(hostile):
    pages = html_files(hostile.output)
    assert len(pages) >= 20
    for path in ("stories/evil-story/", "videos/evil-video/", "customers/evil/", "testimonials/",
                 "collections/evil-set/", "values/trust/", "old/evil-set/"):
        assert (hostile.output / path / "index.html").is_file(), path


def test_no_script_handler_or_embedded_markup_from_content(hostile):
    assert unsafe_markup(hostile.output) == []


def test_the_checker_sees_an_attack(hostile, tmp_path):
    """unsafe_markup itself: a page with each kind of attack is caught."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text(
        '<script>x</script><a href=" JaVa\tScRiPt:alert(1)">a</a><img src="data:text/html,x">'
        '<p onmouseover="x">p</p><iframe src="https://a.example/"></iframe>'
        '<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', encoding="utf-8")
    assert len(unsafe_markup(out)) == 7


def test_front_matter_text_is_shown_as_text(hostile):
    story = hostile.page("stories/evil-story/")
    assert visible(story.h1) == one_line(f"Title {ATTACK}")
    assert story.title.get_text().startswith(f"Title {ATTACK} · Customer {ATTACK}")
    assert story.find("meta", attrs={"name": "description"})["content"] == f"Summary {ATTACK}"
    assert visible(story.find("p", class_="lead")) == one_line(f"Summary {ATTACK}")
    pull = story.find("figure", class_="pull-quote")
    assert visible(pull.blockquote) == one_line(f"Quote {ATTACK}")
    caption = visible(pull.figcaption)
    assert one_line(f"Author {ATTACK}") in caption and one_line(f"Role {ATTACK}") in caption
    metric = story.find("dl", class_="metrics").find(class_="metric")
    assert metric.dd.get_text() == SHORT_ATTACK
    assert metric.dt.get_text() == f"Metric {ATTACK}"
    people = story.find("section", class_="people")
    assert one_line(f"Person {ATTACK}") in visible(people)
    assert one_line(f"Person role {ATTACK}") in visible(people)
    facts = visible(story.find("dl", class_="facts"))
    for label in ("Industry", "Region", "Product", "Use case", "Value"):
        assert one_line(f"{label} {ATTACK}") in facts, label
    assert story.find("figure", class_="video")["data-title"] == f"Title {ATTACK}"
    assert story.find(class_="cta").h2.get_text() == f"Talk to Customer {ATTACK}"

    customer = hostile.page("customers/evil/")
    assert customer.h1.get_text().startswith(f"Customer {ATTACK}")
    assert customer.find("meta", attrs={"name": "description"})["content"].startswith(f"How Customer {ATTACK}")

    wall = hostile.page("testimonials/")
    card = wall.find(id="evil-words")
    assert card.find("strong").get_text() == f"Testimonial author {ATTACK}"
    assert card.find(class_="role").get_text() == f"Testimonial role {ATTACK}"
    assert card.find("a", href="https://reviews.example/1").get_text() == f"Published on Source {ATTACK}"

    video = hostile.page("videos/evil-video/")
    assert video.h1.get_text() == f"Video title {ATTACK}"
    assert video.find("p", class_="lead").get_text() == f"Video summary {ATTACK}"

    collection = hostile.page("collections/evil-set/")
    assert collection.h1.get_text() == f"Collection {ATTACK}"
    assert hostile.page("old/evil-set/").title.get_text() == f"Moved: Collection {ATTACK}"

    value = hostile.page("values/trust/")
    assert value.h1.get_text() == f"Value {ATTACK}"
    assert value.find("p", class_="lead").get_text() == f"Value description {ATTACK}"
    industry = hostile.page("industries/")
    assert one_line(f"Industry {ATTACK}") in visible(industry.main)

    home = hostile.page("")
    assert home.h1.get_text() == f"Site {ATTACK}"
    assert home.find("meta", attrs={"name": "description"})["content"] == f"Description {ATTACK}"
    assert visible(home.find("footer", class_="site-footer")).startswith(one_line(f"Company {ATTACK}"))


def test_hostile_text_keeps_the_feed_and_sitemap_valid(hostile):
    feed = ET.parse(hostile.output / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == f"Site {ATTACK}"
    titles = {e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")}
    assert titles == {f"Title {ATTACK}", f"Video title {ATTACK}"}
    summaries = {e.findtext(f"{ATOM}summary") for e in feed.findall(f"{ATOM}entry")}
    assert f"Summary {ATTACK}" in summaries
    ET.parse(hostile.output / "sitemap.xml")


BODY_PAGES = ["stories/evil-story/", "videos/evil-video/", "customers/evil/", "collections/evil-set/",
              "testimonials/"]


@pytest.mark.parametrize("path", BODY_PAGES)
def test_raw_html_in_a_body_is_shown_as_text(hostile, path):
    soup = hostile.page(path)
    prose = soup.find(class_="prose") or soup.find("blockquote", class_="testimonial-quote")
    text = visible(prose)
    for shown in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                  '<div onclick=', "a raw block", "a raw link", "<svg onload=alert(1)>",
                  "<iframe src=", "<script>in code</script>", "</script>"):
        assert shown in text, shown
    assert prose.find("code").get_text() == "<script>in code</script>"
    assert prose.find(["script", "iframe", "svg", "div", "object", "embed", "img"]) is None


@pytest.mark.parametrize("path", BODY_PAGES)
def test_dangerous_markdown_links_keep_their_text_and_lose_their_target(hostile, path):
    soup = hostile.page(path)
    prose = soup.find(class_="prose") or soup.find("blockquote", class_="testimonial-quote")
    anchors = {visible(a): a for a in prose.find_all("a")}
    for label in ("plain js", "entity js", "upper js", "tab js", "spaced js", "decimal js", "data link",
                  "vb", "file", "ref js", "data image", "js image"):
        assert label in anchors, label
        href = anchors[label].get("href")
        safe = href is None or scheme(href) in ALLOWED_SCHEMES or (
            scheme(href) is None and not href.startswith("//"))
        assert safe, (label, href)
    assert anchors["protocol-relative"].get("href") is None
    assert "newline js" in visible(prose)


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](<java&#x09;script:alert(1)>)",
    "[x](<java&#10;script:alert(1)>)",
    "[x](\x01javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](vbscript:msgbox(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](javascript&colon;alert(1))",
    "<javascript:alert(1)>",
])
def test_each_dangerous_link_form_is_dropped(site, link):
    site.write("content/stories/acme-onboarding.md",
               "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\n" + link + "\n")
    result = site.run("build")
    assert result.exit_code == 0, result.output
    prose = site.page("stories/acme-onboarding/").find(class_="prose")
    assert prose.get_text(strip=True), "the text of the link is lost"
    for element, attr, url in url_values(prose):
        assert scheme(url) in (None, *ALLOWED_SCHEMES), (attr, url)
    assert unsafe_markup(site.output) == []


@pytest.mark.parametrize("field, value", [
    ("customers/acme.md", "website: javascript:alert(1)"),
    ("customers/acme.md", "website: \"JAVA\\tSCRIPT:alert(1)\""),
    ("customers/acme.md", "website: data:text/html,hi"),
    ("testimonials/t.md", "source: {name: G2, url: \"javascript:alert(1)\"}"),
    ("stories/acme-onboarding.md", "video: javascript:alert(1)"),
    ("stories/acme-onboarding.md", "video: https://evil.example/watch?v=aqz-KE-bpKQ"),
])
def test_dangerous_urls_in_front_matter_are_errors(site, field, value):
    files = {
        "customers/acme.md": CUSTOMER,
        "stories/acme-onboarding.md": "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\nx\n",
        "testimonials/t.md": "---\ncustomer: acme\nauthor: A\n---\nx\n",
    }
    text = files[field]
    site.write(f"content/{field}", text.replace("---\n", f"---\n{value}\n", 1))
    result = site.run("build")
    assert result.exit_code == 1, result.output
    assert f"content/{field}:2:" in result.stderr
    assert not site.output.exists()


def test_dangerous_request_url_is_an_error(site):
    site.write("advocacy.yaml", "title: T\nbase_url: https://example.com/\n"
               "references:\n  request_url: javascript:alert(1)\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert "advocacy.yaml:4:" in result.stderr
    assert not site.output.exists()


@pytest.mark.parametrize("base_url", ["javascript:alert(1)//", "data:text/html,x", "//example.com/"])
def test_dangerous_base_url_is_refused(site, base_url):
    result = site.run("build", "--base-url", base_url)
    assert result.exit_code in (1, 2)
    assert not site.output.exists()


def test_external_links_open_without_opener(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    folder.write("content/stories/links.md", """\
        ---
        title: Links
        summary: Links everywhere.
        customer: acme
        date: 2025-01-01
        ---
        [http](http://a.example/), [https](https://b.example/x?y=1), <https://c.example/>,
        ![picture](https://d.example/p.png), [local](/stories/), [mail](mailto:a@example.com)
        """)
    result = folder.run("build")
    assert result.exit_code == 0, result.output
    external = 0
    for file in html_files(folder.output):
        for a in parse(file).find_all("a", href=True):
            if scheme(a["href"]) in ("http", "https") and not a["href"].startswith("https://example.com/"):
                external += 1
                assert "noopener" in (a.get("rel") or []), f"{file.relative_to(folder.output)}: {a}"
    assert external >= 10
    prose = folder.page("stories/links/").find(class_="prose")
    local = prose.find("a", href="/stories/")
    assert "noopener" not in (local.get("rel") or [])


# ---------------------------------------------------------------- the trusted mode

@pytest.fixture(scope="module")
def trusted(tmp_path_factory) -> SiteFolder:
    folder = hostile_site(SiteFolder(tmp_path_factory.mktemp("trusted") / "site"), unsafe_html=True)
    result = folder.run("build")
    assert result.exit_code == 0, result.output
    return folder


def test_unsafe_html_passes_raw_html_through_cleaned(trusted):
    """The trusted mode: raw HTML becomes markup, cleaned of what could run or load."""
    prose = trusted.page("stories/evil-story/").find(class_="prose")
    block = next(div for div in prose.find_all("div") if div.get_text(strip=True) == "a raw block")
    assert "onclick" not in block.attrs
    raw_link = next(a for a in prose.find_all("a") if a.get_text(strip=True) == "a raw link")
    assert raw_link.get("href") is None
    assert prose.find(["script", "iframe", "svg", "object", "embed"]) is None
    assert "<script>alert(1)</script>" not in visible(prose)  # cleaned away, not shown as text


def test_unsafe_html_leaves_nothing_that_runs(trusted):
    assert unsafe_markup(trusted.output) == []


def test_unsafe_html_keeps_front_matter_escaped(trusted):
    story = trusted.page("stories/evil-story/")
    assert visible(story.h1) == one_line(f"Title {ATTACK}")
    assert visible(story.find("figure", class_="pull-quote").blockquote) == one_line(f"Quote {ATTACK}")


def test_unsafe_html_still_filters_markdown_links(trusted):
    prose = trusted.page("stories/evil-story/").find(class_="prose")
    anchors = {visible(a): a for a in prose.find_all("a")}
    for label in ("plain js", "entity js", "upper js", "tab js", "decimal js", "data link", "vb", "ref js"):
        assert anchors[label].get("href") is None, label


@pytest.mark.parametrize("raw", [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x61;script:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html,hi">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="data:image/svg+xml,hi" alt="x">',
    '<img src="https://tracker.example/pixel.gif" alt="x">',
    '<a href="https://a.example/" onmouseover="alert(1)">x</a>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<p style="background:url(https://tracker.example/p.png)">x</p>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<base href="https://evil.example/">x',
    '<meta http-equiv="refresh" content="0; url=javascript:alert(1)">x',
])
def test_unsafe_html_cleans_each_attack(site, raw):
    site.write("advocacy.yaml", (site.root / "advocacy.yaml").read_text() + "markdown: {unsafe_html: true}\n")
    site.write("content/stories/acme-onboarding.md",
               "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\n<div>\n" + raw + "\n</div>\n")
    result = site.run("build")
    assert result.exit_code == 0, result.output
    page = site.page("stories/acme-onboarding/")
    assert unsafe_markup(site.output) == []
    prose = page.find(class_="prose")
    for element, attr, url in url_values(prose):
        assert scheme(url) in (None, *ALLOWED_SCHEMES), (attr, url)
        assert not (element.name == "img" and scheme(url) is not None), url  # nothing from another host
    # the theme's Content-Security-Policy is the page's one http-equiv: no refresh from content
    assert [m["http-equiv"] for m in page.find_all("meta", attrs={"http-equiv": True})] == ["Content-Security-Policy"]
    assert all("url(" not in e["style"] for e in prose.find_all(style=True))


# ---------------------------------------------------------------- paths

@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the site, with a secret in it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text("---\ntitle: Secret\nsummary: S\ncustomer: acme\n"
                                      "date: 2025-01-01\n---\nTOP SECRET\n", encoding="utf-8")
    (folder / "secret.txt").write_text("TOP SECRET\n", encoding="utf-8")
    (folder / "404.html").write_text('{% extends "base.html" %}{% block content %}<h1>TOP SECRET</h1>'
                                     "{% endblock %}", encoding="utf-8")
    return folder


def _no_secret_in(output: Path) -> None:
    """No page shows the secret, and no file of the output is a copy of one."""
    if not output.exists():
        return
    for file in output.rglob("*"):
        if not file.is_file():
            continue
        if file.suffix == ".html":
            assert "TOP SECRET" not in parse(file).get_text(), file
        elif file.suffix == ".xml":
            assert "TOP SECRET" not in "".join(ET.parse(file).getroot().itertext()), file
        else:
            assert file.read_bytes() != b"TOP SECRET\n", file


def test_content_file_linked_from_outside_is_refused(site, outside):
    (site.root / "content/stories/leak.md").symlink_to(outside / "secret.md")
    result = site.run("build")
    assert result.exit_code == 1
    assert "content/stories/leak.md:1:" in result.stderr and "outside the site" in result.stderr
    assert not site.output.exists()


def test_content_folder_linked_from_outside_is_refused(site, outside):
    (site.root / "content/videos").symlink_to(outside, target_is_directory=True)
    (outside / "secret.md").rename(outside / "secret-video.md")
    result = site.run("build")
    assert result.exit_code == 1
    assert "content/videos/secret-video.md:1:" in result.stderr
    _no_secret_in(site.output)


def test_static_file_linked_from_outside_is_refused(site, outside):
    (site.root / "static").mkdir()
    (site.root / "static/secret.txt").symlink_to(outside / "secret.txt")
    result = site.run("build")
    assert result.exit_code == 1
    assert "static/secret.txt:1:" in result.stderr and "outside the site" in result.stderr
    assert not site.output.exists()


def test_static_folder_linked_from_outside_is_never_copied(site, outside):
    (site.root / "static").mkdir()
    (site.root / "static/shared").symlink_to(outside, target_is_directory=True)
    site.run("build")
    assert not (site.output / "shared" / "secret.txt").exists()
    _no_secret_in(site.output)


def test_static_folder_linked_from_outside_is_reported(site, outside):
    (site.root / "static").mkdir()
    (site.root / "static/shared").symlink_to(outside, target_is_directory=True)
    result = site.run("build")
    assert result.exit_code == 1
    assert "static/shared" in result.stderr


def test_theme_template_linked_from_outside_is_refused(site, outside):
    (site.root / "themes/default/templates").mkdir(parents=True)
    (site.root / "themes/default/templates/404.html").symlink_to(outside / "404.html")
    result = site.run("build")
    assert result.exit_code == 1
    assert "themes/default/templates/404.html:1:" in result.stderr
    assert not site.output.exists()


def test_theme_templates_folder_linked_from_outside_is_refused(site, outside):
    (site.root / "themes/default").mkdir(parents=True)
    (site.root / "themes/default/templates").symlink_to(outside, target_is_directory=True)
    result = site.run("build")
    _no_secret_in(site.output)
    assert result.exit_code == 1


@pytest.mark.parametrize("front_matter", [
    "image: /../../outside/secret.txt",
    "image: ../secret.txt",
    "image: /images/../../secret.txt",
    "aliases: [/../../escape/]",
    "aliases: [/old/../../../escape/]",
    "aliases: [https://evil.example/x/]",
])
def test_paths_that_climb_out_are_errors(site, front_matter):
    site.write("content/stories/acme-onboarding.md",
               f"---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n{front_matter}\n---\nx\n")
    before = _tree(site.root.parent)
    result = site.run("build")
    assert result.exit_code == 1, result.output
    assert "content/stories/acme-onboarding.md:6:" in result.stderr
    assert _tree(site.root.parent) == before


def test_logo_outside_static_is_left_out(site, outside):
    site.write("content/customers/acme.md", CUSTOMER.replace("---\n", "---\nlogo: /../outside/secret.txt\n", 1))
    result = site.run("build")
    assert result.exit_code == 1
    assert "content/customers/acme.md:2:" in result.stderr


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder under `folder`, links not followed; but for
    what a build may write besides the output: the site's build cache, its URL record, and
    the previous output kept beside the output (checked below to be a copy of a build's)."""
    tree: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if name != CACHE_DIR and not name.startswith(SPARE_PREFIX)]
        for name in dirnames:
            tree[os.path.relpath(os.path.join(dirpath, name), folder)] = None
        for name in filenames:
            if name == RECORD_FILE:
                continue
            path = os.path.join(dirpath, name)
            tree[os.path.relpath(path, folder)] = b"link" if os.path.islink(path) else Path(path).read_bytes()
    return tree


def _outside_output(tree: dict[str, bytes | None]) -> dict[str, bytes | None]:
    return {path: data for path, data in tree.items() if path != "site/output" and not path.startswith("site/output/")}


def test_nothing_is_written_outside_the_output_folder(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    story = min((folder.root / "content" / "stories").glob("*.md"))
    outputs = []
    for build in range(3):  # the first build and rebuilds of an edited story, which swap folders
        if build:
            story.write_text(story.read_text(encoding="utf-8") + f"\nEdit {build}.\n", encoding="utf-8")
        before = _outside_output(_tree(tmp_path))
        result = folder.run("build")
        assert result.exit_code == 0, result.output
        after = _tree(tmp_path)
        assert any(path.startswith("site/output/") for path in after)
        assert _outside_output(after) == before
        outputs.append(_tree(folder.output))
    kept = spare_folder(folder.output)
    assert [p.name for p in folder.root.iterdir() if p.name.startswith(SPARE_PREFIX)] == [kept.name]
    assert _tree(kept) == outputs[-2]  # only ever what a build made


def test_output_elsewhere_writes_only_there(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    before = _tree(tmp_path)
    result = folder.run("build", "--output", str(tmp_path / "public" / "www"))
    assert result.exit_code == 0, result.output
    after = _tree(tmp_path)
    new = set(after) - set(before)
    assert all(p == "public" or p.startswith("public/www") for p in new), sorted(new)
    assert {k: v for k, v in after.items() if k in before} == before
    assert (tmp_path / "public/www/stories/acme-onboarding/index.html").is_file()


def test_hostile_base_url_path_stays_inside_attributes(tmp_path):
    folder = write_rich_site(SiteFolder(tmp_path / "site"))
    base_url = "https://example.com/x'\"><script>alert(1)</script>/"
    result = folder.run("build", "--base-url", base_url)
    if result.exit_code != 0:  # refusing such a URL is as good as escaping it
        assert result.exit_code in (1, 2) and not folder.output.exists()
        return
    assert unsafe_markup(folder.output, "/x'\"><script>alert(1)</script>/") == []
    story = folder.page("stories/acme-onboarding/")
    assert story.find("link", rel="canonical")["href"] == base_url + "stories/acme-onboarding/"
    ET.parse(folder.output / "feed.xml")
    ET.parse(folder.output / "sitemap.xml")


def test_the_checker_allows_only_the_theme_s_scripts_and_search_form(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text(
        '<script src="/assets/site.js" defer></script>'
        '<script type="application/ld+json">{"name": "a \\u003c/script\\u003e"}</script>'
        '<form action="/search/" method="get"><input name="q"></form>', encoding="utf-8")
    assert unsafe_markup(out) == []
    (out / "index.html").write_text(
        '<script type="application/ld+json">{"name": "</b>"}</script>'
        '<script src="/assets/site.js">alert(1)</script>'
        '<form action="https://evil.example/" method="post"></form>', encoding="utf-8")
    assert len(unsafe_markup(out)) == 3


def test_json_ld_blocks_carry_hostile_text_escaped(hostile):
    blocks = [json_ld_data(script) for script in hostile.page("stories/evil-story/").find_all(
        "script", type="application/ld+json")]
    assert blocks and None not in blocks

    def texts(value):
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, list):
            return [t for v in value for t in texts(v)]
        return [value] if isinstance(value, str) else []

    assert f"Customer {ATTACK}" in [text for block in blocks for text in texts(block)]
