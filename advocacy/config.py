"""advocacy.yaml -> a frozen SiteConfig, checked with the same field types as content."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from advocacy.site_files import CONFIG_FILE  # noqa: F401 - here too, where it is read
from advocacy.content.fields import Bool, Field, FieldError, MapOf, Object, SitePath, Slug, Text, Url, parse_fields
from advocacy.content.frontmatter import FrontMatterError, LineMap, decode, parse_yaml
from advocacy.errors import Problems
from advocacy.urls import WEB_SCHEMES



@dataclass(frozen=True)
class Value:
    title: str
    description: str | None = None


@dataclass(frozen=True)
class References:
    request_url: str | None = None


@dataclass(frozen=True)
class MarkdownOptions:
    unsafe_html: bool = False


@dataclass(frozen=True)
class ShareOptions:
    utm_source: str | None = None
    utm_medium: str | None = None
    image: str | None = None


class Language(Text):
    expects = "a language tag such as en or pt-BR"

    def parse(self, value, line, name):
        value = super().parse(value, line, name)
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            raise FieldError(line, f"'{name}' should be a language tag such as en or pt-BR (got '{value}')")
        return value


CONFIG_FIELDS: dict[str, Field] = {f.name: f for f in [
    Field("title", Text("Customer Stories"), required=True, help="the site's name"),
    Field("base_url", Url(WEB_SCHEMES, "https://customers.example.com/"), required=True,
          help="where the site is published; may carry a subpath such as /peers/"),
    Field("company", Text("Example Co"), help="your company's name"),
    Field("description", Text("Hear it from the teams who run on Example."), help="one sentence for the home page and search engines"),
    Field("language", Language("en"), help="the language of the pages (default en)"),
    Field("theme", Slug("default"), help="a folder of themes/, or the built-in default"),
    Field("values", MapOf(Object(Value, [
        Field("title", Text("Reliability"), required=True, help="the value's name"),
        Field("description", Text("It works every day."), help="one sentence"),
    ]), example={"reliability": {"title": "Reliability"}}), help="key -> title and description"),
    Field("references", Object(References, [  # "talk to a peer"
        Field("request_url", Url(frozenset({"mailto", "https"}), "mailto:references@example.com"),
              help="a mailto: address or an https form where prospects ask to talk to a peer"),
    ])),
    Field("markdown", Object(MarkdownOptions, [
        Field("unsafe_html", Bool(), help="let raw HTML in Markdown through, cleaned of scripts, styles, "
              "frames, forms and event handlers (for trusted authors)"),
    ])),
    Field("share", Object(ShareOptions, [
        Field("utm_source", Text("outreach"), help="tracking parameter of shared links"),
        Field("utm_medium", Text("email"), help="tracking parameter of shared links"),
        Field("image", SitePath("/images/share.png"), help="the picture of link previews of pages that have "
              "none of their own: a PNG or JPEG in static/, 1200×630 pixels is best"),
    ])),
]}


@dataclass(frozen=True)
class SiteConfig:
    title: str
    base_url: str  # always ends with '/'
    company: str | None = None
    description: str | None = None
    language: str = "en"
    theme: str = "default"
    values: dict[str, Value] = field(default_factory=dict)
    references: References = References()
    markdown: MarkdownOptions = MarkdownOptions()
    share: ShareOptions = ShareOptions()
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def base_path(self) -> str:
        """The subpath every internal link starts with: '/' or e.g. '/peers/'."""
        return urlsplit(self.base_url).path

    def absolute(self, site_path: str) -> str:
        """An absolute URL for a site path such as 'stories/acme/'."""
        return self.base_url + site_path.lstrip("/")


def load_config(root: Path, problems: Problems, base_url: str | None = None) -> SiteConfig | None:
    """Read and check `root/advocacy.yaml`; None (with problems) if it is unusable."""
    try:
        data = parse_yaml(decode((root / CONFIG_FILE).read_bytes()))
    except FrontMatterError as exc:
        problems.error(CONFIG_FILE, exc.line, exc.message)
        return None
    except OSError as exc:  # gone since the site was found (a preview running while it is moved), or unreadable
        problems.error(CONFIG_FILE, 1, f"cannot read {CONFIG_FILE}: {exc.strerror or exc}; "
                       "put the site's settings back (git restore advocacy.yaml)")
        return None
    if not isinstance(data, LineMap):
        problems.error(CONFIG_FILE, 1, "advocacy.yaml should be a list of 'key: value' lines, "
                       "with at least 'title:' and 'base_url:'")
        return None
    if base_url is not None:
        data["base_url"] = base_url
    values, errors = parse_fields(data, CONFIG_FIELDS)
    for error in errors:
        problems.error(CONFIG_FILE, error.line, error.message)
    if "base_url" in values:
        parts = urlsplit(values["base_url"])
        if parts.query or parts.fragment:
            problems.error(CONFIG_FILE, data.key_lines.get("base_url", 1),
                           "'base_url' should have no ?query or #fragment")
            return None
        values["base_url"] = values["base_url"].rstrip("/") + "/" if parts.path else values["base_url"] + "/"
    if errors:
        return None
    return SiteConfig(**values, lines={str(k): v for k, v in data.key_lines.items()})
