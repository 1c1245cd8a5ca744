"""The `advocacy` command line: one Click group, one module per command
(advocacy/commands/), each parsing options, calling one function and printing."""

from __future__ import annotations

import click

from advocacy import __version__
from advocacy.commands.build import build
from advocacy.commands.check import check
from advocacy.commands.embed import embed
from advocacy.commands.import_csv import import_group
from advocacy.commands.references import references
from advocacy.commands.serve import serve
from advocacy.commands.share import share
from advocacy.commands.match import match
from advocacy.commands.new import new
from advocacy.commands.init import init


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="advocacy")
def main() -> None:
    """Turn customer stories, testimonials and videos written in Markdown
    into a fast, static customer reference site.

    Run the commands in a site folder (one with advocacy.yaml), or point at
    one with --site DIR.
    """


# One line per command; keep them in the order of `advocacy --help`.
main.add_command(build)
main.add_command(check)
main.add_command(init)
main.add_command(new)
main.add_command(match)
main.add_command(share)
main.add_command(embed)
main.add_command(serve)
main.add_command(references)
main.add_command(import_group)
