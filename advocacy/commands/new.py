"""`advocacy new KIND "Title"`: a new draft file with its front matter filled in."""

from __future__ import annotations

import os
from pathlib import Path

import click

from advocacy.commands.common import reports_errors, site_option

KINDS = ("story", "testimonial", "video", "customer", "collection", "event")


@click.command()
@click.argument("kind", metavar="KIND", type=click.Choice(KINDS))
@click.argument("title", metavar="TITLE")
@click.option("--customer", "-c", metavar="SLUG",
              help="The customer it is by or about (a file name in content/customers/, or the customer's name); "
                   "needed for stories, testimonials and videos.")
@click.option("--slug", metavar="SLUG", help="The file name and URL, instead of one made from the title.")
@site_option
@reports_errors
def new(kind: str, title: str, customer: str | None, slug: str | None, site_dir: Path) -> None:
    """Write a new draft KIND (story, testimonial, video, customer,
    collection or event) and print where it is.

    TITLE is the story's, video's, event's or collection's title, the customer's
    name, or the author of a testimonial. The file gets today's date and
    status: draft, and lists every other field you can set.

    \b
    Examples:
      advocacy new customer "Acme Logistics"
      advocacy new story "How Acme cut onboarding" --customer acme
    """
    from advocacy.build import find_site_root
    from advocacy.scaffold import KIND_NAMES, new_item

    root = find_site_root(site_dir)
    made = new_item(root, kind, title, customer=customer, slug=slug)
    click.echo(os.path.relpath(made.path))
    if "status" in KIND_NAMES[kind].fields:  # drafts: say how it gets published
        click.echo(f"Open it, write the {kind}, then change status: draft to status: published "
                   "when it is approved.", err=True)
    else:
        click.echo(f"Open it and fill in the {kind}.", err=True)
