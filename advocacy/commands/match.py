"""`advocacy match`: published stories and videos ranked for a prospect, with why."""

from __future__ import annotations

import json
from pathlib import Path

import click

from advocacy.commands.common import plural, reports_errors, site_option
from advocacy.errors import ContentError


@click.command(short_help="Stories and videos ranked for a prospect, with why.")
@site_option
@click.option("--industry", metavar="NAME", help="The prospect's industry, e.g. Logistics.")
@click.option("--size", metavar="BAND", help="Employees: a band (1-50, 51-200, 201-1000, 1001-5000, 5000+) "
              "or a number such as 300.")
@click.option("--region", metavar="NAME", help="The prospect's region, e.g. Europe.")
@click.option("--product", "products", metavar="NAME", multiple=True,
              help="A product they are looking at; repeat for several.")
@click.option("--use-case", "use_cases", metavar="NAME", multiple=True,
              help="What they want to do with it; repeat for several.")
@click.option("--value", "values", metavar="KEY", multiple=True,
              help="A value they care about (a key of values: in advocacy.yaml); repeat for several.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many items to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for scripts.")
@reports_errors
def match(site_dir: Path, industry: str | None, size: str | None, region: str | None,
          products: tuple[str, ...], use_cases: tuple[str, ...], values: tuple[str, ...],
          limit: int, fmt: str) -> None:
    """Rank published stories and videos for a prospect, with the reasons.

    \b
    Example: advocacy match --industry Logistics --size 300 --region Europe --value reliability
    """
    from advocacy.build import find_site_root
    from advocacy.pipeline import load_site
    from advocacy.match import match_data, profile_from_options, rank

    site, problems = load_site(find_site_root(site_dir))
    if site is None:
        raise ContentError(problems)
    profile = profile_from_options(site, industry=industry, size=size, region=region,
                                   products=products, use_cases=use_cases, values=values)
    matches = [match_data(site, m) for m in rank(site, profile, limit)]
    if fmt == "json":
        click.echo(json.dumps({"profile": vars(profile), "matches": matches}, indent=2, ensure_ascii=False))
        return
    if not matches:
        click.echo("No published story or video fits this profile; try fewer options.")
        return
    if not profile:
        click.echo("No profile given (see --help): the newest items, reference customers first.\n")
    for number, data in enumerate(matches, 1):
        click.echo(f"{number}. {data['title']}  [{plural(data['score'], 'point')}]")
        click.echo(f"   {data['kind']} · {data['customer']} · {data['url']}")
        click.echo("   why: " + "; ".join(f"{r['text']} ({r['points']:+d})" for r in data["reasons"]))
    click.echo(f"\nTo send one: advocacy share {matches[0]['slug']} --kind {matches[0]['kind']} "
               "--rep 'Your Name' --campaign NAME")
