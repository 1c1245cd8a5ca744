"""`advocacy references`: reference customers, what to send with them, consent running out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from advocacy.commands.common import plural, reports_errors, site_option
from advocacy.errors import ContentError


@click.command(short_help="Reference customers, their stories, consent ending soon.")
@site_option
@click.option("--within", metavar="DAYS", type=click.IntRange(min=0), default=30, show_default=True,
              help="Flag consent that ends within this many days.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people, json for scripts.")
@reports_errors
def references(site_dir: Path, within: int, fmt: str) -> None:
    """Reference customers (reference: true), with their published stories and
    videos and the date their consent ends; those ending soon come first, flagged.
    """
    from advocacy.build import find_site_root
    from advocacy.pipeline import load_site
    from advocacy.references import reference_customers, references_data

    site, problems = load_site(find_site_root(site_dir))
    if site is None:
        raise ContentError(problems)
    data = references_data(site, reference_customers(site, within), within)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_text(data)


def _print_text(data: dict[str, Any]) -> None:
    refs = data["references"]
    if not refs:
        click.echo("No reference customers yet: set 'reference: true' in content/customers/<slug>.md "
                   "for customers who agree to talk to prospects.")
        return
    for ref in refs:
        facts = ", ".join(f for f in (ref["industry"], ref["company_size"] and f"{ref['company_size']} employees",
                                      ref["region"]) if f)
        click.echo(f"{ref['name']}" + (f" ({facts})" if facts else "") + f"  {ref['url']}")
        if ref["expiring"]:
            click.echo(f"  ! consent ends {_when(ref)}: renew it and update 'consent_expires', "
                       "or the items below leave the site")
        for item in ref["items"]:
            until = f"  [consent until {_when(item)}]" if item["consent_expires"] else ""
            click.echo(f"  {item['kind']}: {item['title']}{until}\n    {item['url']}")
        if not ref["items"]:
            click.echo("  nothing published yet")
        for item in ref["withheld"]:
            click.echo(f"  withheld {item['kind']}: {item['title']} ({item['why']})")
        click.echo()
    flagged = [ref["name"] for ref in refs if ref["expiring"]]
    click.echo(f"{plural(len(refs), 'reference customer')}; "
               + (f"consent ends within {data['within_days']} days for {', '.join(flagged)}." if flagged
                  else f"no consent ends within {data['within_days']} days."))


def _when(entry: dict[str, Any]) -> str:
    days = entry["days_left"]
    return entry["consent_expires"] + (" (today)" if days == 0 else " (tomorrow)" if days == 1
                                       else f" (in {days} days)" if days <= 60 else "")
