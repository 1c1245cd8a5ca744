"""Reference customers for reps: who takes calls from prospects, the stories
and videos a rep can send with them, and whose consent is about to run out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from advocacy.content.records import Customer, Tagged
from advocacy.content.schema import KINDS
from advocacy.lint import CONSENT_NOTICE_DAYS
from advocacy.pages import path_for
from advocacy.site import Site

LISTED = ("stories", "videos")  # what a rep sends along with a reference call


@dataclass(frozen=True)
class Reference:
    customer: Customer
    items: tuple[Tagged, ...]  # published, newest first
    withheld: tuple[tuple[Tagged, str], ...]  # (item, why) for items the site no longer shows

    @property
    def consent_expires(self) -> dt.date | None:
        """When the first of their published items' consent runs out (None: no end date)."""
        return min((item.consent_expires for item in self.items if item.consent_expires), default=None)


def reference_customers(site: Site, within: int = CONSENT_NOTICE_DAYS) -> list[Reference]:
    """Customers with `reference: true`: those whose consent ends within `within`
    days first (the soonest first), then the others by name."""
    references = [
        Reference(customer,
                  tuple(item for kind in LISTED for item in site.items_of(customer, kind)),
                  tuple((w.record, w.reason) for w in site.withheld
                        if w.record.kind in LISTED and w.record.customer == customer.slug))
        for customer in site.customers.values() if customer.reference]

    def order(reference: Reference) -> tuple:
        soon = days_left(site, reference.consent_expires)
        flagged = soon is not None and soon <= within
        return (not flagged, soon if flagged else 0, reference.customer.name.lower())
    return sorted(references, key=order)


def days_left(site: Site, expires: dt.date | None) -> int | None:
    """Days of consent left on the build date (0: its last day), or None without an end date."""
    return None if expires is None else (expires - site.build_date).days


def references_data(site: Site, references: list[Reference], within: int = CONSENT_NOTICE_DAYS) -> dict[str, Any]:
    """The references as JSON-able data, each item's consent flagged the same way."""
    def consent(expires: dt.date | None) -> dict[str, Any]:
        left = days_left(site, expires)
        return {"consent_expires": expires.isoformat() if expires else None, "days_left": left,
                "expiring": left is not None and left <= within}

    return {"as_of": site.build_date.isoformat(), "within_days": within, "references": [{
        "slug": ref.customer.slug, "name": ref.customer.name, "url": site.config.absolute(path_for(ref.customer)),
        "industry": ref.customer.industry, "company_size": ref.customer.company_size, "region": ref.customer.region,
        **consent(ref.consent_expires),
        "items": [{"kind": KINDS[item.kind].singular, "slug": item.slug, "title": item.title,
                   "url": site.config.absolute(path_for(item)), **consent(item.consent_expires)}
                  for item in ref.items],
        "withheld": [{"kind": KINDS[item.kind].singular, "slug": item.slug, "title": item.title, "why": why}
                     for item, why in ref.withheld],
    } for ref in references]}
