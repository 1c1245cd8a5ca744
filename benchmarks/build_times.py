"""Build times and peak memory of `advocacy build` on generated sites.

    python benchmarks/build_times.py [--sizes 1000,4000,10000] [--seed 1] [--keep DIR]

For each N, a site from benchmarks/sitegen.py is built in these scenarios,
each in a fresh process (wall time from the import of the pipeline, pages
rendered, peak resident memory of the build and of its render workers, and
the machine's load average, since a busy machine slows every figure; the disk's
pending writes are flushed before each build, so that none is timed writing back
what an earlier step wrote):

    cold               no cache, no output
    warm, empty out    cache kept, output removed
    no change          build again
    one story edited   a sentence added to one story (the first build since the output was
                       made afresh also makes the folder that later builds update: see
                       docs/performance.md)
    another story edited  the same, to another story
    customer renamed   a customer with stories gets a new name
    template edited    a site-level copy of story.html with one change

and, in one process that stays (as `advocacy serve` does, with its resident state):

    preview: first page   the page of a story edited as above, made first from the last build
    preview: whole build  the build that follows it in the same process
    preview: renamed, open pages  a customer renamed again while its page and the stories
                       list (thousands of cards) are open in a browser: when they are shown
    preview: renamed, whole build  the build they are shown from, to its end

advocacy's modules are compiled to bytecode first, as installing it does.

After each incremental scenario the output is compared, file by file, with a
clean build of the same content (cache and output removed): they must be
byte-identical, or the script says which files differ and exits 1.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.sitegen import generate  # noqa: E402

CACHE = ".advocacy-cache"
# Runs one build in this process (timed from the import of the pipeline) and prints its
# wall time, pages rendered and peak memory (this process; its children, render workers
# and Pagefind, apart) as JSON.
RUNNER = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from advocacy.build import build
result = build(Path(sys.argv[1]), Path(sys.argv[2]))
seconds = time.perf_counter() - started
peak = {who: resource.getrusage(getattr(resource, who)).ru_maxrss / 1024 for who in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
print(json.dumps({"seconds": seconds, "rendered": result.rendered, "pages": result.summary.page_total,
                  "peak_mb": peak["RUSAGE_SELF"], "workers_mb": peak["RUSAGE_CHILDREN"]}))
"""


