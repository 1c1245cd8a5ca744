"""The markdown-it parser for bodies, with the rules that make its HTML what
advocacy's pages need: heading ids that never take the theme's, table cells
aligned without inline styles, smart punctuation written as named entities,
and every link and image passed through the URL allow-list."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from advocacy.urls import is_allowed_link, scheme_of

HeadingId = Callable[[str], str]

# Smart punctuation is marked in the tokens with Unicode noncharacters (meant for a
# program's own use) and written as named entities, as the site always wrote it;
# the same characters typed in a story stay characters. markdown-it writes an
# apostrophe as U+2019 itself, so a typed U+2019 is set aside first.
_LDQUO, _RDQUO, _LSQUO, _NDASH, _MDASH, _HELLIP, _TYPED_RSQUO = (chr(0xFDD0 + n) for n in range(7))
_RSQUO = "\u2019"
# In this order: a smart apostrophe becomes its entity before a typed one becomes an apostrophe again.
# (Replacing each mark where it occurs is ten times faster than str.translate on text that is not ASCII.)
_ENTITIES = ((_LDQUO, "&ldquo;"), (_RDQUO, "&rdquo;"), (_LSQUO, "&lsquo;"), (_RSQUO, "&rsquo;"),
             (_NDASH, "&ndash;"), (_MDASH, "&mdash;"), (_HELLIP, "&hellip;"), (_TYPED_RSQUO, _RSQUO))
# Alt text was never made smart: an image's alt, or the text of the link it becomes, keeps what was typed.
_TYPED = str.maketrans({_LDQUO: '"', _RDQUO: '"', _LSQUO: "'", _RSQUO: "'", _NDASH: "--", _MDASH: "---",
                        _HELLIP: "...", _TYPED_RSQUO: _RSQUO})
# markdown-it's own 'replacements' also turn (c), (tm) and +- into symbols, so these are ours.
_SUBSTITUTIONS = (
    (re.compile(r"(?<!-)---(?!-)"), _MDASH),
    (re.compile(r"(?<!-)--(?!-)"), _NDASH),
    (re.compile(r"(?<!\.)\.{3}(?!\.)"), _HELLIP),
    (re.compile(r"(?<!\w)'(?=\d{2}s)"), _RSQUO),  # the '90s
)
_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")
_BREAKS = {"softbreak": "\n", "hardbreak": "\n"}


def slugify(value: str, separator: str = "-") -> str:
    """Heading text as an id, Unicode letters kept (the ids pages have always had)."""
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(rf"[{separator}\s]+", separator, value)


def heading_ids(reserved: frozenset[str], prefixes: tuple[str, ...]) -> HeadingId:
    """The ids of body headings: never one the theme gives to its own elements."""
    def heading_id(text: str) -> str:
        slug = slugify(text) or "section"
        return f"{slug}-1" if slug in reserved or slug.startswith(prefixes) else slug
    return heading_id


def _unique(slug: str, used: set[str]) -> str:
    """A repeated id gets _1, _2...: links to the first heading of a name keep working."""
    while slug in used:
        match = _IDCOUNT.match(slug)
        slug = f"{match.group(1)}_{int(match.group(2)) + 1}" if match else f"{slug}_1"
    used.add(slug)
    return slug


def local(url: str, base_path: str) -> str:
    """A site path ('/logos/a.svg') under the site's subpath; other URLs as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return base_path + url[1:]
    return url


class _Parser(MarkdownIt):
    """markdown-it with the site's URL allow-list in place of its own."""

    def normalizeLink(self, url: str) -> str:
        # Every link, image, reference and autolink passes here with entities and
        # escapes decoded; an empty target is dropped when the page is written.
        if not is_allowed_link(url) or url.startswith("//"):
            return ""
        return super().normalizeLink(url)

    def validateLink(self, url: str) -> bool:
        return True  # a refused link keeps its text, as <a>text</a>, instead of showing its Markdown


