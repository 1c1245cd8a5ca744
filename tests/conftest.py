"""Shared fixtures: small sites written into a temporary folder, built, parsed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from advocacy.cli import main

REPO = Path(__file__).resolve().parent.parent

BASE_CONFIG = """\
title: Peer Stories
base_url: https://example.com/
company: Example Co
values:
  reliability: {title: Reliability, description: It works every day.}
  speed: {title: Speed}
references:
  request_url: mailto:refs@example.com
"""

CUSTOMER = """\
---
name: Acme Logistics
industry: Logistics
company_size: "51-200"
region: Europe
reference: true
---
Acme moves things.
"""

STORY = """\
---
title: How Acme cut onboarding
summary: Onboarding went from weeks to days.
customer: acme
date: 2025-03-14
---
## The challenge
It was slow.
"""


class SiteFolder:
    """A site in a temporary folder: write files, run the CLI, read the output."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def run(self, *args: str):
        """Run `advocacy ARGS --site ROOT`; returns click's Result (exit_code, stdout, stderr)."""
        return CliRunner().invoke(main, [*args, "--site", str(self.root)], catch_exceptions=False)

    @property
    def output(self) -> Path:
        return self.root / "output"

    def page(self, path: str) -> BeautifulSoup:
        """The built page at site path `path` ('' is home), parsed."""
        file = self.output / path / "index.html" if path == "" or path.endswith("/") else self.output / path
        return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")

    def snapshot(self) -> dict[str, bytes]:
        """Every file of the output, for byte-for-byte comparisons."""
        return {p.relative_to(self.output).as_posix(): p.read_bytes()
                for p in sorted(self.output.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    """A minimal valid site: config, one customer, one story."""
    folder = SiteFolder(tmp_path / "site")
    folder.write("advocacy.yaml", BASE_CONFIG)
    folder.write("content/customers/acme.md", CUSTOMER)
    folder.write("content/stories/acme-onboarding.md", STORY)
    return folder
