"""Hostile content in every text field and every body: no vector reaches a page.

A catalogue of attack strings (VECTORS) is written into every front-matter
text field of every kind of file, and into bodies as raw HTML, Markdown links,
images, autolinks and reference links. The built site is then read as a
browser would act on it: every page parsed, every element, attribute and URL
looked at (`reached`). A vector "reaches a page" if anything it carries is
found there as markup, a script, a style, a frame or a dangerous URL.

Slugs with Unicode tricks (bidi overrides, zero-width characters, look-alike
letters) are refused, not normalised: a file name or `slug:` must match
^[a-z0-9][a-z0-9-]*$, and the error names the file, the line and a clean name
to use, so that two URLs that look alike can never point at different pages.

The riskiest pages are also opened in headless Chromium: no dialog may open
and the console must stay free of errors (a Content-Security-Policy violation
is one).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from advocacy.content.fields import MAX_TERM, MAX_WORD
from advocacy.url_record import RECORD_FILE
from advocacy.video import PROVIDERS, VideoLink
from tests.conftest import CUSTOMER, SiteFolder
from tests.test_output import html_files, parse, url_values
from tests.test_security import ALLOWED_SCHEMES, q, scheme

# Just under the longest text a field takes, in words as long as are taken (with the '<' or '`' that `body`
# puts before them; a longer word is refused: test_a_word_too_long_to_wrap_is_an_error_at_its_line).
LONG = " ".join(["A" * (MAX_WORD - 1)] * 95)
# A word Chromium takes seconds to wrap (the time grows with the square of its length): it hung the
# testimonials wall, before DOMContentLoaded, even without JavaScript.
UNWRAPPABLE = "A" * 19_000 + "<script>alert(51)</script>"

# Each vector carries alert(N) or msgbox(N), N its number, so that a finding names its vector.
VECTORS: list[str] = [
    "<script>alert(0)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(2)>",
    "<svg><script>alert(3)</script></svg>",
    '"><script>alert(4)</script>',
    "'><img src=x onerror=alert(5)>",
    '" onmouseover="alert(6)" x="',
    "' onfocus='alert(7)' autofocus x='",
    "` onerror=alert(8) `",
    "javascript:alert(9)",
    "JaVaScRiPt:alert(10)",
    " \tjava\nscript:alert(11)",
    "&#106;avascript:alert(12)",
    "java&#x09;script:alert(13)",
    "\x01javascript:alert(14)",
    "java\u200bscript:alert(15)",
    "vbscript:msgbox(16)",
    "VBScript:msgbox(17)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxOCk8L3NjcmlwdD4= alert(18)",
    "data:image/svg+xml,<svg onload=alert(19)>",
    " DATA:text/html,<script>alert(20)</script>",
    '<a href="javascript:alert(21)">x</a>',
    '<iframe src="javascript:alert(22)"></iframe>',
    '<iframe srcdoc="<script>alert(23)</script>"></iframe>',
    '<object data="javascript:alert(24)"></object>',
    '<embed src="data:text/html,<script>alert(25)</script>">',
    '<style>body{background:url("javascript:alert(26)")}</style>',
    '<div style="background:url(javascript:alert(27))">x</div>',
    '<div style="width:expression(alert(28))">x</div>',
    "</script><script>alert(29)</script>",
    "<!--<script>alert(30)</script>-->",
    "</SCRIPT ><script>alert(31)//",
    "<!-- an open comment <script>alert(32)</script>",
    "]]><script>alert(33)</script>",
    '<form action="javascript:alert(34)"><button formaction="javascript:alert(34)">x</button></form>',
    "<video poster=javascript:alert(35)></video>",
    '<img srcset="javascript:alert(36) 1x">',
    '<base href="javascript:alert(37)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(38)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(39)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(40)>">',
    '<svg><a xlink:href="javascript:alert(41)"><text>x</text></a></svg>',
    '<link rel=stylesheet href="//evil.example/alert(42).css">',
    "<details open ontoggle=alert(43)>",
    "\u2028\u2029</script><script>alert(44)</script>",
    "&lt;script&gt;alert(45)&lt;/script&gt;",
    "%3Cscript%3Ealert(46)%3C/script%3E",
    ('<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116'
     '&#0000058alert(47)">x</a>'),
    "<input onfocus=alert(48) autofocus>",
    "{{ 7*7 }}{% raw %}alert(49){% endraw %}",
    "\u202egnp.exe<img src=x onerror=alert(50)>",
    LONG + " <script>alert(51)</script>",
]
MARKER = re.compile(r"(?:alert|msgbox)\((\d+)\)")
SHORT = "<svg onload=alert({n})>"  # metric values hold at most 40 characters


def body(n: int, vector: str) -> str:
    """The vector as raw HTML, as a link, an image, an autolink and a reference link."""
    return (f"{vector}\n\n[v{n} link](<{vector}>) ![v{n} image](<{vector}>) <{vector}>\n\n"
            f"[v{n} ref][r{n}] and `{vector}` in code\n\n[r{n}]: <{vector}>\n")


def write_hostile_site(folder: SiteFolder, unsafe_html: bool) -> SiteFolder:
    """One customer, story, testimonial, video, event and collection per vector, every text field the vector."""
    folder.write("advocacy.yaml", f"""\
