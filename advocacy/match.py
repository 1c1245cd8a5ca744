"""Rank published stories and videos for a prospect's profile, with the reasons.

One scoring serves `advocacy match` and the "companies like mine" picker of the
site (`picker_data`), so that a rep and a prospect never see two rankings.
docs/reps.md explains the points to reps; change both together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from advocacy import (
    pages,  # the module, not a name: pages.py may import this one for the site picker
)
from advocacy.content.fields import COMPANY_SIZES
from advocacy.content.records import Tagged
from advocacy.errors import UsageError, did_you_mean
from advocacy.site import Site
from advocacy.slugs import slugify

# Points per reason. A peer in the same trade matters most to a prospect; size
# and region say "a company like mine"; products, use cases and values say
# "it solved my problem". The two bonuses only order items that already fit.
POINTS = {
    "same industry": 6,
    "same size band": 3,
    "neighbouring size band": 1,
    "same region": 2,
    "uses product": 3,
    "same use case": 2,
    "shows value": 2,
    "has a reference customer": 1,
    "recent": 1,
    "more from a customer listed above": -3,
}
RECENT_DAYS = 365
KIND_ORDER = {"stories": 0, "videos": 1}  # on equal points a story first: it has the numbers and the quote


@dataclass(frozen=True)
class Profile:
    """A prospect, in the names the site uses (values by their key)."""

    industry: str | None = None
    size: str | None = None  # one of COMPANY_SIZES
    region: str | None = None
    products: tuple[str, ...] = ()
    use_cases: tuple[str, ...] = ()
    values: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.industry, self.size, self.region, self.products, self.use_cases, self.values))


class Reason(NamedTuple):
    label: str  # a key of POINTS
    detail: str | None = None

    @property
    def points(self) -> int:
        return POINTS[self.label]

    def __str__(self) -> str:
        return f"{self.label}: {self.detail}" if self.detail else self.label


class Match(NamedTuple):
    item: Tagged
    reasons: tuple[Reason, ...]
    score: int  # the points of the reasons, added up
    fits: bool  # the item shares something with the profile (the bonuses aside)


class Ranker:
    """The one scoring, for one site. What does not depend on the prospect (the
    bonuses, the order of ties) is worked out once, so that the site's picker
    can rank every profile in a build."""

    def __init__(self, site: Site):
        self.site = site
        # In the order of ties: a story before a video, then the newer, then by slug.
        self.items: list[Tagged] = sorted([*site.stories, *site.videos],
                                          key=lambda item: (KIND_ORDER[item.kind], -_ordinal(item.date), item.slug))
        self._bonuses = [self._bonus_reasons(item) for item in self.items]
        self._bonus_points = [sum(reason.points for reason in reasons) for reasons in self._bonuses]
        self._groups: dict[tuple[bool, ...], dict[tuple, list[int]]] = {}

    def rank(self, profile: Profile, limit: int | None = None) -> list[Match]:
        """Published stories and videos that fit `profile`, best first (all of
        them, by the bonuses alone, for an empty profile).

        Most points first; on equal points a story before a video, then the
        newer. A customer's items after its best one lose a few points, so that
        the top shows different peers unless one peer fits far better.
        """
        count = len(self.items)
        # Each item as one number, -points * count + position, so that a plain sort ranks it
        # (a big site's picker ranks hundreds of profiles); items alike for the profile fit alike.
        keys = []
        for positions in self._grouped(profile).values():
            fit = self._fit(self.items[positions[0]], profile)
            if fit or not profile:
                points = sum(reason.points for reason in fit)
                keys += [-(points + self._bonus_points[p]) * count + p for p in positions]
        keys.sort()
        penalty = Reason("more from a customer listed above")
        seen: set[str] = set()
        penalized: set[int] = set()
        for index, key in enumerate(keys):
            customer = self.items[key % count].customer
            if customer in seen:
                keys[index] = key - penalty.points * count
                penalized.add(key % count)
            seen.add(customer)
            if len(seen) == limit:  # the rest rank below these `limit` customers' best items
                del keys[index + 1:]
                break
        keys.sort()
        return [self._match(p, self._fit(self.items[p], profile), *([penalty] if p in penalized else []))
                for p in (key % count for key in keys[:limit])]

    def _grouped(self, profile: Profile) -> dict[tuple, list[int]]:
        """Positions of the items by what of them the profile asks about."""
        asked = tuple(bool(value) for value in vars(profile).values())
        if asked not in self._groups:
            groups: dict[tuple, list[int]] = {}
            for position, item in enumerate(self.items):
                groups.setdefault(_facets(item, profile), []).append(position)
            self._groups[asked] = groups
        return self._groups[asked]

    def _fit(self, item: Tagged, profile: Profile) -> list[Reason]:
        reasons = []
        if profile.industry and item.industry == profile.industry:
            reasons.append(Reason("same industry", item.industry))
        if profile.size and item.company_size:
            gap = abs(COMPANY_SIZES.index(profile.size) - COMPANY_SIZES.index(item.company_size))
            if gap <= 1:
                reasons.append(Reason("same size band" if gap == 0 else "neighbouring size band", item.company_size))
        if profile.region and item.region == profile.region:
            reasons.append(Reason("same region", item.region))
        reasons += [Reason("uses product", name) for name in profile.products if name in item.products]
        reasons += [Reason("same use case", name) for name in profile.use_cases if name in item.use_cases]
        values = self.site.config.values
        reasons += [Reason("shows value", values[key].title) for key in profile.values if key in item.values]
        return reasons

    def _bonus_reasons(self, item: Tagged) -> tuple[Reason, ...]:
        reasons = []
        if self.site.customer_of(item).reference:  # the prospect can hear it from them in person
            reasons.append(Reason("has a reference customer"))
        if item.date is not None and (self.site.build_date - item.date).days <= RECENT_DAYS:
            reasons.append(Reason("recent", item.date.isoformat()))
        return tuple(reasons)

    def _match(self, position: int, fit: list[Reason], *more: Reason) -> Match:
        reasons = (*fit, *self._bonuses[position], *more)
        return Match(self.items[position], reasons, sum(reason.points for reason in reasons), bool(fit))


def _facets(item: Tagged, profile: Profile) -> tuple:
    """What of `item` the profile asks about: items with equal facets fit it equally."""
    return (profile.industry and item.industry, profile.size and item.company_size,
            profile.region and item.region, profile.products and item.products,
            profile.use_cases and item.use_cases, profile.values and item.values)


def rank(site: Site, profile: Profile, limit: int | None = None) -> list[Match]:
    """Ranker(site).rank(profile, limit): the items that fit, best first."""
    return Ranker(site).rank(profile, limit)


def _ordinal(date: dt.date | None) -> int:
    return date.toordinal() if date else 0


def match_data(site: Site, match: Match) -> dict[str, Any]:
    """A match as JSON-able data: what the item is, where it lives, why it ranks."""
    path = pages.path_for(match.item)
    return {
        **_listing(site, match.item),
        "url": site.config.absolute(path),
        "score": match.score,
        "reasons": [{"reason": r.label, "detail": r.detail, "points": r.points, "text": str(r)}
                    for r in match.reasons],
    }


def _listing(site: Site, item: Tagged) -> dict[str, str]:
    """What names an item in a list of matches: its kind, slug, title, customer and page."""
    return {"kind": "story" if item.kind == "stories" else "video", "slug": item.slug, "title": item.title,
            "customer": site.customer_of(item).name, "path": pages.path_for(item)}


# --- a prospect's options -> a Profile (unknown names are a usage error) ---

def profile_from_options(site: Site, *, industry: str | None = None, size: str | None = None,
                         region: str | None = None, products: Iterable[str] = (),
                         use_cases: Iterable[str] = (), values: Iterable[str] = ()) -> Profile:
    """Check a rep's options against the site's own names; accepts any spelling
    with the same slug ('logistics', 'Food & Beverage') and, for --size, a
    number of employees."""
    return Profile(
        industry=_known(site, "industries", "--industry", industry),
        size=_size_band(size),
        region=_known(site, "regions", "--region", region),
        products=tuple(_known(site, "products", "--product", name) for name in products),
        use_cases=tuple(_known(site, "use-cases", "--use-case", name) for name in use_cases),
        values=tuple(_value_key(site, name) for name in values),
    )


def _known(site: Site, taxonomy: str, option: str, given: str | None) -> str | None:
    if given is None:
        return None
    terms = site.taxonomies[taxonomy].terms
    for term in terms:
        if slugify(given) == term.slug:
            return term.name
    names = [term.name for term in terms]
    raise UsageError(f"{option} '{given}' is not on this site{did_you_mean(given, names)}; "
                     f"known: {', '.join(names) or 'none yet'}")


def _value_key(site: Site, given: str) -> str:
    for key, value in site.config.values.items():
        if given == key or slugify(given) in (key, slugify(value.title)):
            return key
    raise UsageError(f"--value '{given}' is not a value of this site{did_you_mean(given, site.config.values)}; "
                     f"known: {', '.join(site.config.values) or 'none (add values: to advocacy.yaml)'}")


def _size_band(given: str | None) -> str | None:
    if given is None:
        return None
    text = given.strip().replace(" ", "")
    if text in COMPANY_SIZES:
        return text
    if text.replace(",", "").isdigit():  # '300' employees -> the band that holds it
        employees = int(text.replace(",", ""))
        for band in COMPANY_SIZES:
            low, _, high = band.rstrip("+").partition("-")
            if employees >= int(low) and (not high or employees <= int(high)):
                return band
    raise UsageError(f"--size '{given}' is not a company size{did_you_mean(text, COMPANY_SIZES)}; "
                     f"use one of {', '.join(COMPANY_SIZES)} or a number of employees such as 300")


# --- the same ranking, precomputed for the site's "companies like mine" picker ---

def picker_data(site: Site, ranking: dict[str, Any] | None = None) -> dict[str, Any]:
    """The top items, with reasons, for every (industry, size, region) a prospect
    can pick, any of them left open; JSON-able. `ranking` is picker_ranking's
    result for this site, if kept from an earlier build.

    `top` is keyed "industry|size|region" by slug, '' for an open facet (e.g.
    "logistics|201-1000|"); profiles that nothing fits are left out. `items`
    holds each listed item once, keyed "stories/<slug>", with its title and
    customer's name (read here, not ranked: renaming a customer ranks nothing again).
    """
    ranking = ranking if ranking is not None else picker_ranking(site)
    by_key = {f"{item.kind}/{item.slug}": item for item in (*site.stories, *site.videos)}
    items = {key: _listing(site, by_key[key]) for matches in ranking["top"].values() for key in
             (match["item"] for match in matches)}
    return {"facets": ranking["facets"], "items": items, "top": ranking["top"]}


def picker_ranking(site: Site, top: int = 3) -> dict[str, Any]:
    """picker_data without its `items`: the `facets` and the `top` items' keys, scores and
    reasons, made from picker_inputs alone."""
    facets = {
        "industry": [term.name for term in site.taxonomies["industries"].terms],
        "size": list(COMPANY_SIZES),
        "region": [term.name for term in site.taxonomies["regions"].terms],
    }
    ranker = Ranker(site)
    tops: dict[str, list[dict[str, Any]]] = {}
    for industry in (None, *facets["industry"]):
        for size in (None, *facets["size"]):
            for region in (None, *facets["region"]):
                profile = Profile(industry=industry, size=size, region=region)
                if not profile:
                    continue
                matches = ranker.rank(profile, top)
                if not matches:
                    continue
                tops["|".join(slugify(name or "") for name in (industry, size, region))] = [
                    {"item": f"{match.item.kind}/{match.item.slug}", "score": match.score,
                     # why it fits; a penalty ("more from a customer listed above") is for reps
                     "reasons": [str(reason) for reason in match.reasons if reason.points > 0]}
                    for match in matches]
    return {"facets": {name: [{"name": value, "slug": slugify(value)} for value in values]
                       for name, values in facets.items()},
            "top": tops}


def picker_inputs(site: Site) -> str:
    """Everything picker_ranking reads, as text: the same text, the same ranking (a big
    site's picker takes a second to rank; most builds change nothing of this). Titles
    and customers' names are not in it: the ranking never reads them."""
    references = {slug: c.reference for slug, c in site.customers.items()}
    return repr((
        site.build_date, [(key, value.title) for key, value in site.config.values.items()],
        [[term.name for term in site.taxonomies[key].terms] for key in ("industries", "regions")],
        [(item.kind, item.slug, item.date, item.customer, references.get(item.customer),
          item.industry, item.company_size, item.region, item.products, item.use_cases, item.values)
         for item in (*site.stories, *site.videos)],
    ))
