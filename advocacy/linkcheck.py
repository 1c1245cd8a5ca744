"""Links of rendered pages -> the ones that lead to no page, file or anchor.

Works on the output files in memory (render_site), parsed with html.parser,
so that what is checked is exactly what a visitor would click. Links written
in a Markdown body are reported at their line in the content file; the rest
come from templates and are reported at the template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from advocacy.config import SiteConfig
from advocacy.errors import Problems, did_you_mean
from advocacy.paths import NOT_PUBLISHED, unpublished
from advocacy.urls import scheme_of

# (tag, attribute) pairs whose value is a URL that the page loads or links to.
URL_ATTRIBUTES = {("a", "href"), ("img", "src"), ("link", "href"), ("script", "src"),
                  ("source", "src"), ("video", "poster"), ("iframe", "src"), ("area", "href")}


@dataclass(frozen=True)
class Link:
    url: str  # as written in the HTML
    tag: str


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in URL_ATTRIBUTES:
                self.links.append(Link(value.strip(), tag))


def parse_html(html: bytes | str) -> tuple[list[Link], set[str]]:
    """The links and the ids (anchors) of one HTML document."""
    collector = _Collector()
    collector.feed(html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
    collector.close()
    return collector.links, collector.ids


@dataclass(frozen=True)
class Target:
    path: str  # site path without the subpath: 'stories/acme/', 'logos/a.svg'
    fragment: str


def resolve(url: str, page_path: str, config: SiteConfig) -> Target | None:
    """Where a link on the page at `page_path` leads inside the site, or None
    if it leads elsewhere (another host, mailto:, outside the subpath)."""
    if not url or url.startswith("//"):
        return None
    scheme = scheme_of(url)
    if scheme is not None:
        if scheme not in ("http", "https") or not url.startswith(config.base_url):
            return None
        url = config.base_path + url[len(config.base_url):]
    absolute = urljoin(config.base_path + page_path, url)
    parts = urlsplit(absolute)
    if not parts.path.startswith(config.base_path):
        return None
    return Target(unquote(parts.path[len(config.base_path):]), unquote(parts.fragment))


class OutputIndex:
    """What the built site holds: its files, and the anchors of its HTML pages."""

    def __init__(self, files: dict[str, bytes | Path]):
        self.files = files
        self._ids: dict[str, set[str]] = {}
        self._links: dict[str, list[Link]] = {}
        self._paths: list[str] | None = None

    def file_for(self, path: str) -> str | None:
        """The output file a site path is served from, if any."""
        for candidate in (path + "index.html" if path == "" or path.endswith("/") else path,
                          path + "/index.html"):
            if candidate in self.files:
                return candidate
        return None

    def site_paths(self) -> list[str]:
        """Every address of the site ('/stories/acme/', '/logos/a.svg'), for suggestions."""
        if self._paths is None:
            self._paths = ["/" + name.removesuffix("index.html") for name in self.files]
        return self._paths

    def parsed(self, output: str) -> tuple[list[Link], set[str]]:
        if output not in self._ids:
            data = self.files[output]
            html = data if isinstance(data, bytes) else data.read_bytes()
            self._links[output], self._ids[output] = parse_html(html)
        return self._links[output], self._ids[output]

    def html_pages(self) -> Iterator[str]:
        return (name for name in self.files if name.endswith(".html"))

    def problem(self, target: Target) -> tuple[str, bool] | None:
        """(what is wrong, is it only a warning) for a link target; None if it is fine."""
        output = self.file_for(target.path)
        if output is None:
            return "no page or file", False
        if target.fragment and output.endswith(".html") and target.fragment not in self.parsed(output)[1]:
            return f"no anchor #{target.fragment} on that page", True
        return None


def source_line(body: str, body_line: int, url: str, base_path: str) -> int:
    """The file line where a body link was written (the body's first line if not found)."""
    candidates = {url, unquote(url)}
    if url.startswith(base_path) and base_path != "/":  # the renderer added the subpath
        candidates |= {"/" + url[len(base_path):], unquote("/" + url[len(base_path):])}
    for index, text in enumerate(body.split("\n")):
        if any(c and c in text for c in candidates):
            return body_line + index
    return body_line


def describe(url: str, target: Target, reason: str, hints: dict[str, str], index: OutputIndex) -> str:
    """The message for a broken link, with the fix a marketer needs."""
    shown = "/" + target.path
    close = did_you_mean(shown, index.site_paths())
    if reason.startswith("no anchor"):
        return f"link {url}: {reason} (headings get their anchor from their words)"
    if target.path in hints:
        return f"link {url} leads to {shown}, {hints[target.path]}"
    if target.path.endswith(".md"):
        return (f"link {url} points at a content file; link to its page instead, "
                f"e.g. /stories/<slug>/ for content/stories/<slug>.md")
    if unpublished(target.path):
        return f"{url}: static/{target.path} {NOT_PUBLISHED}; rename it, or fix the path"
    if "." in target.path.rsplit("/", 1)[-1]:
        return f"{url} is not a file of the site{close}: add static/{target.path} or fix the path"
    return f"link {url} leads to no page of the site{close}: fix the address or remove the link"


def check_page_links(index: OutputIndex, page_paths: dict[str, str], config: SiteConfig,
                     skip: set[str], hints: dict[str, str], problems: Problems) -> None:
    """Report broken links of every HTML page, at the template that made it
    (`page_paths`: output file -> template path for messages). Links whose
    target is in `skip` were reported at their content file already."""
    seen: set[tuple[str, str]] = set()
    for output in index.html_pages():
        template = page_paths.get(output)
        if template is None:
            continue  # a static HTML file of the site, copied as it is
        page_path = output.removesuffix("index.html")
        for link in index.parsed(output)[0]:
            if scheme_of(link.url) is not None:
                continue  # absolute: a form or a page that may live beside the site, such as request_url
            target = resolve(link.url, page_path, config)
            if target is None or target.path in skip or (template, link.url) in seen:
                continue
            found = index.problem(target)
            if found is not None:
                seen.add((template, link.url))
                message = f"on /{page_path}: " + describe(link.url, target, found[0], hints, index)
                (problems.warning if found[1] else problems.error)(template, 1, message)
