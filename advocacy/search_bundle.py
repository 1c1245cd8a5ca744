"""Pagefind's bundle made byte-for-byte reproducible.

Pagefind (1.5) writes its filter indexes and their list in the order of a
Rust HashMap, which changes from run to run (Pagefind issue 638), so two
builds of the same site would differ. Here each filter file's values and
the meta file's list of filters are sorted, the files renamed after their
new content, and the references to them rewritten. The search reads the
same data either way.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re

from advocacy import cbor

SIGNATURE = b"pagefind_dcd"
_META = re.compile(r"pagefind\.(?P<hash>(?P<lang>[^_/]+)_[0-9a-f]+)\.pf_meta")
_FILTER = re.compile(r"filter/(?P<hash>(?P<lang>[^_/]+)_[0-9a-f]+)\.pf_filter")
_ENTRY = "pagefind-entry.json"


def _read(data: bytes):
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind index file")
    return cbor.decode(raw[len(SIGNATURE):])


def _write(value) -> bytes:
    return gzip.compress(SIGNATURE + cbor.encode(value), compresslevel=9, mtime=0)


def _name(lang: str, data: bytes, length: int) -> str:
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:length]}"


def rewritten(path: str) -> bool:
    """Whether stable_bundle may change (or rename) the bundle's file at `path`: the others it keeps as they are."""
    return path == _ENTRY or bool(_FILTER.fullmatch(path) or _META.fullmatch(path))


def stable_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """`files` (path in the bundle -> bytes) with filters and meta files in a stable order."""
    out = dict(files)
    renamed: dict[str, str] = {}  # old filter hash -> new
    for path in sorted(files):
        match = _FILTER.fullmatch(path)
        if not match:
            continue
        name, values = _read(files[path])
        data = _write([name, sorted(values, key=lambda entry: entry[0])])
        new = _name(match["lang"], data, 7)
        renamed[match["hash"]] = new
        del out[path]
        out[f"filter/{new}.pf_filter"] = data
    entry = json.loads(files[_ENTRY])
    for path in sorted(files):
        match = _META.fullmatch(path)
        if not match:
            continue
        meta = _read(files[path])
        meta[3] = sorted(([name, renamed.get(old, old)] for name, old in meta[3]), key=lambda f: f[0])
        data = _write(meta)
        new = _name(match["lang"], data, 10)
        del out[path]
        out[f"pagefind.{new}.pf_meta"] = data
        for language in entry["languages"].values():
            if language["hash"] == match["hash"]:
                language["hash"] = new
    entry["languages"] = dict(sorted(entry["languages"].items()))
    out[_ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out
