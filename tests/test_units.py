"""Small units: slugs, the URL allow-list, video links, did-you-mean, front matter."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from advocacy.content.fields import Date, Duration, FieldError, Rating, SitePath, Url, VideoUrl
from advocacy.content.frontmatter import FrontMatterError, parse_yaml, split
from advocacy.errors import Problem, Problems, did_you_mean
from advocacy.slugs import slugify
from advocacy.urls import LINK_SCHEMES, WEB_SCHEMES, is_absolute, is_allowed_link, scheme_of
from advocacy.video import parse_video_url
from tests.conftest import BASE_CONFIG

# -- slugify -------------------------------------------------------------------


@pytest.mark.parametrize("name, slug", [
    ("Food & Beverage", "food-beverage"),
    ("Café", "cafe"),
    ("Logistics", "logistics"),
    ("  Health   care ", "health-care"),
    ("Straße", "strasse"),
    ("Ærø Øst", "aero-ost"),
    ("Łódź", "lodz"),
    ("São Paulo", "sao-paulo"),
    ("C++", "c-plus-plus"),
    ("5000+", "5000-plus"),
    ("1-50", "1-50"),
    ("AI/ML", "ai-ml"),
    ("--Dashes--", "dashes"),
    ("ＡＢＣ", "abc"),  # full-width letters fold to ASCII
    ("日本", ""),
    ("", ""),
])
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slugify_output_is_always_a_valid_slug_or_empty():
    from advocacy.content.fields import SLUG_RULE
    for name in ["Ünïcödé Ïndustry", "R&D", "-x-", "é", "100% Remote", "über_cool", "a\tb\nc"]:
        slug = slugify(name)
        assert slug == "" or SLUG_RULE.match(slug), (name, slug)


# -- URL allow-list ------------------------------------------------------------


@pytest.mark.parametrize("url, scheme", [
    ("https://example.com/", "https"),
    ("HTTP://EXAMPLE.COM/", "http"),
    ("mailto:a@example.com", "mailto"),
    ("javascript:alert(1)", "javascript"),
    ("JaVaScRiPt:alert(1)", "javascript"),
    (" javascript:alert(1)", "javascript"),
    ("java\tscript:alert(1)", "javascript"),
    ("java\nscript:alert(1)", "javascript"),
    ("\x01javascript:alert(1)", "javascript"),
    ("java\u200bscript:alert(1)", "javascript"),
    ("&#106;avascript:alert(1)", "javascript"),
    ("javascript&colon;alert(1)", "javascript"),
    ("data:text/html,hi", "data"),
    ("vbscript:msgbox", "vbscript"),
    ("/stories/acme/", None),
    ("stories/acme/", None),
    ("#top", None),
    ("?q=1", None),
    ("./a:b", None),
])
def test_scheme_of(url, scheme):
    assert scheme_of(url) == scheme


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "&#x6A;avascript:x", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    "file:///etc/passwd", "ftp://example.com/",
])
def test_is_allowed_link_refuses(url):
    assert not is_allowed_link(url)


@pytest.mark.parametrize("url", [
    "https://example.com/", "http://example.com/a?b=c#d", "mailto:a@example.com",
    "/stories/acme/", "../up/", "#anchor", "relative/page.html",
])
def test_is_allowed_link_accepts(url):
    assert is_allowed_link(url)


def test_is_allowed_link_with_narrower_schemes():
    assert not is_allowed_link("mailto:a@example.com", WEB_SCHEMES)
    assert is_allowed_link("https://example.com/", WEB_SCHEMES)


@pytest.mark.parametrize("url, schemes, ok", [
    ("https://example.com", LINK_SCHEMES, True),
    ("http://example.com/path", LINK_SCHEMES, True),
    ("mailto:refs@example.com", LINK_SCHEMES, True),
    ("mailto:", LINK_SCHEMES, False),
    ("mailto:refs@example.com", WEB_SCHEMES, False),
    ("https://", LINK_SCHEMES, False),
    ("https:///path", LINK_SCHEMES, False),
    ("https:example.com", LINK_SCHEMES, False),
    ("//example.com/", LINK_SCHEMES, False),
    ("/relative/", LINK_SCHEMES, False),
    ("example.com", LINK_SCHEMES, False),
    (" https://example.com/", LINK_SCHEMES, False),
    ("https://example.com/ ", LINK_SCHEMES, False),
    ("https://exa\tmple.com/", LINK_SCHEMES, False),
    ("javascript://example.com/%0aalert(1)", LINK_SCHEMES, False),
    ("data:text/html,x", LINK_SCHEMES, False),
])
def test_is_absolute(url, schemes, ok):
    assert is_absolute(url, schemes) is ok


# -- video links ---------------------------------------------------------------

LOOM_ID = "0281766fa2d04bb788eaf19e65135184"


@pytest.mark.parametrize("url, provider, video_id, page", [
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://youtube.com/watch?v=aqz-KE-bpKQ&t=42s", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://m.youtube.com/watch?feature=share&v=aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://youtu.be/aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ", "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://youtu.be/aqz-KE-bpKQ?si=abc", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://www.youtube.com/embed/aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://www.youtube.com/shorts/aqz-KE-bpKQ", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("  https://youtu.be/aqz-KE-bpKQ  ", "YouTube", "aqz-KE-bpKQ",
     "https://www.youtube.com/watch?v=aqz-KE-bpKQ"),
    ("https://vimeo.com/76979871", "Vimeo", "76979871", "https://vimeo.com/76979871"),
    ("https://vimeo.com/76979871/3a5b9c1d2e", "Vimeo", "76979871", "https://vimeo.com/76979871"),
    ("https://player.vimeo.com/video/76979871", "Vimeo", "76979871", "https://vimeo.com/76979871"),
    ("https://acme.wistia.com/medias/abcde12345", "Wistia", "abcde12345",
     "https://acme.wistia.com/medias/abcde12345"),
    ("https://fast.wistia.net/embed/iframe/abcde12345", "Wistia", "abcde12345",
     "https://fast.wistia.net/embed/iframe/abcde12345"),
    (f"https://www.loom.com/share/{LOOM_ID}", "Loom", LOOM_ID, f"https://www.loom.com/share/{LOOM_ID}"),
    (f"https://loom.com/embed/{LOOM_ID}?sid=1", "Loom", LOOM_ID, f"https://www.loom.com/share/{LOOM_ID}"),
])
def test_parse_video_url_accepts(url, provider, video_id, page):
    link = parse_video_url(url)
    assert link is not None
    assert (link.provider, link.video_id, link.url) == (provider, video_id, page)


@pytest.mark.parametrize("url, embed", [
    ("https://youtu.be/aqz-KE-bpKQ", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"),
    ("https://www.youtube.com/watch?v=aqz-KE-bpKQ", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?autoplay=1&dnt=1"),
    ("https://acme.wistia.com/medias/abcde12345", "https://fast.wistia.net/embed/iframe/abcde12345?autoPlay=true"),
    (f"https://www.loom.com/share/{LOOM_ID}", f"https://www.loom.com/embed/{LOOM_ID}?autoplay=1"),
])
def test_embed_urls_are_privacy_friendly_players(url, embed):
    assert parse_video_url(url).embed_url == embed


@pytest.mark.parametrize("url", [
    "https://evil.example.com/watch?v=aqz-KE-bpKQ",
    "https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ",
    "https://evil.example/youtube.com/watch?v=aqz-KE-bpKQ",
    "https://notyoutube.com/watch?v=aqz-KE-bpKQ",
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ<script>",
    "https://www.youtube.com/channel/UCabcdefghijk",
    "https://youtu.be/",
    "javascript:alert('youtube.com')",
    "javascript://youtu.be/aqz-KE-bpKQ",
    "ftp://youtu.be/aqz-KE-bpKQ",
    "youtu.be/aqz-KE-bpKQ",
    "https://vimeo.com/about",
    "https://wistia.com.evil.example/medias/abcde12345",
    "https://evilwistia.com/medias/abcde12345",
    "https://acme.wistia.com/medias/short",
    "https://www.loom.com/share/not-an-id",
    "https://www.dailymotion.com/video/x7tgad0",
    "https://[::1/",
    "",
])
def test_parse_video_url_refuses(url):
    assert parse_video_url(url) is None


# -- did you mean --------------------------------------------------------------


@pytest.mark.parametrize("word, choices, hint", [
    ("titel", ["title", "summary", "date"], " (did you mean 'title'?)"),
    ("acmee", ["acme", "globex"], " (did you mean 'acme'?)"),
    ("reliabilty", {"reliability": 1, "speed": 2}, " (did you mean 'reliability'?)"),
    ("colour", ["title", "summary"], ""),
    ("x", [], ""),
])
def test_did_you_mean(word, choices, hint):
    assert did_you_mean(word, choices) == hint


# -- problems ------------------------------------------------------------------


def test_problem_format_and_sorting():
    problems = Problems()
    problems.error("content/stories/b.md", 3, "late")
    problems.warning("content/stories/a.md", 1, "careful")
    problems.error("content/stories/a.md", 0, "line zero becomes one")
    problems.error("advocacy.yaml", 2, "config")
    assert [str(p) for p in problems.errors] == [
        "advocacy.yaml:2: config",
        "content/stories/a.md:1: line zero becomes one",
        "content/stories/b.md:3: late",
    ]
    assert [str(p) for p in problems.warnings] == ["content/stories/a.md:1: warning: careful"]
    assert str(Problem("x.md", 4, "m")) == "x.md:4: m"


def test_the_same_mistake_on_many_pages_is_one_problem_naming_them():
    problems = Problems()
    for page in ("/stories/c/", "/stories/a/", "/stories/b/"):
        problems.error("themes/default/templates/story.html", 9, "template error: 'x' is undefined", page=page)
    problems.error("themes/default/templates/story.html", 10, "template error: 'x' is undefined", page="/stories/a/")
    problems.warning("themes/default/templates/story.html", 9, "template error: 'x' is undefined")
    other = Problems()
    other.error("themes/default/templates/story.html", 9, "template error: 'x' is undefined", page="/stories/d/")
    problems.extend(other)
    assert [str(p) for p in problems.errors] == [
        "themes/default/templates/story.html:9: template error: 'x' is undefined "
        "(while making /stories/a/ and 3 other pages)",
        "themes/default/templates/story.html:10: template error: 'x' is undefined (while making /stories/a/)",
    ]
    assert sorted(problems.errors[0].pages) == ["/stories/a/", "/stories/b/", "/stories/c/", "/stories/d/"]
    assert len(problems.warnings) == 1  # a warning of the same words is not the error
    two = Problem("t.html", 1, "m", pages=("/a/", "/b/"))
    assert str(two) == "t.html:1: m (while making /a/ and 1 other page)"


# -- field types ---------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("2025-03-14", dt.date(2025, 3, 14)),
    (" 2024-02-29 ", dt.date(2024, 2, 29)),
])
def test_date_accepts_iso(value, expected):
    assert Date().parse(value, 5, "date") == expected


@pytest.mark.parametrize("value, shown", [
    ("2025-3-4", "'2025-3-4'"),
    ("14/03/2025", "'14/03/2025'"),
    ("2025-02-30", "'2025-02-30'"),
    ("2023-02-29", "'2023-02-29'"),
    ("2025-03-14T10:00", "'2025-03-14T10:00'"),
    ("March 14, 2025", "'March 14, 2025'"),
    (20250314, "'20250314'"),
    (True, "true/false"),
    ([2025], "a list"),
])
def test_date_refuses(value, shown):
    with pytest.raises(FieldError) as info:
        Date().parse(value, 5, "date")
    assert info.value.line == 5
    assert info.value.message == f"'date' should be a date written YYYY-MM-DD, e.g. 2025-03-14 (got {shown})"


@pytest.mark.parametrize("value", [0, 6, -1, "five", "5", 4.5, True])
def test_rating_refuses(value):
    with pytest.raises(FieldError) as info:
        Rating().parse(value, 3, "rating")
    assert info.value.message == f"'rating' should be a whole number from 1 to 5 (got '{value}')"


@pytest.mark.parametrize("value", [1, 5])
def test_rating_accepts(value):
    assert Rating().parse(value, 3, "rating") == value


@pytest.mark.parametrize("value", ["04:30", "1:30", "1:02:30", "120:00"])
def test_duration_accepts(value):
    assert Duration().parse(value, 1, "duration") == value


@pytest.mark.parametrize("value", ["90", "4:60", "four minutes", "1:2:3"])
def test_duration_refuses(value):
    with pytest.raises(FieldError, match="should be a duration like 04:30 or 1:02:30"):
        Duration().parse(value, 1, "duration")


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,x",
    "vbscript:msgbox(1)", "www.example.com", 42,
])
def test_url_field_refuses(value):
    with pytest.raises(FieldError) as info:
        Url().parse(value, 7, "website")
    assert info.value.message == f"'website' should be a full URL starting with http, https, mailto (got '{value}')"


def test_url_field_strips_surrounding_space_of_a_good_url():
    # YAML itself drops the spaces of plain scalars; only quoted ones keep them.
    assert Url().parse("https://example.com/", 1, "website") == "https://example.com/"


@pytest.mark.parametrize("value", ["https://vimeo.com/123", 123, None, "https://example.com/video.mp4"])
def test_video_url_field(value):
    if value == "https://vimeo.com/123":
        assert VideoUrl().parse(value, 1, "video") == value
        return
    with pytest.raises(FieldError) as info:
        VideoUrl().parse(value, 1, "video")
    assert info.value.message == f"'video' should be a video page on YouTube, Vimeo, Wistia or Loom (got '{value}')"


@pytest.mark.parametrize("value, path", [
    ("/logos/acme.svg", "/logos/acme.svg"),
    ("logos/acme.svg", "/logos/acme.svg"),
])
def test_site_path_accepts(value, path):
    assert SitePath().parse(value, 1, "logo") == path


@pytest.mark.parametrize("value", [
    "../secret.png", "/logos/../../etc/passwd", "https://cdn.example.com/a.png", "//cdn.example.com/a.png",
    "/logos//acme.svg", "/logos/acme.svg?v=1", "C:\\logos\\acme.svg",
])
def test_site_path_refuses(value):
    with pytest.raises(FieldError, match=r"'logo' should be a path inside the site such as"):
        SitePath().parse(value, 1, "logo")


# -- front matter and YAML -----------------------------------------------------


def test_yaml_1_1_traps_are_removed():
    data = parse_yaml("country: no\nok: yes\noff: off\ntime: 1:30\nwhen: 2025-03-14\n"
                      "octal: 010\nhex: 0x1F\nflag: true\ncount: 12\nnothing: ~\n")
    assert data == {"country": "no", "ok": "yes", "off": "off", "time": "1:30", "when": "2025-03-14",
                    "octal": "010", "hex": "0x1F", "flag": True, "count": 12, "nothing": None}


def test_yaml_lines_are_file_lines():
    data = parse_yaml("a: 1\nlist:\n  - x\n  - y\nmap:\n  k: v\n", line_offset=1)
    assert data.key_lines == {"a": 2, "list": 3, "map": 6}
    assert data["list"].item_lines == [4, 5]
    assert data["map"].key_lines == {"k": 7}


def test_yaml_refuses_python_tags():
    with pytest.raises(FrontMatterError) as info:
        parse_yaml("a: !!python/object/apply:os.system ['true']\n", line_offset=1)
    assert info.value.line == 2
    assert info.value.message.startswith("invalid YAML:")


def test_split_body_and_lines():
    document = split(b"---\ntitle: T\n---\n\nBody text\n")
    assert document.data == {"title": "T"}
    assert document.body == "\nBody text\n"
    assert document.body_line == 4


def test_split_accepts_bom_crlf_and_dots_fence():
    document = split("\ufeff---\r\ntitle: T\r\n...\r\nBody\r\n".encode())
    assert document.data == {"title": "T"}
    assert document.body == "Body\n"


def test_split_empty_front_matter():
    document = split(b"---\n---\nbody\n")
    assert document.data == {}
    assert document.data.line == 2


@pytest.mark.parametrize("raw, line, message", [
    (b"", 1, "the file is empty; start it with front matter between two '---' lines"),
    (b"  \n\n", 1, "the file is empty; start it with front matter between two '---' lines"),
    (b"title: x\n", 1, "the file must start with a line of three dashes '---' that opens its front matter"),
    (b"\n---\ntitle: x\n---\n", 1,
     "the file must start with a line of three dashes '---' that opens its front matter"),
    (b"---\ntitle: x\n", 1,
     "the front matter opened at line 1 is never closed; add a line '---' after its last key"),
    (b"---\ntitle: x\n---\nok\n\xff\n", 5, "the file is not UTF-8 text (byte 0xff); save it as UTF-8"),
    (b"---\ntitle: x\n---\nok\nbad\x00\n", 5, "the file contains a NUL byte; save it as plain UTF-8 text"),
    (b"---\n- a\n- b\n---\n", 2, "the front matter must be a list of 'key: value' lines"),
    (b"---\njust text\n---\n", 2, "the front matter must be a list of 'key: value' lines"),
    (b"---\na: 1\nb: 2\na: 3\n---\n", 4, "invalid YAML: 'a' is given twice (first at line 2); keep one"),
    # a quote left open, closed by a later value's quote mark: told at the line where it opens
    (b'---\ntitle: "How we cut costs\nsummary: short\nmetrics:\n  - {value: "-85%", label: x}\n---\n', 2,
     "invalid YAML: a quoted value starts on this line and its quote is not closed on it (a quote mark on "
     "line 5 ends it instead); end it with the same quote mark"),
    (b"---\ntitle: 'Ours\nsummary: it's fine\n---\n", 2,
     "invalid YAML: a quoted value starts on this line and its quote is not closed on it (a quote mark on "
     "line 3 ends it instead); end it with the same quote mark"),
    # a quote mark inside a value quoted with the same mark, or text after a quoted value
    (b'---\ntitle: "We "love" it"\n---\n', 2,
     "invalid YAML: text follows the closing quote mark of a value on this line; put the whole value between "
     "quote marks, and use the other kind of quote mark inside it"),
    (b"---\nproducts: ['Dispatch' Pro]\n---\n", 2,
     "invalid YAML: text follows the closing quote mark of a value on this line; put the whole value between "
     "quote marks, and use the other kind of quote mark inside it"),
    # a quoted value, then a mistake of its own on the next line
    (b'---\ntitle: "A"\n- b\n---\n', 3, "invalid YAML: while parsing a block mapping: did not find expected key"),
    # a quoted value meant to run over two lines, then a mistake of its own on a later line
    (b'---\ntitle: "A long title\n  that wraps"\nsummary: a: b\n---\n', 4,
     "invalid YAML: mapping values are not allowed in this context (put quotes around a value that "
     "contains ': ' or starts with a special character)"),
])
def test_split_refuses(raw, line, message):
    with pytest.raises(FrontMatterError) as info:
        split(raw)
    assert (info.value.line, info.value.message) == (line, message)


def test_vimeo_channel_page_is_a_vimeo_video():
    link = parse_video_url("https://vimeo.com/channels/staffpicks/76979871")
    assert link is not None and (link.provider, link.video_id) == ("Vimeo", "76979871")
    link = parse_video_url("https://vimeo.com/groups/motion/videos/76979871")
    assert link is not None and (link.provider, link.video_id) == ("Vimeo", "76979871")


# --- the talk-to-a-peer link keeps what request_url already holds -----------------------------

def _peer_link(site, request_url: str) -> str:
    site.write("advocacy.yaml", BASE_CONFIG.replace("mailto:refs@example.com", request_url))
    assert site.run("build").exit_code == 0
    return site.page("stories/acme-onboarding/").select_one(".cta a.button")["href"]


def test_a_mailto_request_url_with_a_subject_gets_one_subject_not_two(site):
    link = urlsplit(_peer_link(site, "mailto:refs@example.com?subject=Hello&cc=lead@example.com"))
    params = parse_qs(link.query)
    assert link.path == "refs@example.com"
    assert params["subject"] == ['Talk to Acme Logistics about "How Acme cut onboarding"']
    assert params["cc"] == ["lead@example.com"]


def test_a_form_request_url_keeps_its_fragment_at_the_end(site):
    link = urlsplit(_peer_link(site, "https://forms.example.com/peers?src=site#form"))
    assert link.fragment == "form"
    assert parse_qs(link.query) == {"src": ["site"], "customer": ["acme"], "story": ["acme-onboarding"]}


def test_a_record_with_other_values_is_a_new_record_and_the_old_one_stays(site):
    import dataclasses

    from advocacy.content.records import Story, with_values
    from advocacy.pipeline import load_site

    loaded, _ = load_site(site.root)
    story = loaded.stories[0]
    copy = with_values(story, region="Asia Pacific", industry=None)
    assert type(copy) is Story and copy is not story
    assert (copy.region, copy.industry) == ("Asia Pacific", None)
    assert story.region != "Asia Pacific" and story.industry == "Logistics"  # taken from its customer
    same = [f.name for f in dataclasses.fields(Story) if f.name not in ("region", "industry")]
    assert all(getattr(copy, name) is getattr(story, name) for name in same)
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.title = "changed"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_file_s_front_key_follows_its_front_matter_and_not_its_body(newline):
    from advocacy.content.load import front_key

    def key(text: str) -> str:
        raw = text.replace("\n", newline).encode("utf-8")
        return front_key("stories", "content/stories/a.md", raw, "whole-file-key", split(raw).body)

    story = "---\ntitle: A\nsummary: S\n---\nThe body.\n"
    assert key(story) == key(story.replace("The body.", "Another body, longer."))
    assert key(story) == key(story.replace("The body.\n", ""))  # no body at all
    assert key(story) != key(story.replace("title: A", "title: B"))
    assert key(story) != key(story.replace("summary: S", "summary: S\n# a comment"))  # its lines move
    assert front_key("stories", "content/stories/a.md", b"", "whole-file-key", "") == "whole-file-key"


def test_the_preview_overlay_names_the_pages_of_a_template_mistake():
    from bs4 import BeautifulSoup

    from advocacy.preview_page import overlay

    problem = Problem("themes/default/templates/story.html", 9, "template error: 'x' is undefined",
                      pages=("/stories/b/", "/stories/a/"))
    shown = BeautifulSoup(overlay([problem]), "html.parser").find("li").get_text()
    assert shown == ("themes/default/templates/story.html:9: template error: 'x' is undefined "
                     "(while making /stories/a/ and 1 other page)")
