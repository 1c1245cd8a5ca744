"""Fuzzed content files: whatever a file holds, the loader and the build end in
a result (exit 0) or content errors at file:line (exit 1), never a traceback,
and a failed build leaves the previous output byte for byte as it was.

Hypothesis runs the "ci" profile by default (a few thousand examples in all,
about a minute); HYPOTHESIS_PROFILE=thorough runs five times as many.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocacy.cli import main
from advocacy.content.load import load_content, load_file
from advocacy.content.records import Invalid
from advocacy.content.schema import KINDS
from advocacy.errors import Problems
from tests.conftest import BASE_CONFIG, CUSTOMER, STORY, SiteFolder

settings.register_profile("ci", max_examples=2_400, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=12_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

KEYS = sorted({name for kind in KINDS.values() for name in kind.fields} | {"titel", "", "1", "-", "a b"})
ODD_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40) | st.sampled_from([
    "\u202egnp", "a\u200bb", "\ufeff", "\x00", "\r", "---", "...", "<script>", "*a", "&a x", "!!python/object:os.system",
    "2025-02-30", "2025-03-14", "2025-03-14T16:00", "25:00", "no", "-85%", "https://youtu.be/aqz-KE-bpKQ",
    "javascript:alert(1)", "/../../etc/passwd", "stories/acme-onboarding", "acme", "5000+", "1" * 400])
SCALARS = ODD_TEXT | st.integers() | st.floats() | st.booleans() | st.none() | st.dates(
    min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(KEYS) | ODD_TEXT, inner, max_size=4), max_leaves=12)


@st.composite
def content_files(draw) -> bytes:
    """A content file: YAML front matter (well-formed or not) and a body, in any of the shapes a file comes in."""
    data = draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=8))
    front = yaml.safe_dump(data, allow_unicode=True) if data else ""
    if draw(st.booleans()):  # break it: cut it, or splice odd text into it
        cut = draw(st.integers(0, len(front)))
        front = front[:cut] + draw(ODD_TEXT) + front[cut:]
    body = draw(st.text(max_size=200) | st.sampled_from(["", "# T\n\n[x](javascript:1)", "---\n", "<!--"]))
    text = draw(st.sampled_from(["---\n{f}---\n{b}", "---\n{f}...\n{b}", "---\n{f}", "{f}---\n{b}", "---\r\n{f}---\r\n{b}"]))
    raw = text.format(f=front, b=body)
    if draw(st.booleans()):
        raw = raw.replace("\n", "\r\n")
    data = raw.encode("utf-8", "surrogatepass")
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + data + draw(st.sampled_from([b"", b"\x00", b"\xff"]))


@settings(PROFILE)
@given(raw=content_files(), kind=st.sampled_from(sorted(KINDS)))
def test_any_file_loads_or_is_an_error_with_a_line(raw, kind):
    problems = Problems()
    record = load_file(raw, f"content/{kind}/fuzz.md", KINDS[kind], problems)
    if isinstance(record, Invalid):
        assert problems.errors, "a file refused without saying why"
    lines = len(re.split(rb"\r\n|\r|\n", raw)) + 1  # a lone CR ends a line too, as in old Mac files
    for problem in problems.items:
        assert 1 <= problem.line <= lines, problem
        assert problem.message and "Traceback" not in problem.message


def test_any_file_builds_or_fails_leaving_the_output_as_it_was(tmp_path):
    """The whole command, in-process: exit 0 or 1, and a failed build changes nothing."""
    folder = SiteFolder(tmp_path / "site")
    folder.write("advocacy.yaml", BASE_CONFIG)
    folder.write("content/customers/acme.md", CUSTOMER)
    folder.write("content/stories/acme-onboarding.md", STORY)
    assert folder.run("build").exit_code == 0
    state = {"before": folder.snapshot()}
    runner = CliRunner()

    @settings(PROFILE, max_examples=max(30, PROFILE.max_examples // 12))
    @given(raw=content_files(), kind=st.sampled_from(sorted(KINDS)))
    def build_once(raw, kind):
        folder.write_bytes(f"content/{kind}/fuzz.md", raw)
        result = runner.invoke(main, ["build", "--accept-removed", "--site", str(folder.root)])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        if result.exit_code == 1:
            assert ":" in result.stderr and folder.snapshot() == state["before"]
        else:
            state["before"] = folder.snapshot()

    build_once()


# ---------------------------------------------------------------- fixed cases

def _story(front: str = "", body: str = "Body.\n") -> bytes:
    """The test story with `front` as its first front-matter lines and `body` as its body."""
    head = STORY.split("---\n")[1]
    return f"---\n{front}{head}---\n{body}".encode()


def _load(raw: bytes, kind: str = "stories") -> tuple[object, Problems]:
    problems = Problems()
    return load_file(raw, f"content/{kind}/x.md", KINDS[kind], problems), problems


BOMB = ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")))


@pytest.mark.parametrize("front, line, message", [
    (BOMB, 2, "unknown key 'a'"),  # 9^9 leaves, never expanded
    ("title: " + "[" * 5000 + "]" * 5000 + "\n", 2, "nesting depth"),
    ("".join(" " * i + f"k{i}:\n" for i in range(2000)), 1001, "nesting depth"),
    ("products: !!python/object/apply:os.system ['echo owned']\n", 2, "invalid YAML"),
])
def test_yaml_bombs_and_deep_nesting_are_errors_in_a_moment(front, line, message):
    started = time.perf_counter()
    record, problems = _load(_story(front))
    assert isinstance(record, Invalid)
    assert any(p.line == line and message in p.message for p in problems.errors), problems.items
    assert time.perf_counter() - started < 2


def test_nul_byte_is_an_error_at_its_line():
    _, problems = _load(_story(body="one\ntwo\x00\n"))
    assert [(p.line, p.message) for p in problems.errors] == [
        (8, "the file contains a NUL byte; save it as plain UTF-8 text")]


def test_bom_and_crlf_build_the_same_page_as_plain_lf(site):
    assert site.run("build").exit_code == 0
    plain = (site.output / "stories/acme-onboarding/index.html").read_bytes()
    for raw in (b"\xef\xbb\xbf" + STORY.encode(), STORY.replace("\n", "\r\n").encode(),
                b"\xef\xbb\xbf" + STORY.replace("\n", "\r\n").encode()):
        site.write_bytes("content/stories/acme-onboarding.md", raw)
        result = site.run("build")
        assert result.exit_code == 0, result.output
        assert (site.output / "stories/acme-onboarding/index.html").read_bytes() == plain


def test_a_file_of_several_megabytes_builds(site):
    paragraph = "The depot moved " + "many parcels " * 60 + "every night.\n\n"
    site.write("content/stories/acme-onboarding.md", STORY + paragraph * (3_000_000 // len(paragraph)))
    started = time.perf_counter()
    result = site.run("build")
    assert result.exit_code == 0, result.output
    assert (site.output / "stories/acme-onboarding/index.html").stat().st_size > 3_000_000
    assert time.perf_counter() - started < 60


def test_a_content_folder_of_50_000_files_loads(site):
    """50,000 tiny files: each is read and checked, in a time a marketer would wait for."""
    folder = site.root / "content/testimonials"
    folder.mkdir()
    for n in range(50_000):
        (folder / f"t{n}.md").write_bytes(b"---\ncustomer: acme\nauthor: A\n---\nGood.\n" if n % 1000 else b"---\n")
    problems = Problems()
    started = time.perf_counter()
    content = load_content(site.root, problems)
    seconds = time.perf_counter() - started
    assert len(content.by_kind["testimonials"]) == 50_000 - 50
    assert len(problems.errors) == 50 and problems.errors[0].path == "content/testimonials/t0.md"
    assert seconds < 60, seconds
