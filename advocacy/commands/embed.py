"""`advocacy embed`: the snippet that puts a wall of testimonials or a story card on another site."""

from __future__ import annotations

from pathlib import Path

import click

from advocacy.commands.common import reports_errors, site_option
from advocacy.errors import ContentError, UsageError


@click.command(short_help="The HTML that shows a wall of testimonials or a story card on another site.")
@site_option
@click.argument("what", type=click.Choice(["wall", "story"]))
@click.argument("slug", required=False)
@click.option("--collection", metavar="NAME", help="wall: only the testimonials of this collection (its slug).")
@click.option("--product", metavar="NAME", help="wall: only the testimonials about this product.")
@click.option("--industry", metavar="NAME", help="wall: only the testimonials of customers in this industry.")
@click.option("--theme", type=click.Choice(["auto", "light", "dark"]), default="auto", show_default=True,
              help="Colours: auto follows the visitor's system.")
@click.option("--transparent", is_flag=True, help="Let the host page's background show through.")
@click.option("--campaign", metavar="NAME", default="embed", show_default=True,
              help="Sent as utm_campaign, with utm_source of share: in advocacy.yaml and utm_medium=embed.")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default="html", show_default=True,
              help="html for a page's HTML; markdown adds a plain link for sites that strip iframes.")
@reports_errors
def embed(site_dir: Path, what: str, slug: str | None, collection: str | None, product: str | None,
          industry: str | None, theme: str, transparent: bool, campaign: str, fmt: str) -> None:
    """Print the HTML to paste into another site (a pricing page, a signup
    form, the docs) to show a wall of published testimonials or one story's
    card. The iframe sizes itself to its content and opens the story in the
    visitor's window; it loads nothing but this site's own pages.

    \b
    Examples:
      advocacy embed wall
      advocacy embed wall --product Dispatch --theme dark
      advocacy embed story brightharbor-driver-onboarding --campaign pricing-page

    Build and publish the site first: the snippet shows the published pages.
    """
    from advocacy.build import find_site_root
    from advocacy.pipeline import load_site
    from advocacy.embed_snippet import paste, story_embed, wall_embed

    if what == "story" and (slug is None or collection or product or industry):
        raise UsageError("give the story's slug, and no --collection, --product or --industry: "
                         "advocacy embed story SLUG")
    if what == "wall" and slug is not None:
        raise UsageError(f"a wall takes no slug; for the wall of a collection: advocacy embed wall --collection {slug}")
    site, problems = load_site(find_site_root(site_dir))
    if site is None:
        raise ContentError(problems)
    target = (story_embed(site, slug) if what == "story"
              else wall_embed(site, collection=collection, product=product, industry=industry))
    click.echo(paste(site, target, theme=theme, transparent=transparent, campaign=campaign, fmt=fmt))
