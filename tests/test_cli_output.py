"""What `build` prints: a progress bar on terminals only, one summary line,
-q and -v, and no colour where NO_COLOR is set or output is not a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from advocacy import progress
from advocacy.cli import main
from advocacy.progress import ProgressBar, use_colour


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_waits_for_a_moment_then_draws_and_clears(monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    stream, clock = Terminal(), Clock()
    bar = ProgressBar("Rendering pages", stream, delay=0.5, width=10, clock=clock)
    bar(1, 4)
    assert stream.getvalue() == ""  # a quick build shows no bar at all
    clock.now = 0.6
    bar(2, 4)
    assert stream.getvalue() == "\rRendering pages [#####-----] 2/4"
    clock.now = 0.65
    bar(3, 4)  # within a tenth of a second: not redrawn
    assert stream.getvalue().count("\r") == 1
    bar(4, 4)  # but the last step always is
    assert stream.getvalue().endswith("[##########] 4/4")
    bar.finish()
    assert stream.getvalue().endswith("\r\x1b[2K")


@pytest.mark.parametrize("stream, term", [(io.StringIO(), None), (Terminal(), "dumb")])
def test_no_bar_off_a_terminal(monkeypatch, stream, term):
    if term:
        monkeypatch.setenv("TERM", term)
    bar = ProgressBar("x", stream, delay=0, clock=Clock())
    bar(1, 2)
    bar.finish()
    assert stream.getvalue() == ""


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal()) is True
    assert use_colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_colour(Terminal()) is False


def test_build_prints_one_summary_line_and_no_control_characters(site):
    result = site.run("build")
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    assert re.match(r"Built \d+ pages \(1 story, 1 customer, \d+ topic pages\) in \d+\.\d\ds -> ", result.stdout)
    assert "\r" not in result.output and "\x1b" not in result.output


def test_the_bar_is_drawn_while_a_build_renders_on_a_terminal(site, monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0)
    monkeypatch.setattr(progress, "is_terminal", lambda stream: True)
    result = site.run("build")
    assert result.exit_code == 0
    assert "\rRendering pages [" in result.stderr
    assert result.stderr.endswith("\r\x1b[2K")  # cleared before the summary
    assert "Built" in result.stdout


def test_quiet_prints_nothing_but_errors(site):
    site.write("content/customers/acme.md", (site.root / "content/customers/acme.md").read_text().replace(
        "reference: true", "reference: true\nlogo: /logos/missing.svg"))
    quiet = site.run("build", "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    site.write("content/stories/acme-onboarding.md", "---\ntitel: x\n---\n")
    failed = site.run("build", "--quiet")
    assert failed.exit_code == 1 and "unknown key 'titel'" in failed.stderr


def test_verbose_lists_drafts_and_withheld_items(site):
    site.write("content/stories/draft.md", (site.root / "content/stories/acme-onboarding.md").read_text()
               .replace("date: 2025-03-14", "date: 2025-03-14\nstatus: draft"))
    site.write("content/stories/old.md", (site.root / "content/stories/acme-onboarding.md").read_text()
               .replace("date: 2025-03-14", "date: 2025-03-14\nconsent_expires: 2025-04-01"))
    result = site.run("build", "-v")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "content/stories/draft.md: draft, left out (build with --drafts to include it)" in lines
    assert "content/stories/old.md: withheld, consent expired on 2025-04-01" in lines
    assert lines[-1].startswith("Built ") and "1 withheld (consent expired); 1 draft left out" in lines[-1]


def test_quiet_and_verbose_together_is_a_usage_error(site):
    result = site.run("build", "-q", "-v")
    assert result.exit_code == 2 and "not both" in result.stderr


def test_no_color_is_obeyed(site, monkeypatch):
    monkeypatch.setattr(progress, "is_terminal", lambda stream: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = CliRunner().invoke(main, ["build", "--site", str(site.root)], color=True)
    assert "\x1b[" in coloured.stdout
    plain = CliRunner().invoke(main, ["build", "--site", str(site.root)], color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b" not in plain.stdout and plain.stdout.startswith("Built ")


# ---------------------------------------------------------------- the docs tell the truth

REPO = Path(__file__).resolve().parent.parent
GUIDES = ["README.md", "docs/getting-started.md", "docs/theming.md", "docs/deploying.md", "docs/github-pages.yml"]


def _code_of(path: Path) -> str:
    """The code in a guide: fenced blocks and `inline code` of Markdown, all of a workflow file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".md":
        return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M))
    return "\n".join(blocks + spans)


def _documented_calls() -> list[tuple[str, str, list[str]]]:
    """(guide, command and arguments, options) of every `advocacy ...` the guides show."""
    calls = []
    for name in GUIDES:
        for line in _code_of(REPO / name).splitlines():
            for match in re.finditer(r"(?:^|[\s&;(\"'])advocacy ([a-z]+)([^\n]*)", line):
                rest = match.group(2).split("&&")[0]
                options = re.findall(r"(?:^|[\s\[|])(--?[a-zA-Z][\w-]*)", rest)
                calls.append((name, match.group(1) + rest, options))
    return calls


def test_every_command_and_option_in_the_guides_exists():
    calls = _documented_calls()
    assert {"init", "new", "serve", "check", "build", "import"} <= {c[1].split()[0] for c in calls}
    for guide, words, options in calls:
        command = main.commands.get(words.split()[0])
        assert command is not None, f"{guide}: advocacy {words}"
        if hasattr(command, "commands"):  # a group: `advocacy import testimonials`
            command = command.commands.get(words.split()[1])
            assert command is not None, f"{guide}: advocacy {words}"
        known = {opt for param in command.params for opt in [*param.opts, *param.secondary_opts]} | {"-h", "--help"}
        assert set(options) <= known, f"{guide}: advocacy {words} {options} (known: {sorted(known)})"


def test_the_pages_workflow_is_valid_and_builds_for_the_pages_address():
    import yaml

    workflow = yaml.safe_load((REPO / "docs/github-pages.yml").read_text())
    steps = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert "advocacy check" in steps
    assert any(s.startswith("advocacy build --base-url") and "steps.pages.outputs.base_url" in s for s in steps)
    assert workflow[True]["schedule"]  # `on:` reads as True in YAML 1.1: a daily run for consent dates
