"""`advocacy serve`: a live preview that rebuilds on save and reloads the browser."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from advocacy.commands.common import plural, print_problems, reports_errors, site_option


@click.command()
@site_option
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on; when the default one is taken, the next free one is used.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. 0.0.0.0 shows the preview, drafts included, "
                   "to every computer on your network.")
@click.option("--no-drafts", is_flag=True, help="Preview the site as it will be published, without drafts.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in your web browser.")
@reports_errors
def serve(site_dir: Path, port: int, host: str, no_drafts: bool, open_browser: bool) -> None:
    """Preview the site in your browser while you write.

    Builds the site into .advocacy-preview/ (your output/ folder is left
    alone), serves it, and rebuilds and reloads open pages each time you
    save a file in content/, static/, themes/ or advocacy.yaml: the pages
    open in your browser first, and a story's or video's own page at once
    when you edit its text. Drafts are shown, marked with a banner. When a
    file has an error, the page shows it over the last version that built.
    Stop with Ctrl-C.
    """
    from advocacy.build import find_site_root
    from advocacy.serve import Preview

    root = find_site_root(site_dir)
    source = click.get_current_context().get_parameter_source("port")
    preview = Preview(root, host=host, port=port, drafts=not no_drafts, report=_print_event,
                      next_free=source is click.core.ParameterSource.DEFAULT)
    stop = _StopOnSignal()
    try:
        if port and preview.port != port:
            click.echo(f"Port {port} is in use; using {preview.port} instead.")
        preview.start()
        click.echo(f"Previewing {root.name} at {preview.url}  (Ctrl-C to stop)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"Warning: listening on {host}: others on your network can see drafts.", err=True)
        if open_browser:
            import webbrowser
            webbrowser.open(preview.url)
        stop.watching = True
        preview.watch(stop.event)
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
        stop.restore()
    click.echo("Stopped.")


class _StopOnSignal:
    """Ctrl-C (or `kill`) while watching asks the watcher to end its loop, so that
    nothing is interrupted halfway; before that (the first build) it stops at once."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.watching = False
        self._before = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore(self) -> None:
        for sig, handler in self._before.items():
            signal.signal(sig, handler)

    def _handle(self, signum, frame) -> None:
        if not self.watching:
            raise KeyboardInterrupt
        self.event.set()


def _print_event(event) -> None:
    """One build, as a marketer reads it: what changed, what is wrong, where."""
    changed = f"{', '.join(event.changed[:3])}{' …' if len(event.changed) > 3 else ''} changed: " if event.changed else ""
    if event.detail:
        click.echo(event.detail, err=True)
    print_problems(event.problems)
    if event.ok:
        click.echo(f"{changed}built {plural(event.pages, 'page')} in {event.seconds:.2f}s"
                   + (f", {plural(len(event.problems), 'warning')}" if event.problems else ""))
    else:
        errors = [p for p in event.problems if not p.is_warning]
        click.echo(f"{changed}{plural(len(errors), 'error')}; the browser shows them over the last good "
                   "version until you fix and save.", err=True)