title: {q(VECTORS[4])}
base_url: https://example.com/
company: {q(VECTORS[29])}
description: {q(VECTORS[6])}
values:
  trust: {{title: {q(VECTORS[1])}, description: {q(VECTORS[30])}}}
references:
  request_url: mailto:refs@example.com
""" + ("markdown: {unsafe_html: true}\n" if unsafe_html else ""))
    for n, vector in enumerate(VECTORS):
        v, t = q(vector), q(vector[:MAX_TERM])  # t: topics, which become page names, are shorter
        short = q(vector if len(vector) <= 40 else SHORT.format(n=n))
        folder.write(f"content/customers/c{n}.md", f"---\nname: {v}\nindustry: {t}\nregion: {t}\n"
                     f"company_size: \"51-200\"\nreference: true\n---\n{body(n, vector)}")
        folder.write(f"content/stories/s{n}.md", f"""\
---
title: {v}
summary: {v}
customer: c{n}
date: 2025-03-14
industry: {t}
region: {t}
products: [{t}]
use_cases: [{t}]
values: [trust]
quote: {{text: {v}, author: {v}, role: {v}}}
metrics:
  - {{value: {short}, label: {q(vector[:200])}}}
people:
  - {{name: {v}, role: {v}}}
video: https://www.youtube.com/watch?v=aqz-KE-bpKQ
---
{body(n, vector)}""")
        folder.write(f"content/testimonials/t{n}.md", f"---\ncustomer: c{n}\nauthor: {v}\nrole: {v}\n"
                     f"source: {{name: {v}, url: \"https://reviews.example/{n}\"}}\nrating: 5\n---\n"
                     f"{body(n, vector)}")
        folder.write(f"content/videos/v{n}.md", f"---\ntitle: {v}\nsummary: {v}\ncustomer: c{n}\n"
                     f"url: https://vimeo.com/7697987{n}\ndate: 2025-02-01\n---\n{body(n, vector)}")
        folder.write(f"content/events/e{n}.md", f"---\ntitle: {v}\nstart: 2025-05-01T16:00+02:00\n"
                     f"location: {v}\nsummary: {v}\nindustry: {t}\n"
                     f"speakers:\n  - {{customer: c{n}, name: {v}, role: {v}}}\n---\n{body(n, vector)}")
        folder.write(f"content/collections/k{n}.md", f"---\ntitle: {v}\nitems: [stories/s{n}, videos/v{n}, "
                     f"testimonials/t{n}]\n---\n{body(n, vector)}")
    return folder


@pytest.fixture(scope="module", params=["escaped", "unsafe_html"])
def hostile(request, tmp_path_factory) -> SiteFolder:
    folder = write_hostile_site(SiteFolder(tmp_path_factory.mktemp("vectors") / "site"),
                                unsafe_html=request.param == "unsafe_html")
    result = folder.run("build")
    assert result.exit_code == 0, result.output
    return folder


# ---------------------------------------------------------------- what a browser would act on

SCRIPT_DATA = ("application/ld+json", "application/json")
NEVER = ("frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "portal")
# The only frames a page may hold: the players of the four video providers, and the site's own pages.
PLAYER_HOSTS = {urlsplit(VideoLink(provider, "x", "").embed_url).hostname for provider in PROVIDERS}


def reached(output: Path, base_path: str = "/") -> list[str]:
    """Every place in the built pages where something from content could run, load, restyle or navigate."""
    found = []
    for file in html_files(output):
        soup = parse(file)
        page = file.relative_to(output).as_posix()
        found += [f"{page}: {problem}" for problem in _page_problems(soup, base_path)]
    return found


def _page_problems(soup: BeautifulSoup, base_path: str) -> list[str]:
    problems = [f"<{e.name}>: {str(e)[:300]}" for e in soup.find_all(NEVER)]
    problems += [f"frame: {frame}" for frame in soup.find_all("iframe")
                 if frame.get("srcdoc") is not None or not (frame.get("src", "").startswith(base_path)
                                                            or urlsplit(frame.get("src", "")).hostname in PLAYER_HOSTS)]
    problems += [f"base: {base}" for base in soup.find_all("base") if set(base.attrs) != {"target"}]
    for script in soup.find_all("script"):
        if script.get("src"):
            if not script["src"].startswith(f"{base_path}assets/") or script.get_text().strip():
                problems.append(f"foreign script: {str(script)[:300]}")
        elif script.get("type") not in SCRIPT_DATA or json_data(script) is None:
            problems.append(f"inline script: {str(script)[:300]}")
    for link in soup.find_all("link", rel="stylesheet"):
        if not link.get("href", "").startswith(f"{base_path}assets/"):
            problems.append(f"foreign stylesheet: {link}")
    for element in soup.find_all(True):
        problems += [f"{attr}= on <{element.name}>: {str(element)[:300]}" for attr in element.attrs
                     if attr.lower().startswith("on") or attr.lower() in ("style", "srcdoc", "formaction")]
    for element, attr, url in url_values(soup):
        if scheme(url) not in (None, *ALLOWED_SCHEMES):
            problems.append(f"{attr}={url[:200]!r} on <{element.name}>: {str(element)[:300]}")
    for meta in soup.find_all("meta", attrs={"http-equiv": True}):
        if meta["http-equiv"].lower() not in ("content-security-policy", "refresh"):
            problems.append(f"meta: {meta}")
    for form in soup.find_all("form"):
        action = form.get("action")
        if (action is not None and not action.startswith(base_path)) or form.get("method", "get").lower() != "get":
            problems.append(f"form: {str(form)[:300]}")
    return problems


def json_data(script) -> object | None:
    """The data of an inline JSON script that no value could break out of, else None."""
    text = script.string or ""
    if "<" in text or ">" in text:  # a value's '</script' or '<!--' must arrive escaped as \u003c
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def vectors_in(findings: list[str]) -> set[int]:
    return {int(n) for finding in findings for n in MARKER.findall(finding)}


# ---------------------------------------------------------------- the tests

def test_every_page_is_built_and_the_checker_sees_every_kind_of_attack(hostile, tmp_path):
    pages = html_files(hostile.output)
    assert len(pages) > 6 * len(VECTORS)
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("".join(VECTORS[:48]), encoding="utf-8")
    caught = vectors_in(reached(out))
    assert len(caught) >= 30, sorted(set(range(48)) - caught)  # text-only vectors need a page to act on


def test_no_vector_reaches_a_page(hostile):
    findings = reached(hostile.output)
    tried, hit = len(VECTORS), vectors_in(findings)
    print(f"\nvectors tried: {tried} (x every text field of 6 kinds and the body); reached a page: {len(hit)}")
    assert tried >= 40
    assert findings == []


def test_every_page_carries_a_content_security_policy_without_inline_scripts(hostile):
    for file in html_files(hostile.output):
        soup = parse(file)
        if soup.find("meta", attrs={"http-equiv": "refresh"}):
            continue  # a redirect page: no script, no style, gone in an instant
        policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy is not None, file
        directives = dict((d.split() + [""])[:1] + [" ".join(d.split()[1:])] for d in policy["content"].split(";"))
        scripts = directives.get("script-src", directives["default-src"]).split()
        assert set(scripts) <= {"'self'", "'wasm-unsafe-eval'"}, (file, scripts)
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'", file


def test_json_data_holds_exactly_the_text_that_was_written(hostile):
    """JSON-LD and inline JSON carry the hostile text as data, unchanged: escaped, not altered or cut open."""
    for n, vector in enumerate(VECTORS):
        title = " ".join(vector.split())  # one-line fields: whitespace collapsed, as on the page
        soup = hostile.page(f"stories/s{n}/")
        blocks = [json_data(s) for s in soup.find_all("script", type=SCRIPT_DATA)]
        assert blocks and None not in blocks, n
        article = next(b for b in blocks if isinstance(b, dict) and b.get("@type") == "Article")
        headline = article["headline"]
        assert headline == title or (headline.endswith("…") and title.startswith(headline[:-1].rstrip())), n
        assert soup.h1.get_text() == title, n


def test_template_syntax_in_content_stays_text(hostile):
    soup = hostile.page("stories/s49/")
    assert soup.h1.get_text() == VECTORS[49]
    assert "49" not in soup.h1.get_text().replace("alert(49)", "")


# ---------------------------------------------------------------- values refused at the door

URL_FIELDS = [  # (file, its text without the field, the field and how the vector is written in it)
    ("customers/acme.md", CUSTOMER, "website: {}"),
    ("stories/acme-onboarding.md", None, "video: {}"),
    ("testimonials/t.md", "---\ncustomer: acme\nauthor: A\n---\nx\n", "source: {{name: G2, url: {}}}"),
    ("events/e.md", "---\ntitle: E\nstart: 2025-05-01\nonline: true\n---\nx\n", "register: {}"),
    ("events/e.md", "---\ntitle: E\nstart: 2025-05-01\nonline: true\n---\nx\n", "recording: {}"),
]
PATH_FIELDS = [("customers/acme.md", CUSTOMER, "logo: {}"), ("stories/acme-onboarding.md", None, "image: {}"),
               ("stories/acme-onboarding.md", None, "aliases: [{}]")]
URL_VECTORS = [VECTORS[n] for n in (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)] + [
    "//evil.example/x", "https://evil.example/\u202e", "https://evil.example/\u2066x", "/../../etc/passwd"]


def _with_field(site: SiteFolder, rel: str, text: str, field: str, vector: str):
    site.write(f"content/{rel}", text.replace("---\n", "---\n" + field.format(q(vector)) + "\n", 1))
    return site.run("build")


@pytest.mark.parametrize("rel, text, field", URL_FIELDS)
def test_dangerous_urls_in_url_fields_are_errors_at_their_line(site, rel, text, field):
    text = text or (site.root / f"content/{rel}").read_text(encoding="utf-8")
    for vector in URL_VECTORS:
        result = _with_field(site, rel, text, field, vector)
        assert result.exit_code == 1, (field, vector, result.output)
        assert f"content/{rel}:2:" in result.stderr, (field, vector, result.stderr)
        assert not site.output.exists()


@pytest.mark.parametrize("rel, text, field", PATH_FIELDS)
def test_dangerous_urls_in_site_path_fields_stay_site_paths(site, rel, text, field):
    """A file path or an old URL of this site: refused, or kept a path inside the site, never a link elsewhere."""
    text = text or (site.root / f"content/{rel}").read_text(encoding="utf-8")
    for vector in URL_VECTORS[::3]:  # a successful build takes a while: every third is enough for paths
        (site.root / RECORD_FILE).unlink(missing_ok=True)  # the alias of the last round is not a dropped URL
        result = _with_field(site, rel, text, field, vector)
        if result.exit_code == 0:
            assert reached(site.output) == [], (field, vector)
        else:
            assert result.exit_code == 1 and f"content/{rel}:2:" in result.stderr, (field, vector, result.output)


TRICKY_SLUGS = ["acme\u202egnp", "ac\u200bme", "acme\u200d", "\ufeffacme", "аcme",  # Cyrillic а
                "acme\u2060x", "ACME", "acme_x", "acme..x", "-acme"]


@pytest.mark.parametrize("name", TRICKY_SLUGS)
def test_file_names_with_unicode_tricks_are_refused_with_a_clean_name(site, name):
    site.write(f"content/stories/{name}.md", "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\nx\n")
    result = site.run("build")
    assert result.exit_code == 1, result.output
    line = next(line for line in result.stderr.splitlines() if "cannot be used in a URL" in line)
    assert line.startswith(f"content/stories/{name}.md:1:")
    suggested = re.search(r"rename it to '([^']+)\.md'", line).group(1)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", suggested), line


@pytest.mark.parametrize("field", ["slug", "customer", "values"])
@pytest.mark.parametrize("name", TRICKY_SLUGS[:6])
def test_slug_values_with_unicode_tricks_are_refused(site, field, name):
    value = f"[{q(name)}]" if field == "values" else q(name)
    front = "---\ntitle: T\nsummary: S\ncustomer: acme\ndate: 2025-03-14\n---\nx\n"
    line = f"{field}: {value}\n"
    site.write("content/stories/x.md", front.replace("customer: acme\n", line) if field == "customer"
               else front.replace("---\nx", f"{line}---\nx"))
    result = site.run("build")
    assert result.exit_code == 1, result.output
    assert "content/stories/x.md:" in result.stderr


@pytest.mark.parametrize("line, message", [
    (f"summary: {'S' * 20_001}", "'summary' is 20001 characters long"),
    (f"industry: {'I' * 201}", "'industry' is 201 characters long; keep it under 200"),
    (f"products: [{'+' * 60}]", "'products[1]' makes a web address of 299 characters; shorten it to under 200"),
])
def test_a_value_too_long_is_an_error_at_its_line(site, line, message):
    """Topics become folder names: a long one used to stop the build with 'File name too long'."""
    summary = "" if line.startswith("summary") else "summary: S\n"
    site.write("content/stories/x.md", f"---\ntitle: T\n{line}\n{summary}customer: acme\ndate: 2025-03-14\n---\nx\n")
    result = site.run("build")
    assert result.exit_code == 1
    assert f"content/stories/x.md:3: {message}" in result.stderr, result.stderr


# ---------------------------------------------------------------- in a real browser

RISKY = ["", "stories/", "testimonials/", "customers/", "events/", "industries/", "collections/k0/",
         "search/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"] + [
    f"{kind}/{prefix}{n}/" for n in (0, 4, 6, 29, 30, 39, 40, 44)
    for kind, prefix in (("stories", "s"), ("videos", "v"), ("customers", "c"), ("events", "e"))]


# A body's ![image](path) of a file that is not there: the page asks this site for it, and gets a 404.
MISSING_IMAGE = "Failed to load resource: the server responded with a status of 404"


def test_the_riskiest_pages_open_no_dialog_and_log_no_error(hostile, browser, served):
    base = served(hostile.output)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: message.type == "error" and not message.text.startswith(MISSING_IMAGE)
            and errors.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.route(re.compile(r"^(?!http://127\.0\.0\.1)"), lambda route: route.abort())  # nothing leaves the machine
    for path in RISKY:
        page.goto(base + path, wait_until="domcontentloaded", timeout=90_000)
        page.mouse.move(200, 300)  # hover and focus handlers, had any survived
        page.keyboard.press("Tab")
        if page.locator(".video-facade").count():
            page.locator(".video-facade").first.click()
    page.wait_for_timeout(300)
    context.close()
    assert dialogs == []
    assert errors == []


TESTIMONIAL = "---\ncustomer: acme\nauthor: {author}\n---\n{body}\n"


@pytest.mark.parametrize("where, line", [("author", 3), ("body", 5), ("link text", 5)])
def test_a_word_too_long_to_wrap_is_an_error_at_its_line(site, where, line):
    """A browser wraps a word wider than its line in a time that grows with the square of its length."""
    author = q(UNWRAPPABLE) if where == "author" else "A"
    body = {"author": "x", "body": UNWRAPPABLE, "link text": f"[{UNWRAPPABLE}](https://example.com/)"}[where]
    site.write("content/testimonials/t.md", TESTIMONIAL.format(author=author, body=body))
    result = site.run("build")
    assert result.exit_code == 1, result.output
    message = next(m for m in result.stderr.splitlines() if m.startswith(f"content/testimonials/t.md:{line}: "))
    assert f"{'the body' if line == 5 else repr(where)} has a word of 190" in message, result.stderr
    assert f"put spaces in it, at most {MAX_WORD} characters apart" in message


def test_words_that_are_not_shown_as_text_may_be_long(site):
    """A link's address, a reference's, a CJK sentence (a line breaks between its characters) and hyphenated runs."""
    url = "https://example.com/" + "a" * 400
    site.write("content/testimonials/t.md", TESTIMONIAL.format(
        author="A", body=f"[x]({url}) ![y](</{'b' * 400}.png>) [z][r]\n\n{'漢' * 400} {'A-' * 400}\n\n[r]: {url}"))
    result = site.run("build")
    assert result.exit_code == 0, result.output


def test_the_longest_words_a_testimonial_takes_load_in_seconds(site, browser, served):
    """The hostile quote that hung the testimonials wall, at the longest word that is taken: kerned letters
    ("AV", a pair kerned in DejaVu, Liberation and the usual fonts) in every shown field and the body, 3 times."""
    words = " ".join(["AV" * (MAX_WORD // 2 - 1)] * 90)  # room for the <, [ or ` around them
    for n in range(3):
        site.write(f"content/testimonials/t{n}.md", f"---\ncustomer: acme\nauthor: {words}\nrole: {words}\n"
                   f"source: {{name: {words}, url: \"https://reviews.example/{n}\"}}\n---\n{words}\n\n"
                   f"<{words}> `{words}` [{words}](https://example.com/)\n")
    assert site.run("build").exit_code == 0
    base = served(site.output)
    for javascript in (False, True):
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.goto(base + "testimonials/", wait_until="load", timeout=15_000)
        assert page.locator("article.testimonial").count() == 3
        context.close()


def test_the_policy_is_enforced_by_the_browser(site, browser, served):
    """The meta tag is in force: a script slipped into the page is refused and reported, not run."""
    assert site.run("build").exit_code == 0
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(served(site.output) + "stories/acme-onboarding/", wait_until="load")
    ran = page.evaluate("""() => { window.ran = false; const s = document.createElement('script');
        s.textContent = 'window.ran = true'; document.body.append(s); return window.ran; }""")
    page.close()
    assert ran is False
    assert any("Content Security Policy" in error for error in errors), errors
