"""The record of the last build of an output folder, so that a build that
would make the same output again does nothing.

It holds the stat (size, change time, inode change time, inode) of every
input file (config, content, static, themes, the built-in theme, the URL
record), the stat of every output file, the page fingerprints, the hash of
each content file read, and the summary of that build, in a signed file of
the cache folder, one per output folder and set of options. A file changed
within the last second is "racy" (its change time may not move at the next
save): its stat alone cannot vouch for it, so the record keeps the hash of
its bytes too (as git does for its index), and the next build skips only if
the file still has them. The URL record a build writes itself is such a
file for the next build. With more racy files than RACY_HASHED (a folder
just copied in), the record is not used for skipping at all.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from advocacy.cache import BuildCache, content_hash
from advocacy.errors import Problems
from advocacy.paths import Stat, stat_of
from advocacy.site_files import CONFIG_FILE, INPUT_FOLDERS, RECORD_FILE, builtin_theme_dir

if TYPE_CHECKING:  # only named: a build with nothing to do never imports the pipeline
    from advocacy.pages import Page
    from advocacy.site import Site

NAMESPACE = "last-build"
BUILTIN = "<builtin>"  # the built-in theme's files, in a scan's names
RACY_NS = 1_000_000_000
RACY_HASHED = 64  # racy files hashed at most; with more, the scan vouches for nothing

ContentKeys = dict[str, tuple[Stat, str]]  # content file -> (its stat when read, the hash of its bytes)


@dataclass
class BuildSummary:
    """What the command line and the preview report of a build."""

    page_total: int
    page_counts: Counter
    drafts: list[str]  # content files of drafts left out
    withheld: list[tuple[str, str]]  # (content file, why)
    draft_pages: dict[str, str]  # output file -> the content file of the draft it shows


def summarize(site: Site, pages: list[Page]) -> BuildSummary:
    return BuildSummary(
        len(pages), Counter(page.template.removesuffix(".html") for page in pages),
        [record.path for record in site.drafts], [(w.record.path, w.reason) for w in site.withheld],
        {page.output: page.context["item"].path for page in pages
         if getattr(page.context.get("item"), "is_draft", False)})


@dataclass
class LastBuild:
    summary: BuildSummary
    problems: Problems
    fingerprints: dict[str, str]  # page output -> fingerprint
    inputs: dict[str, Stat] | None = None  # None: unsure (links, unreadable, too many racy files), never skipped
    racy: dict[str, str] = field(default_factory=dict)  # input -> the hash of its bytes, where its stat was racy
    outputs: dict[str, Stat] = field(default_factory=dict)
    content_keys: ContentKeys = field(default_factory=dict)  # of the settled files: see known_keys
    copied: dict[str, str | None] = field(default_factory=dict)  # output file -> the input copied there


def _stat(path: str) -> Stat:
    return stat_of(os.stat(path))


def _walk(folder: Path | str, prefix: str, found: dict[str, Stat]) -> bool:
    """Stat every file under `folder` into `found`; False if a link makes it unsure."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return True
    for entry in entries:
        if entry.is_symlink():
            return False  # a link may lead to files whose changes this walk would not see
        name = f"{prefix}/{entry.name}"
        if entry.is_dir():
            if not _walk(entry.path, name, found):
                return False
        else:
            found[name] = stat_of(entry.stat())
    return True


@dataclass
class InputScan:
    """The stat of every file a build reads (None where links make that unsure), when it was
    taken, and the hash of the bytes of each file whose stat was racy then (None: too many)."""

    stats: dict[str, Stat] | None
    started: int  # time_ns
    racy: dict[str, str] | None = None

    def settled(self) -> dict[str, Stat]:
        """The files changed more than a second before the scan: a later save of one changes its stat.
        One changed later may be saved again within the same tick of the clock, its stat unchanged."""
        return {name: stat for name, stat in (self.stats or {}).items() if was_settled(stat, self.started)}

    def trusted(self) -> dict[str, Stat] | None:
        """Every stat, when the racy ones have their hashes beside them; else None (nothing may be skipped)."""
        return self.stats if self.racy is not None else None


def was_settled(stat: Stat, scan_started: int) -> bool:
    """Changed more than a second before `scan_started`: a later change moves the stat."""
    return max(stat[1], stat[2]) <= scan_started - RACY_NS


def scan_inputs(root: Path) -> InputScan:
    """The stat of every file a build reads, and the hash of the racy ones."""
    started = time.time_ns()
    found: dict[str, Stat] = {}
    try:
        for name in (CONFIG_FILE, RECORD_FILE):
            if (root / name).exists():
                found[name] = _stat(str(root / name))
        folders = [(root / name, name) for name in INPUT_FOLDERS]
        if root.resolve() not in builtin_theme_dir().resolve().parents:
            folders.append((builtin_theme_dir(), BUILTIN))
        if not all(_walk(folder, prefix, found) for folder, prefix in folders):
            return InputScan(None, started)
        racy = [name for name, stat in found.items() if not was_settled(stat, started)]
        hashes = {name: input_hash(root, name) for name in racy} if len(racy) <= RACY_HASHED else None
    except OSError:
        return InputScan(None, started)
    return InputScan(found, started, hashes)


