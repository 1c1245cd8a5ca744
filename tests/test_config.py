"""advocacy.yaml: every problem is reported as `advocacy.yaml:line: message`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from advocacy.cli import main
from tests.conftest import BASE_CONFIG


def problems(result) -> list[str]:
    """The `path:line: message` lines of stderr (the summary line left out)."""
    return [line for line in result.stderr.splitlines() if not line.endswith("nothing was written.")]


def check_fails(site, config: str) -> list[str]:
    site.write("advocacy.yaml", config)
    result = site.run("check")
    assert result.exit_code == 1, result.output
    return problems(result)


def test_base_config_checks_clean(site):
    result = site.run("check")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == "No errors: 1 published item, 1 customer."


def test_missing_title(site):
    config = BASE_CONFIG.replace("title: Peer Stories\n", "")
    assert check_fails(site, config) == ["advocacy.yaml:1: 'title' is required (the site's name)"]


def test_missing_title_points_at_first_key_after_comments(site):
    config = "# our site\n\n" + BASE_CONFIG.replace("title: Peer Stories\n", "")
    assert check_fails(site, config) == ["advocacy.yaml:3: 'title' is required (the site's name)"]


def test_missing_base_url(site):
    config = BASE_CONFIG.replace("base_url: https://example.com/\n", "")
    assert check_fails(site, config) == [
        "advocacy.yaml:1: 'base_url' is required (where the site is published; may carry a subpath such as /peers/)"
    ]


def test_empty_title_value(site):
    config = BASE_CONFIG.replace("title: Peer Stories", "title:")
    assert check_fails(site, config) == ["advocacy.yaml:1: 'title' is required but has no value"]


@pytest.mark.parametrize("url", [
    "/peers/",
    "example.com",
    "ftp://example.com/",
    "mailto:me@example.com",
    "javascript:alert(1)",
    "https://",
])
def test_base_url_must_be_full_http_url(site, url):
    config = BASE_CONFIG.replace("https://example.com/", url)
    assert check_fails(site, config) == [
        f"advocacy.yaml:2: 'base_url' should be a full URL starting with http, https (got '{url}')"
    ]


@pytest.mark.parametrize("url", ["https://example.com/?utm=1", "https://example.com/#top"])
def test_base_url_without_query_or_fragment(site, url):
    config = BASE_CONFIG.replace("https://example.com/", url)
    assert check_fails(site, config) == ["advocacy.yaml:2: 'base_url' should have no ?query or #fragment"]


@pytest.mark.parametrize("url, canonical", [
    ("https://example.com/peers/", "https://example.com/peers/stories/acme-onboarding/"),
    ("https://example.com/peers", "https://example.com/peers/stories/acme-onboarding/"),
    ("https://example.com", "https://example.com/stories/acme-onboarding/"),
    ("http://localhost:8000/", "http://localhost:8000/stories/acme-onboarding/"),
])
def test_base_url_accepted_with_or_without_subpath(site, url, canonical):
    site.write("advocacy.yaml", BASE_CONFIG.replace("https://example.com/", url))
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert site.page("stories/acme-onboarding/").find("link", rel="canonical")["href"] == canonical


@pytest.mark.parametrize("url", ["https://example.com/talk-to-a-peer", "mailto:refs@example.com"])
def test_request_url_https_and_mailto_accepted(site, url):
    site.write("advocacy.yaml", BASE_CONFIG.replace("mailto:refs@example.com", url))
    result = site.run("check")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("url", [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "http://example.com/form",
    "data:text/html,hi",
    "mailto:",
])
def test_request_url_refuses_other_schemes(site, url):
    config = BASE_CONFIG.replace("mailto:refs@example.com", url)
    if ":" in url.split("/")[0] and not url.startswith("http"):
        config = config.replace(url, f"'{url}'")
    assert check_fails(site, config) == [
        f"advocacy.yaml:8: 'references.request_url' should be a full URL starting with https, mailto (got '{url}')"
    ]


@pytest.mark.parametrize("key, suggestion", [
    ("titel", " (did you mean 'title'?)"),
    ("refrences", " (did you mean 'references'?)"),
    ("baseurl", " (did you mean 'base_url'?)"),
    ("colour", ""),
])
def test_unknown_key_with_did_you_mean(site, key, suggestion):
    assert check_fails(site, BASE_CONFIG + f"{key}: x\n") == [
        f"advocacy.yaml:9: unknown key '{key}'{suggestion}"
    ]


def test_unknown_nested_key(site):
    config = BASE_CONFIG + "markdown:\n  unsafe_htm: true\n"
    assert check_fails(site, config) == [
        "advocacy.yaml:10: unknown key 'markdown.unsafe_htm' (did you mean 'unsafe_html'?)"
    ]


@pytest.mark.parametrize("theme", ["Fancy", "my theme", "../default", "-dark"])
def test_theme_name_must_be_a_slug(site, theme):
    assert check_fails(site, BASE_CONFIG + f"theme: '{theme}'\n") == [
        "advocacy.yaml:9: 'theme' must use only lower-case letters, digits and dashes, "
        f"starting with a letter or digit (got '{theme}')"
    ]


def test_theme_that_does_not_exist(site):
    assert check_fails(site, BASE_CONFIG + "theme: nope\n") == [
        "advocacy.yaml:9: theme 'nope' not found: add a folder themes/nope/ or use theme: default"
    ]


def test_theme_default_is_built_in(site):
    site.write("advocacy.yaml", BASE_CONFIG + "theme: default\n")
    assert site.run("check").exit_code == 0


@pytest.mark.parametrize("value, shown", [("yes", "yes"), ("1", "1"), ("'true'", "true"), ("on", "on")])
def test_markdown_unsafe_html_must_be_bool(site, value, shown):
    config = BASE_CONFIG + f"markdown:\n  unsafe_html: {value}\n"
    assert check_fails(site, config) == [
        f"advocacy.yaml:10: 'markdown.unsafe_html' should be true or false (got '{shown}')"
    ]


def test_markdown_must_be_a_mapping(site):
    assert check_fails(site, BASE_CONFIG + "markdown: true\n") == [
        "advocacy.yaml:9: 'markdown' should be indented keys: unsafe_html on indented lines below it (got true/false)"
    ]


def test_markdown_unsafe_html_true_accepted(site):
    site.write("advocacy.yaml", BASE_CONFIG + "markdown:\n  unsafe_html: true\n")
    assert site.run("check").exit_code == 0


def test_language_no_stays_norwegian(site):
    """YAML 1.1 would read `no` as false; here it is the language tag."""
    site.write("advocacy.yaml", BASE_CONFIG + "language: no\n")
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert site.page("").html["lang"] == "no"


def test_language_must_be_a_tag(site):
    assert check_fails(site, BASE_CONFIG + "language: English (UK)\n") == [
        "advocacy.yaml:9: 'language' should be a language tag such as en or pt-BR (got 'English (UK)')"
    ]


def test_value_keys_are_slugs_and_need_a_title(site):
    config = BASE_CONFIG + "values:\n  Trust: {title: Trust}\n  care: {description: We care.}\n"
    config = config.replace(
        "values:\n  reliability: {title: Reliability, description: It works every day.}\n  speed: {title: Speed}\n", "")
    assert check_fails(site, config) == [
        "advocacy.yaml:7: 'values key' must use only lower-case letters, digits and dashes, "
        "starting with a letter or digit (got 'Trust')",
        "advocacy.yaml:8: 'values.care.title' is required (the value's name)",
    ]


def test_missing_config_is_misuse(site):
    (site.root / "advocacy.yaml").unlink()
    for command in ("check", "build"):
        result = site.run(command)
        assert result.exit_code == 2
        assert "no advocacy.yaml in" in result.stderr
        assert str(site.root) in result.stderr
        assert "--site DIR" in result.stderr
    assert not site.output.exists()


def test_site_folder_that_does_not_exist_is_misuse(site):
    result = CliRunner().invoke(main, ["check", "--site", str(site.root / "nowhere")])
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr


def test_yaml_syntax_error_with_its_line(site):
    config = BASE_CONFIG + "description: Teams: hear it\n"
    assert check_fails(site, config) == [
        "advocacy.yaml:9: invalid YAML: mapping values are not allowed in this context "
        "(put quotes around a value that contains ': ' or starts with a special character)"
    ]


def test_yaml_unclosed_flow_list(site):
    assert check_fails(site, "title: [\n") == [
        "advocacy.yaml:2: invalid YAML: while parsing a flow node: did not find expected node content"
    ]


def test_duplicate_key(site):
    assert check_fails(site, BASE_CONFIG + "title: Again\n") == [
        "advocacy.yaml:9: invalid YAML: 'title' is given twice (first at line 1); keep one"
    ]


def test_empty_config(site):
    assert check_fails(site, "") == [
        "advocacy.yaml:1: advocacy.yaml should be a list of 'key: value' lines, with at least 'title:' and 'base_url:'"
    ]


def test_config_as_a_list(site):
    assert check_fails(site, "- title\n- base_url\n") == [
        "advocacy.yaml:1: advocacy.yaml should be a list of 'key: value' lines, with at least 'title:' and 'base_url:'"
    ]


def test_config_not_utf8(site):
    site.write_bytes("advocacy.yaml", b"base_url: https://example.com/\ntitle: Caf\xe9 stories\n")
    result = site.run("check")
    assert result.exit_code == 1
    assert problems(result) == ["advocacy.yaml:2: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"]


def test_config_with_bom_and_crlf(site):
    site.write_bytes("advocacy.yaml", ("\ufeff" + BASE_CONFIG.replace("\n", "\r\n")).encode("utf-8"))
    result = site.run("build")
    assert result.exit_code == 0, result.stderr
    assert site.page("").title.get_text().strip().endswith("Peer Stories")


def test_several_config_errors_at_once(site):
    config = "base_url: ftp://x.com/\ntitel: X\ntheme: Bad Theme\nmarkdown:\n  unsafe_html: yes\n" \
             "references:\n  request_url: 'javascript:alert(1)'\n"
    site.write("advocacy.yaml", config)
    result = site.run("check")
    assert result.exit_code == 1
    assert problems(result) == [
        "advocacy.yaml:1: 'base_url' should be a full URL starting with http, https (got 'ftp://x.com/')",
        "advocacy.yaml:1: 'title' is required (the site's name)",
        "advocacy.yaml:2: unknown key 'titel' (did you mean 'title'?)",
        "advocacy.yaml:3: 'theme' must use only lower-case letters, digits and dashes, "
        "starting with a letter or digit (got 'Bad Theme')",
        "advocacy.yaml:5: 'markdown.unsafe_html' should be true or false (got 'yes')",
        "advocacy.yaml:7: 'references.request_url' should be a full URL starting with https, mailto "
        "(got 'javascript:alert(1)')",
    ]
    assert result.stderr.splitlines()[-1] == "6 errors; nothing was written."


def test_config_errors_and_content_file_errors_in_one_run(site):
    site.write("advocacy.yaml", BASE_CONFIG.replace("title: Peer Stories\n", ""))
    site.write("content/customers/acme.md", "---\nname: Acme\nreference: maybe\n---\n")
    result = site.run("check")
    assert result.exit_code == 1
    assert problems(result) == [
        "advocacy.yaml:1: 'title' is required (the site's name)",
        "content/customers/acme.md:3: 'reference' should be true or false (got 'maybe')",
    ]


def test_base_url_option_overrides_config(site):
    result = site.run("build", "--base-url", "https://peers.example.org/refs")
    assert result.exit_code == 0, result.stderr
    link = site.page("stories/acme-onboarding/").find("link", rel="canonical")["href"]
    assert link == "https://peers.example.org/refs/stories/acme-onboarding/"


def test_bad_base_url_option_is_misuse(site):
    result = site.run("build", "--base-url", "ftp://x")
    assert result.exit_code == 2
    assert "--base-url" in result.stderr
    assert "advocacy.yaml:2" not in result.stderr


def test_a_config_that_cannot_be_read_is_a_problem_not_a_traceback(site):
    from advocacy.config import load_config
    from advocacy.errors import Problems

    (site.root / "advocacy.yaml").unlink()
    problems = Problems()
    assert load_config(site.root, problems) is None
    assert [str(p) for p in problems.errors] == [
        "advocacy.yaml:1: cannot read advocacy.yaml: No such file or directory; put the site's settings back "
        "(git restore advocacy.yaml)"]
