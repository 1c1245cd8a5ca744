"""Which URLs may reach a page: the allow-list every link passes through."""

from __future__ import annotations

import html
import re

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers ignore ASCII whitespace and control characters inside a scheme
# ("java\tscript:" runs), so they are removed before the scheme is read. Zero-width
# and bidi controls are removed too; an absolute URL holding any of them is refused,
# since it would read differently from what it opens.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]")

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see in `url` (lower case), or None if relative."""
    cleaned = _IGNORED_BY_BROWSERS.sub("", html.unescape(url))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_allowed_link(url: str, schemes: frozenset[str] = LINK_SCHEMES) -> bool:
    """True for relative links and for absolute ones whose scheme is allowed."""
    scheme = scheme_of(url)
    return scheme is None or scheme in schemes


def is_absolute(url: str, schemes: frozenset[str] = LINK_SCHEMES) -> bool:
    """True for a URL with an allowed scheme and no characters a browser would drop."""
    if _IGNORED_BY_BROWSERS.search(url) or url != url.strip():
        return False
    scheme = scheme_of(url)
    if scheme not in schemes:
        return False
    if scheme == "mailto":
        return len(url) > len("mailto:")
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\s]+", url) is not None
