"""`advocacy init DIR`: start a new site with a little sample content."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import click

from advocacy.commands.common import plural, reports_errors


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Add the sample site to a folder that is not empty; files already there are kept.")
@reports_errors
def init(directory: Path, force: bool) -> None:
    """Start a new site in the folder DIR (made if it does not exist).

    The site has its settings (advocacy.yaml), a sample customer, story,
    testimonial and video, and builds at once. Nothing is ever overwritten.
    """
    from advocacy.starter import init_site

    result = init_site(directory, force=force)
    for rel in result.kept:
        click.echo(f"kept {rel} (already there)")
    click.echo(f"Started a site in {result.root} ({plural(len(result.written), 'file')} written).")
    where = os.path.relpath(result.root)
    go = "" if where == "." else f"cd {shlex.quote(where)}\n  "
    click.echo(f"Next:\n  {go}advocacy serve        (preview it in your browser)\n"
               "  advocacy new story \"Your title\" --customer acme")
