"""`advocacy share`: a tracked link to one published item and an email snippet."""

from __future__ import annotations

from pathlib import Path

import click

from advocacy.commands.common import reports_errors, site_option
from advocacy.errors import ContentError

KIND_CHOICES = ["story", "video", "testimonial", "customer", "collection"]  # advocacy.share.KINDS, kept here for a fast --help


@click.command(short_help="A tracked link and an email snippet for one published item.")
@site_option
@click.argument("slug")
@click.option("--kind", type=click.Choice(KIND_CHOICES),
              help="What SLUG names, when a story and a video (say) share one.  [default: whichever has it]")
@click.option("--rep", metavar="NAME", help="Your name, sent as utm_content so that replies can be traced to you.")
@click.option("--campaign", metavar="NAME", help="The campaign, sent as utm_campaign.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "html", "json"]), default="text",
              show_default=True, help="How to print the link and the snippet.")
@reports_errors
def share(site_dir: Path, slug: str, kind: str | None, rep: str | None, campaign: str | None, fmt: str) -> None:
    """A tracked link to a published item and a ready-to-paste email snippet.

    SLUG is the item's file name without .md (or kind/slug, such as
    stories/acme). Drafts and items whose consent has expired are refused.

    \b
    Example: advocacy share brightharbor-driver-onboarding --rep "Ana Silva" --campaign q3-logistics
    """
    from advocacy.build import find_site_root
    from advocacy.pipeline import load_site
    from advocacy.share import formatted
    from advocacy.share import share as make_share

    site, problems = load_site(find_site_root(site_dir))
    if site is None:
        raise ContentError(problems)
    click.echo(formatted(make_share(site, slug, kind, rep=rep, campaign=campaign), fmt))
