"""Embeddable pages: walls of testimonials and story cards, made to live in an
iframe on the company's other sites (a pricing page, a signup form, the docs).

They are pages like the others, planned here, but never indexed, never in the
sitemap or the feed. Only what the site publishes is shown; an embed URL that
was published and has nothing to show any more becomes an empty card, since
an iframe on a page we do not control may ask for it for years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# pages as a module: pages.py imports this one to plan the embeds
from advocacy import pages as site_pages
from advocacy.content.records import Story, Testimonial
from advocacy.site import Site

EMBED_ROOT = "embed/"
WALL_ROOT = f"{EMBED_ROOT}wall/"
GONE_TEMPLATE = "embed_gone.html"
WALL_TAXONOMIES = ("products", "industries")  # /embed/wall/products/<slug>/, /embed/wall/industries/<slug>/


@dataclass(frozen=True)
class Wall:
    """A wall of testimonials: all of them, or those of a collection or a topic."""

    path: str  # 'embed/wall/', 'embed/wall/<collection>/', 'embed/wall/products/<slug>/'
    title: str  # what the wall is, for its iframe's title and its heading
    items: tuple[Testimonial, ...]
    source: str  # the site page that lists them all: 'testimonials/', 'collections/<slug>/'


def walls(site: Site) -> list[Wall]:
    """Every wall of the site: the whole one (even empty, so that a snippet
    pasted before the first testimonial works), then one per collection and
    per product and industry that has published testimonials."""
    company = site.config.company
    found = [Wall(WALL_ROOT, f"What customers say about {company}" if company else "What our customers say",
                  tuple(site.testimonials), "testimonials/")]
    for collection in site.collections:
        items = tuple(i for i in site.collection_items(collection) if isinstance(i, Testimonial))
        if items:
            found.append(Wall(f"{WALL_ROOT}{collection.slug}/", collection.title, items, site_pages.path_for(collection)))
    for key in WALL_TAXONOMIES:
        for term in site.taxonomies[key].terms:
            items = tuple(term.of_kind("testimonials"))
            if items:
                title = f"What {term.name} customers say" if key == "products" else f"What customers in {term.name} say"
                found.append(Wall(f"{WALL_ROOT}{key}/{term.slug}/", title, items, site_pages.path_for(term)))
    return found


def card_path(story: Story) -> str:
    """The site path of a story's embeddable card."""
    return f"{EMBED_ROOT}{site_pages.path_for(story)}"


def _card_paths(story: Story) -> list[str]:
    """Where a story's card is: its own path, and the paths its card had under
    the old names the story keeps as aliases, so a card embedded before a
    rename keeps showing it."""
    own = site_pages.path_for(story)
    # by the file each alias names: '/stories/old/index.html' is the page /stories/old/
    folders = [site_pages.output_of(alias).removesuffix("index.html") for alias in story.aliases]
    renamed = [path for path in folders if path.startswith(own.split("/")[0] + "/") and path.endswith("/")]
    return [f"{EMBED_ROOT}{path}" for path in (own, *renamed)]


def plan_embed_pages(site: Site) -> list[site_pages.Page]:
    """The walls and a card per published story; none goes into the sitemap."""
    pages = [site_pages.Page(wall.path, "embed_wall.html", {"wall": wall}, in_sitemap=False) for wall in walls(site)]
    pages += [site_pages.Page(path, "embed_story.html", {"item": story, "customer": site.customer_of(story)},
                              in_sitemap=False) for story in site.stories for path in _card_paths(story)]
    return pages


def gone_embeds(published: Iterable[str], planned: set[str]) -> list[site_pages.Page]:
    """An empty "no longer available" card at each embed URL of the URL record
    (as '/embed/...') whose file no page of this build has (`planned`: outputs): a
    story withheld or back to draft, a wall whose last testimonial went. It shows
    nothing of what was there, and only recorded URLs get one, so a draft never
    shows it exists."""
    return [site_pages.Page(path.lstrip("/"), GONE_TEMPLATE, in_sitemap=False) for path in sorted(published)
            if path.startswith(f"/{EMBED_ROOT}") and site_pages.output_of(path) not in planned]
