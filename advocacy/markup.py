"""Markdown bodies -> safe HTML.

Raw HTML is shown as text unless the site opts in (`markdown.unsafe_html`).
Every link and image passes the URL allow-list, links to '/...' get the
site's subpath, and images from other hosts become plain links, so that a
page never asks another host for anything before a click.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from advocacy.urls import is_allowed_link, scheme_of

EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty", "toc"]
# Ids the theme uses for itself; a heading named "Main" must not take one.
RESERVED_IDS = frozenset({"main", "top", "site-header", "site-footer", "search", "video"})


def _heading_id(value: str, separator: str) -> str:
    slug = slugify_unicode(value, separator) or "section"
    return f"{slug}-1" if slug in RESERVED_IDS else slug


class _SafeLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base_path: str):
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, element in enumerate(list(parent)):
                if element.tag == "a":
                    self._link(element)
                elif element.tag == "img":
                    replacement = self._image(element)
                    if replacement is not None:
                        replacement.tail = element.tail
                        parent[index] = replacement

    def _local(self, url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):
            return self.base_path + url[1:]
        return url

    def _link(self, element: etree.Element) -> None:
        href = element.get("href", "")
        if not is_allowed_link(href) or href.startswith("//"):
            del element.attrib["href"]  # the text stays; the link goes
            return
        element.set("href", self._local(href))
        if scheme_of(href) in ("http", "https"):
            element.set("rel", "noopener noreferrer")

    def _image(self, element: etree.Element) -> etree.Element | None:
        src = element.get("src", "")
        if scheme_of(src) is None and not src.startswith("//"):
            element.set("src", self._local(src))
            element.set("loading", "lazy")
            return None
        # Another host's image (or an unsafe URL): never fetched by the page.
        link = etree.Element("a")
        link.text = element.get("alt") or "image"
        if scheme_of(src) in ("http", "https"):
            link.set("href", src)
            link.set("rel", "noopener noreferrer")
        return link


class _SafeLinksExtension(markdown.Extension):
    def __init__(self, base_path: str, unsafe_html: bool):
        super().__init__()
        self.base_path = base_path
        self.unsafe_html = unsafe_html

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        if not self.unsafe_html:
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md, self.base_path), "advocacy_safe_links", 0)


class MarkdownRenderer:
    """Renders bodies for one site; reuse it for every file of a build."""

    def __init__(self, base_path: str = "/", unsafe_html: bool = False):
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _SafeLinksExtension(base_path, unsafe_html)],
            extension_configs={"toc": {"slugify": _heading_id}},
            output_format="html",
        )

    def render(self, text: str) -> Markup:
        html = self._md.reset().convert(text)
        return Markup(html)
