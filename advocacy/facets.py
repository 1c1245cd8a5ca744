"""Facets of the list pages: which options each list can be filtered by, with counts.

A facet is a taxonomy seen from one list. Its `param` names it in the URL
query of a filtered view (`/stories/?industry=healthcare&size=51-200`) and
in the data attributes that cards carry for the filter script; values are
term slugs, which hold no spaces, so a card lists its terms space-separated.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from advocacy.content.records import Tagged
from advocacy.site import Site, Term

# taxonomy key -> URL parameter, in the order the filters are shown
NAMESPACE = "facets"  # of the build cache: each card's facet attributes (see Renderer.facet_attrs)
FACET_PARAMS = (("industries", "industry"), ("sizes", "size"), ("regions", "region"),
                ("products", "product"), ("use-cases", "use-case"), ("values", "value"))


@dataclass(frozen=True)
class Option:
    term: Term
    count: int  # items of the list's kind in this term


@dataclass(frozen=True)
class Facet:
    param: str
    title: str
    options: tuple[Option, ...]


def facets_for(site: Site, kind: str) -> list[Facet]:
    """The facets of the list of `kind` ('stories', 'videos', 'testimonials'); empty ones left out."""
    facets = []
    for key, param in FACET_PARAMS:
        taxonomy = site.taxonomies[key]
        counts = [(term, sum(1 for item in term.items if item.kind == kind)) for term in taxonomy.terms]
        options = tuple(Option(term, count) for term, count in counts if count)
        if options:
            facets.append(Facet(param, taxonomy.spec.singular, options))
    return facets


def search_facets(site: Site) -> list[tuple[str, str]]:
    """(filter name, title) of the search page's filters: the kind of result, then the facets."""
    return [("kind", "Kind"), *((param, site.taxonomies[key].spec.singular) for key, param in FACET_PARAMS)]


def facet_attributes(site: Site, item: Tagged) -> Markup:
    """` data-industry="logistics" data-product="a b"`: what a card can be filtered by."""
    parts = []
    for key, param in FACET_PARAMS:
        slugs = " ".join(term.slug for term in site.terms_of(item, key))
        if slugs:
            parts.append(f' data-{param}="{escape(slugs)}"')
    return Markup("".join(parts))
