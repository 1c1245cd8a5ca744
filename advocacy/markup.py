"""Markdown bodies -> safe HTML.

Raw HTML is shown as text unless the site opts in (`markdown.unsafe_html`);
even then it is cleaned (nh3: no scripts, styles or style attributes, frames,
forms or event handlers). Every link and image passes the URL allow-list,
links to '/...' get the site's subpath, and images from other hosts become
plain links (or, in raw HTML, lose their source), so that a page never asks
another host for anything before a click.
"""

from __future__ import annotations

import nh3
from markupsafe import Markup

from advocacy.markdown_rules import heading_ids, local, parser
from advocacy.urls import LINK_SCHEMES, is_allowed_link, scheme_of

# Ids the theme uses for itself; a heading named "Main" must not take one.
RESERVED_IDS = frozenset({"main", "top", "site-header", "site-footer", "search", "video"})


# What raw HTML may keep in trusted mode (with nh3's default tags): the
# attributes the Markdown rules write, and a few harmless ones.
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


class MarkdownRenderer:
    """Renders bodies for one site; reuse it for every file of a build."""

    def __init__(self, base_path: str = "/", unsafe_html: bool = False,
                 theme_ids: frozenset[str] = frozenset(), theme_id_prefixes: tuple[str, ...] = ()):
        """theme_ids and theme_id_prefixes: ids the theme's templates use, which body headings must not take."""
        heading_id = heading_ids(RESERVED_IDS | theme_ids, theme_id_prefixes)
        # In trusted mode the cleaning puts every URL under the subpath, Markdown's and raw HTML's
        # alike, so the parser must not do it first (it did, and links got the subpath twice).
        self._md = parser("/" if unsafe_html else base_path, unsafe_html, heading_id)
        self._base_path = base_path
        self._unsafe_html = unsafe_html

    def render(self, text: str) -> Markup:
        html = self._md.render(text).removesuffix("\n")
        if self._unsafe_html:
            html = self._clean(html)
        return Markup(html)

    def _clean(self, html: str) -> str:
        """Raw HTML from a trusted author, still without anything that runs or calls out."""
        def check_url(tag: str, attribute: str, value: str) -> str | None:
            if attribute == "href":
                return local(value, self._base_path) if is_allowed_link(value) and not value.startswith("//") else None
            if attribute == "src":  # only this site's own images
                own = scheme_of(value) is None and not value.startswith("//")
                return local(value, self._base_path) if own else None
            return value

        return nh3.clean(html, attributes=RAW_HTML_ATTRIBUTES, attribute_filter=check_url,
                         url_schemes=set(LINK_SCHEMES))