def parser(base_path: str, unsafe_html: bool, heading_id: HeadingId) -> MarkdownIt:
    md = _Parser("commonmark", {"html": unsafe_html, "xhtmlOut": False, "typographer": True,
                                "quotes": _LDQUO + _RDQUO + _LSQUO + _RSQUO})
    md.enable(["table", "smartquotes"])
    md.core.ruler.before("smartquotes", "advocacy_punctuation", _punctuation)
    md.core.ruler.push("advocacy_headings", lambda state: _heading_ids(state, heading_id))
    md.core.ruler.push("advocacy_tables", _table_cells)
    md.core.ruler.push("advocacy_links", lambda state: _links_and_images(state, base_path))
    md.add_render_rule("text", _render_text)
    md.add_render_rule("image", _render_image)
    return md


def _punctuation(state: StateCore) -> None:
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text":
                if _RSQUO in child.content:
                    child.content = child.content.replace(_RSQUO, _TYPED_RSQUO)
                if "--" in child.content or "..." in child.content or "'" in child.content:
                    for pattern, mark in _SUBSTITUTIONS:
                        child.content = pattern.sub(mark, child.content)


def _heading_ids(state: StateCore, heading_id: HeadingId) -> None:
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            # The heading's text as read: code included, images and raw HTML tags not.
            text = "".join(child.content if child.type in ("text", "code_inline") else _BREAKS.get(child.type, "")
                           for child in tokens[index + 1].children or ())
            token.attrSet("id", _unique(heading_id(text), used))


def _table_cells(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            # align="left", not style="text-align:left": the theme's Content-Security-Policy
            # allows no inline style, and content never styles a page.
            token.attrs = {"align": str(token.attrs["style"]).removeprefix("text-align:")}
        if token.type == "th_open" and not tokens[index + 1].content.strip():
            token.tag = tokens[index + 2].tag = "td"  # an empty corner cell heads nothing


def _links_and_images(state: StateCore, base_path: str) -> None:
    for token in state.tokens:
        if not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type == "link_open":
                _link(child, str(child.attrs.pop("href", "")), base_path)
            elif child.type == "image" and not _is_own_image(str(child.attrs["src"])):
                children.extend(_image_as_link(child, base_path))
                continue
            elif child.type == "image":
                child.attrSet("src", local(str(child.attrs["src"]), base_path))
                child.attrSet("loading", "lazy")
            children.append(child)
        token.children = children


def _link(token: Token, href: str, base_path: str) -> None:
    if href:  # else refused by the allow-list: the text stays, the link goes
        token.attrSet("href", local(href, base_path))
        if scheme_of(href) in ("http", "https"):
            token.attrSet("rel", "noopener noreferrer")
    token.attrs = dict(sorted(token.attrs.items()))


def _is_own_image(src: str) -> bool:
    return bool(src) and scheme_of(src) is None


def _image_as_link(image: Token, base_path: str) -> list[Token]:
    """Another host's image (or a refused one) becomes a link: a page never asks another host for anything."""
    link = Token("link_open", "a", 1)
    _link(link, str(image.attrs["src"]) if scheme_of(str(image.attrs["src"])) in ("http", "https") else "", base_path)
    text = Token("text", "", 0, content=_alt(image) or "image")
    return [link, text, Token("link_close", "a", -1)]


def _alt(image: Token) -> str:
    return "".join(child.content for child in image.children or ()).translate(_TYPED)


def _render_text(self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    text = escapeHtml(tokens[idx].content)
    if not text.isascii():  # every mark is outside ASCII
        for mark, entity in _ENTITIES:
            if mark in text:
                text = text.replace(mark, entity)
    return text


def _render_image(self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    attrs = dict(sorted({**token.attrs, "alt": _alt(token)}.items()))
    return "<img" + "".join(f' {name}="{escapeHtml(str(value))}"' for name, value in attrs.items()) + ">"