# The preview's builds: one to start, then a story edit, its first page and the whole build,
# then a customer renamed with pages open, in this process as `advocacy serve` runs them; the
# pages shown first must be the ones the build made.
PREVIEW_RUNNER = """
import json, resource, sys, time
from pathlib import Path
from advocacy.build import FirstPages, build
from advocacy.resident import Resident
sys.path.append(sys.argv[3])  # after the advocacy it times: the benchmark's own edits
from benchmarks.build_times import edit_story, rename_customer
site, folder = Path(sys.argv[1]), Path(sys.argv[2])
resident = Resident(site)
options = dict(drafts=True, base_url="http://127.0.0.1:8000/", record=False, resident=resident)
build(site, folder, **options)
edit_story(site, 3)
story = site / "content" / "stories" / "story-3.md"
started = time.perf_counter()
first = resident.first_pages([story.relative_to(site).as_posix()])
first_seconds = time.perf_counter() - started
started = time.perf_counter()
result = build(site, folder, **options)
seconds = time.perf_counter() - started
same = len(first) == 1 and all((folder / name).read_bytes() == data for name, data in first.items())
slug = rename_customer(site, story, "Renamed Again")
shown, shown_at = {}, []
started = time.perf_counter()
open_pages = FirstPages({f"customers/{slug}/", "stories/"},
                        lambda pages: shown.update(pages) or shown_at.append(time.perf_counter() - started))
renamed = build(site, folder, **options, first=open_pages)
rename_seconds = time.perf_counter() - started
resident.close()
rename_same = len(shown) == 2 and all((folder / name).read_bytes() == data for name, data in shown.items())
print(json.dumps({"first_seconds": first_seconds, "seconds": seconds, "rendered": result.rendered,
                  "pages": result.summary.page_total, "same": same,
                  "rename_first_seconds": shown_at[0] if shown_at else float("nan"),
                  "rename_seconds": rename_seconds, "rename_rendered": renamed.rendered, "rename_same": rename_same,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_build(site: Path, output: Path, runner: str = RUNNER) -> dict[str, float]:
    # What the steps before wrote (a clean build's 20,000 files at 10,000 stories) is flushed
    # first: the kernel writing it back during the build would be counted as the build's time.
    os.sync()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01: same dates in every build
    done = subprocess.run([sys.executable, "-c", runner, str(site), str(output), str(HERE.parent)], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two output trees (missing on either side included)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b, ignore=[]), "")
    return sorted(found)


def clean_build_matches(site: Path, output: Path, scratch: Path) -> list[str]:
    """Build the same content from nothing into a scratch folder; compare with output."""
    copy = scratch / "clean-site"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns(CACHE, "output"))
    run_build(copy, copy / "output")
    return differences(output, copy / "output")


def edit_story(site: Path, number: int = 1) -> None:
    story = site / "content" / "stories" / f"story-{number}.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nOne more sentence, added by the benchmark.\n",
                     encoding="utf-8")


def rename_customer(site: Path, story: Path | None = None, name: str = "Renamed Customer") -> str:
    """Give the customer of `story` (by default the first story) a new name; its slug."""
    story = story or sorted((site / "content" / "stories").glob("*.md"))[0]
    slug = next(line.split(":", 1)[1].strip() for line in story.read_text(encoding="utf-8").splitlines()
                if line.startswith("customer:"))
    customer = site / "content" / "customers" / f"{slug}.md"
    lines = customer.read_text(encoding="utf-8").splitlines(keepends=True)
    customer.write_text("".join(f'name: "{name}"\n' if line.startswith("name:") else line for line in lines),
                        encoding="utf-8")
    return slug


def edit_template(site: Path) -> None:
    from advocacy.render import builtin_theme_dir

    own = site / "themes" / "default" / "templates"
    own.mkdir(parents=True, exist_ok=True)
    text = (builtin_theme_dir() / "templates" / "story.html").read_text(encoding="utf-8")
    assert "{% endblock %}" in text
    (own / "story.html").write_text(text.replace("{% endblock %}", "<p>Edited.</p>{% endblock %}", 1),
                                    encoding="utf-8")


def bench(n: int, seed: int, workdir: Path) -> list[tuple[str, dict[str, float], str]]:
    site = workdir / f"site-{n}"
    shutil.rmtree(site, ignore_errors=True)
    generate(site, n, seed)
    output = site / "output"
    rows = []

    def measure(name: str, compare: bool = True) -> None:
        figures = run_build(site, output)
        verdict = "-"
        if compare:
            diff = clean_build_matches(site, output, workdir)
            verdict = "identical" if not diff else f"DIFFERS: {', '.join(diff[:5])}"
        report(name, figures, verdict)

    def report(name: str, figures: dict[str, float], verdict: str) -> None:
        rows.append((name, figures, verdict))
        print(f"  {name:<30} {figures['seconds']:7.3f} s {figures['rendered']:6d}/{figures['pages']} rendered "
              f"{figures['peak_mb']:5.0f} MB (children {figures['workers_mb']:4.0f} MB)  {verdict}  "
              f"[load {os.getloadavg()[0]:.1f}]", flush=True)

    shutil.rmtree(site / CACHE, ignore_errors=True)
    measure("cold", compare=False)
    shutil.rmtree(output)
    measure("warm, empty out")
    measure("no change")
    edit_story(site)
    measure("one story edited")
    edit_story(site, 2)  # the folder kept beside the output exists now: a build updates it
    measure("another story edited")
    rename_customer(site)
    measure("customer renamed")
    edit_template(site)
    measure("template edited")
    preview = run_build(site, workdir / "preview", PREVIEW_RUNNER)
    verdict = "the build's page" if preview["same"] else "DIFFERS from the build's page"
    report("preview: first page", {**preview, "seconds": preview["first_seconds"], "rendered": 1}, verdict)
    report("preview: whole build", preview, "-")
    verdict = "the build's pages" if preview["rename_same"] else "DIFFERS from the build's pages"
    report("preview: renamed, open pages",
           {**preview, "seconds": preview["rename_first_seconds"], "rendered": 2}, verdict)
    report("preview: renamed, whole build",
           {**preview, "seconds": preview["rename_seconds"], "rendered": preview["rename_rendered"]}, "-")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,4000,10000", help="numbers of stories, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    compile_advocacy()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="advocacy-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    failed = False
    results: dict[int, list[tuple[str, dict[str, float], str]]] = {}
    try:
        for n in (int(size) for size in args.sizes.split(",")):
            print(f"N = {n:,} stories, {n:,} testimonials, {n // 10:,} customers, {n // 10:,} videos "
                  f"(cpus: {os.cpu_count()})", flush=True)
            results[n] = bench(n, args.seed, workdir)
            failed |= any(verdict.startswith("DIFFERS") for _, _, verdict in results[n])
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print_growth(results)
    sys.exit(1 if failed else 0)


def compile_advocacy() -> None:
    """Compile advocacy's modules once, as pip does when it installs a package. From a source
    checkout with PYTHONDONTWRITEBYTECODE set (our machines set it), each build would compile
    them all again: 0.1 s of every figure that a user's installed advocacy never spends."""
    compile_it = ("import advocacy, compileall, pathlib, sys; "  # the advocacy the builds import
                  "sys.exit(not compileall.compile_dir(pathlib.Path(advocacy.__file__).parent, quiet=1))")
    if subprocess.run([sys.executable, "-c", compile_it], check=False).returncode != 0:
        print("advocacy's modules could not all be compiled: each build compiles them again", flush=True)


def print_growth(results: dict[int, list[tuple[str, dict[str, float], str]]]) -> None:
    """How each figure grows from one size to the next, beside how the site grows (linear)."""
    sizes = sorted(results)
    for small, big in zip(sizes, sizes[1:]):
        print(f"N = {small:,} -> {big:,} (the site {big / small:.1f}x):")
        for (name, before, _), (_, after, _) in zip(results[small], results[big]):
            print(f"  {name:<30} time {after['seconds'] / before['seconds']:5.2f}x   "
                  f"peak memory {after['peak_mb'] / before['peak_mb']:5.2f}x")


if __name__ == "__main__":
    main()
