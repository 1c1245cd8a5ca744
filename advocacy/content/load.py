"""Walk `content/` and turn every Markdown file into a validated record."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from advocacy.cache import BuildCache, content_hash
from advocacy.content.fields import (
    SLUG_RULE,
    long_word,
    long_word_message,
    parse_fields,
)
from advocacy.content.frontmatter import FrontMatterError, LineList, LineMap, decode, split
from advocacy.content.records import Invalid, Record
from advocacy.content.schema import KINDS, Kind
from advocacy.errors import Problem, Problems, did_you_mean
from advocacy.forked import fork_map
from advocacy.paths import OUTSIDE_ROOT, inside, relative
from advocacy.slugs import slugify


@dataclass
class Content:
    """Every record that loaded, by kind (folder name), in file-name order."""

    by_kind: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in KINDS})
    invalid: list[Invalid] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # file -> hash of its bytes, for page fingerprints
    fronts: dict[str, str] = field(default_factory=dict)  # file -> hash of all of it but the body (with a cache)


def load_content(root: Path, problems: Problems, cache: BuildCache | None = None,
                 known: Mapping[str, str] | None = None) -> Content:
    """Load every content file under `root/content`; problems go to `problems`.
    With a cache, a file whose bytes were seen before is not parsed again, and
    one `known` to have a key (not changed since it was read) is not read either."""
    content = Content()
    content_dir = root / "content"
    if not content_dir.is_dir():
        problems.error("advocacy.yaml", 1, "there is no content/ folder beside advocacy.yaml; "
                       "add content/stories/, content/customers/ and the others")
        return content
    for entry in sorted(content_dir.iterdir()):
        if entry.is_dir() and entry.name not in KINDS and not entry.name.startswith("."):
            problems.warning(relative(entry, root), 1, f"folder ignored: content/ holds only "
                             f"{', '.join(KINDS)}{did_you_mean(entry.name, KINDS)}")
    found: list[tuple[Kind, str, bytes, str]] = []  # every file to parse or take from the cache, in order
    for kind in KINDS.values():
        folder = content_dir / kind.folder
        if not folder.is_dir():
            continue
        folder_inside = inside(folder, root)
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            rel = f"content/{kind.folder}/{entry.name}"
            if entry.is_dir():
                problems.warning(rel, 1, f"folder ignored: content/{kind.folder}/ holds .md files only, not folders; "
                                 f"move its .md files up into content/{kind.folder}/ (images go in static/)")
                continue
            path = Path(entry.path)
            if not entry.name.endswith(".md"):
                problems.warning(rel, 1, "file ignored: content files must end in .md")
                continue
            # resolving every path is slow on big sites: only links can lead elsewhere
            if not folder_inside or (entry.is_symlink() and not inside(path, root)):
                problems.error(rel, 1, OUTSIDE_ROOT)
                content.invalid.append(Invalid(kind.folder, rel, {}, {}))
                continue
            key = known.get(rel) if known is not None and cache is not None else None
            if key is not None and cache.get("content", key) is not None:
                found.append((kind, rel, b"", key))  # parsed before: its bytes are not needed
                content.keys[rel] = key
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                problems.error(rel, 1, f"cannot read this file: {exc.strerror or exc}")
                content.invalid.append(Invalid(kind.folder, rel, {}, {}))
                continue
            key = content.keys[rel] = content_hash(kind.folder, rel, raw)
            found.append((kind, rel, raw, key))
    seen: dict[tuple[str, str], str] = {}
    for (kind, rel, raw, key), (record, items) in zip(found, _parse(found, cache)):
        problems.add(*items)
        if isinstance(record, Invalid):
            content.invalid.append(record)
            continue
        if cache is not None:
            content.fronts[rel] = cache.get_or_make(FRONTS, key,
                                                    lambda: front_key(kind.folder, rel, raw, key, record.body))
        other = seen.get((kind.folder, record.slug))
        if other is not None:
            problems.error(rel, record.line("slug"),
                           f"two {kind.folder} have the slug '{record.slug}' ({other} "
                           f"and this file); rename one file or set a different 'slug:'")
            continue
        seen[(kind.folder, record.slug)] = rel
        content.by_kind[kind.folder].append(record)
    return content


def front_key(folder: str, rel: str, raw: bytes, key: str, body: str) -> str:
    """The hash of a valid content file's text but its body (the record's, which ends the text):
    the same after an edit of the body alone. `key` (the hash of its bytes) where the bytes are
    not at hand (a file not read again)."""
    if not raw:
        return key  # every edit counts as one of the front matter: slower, never wrong
    text = decode(raw)
    return content_hash(folder, rel, text[:len(text) - len(body)])


FRONTS = "front-keys"  # of the build cache: the hash of a file's bytes -> front_key
Parsed = tuple["Record | Invalid", list[Problem]]
MIN_FILES = 400  # fewer files than this parse as fast in one process


def _parse(found: list[tuple[Kind, str, bytes, str]], cache: BuildCache | None) -> list[Parsed]:
    """Each file's record and problems: from a build that saw the same bytes, or parsed,
    on every core when there are many (a first build of a big site)."""
    results: list[Parsed | None] = [cache.get("content", key) if cache else None for *_, key in found]
    missing = [index for index, result in enumerate(results) if result is None]

    def parse(index: int) -> Parsed:
        kind, rel, raw, _ = found[index]
        own = Problems()
        return load_file(raw, rel, kind, own), own.items

    for index, result in zip(missing, fork_map(parse, missing, minimum=MIN_FILES)):
        results[index] = result
        if cache:
            cache.put("content", found[index][3], result)
    return results  # type: ignore[return-value] - every None was filled


def load_file(raw: bytes, rel: str, kind: Kind, problems: Problems) -> Record | Invalid:
    """One file's bytes -> a record of `kind`; or, with its problems reported,
    the valid part of a file with errors (nothing of one that could not be read)."""
    try:
        document = split(raw)
    except FrontMatterError as exc:
        problems.error(rel, exc.line, exc.message)
        return Invalid(kind.folder, rel, {}, {})
    values, errors = parse_fields(document.data, kind.fields)
    if kind.check is not None:
        errors += kind.check(values, lambda key: document.data.key_lines.get(key, 1))
    for error in errors:
        problems.error(rel, error.line, error.message)
    # a word the page shows is part of a word of the body: most bodies need no closer look
    word = long_word(_shown(document.body)) if long_word(document.body) else None
    if word is not None:
        problems.error(rel, document.body_line + document.body.count("\n", 0, word.start()),
                       f"the body has {long_word_message(word)}")

    stem = Path(rel).stem
    slug = values.pop("slug", None)
    if slug is None and "slug" not in document.data:
        if SLUG_RULE.match(stem):
            slug = stem
        else:
            problems.error(rel, 1, f"the file name '{Path(rel).name}' cannot be used in a URL: "
                           f"rename it to '{_suggest_slug(stem)}.md' (lower-case letters, "
                           "digits and dashes), or set 'slug:'")
    if errors or slug is None or word is not None:
        return Invalid(kind.folder, rel, values, _lines(document.data))
    return kind.record(kind=kind.folder, slug=slug, path=rel, body=document.body,
                       body_line=document.body_line, lines=_lines(document.data), **values)


# Where a body holds addresses, not text: a link's or image's destination, a reference definition's URL.
_DESTINATION = re.compile(r"(?<=\]\()[ \t]*(?:<[^<>\n]*>|[^\s)]+)|(?m:^ {0,3}\[[^\]\n]+\]:[ \t]*)(?:<[^<>\n]*>|\S+)")


def _shown(body: str) -> str:
    """The body with its link destinations blanked (same length, same lines): what a page shows as text."""
    return _DESTINATION.sub(lambda m: " " * len(m.group()), body)


def _lines(data: LineMap) -> dict[str, int]:
    """'key' -> line, and 'key.N' -> line of the N-th item of a list."""
    lines = {str(key): line for key, line in data.key_lines.items()}
    for key, value in data.items():
        if isinstance(value, LineList):
            lines.update({f"{key}.{i}": line for i, line in enumerate(value.item_lines)})
    return lines


def _suggest_slug(stem: str) -> str:
    return slugify(stem) or "my-item"
