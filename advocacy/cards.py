"""Cards rendered once: a story's, a video's or a testimonial's card is the
same on every list, topic page, customer page and related-stories row that
shows it, so each is rendered once per build and, with a cache, kept for the
next build for as long as what it shows stays the same.

On a big site most of a list page's time goes to its cards (a topic page of
a 4,000-story site shows hundreds): a build that re-renders a list after one
edit takes every other card from the cache.

A card macro reads only its arguments and the template globals (links, the
customer's name and logo, the item's body), never the page around it. Its
kept HTML is keyed by the macro, its other arguments, the item's record
fingerprint (its file and its customer's), the build's global fingerprint
(code, config, theme assets, static files, build date, topics) and the hash of
macros.html with what it imports, as pages are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from markupsafe import Markup

from advocacy import body_reads
from advocacy.content.records import Record
from advocacy.kept_results import RecordResults

TEMPLATE = "macros.html"  # where the card macros are
CARD_MACROS = ("story_card", "video_card", "testimonial_card")
NAMESPACE = "cards"


class CardCache:
    """Memoized card macros of one build; with `kept`, they last between builds."""

    def __init__(self, kept: RecordResults | None = None):
        self._kept = kept
        # holding the item keeps its id from being reused; with the bodies its card read
        self._memo: dict[tuple, tuple[Record, Markup, body_reads.Reads]] = {}

    def install(self, env: jinja2.Environment) -> None:
        """Wrap the card macros of macros.html, as every template that imports them will see them."""
        try:
            module = env.get_template(TEMPLATE).module
        except jinja2.TemplateError:
            return  # the page that imports it reports the error, at its line
        for name in CARD_MACROS:
            macro = getattr(module, name, None)
            if isinstance(macro, jinja2.runtime.Macro):
                setattr(module, name, self._wrap(macro))

    def _wrap(self, macro: jinja2.runtime.Macro) -> Callable[..., Markup]:
        def card(item: Any, *args: Any, **kwargs: Any) -> Markup:
            if not isinstance(item, Record) or "caller" in kwargs:  # a {% call %} block: its own output
                return macro(item, *args, **kwargs)
            options = repr((macro.name, [str(a) for a in args], sorted((k, str(v)) for k, v in kwargs.items())))
            memo_key = (id(item), options)
            known = self._memo.get(memo_key)
            if known is None:
                if self._kept is None:
                    html, reads = body_reads.made(lambda: macro(item, *args, **kwargs))
                else:
                    # kept as Markup, not str: a str from the cache would be copied into a Markup at every build
                    html, reads = body_reads.made(
                        lambda: self._kept.get(item, options, lambda: Markup(macro(item, *args, **kwargs))))
                known = self._memo[memo_key] = (item, html, reads)
            body_reads.replay(known[2])  # a testimonial's card shows its body: the page reads it
            return known[1]

        return card
