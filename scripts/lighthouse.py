"""Lighthouse (mobile) on the pages a prospect lands on: home, a story, the
stories list and the testimonials wall. Not part of the test suite.

    .venv/bin/python scripts/lighthouse.py [--site DIR] [--lighthouse CMD] [--out DIR]

It builds the site (the repository's sample by default) for a local address,
serves it on 127.0.0.1, runs Lighthouse with Debian's chromium
(CHROME_PATH=/usr/bin/chromium) and prints the four scores of each page.
Lighthouse comes from npm (`npx --yes lighthouse@12` unless --lighthouse
names an installed one); nothing from npm is needed to build a site.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from advocacy.build import build, find_site_root

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--lighthouse", default="npx --yes lighthouse@12", help="the command to run")
    parser.add_argument("--out", type=Path, help="keep the JSON reports here")
    args = parser.parse_args()
    root = find_site_root(args.site)
    work = Path(tempfile.mkdtemp(prefix="advocacy-lighthouse-"))
    reports = args.out or work / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    output = work / "www"
    output.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    result = build(root, output, base_url=base)
    story = next((p.path for p in result.pages if p.template == "story.html"), None)
    pages = {"home": "", "story": story, "stories list": "stories/", "testimonials": "testimonials/"}
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    print(f"{'page':<14}" + "".join(f"{c:>16}" for c in CATEGORIES))
    worst = 100
    for name, path in pages.items():
        if path is None:
            continue
        report = reports / f"{name.replace(' ', '-')}.json"
        command = [*shlex.split(args.lighthouse), base + path, "--quiet", "--output=json",
                   f"--output-path={report}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                   f"--only-categories={','.join(CATEGORIES)}"]
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        if run.returncode != 0 or not report.is_file():
            print(f"{name}: lighthouse failed: {run.stderr.strip()[-500:]}", file=sys.stderr)
            return 1
        scores = json.loads(report.read_text())["categories"]
        values = [round(scores[c]["score"] * 100) for c in CATEGORIES]
        worst = min(worst, *values)
        print(f"{name:<14}" + "".join(f"{v:>16}" for v in values))
    server.shutdown()
    print(f"reports: {reports}")
    return 0 if worst >= 95 else 1


if __name__ == "__main__":
    sys.exit(main())
