"""Markdown bodies -> safe HTML.

Raw HTML is shown as text unless the site opts in (`markdown.unsafe_html`);
even then it is cleaned (nh3: no scripts, styles or style attributes, frames,
forms or event handlers). Every link and image passes the URL allow-list,
links to '/...' get the site's subpath, and images from other hosts become
plain links (or, in raw HTML, lose their source), so that a page never asks
another host for anything before a click.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from advocacy.urls import LINK_SCHEMES, is_allowed_link, scheme_of

EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty", "toc"]
# Ids the theme uses for itself; a heading named "Main" must not take one.
RESERVED_IDS = frozenset({"main", "top", "site-header", "site-footer", "search", "video"})


# What raw HTML may keep in trusted mode (with nh3's default tags): the
# attributes the Markdown extensions write, and a few harmless ones.
RAW_HTML_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "abbr": {"title"},
    "time": {"datetime"},
}


def _heading_ids(reserved: frozenset[str], prefixes: tuple[str, ...]):
    """The ids of body headings: never one the theme gives to its own elements."""
    def heading_id(value: str, separator: str) -> str:
        slug = slugify_unicode(value, separator) or "section"
        return f"{slug}-1" if slug in reserved or slug.startswith(prefixes) else slug
    return heading_id


def _local(url: str, base_path: str) -> str:
    """A site path ('/logos/a.svg') under the site's subpath; other URLs as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return base_path + url[1:]
    return url


class _SafeLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base_path: str):
        super().__init__(md)
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, element in enumerate(list(parent)):
                if element.tag == "a":
                    self._link(element)
                elif element.tag == "th" and not (element.text or "").strip() and not len(element):
                    element.tag = "td"  # an empty corner cell heads nothing
                elif element.tag == "img":
                    replacement = self._image(element)
                    if replacement is not None:
                        replacement.tail = element.tail
                        parent[index] = replacement

    def _link(self, element: etree.Element) -> None:
        href = element.get("href", "")
        if not is_allowed_link(href) or href.startswith("//"):
            del element.attrib["href"]  # the text stays; the link goes
            return
        element.set("href", _local(href, self.base_path))
        if scheme_of(href) in ("http", "https"):
            element.set("rel", "noopener noreferrer")

    def _image(self, element: etree.Element) -> etree.Element | None:
        src = element.get("src", "")
        if scheme_of(src) is None and not src.startswith("//"):
            element.set("src", _local(src, self.base_path))
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

    def __init__(self, base_path: str = "/", unsafe_html: bool = False,
                 theme_ids: frozenset[str] = frozenset(), theme_id_prefixes: tuple[str, ...] = ()):
        """theme_ids and theme_id_prefixes: ids the theme's templates use, which body headings must not take."""
        heading_id = _heading_ids(RESERVED_IDS | theme_ids, theme_id_prefixes)
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _SafeLinksExtension(base_path, unsafe_html)],
            # align="left", not style="text-align: left": the theme's Content-Security-Policy
            # allows no inline style, and content never styles a page.
            extension_configs={"toc": {"slugify": heading_id}, "tables": {"use_align_attribute": True}},
            output_format="html",
        )

        self._base_path = base_path
        self._unsafe_html = unsafe_html

    def render(self, text: str) -> Markup:
        html = self._md.reset().convert(text)
        if self._unsafe_html:
            html = self._clean(html)
        return Markup(html)

    def _clean(self, html: str) -> str:
        """Raw HTML from a trusted author, still without anything that runs or calls out."""
        def check_url(tag: str, attribute: str, value: str) -> str | None:
            if attribute == "href":
                return _local(value, self._base_path) if is_allowed_link(value) and not value.startswith("//") else None
            if attribute == "src":  # only this site's own images
                local = scheme_of(value) is None and not value.startswith("//")
                return _local(value, self._base_path) if local else None
            return value

        return nh3.clean(html, attributes=RAW_HTML_ATTRIBUTES, attribute_filter=check_url,
                         url_schemes=set(LINK_SCHEMES))