def input_hash(root: Path, name: str) -> str:
    """The hash of the bytes of the input file `name` (as a scan names it)."""
    builtin = name.removeprefix(f"{BUILTIN}/")
    return content_hash((builtin_theme_dir() / builtin if builtin != name else root / name).read_bytes())


def settled_keys(scan: InputScan, keys: dict[str, str]) -> ContentKeys:
    """The keys a build read, of the files whose stat will show their next change."""
    settled = scan.settled()
    return {name: (settled[name], key) for name, key in keys.items() if name in settled}


def known_keys(remembered: ContentKeys, scan: InputScan) -> dict[str, str]:
    """The key of each file read before whose stat is still the same: it need not be read again."""
    stats = scan.stats or {}
    return {name: key for name, (stat, key) in remembered.items() if stats.get(name) == stat}


def copied_inputs(root: Path, files: dict[str, object]) -> dict[str, str | None]:
    """Output path -> the name (as a scan gives it) of the input file a build copies there, for each
    file of `files` (output path -> what the build writes there) that is a copy; None: not an input."""
    return {rel: input_name(root, data) for rel, data in files.items() if isinstance(data, Path)}


def unchanged_copies(last: LastBuild | None, scan: InputScan, copied: dict[str, str | None]) -> dict[str, Stat]:
    """Output path -> the stat its copy had when the last build left the output, for each input
    (`copied`: output path -> the input copied there) that the last build copied to the same path,
    found settled, and this scan finds with the same stat: its bytes are those the last build
    published. A copy that still has that stat was not changed since (a write, or a link made or
    removed, moves its inode change time), so it is the input's copy as it is now, and neither
    needs reading. (The same path from another input, as when a site's file overriding a theme's
    is deleted, is another file.)"""
    if last is None or last.inputs is None or scan.stats is None:
        return {}
    unchanged = {}
    for rel, name in copied.items():
        recorded = last.outputs.get(f"./{rel}")
        if (name is not None and recorded is not None and last.copied.get(rel) == name and name not in last.racy
                and name in scan.stats and last.inputs.get(name) == scan.stats[name]):
            unchanged[rel] = recorded
    return unchanged


def input_name(root: Path, file: Path) -> str | None:
    """The name a scan gives the input `file` (None: not one a scan sees)."""
    for folder, prefix in ((root, None), (builtin_theme_dir(), BUILTIN)):
        try:
            rel = file.relative_to(folder).as_posix()
        except ValueError:
            continue
        return rel if prefix is None else f"{prefix}/{rel}"
    return None


def scan_output(output: Path) -> dict[str, Stat]:
    found: dict[str, Stat] = {}
    try:
        _walk(output, ".", found)
    except OSError:
        return {}
    return found


def record_key(output: Path, *options: object) -> str:
    """The record's folder (in the cache folder) of this output folder and these build options."""
    return "last-build-" + content_hash(str(output.resolve()), repr(options))[:16]


class LastBuildRecord:
    """The signed record of one output folder's last build with one set of options."""

    def __init__(self, root: Path, output: Path, *options: object):
        self.root = root
        self.output = output
        self.cache = BuildCache(root, file=record_key(output, *options))

    def previous(self) -> LastBuild | None:
        return self.cache.get(NAMESPACE, "last")

    def unchanged(self, scan: InputScan) -> LastBuild | None:
        """The last build, if its inputs and its output are still exactly as it left them."""
        last = self.previous()
        inputs = scan.trusted()
        if last is None or last.inputs is None or inputs is None or last.inputs != inputs:
            return None
        try:  # racy at the last build's scan: the same stat does not tell the same bytes
            hashed = scan.racy or {}  # those racy at this scan too are hashed already
            if any((hashed.get(name) or input_hash(self.root, name)) != digest for name, digest in last.racy.items()):
                return None
        except OSError:
            return None
        return last if last.outputs and scan_output(self.output) == last.outputs else None

    def save(self, last: LastBuild, wrote_record: bool, outputs: dict[str, Stat]) -> None:
        """Keep `last` with the output as it is now (`outputs`: the stat of each of its files, by
        path in the output, as the build's write left them). The URL record's stat is taken again
        when this build wrote it (its own write is not a change)."""
        if last.inputs is not None and wrote_record:
            try:  # written just now: racy, so with its hash
                last.inputs[RECORD_FILE] = _stat(str(self.root / RECORD_FILE))
                last.racy[RECORD_FILE] = input_hash(self.root, RECORD_FILE)
            except OSError:
                last.inputs = None
        last.outputs = {f"./{rel}": stat for rel, stat in outputs.items()}  # named as scan_output names them
        self.cache.put(NAMESPACE, "last", last)
        self.cache.save()
