"""Cold builds of the same stories by advocacy, Hugo and Eleventy, in one run on one machine.

    python benchmarks/compare_ssg.py [--sizes 1000,4000] [--seed 1] [--runs 3]

Each N's site comes from benchmarks/sitegen.py. Hugo and Eleventy get its N
story files as they are (YAML front matter, ~700 words of Markdown) and a
one-template layout: a page per story and a list of them, nothing else.
advocacy builds the whole generated site (stories, testimonials, customers,
videos, topic pages, cards, feeds and the search index), so its figure is
for far more work than theirs: the table says how many pages each made.

Every build starts from nothing (no cache, no output) in a new process and
is timed from its start, the start of the tool included; the best of --runs
is shown. A tool that is not installed is left out with a line saying how
to install it: `hugo` on the PATH (Debian: apt-get install hugo), and
Eleventy as the ELEVENTY environment variable, the path of its command
(npm install @11ty/eleventy, then ELEVENTY=node_modules/.bin/eleventy).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.build_times import compile_advocacy  # noqa: E402
from benchmarks.sitegen import generate  # noqa: E402

HUGO_CONFIG = """\
baseURL = "https://example.com/"
title = "Stories"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>"
               "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n")
HUGO_LIST = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>"
             "<body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>"
             "</body></html>\n")
ELEVENTY_STORY = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ title }}</title></head>"
                  "<body><h1>{{ title }}</h1>{{ content | safe }}</body></html>\n")
ELEVENTY_LIST = ("---\npermalink: /stories/\n---\n<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<title>Stories</title></head><body><ul>{% for story in collections.story %}"
                 "<li><a href=\"{{ story.url }}\">{{ story.data.title }}</a></li>{% endfor %}</ul></body></html>\n")

Builder = Callable[[Path], list[str]]  # a project folder -> the command that builds it cold


def hugo_project(site: Path, folder: Path) -> None:
    shutil.copytree(site / "content" / "stories", folder / "content" / "stories")
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (layouts / "list.html").write_text(HUGO_LIST, encoding="utf-8")


def eleventy_project(site: Path, folder: Path) -> None:
    shutil.copytree(site / "content" / "stories", folder / "stories")
    (folder / "stories" / "stories.json").write_text('{"layout": "story.njk", "tags": "story"}', encoding="utf-8")
    (folder / "_includes").mkdir()
    (folder / "_includes" / "story.njk").write_text(ELEVENTY_STORY, encoding="utf-8")
    (folder / "index.njk").write_text(ELEVENTY_LIST, encoding="utf-8")


def advocacy_project(site: Path, folder: Path) -> None:
    shutil.copytree(site, folder, dirs_exist_ok=True)


def advocacy_command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "advocacy", "build", "--quiet", "--site", str(folder)]


def hugo_command(folder: Path) -> list[str]:
    return ["hugo", "--quiet", "--source", str(folder), "--cacheDir", str(folder / "hugo-cache")]


def eleventy_command(folder: Path) -> list[str]:
    # run in the project: given as an absolute path, its folder's data file (the layout) is not found
    return [str(Path(os.environ["ELEVENTY"]).resolve()), "--quiet", "--input=.", "--output=_site"]


def files_made(folder: Path) -> int:
    """The HTML pages a build wrote in its output folder, whichever tool made it: whole pages only
    (with a title), so that a layout left out (a body alone) does not count."""
    for name in ("output", "public", "_site"):
        if (folder / name).is_dir():
            return sum(1 for page in (folder / name).rglob("*.html") if b"<title>" in page.read_bytes())
    return 0


def cold_build(make: Callable[[Path, Path], None], command: Builder, site: Path, runs: int) -> tuple[float, int]:
    """The best wall time of `runs` cold builds, each of a fresh copy, and the pages the last one made."""
    best, pages = float("inf"), 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="advocacy-compare-") as scratch:
            folder = Path(scratch) / "project"
            make(site, folder)
            os.sync()  # the copy just made is not written back during the timed build
            started = time.perf_counter()
            done = subprocess.run(command(folder), cwd=folder, capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"{command(folder)[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            best, pages = min(best, seconds), files_made(folder)
    return best, pages


def tools() -> list[tuple[str, Callable[[Path, Path], None], Builder]]:
    """The tools to time: advocacy always, the others where they are installed."""
    found = [("advocacy (whole site, search index)", advocacy_project, advocacy_command)]
    if shutil.which("hugo"):
        found.append(("Hugo (stories and their list)", hugo_project, hugo_command))
    else:
        print("Hugo left out: no `hugo` on the PATH (Debian: apt-get install hugo)")
    if os.environ.get("ELEVENTY") and Path(os.environ["ELEVENTY"]).exists():
        found.append(("Eleventy (stories and their list)", eleventy_project, eleventy_command))
    else:
        print("Eleventy left out: set ELEVENTY to its command (npm install @11ty/eleventy, "
              "then ELEVENTY=node_modules/.bin/eleventy)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,4000", help="numbers of stories, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="cold builds of each tool; the best is shown")
    args = parser.parse_args()
    compile_advocacy()
    timed = tools()
    for size in (int(n) for n in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="advocacy-compare-site-") as scratch:
            site = Path(scratch) / "site"
            generate(site, size, seed=args.seed)
            print(f"N = {size:,} stories (cpus: {os.cpu_count()}), best of {args.runs} cold builds:", flush=True)
            for name, make, command in timed:
                seconds, pages = cold_build(make, command, site, args.runs)
                print(f"  {name:40s} {seconds:7.2f} s  {pages:6,} pages", flush=True)


if __name__ == "__main__":
    main()
