"""The search index in shards: which shard holds a document, and how the
shards' Pagefind bundles are laid out together under pagefind/.

A document's shard follows from a hash of its file name alone, so an edit
changes one shard and leaves the others as they were (and reusable). The
number of shards grows with the site in powers of two, about
DOCS_PER_SHARD documents each: a small site is one plain Pagefind bundle,
and Pagefind's ranking (which weighs a word by how rare it is in its own
index) sees enough documents in every shard to rank alike across them.

In the output, the first shard is the primary bundle at pagefind/ with
Pagefind's script, worker and WebAssembly; every other shard is an index
alone at pagefind/<n>/, which the search page merges at query time
(Pagefind's mergeIndex), listed in pagefind/shards.json.
"""

from __future__ import annotations

import hashlib
import json

DOCS_PER_SHARD = 64  # measured: docs/search.md, "Shards"
SHARD_LIST = "shards.json"
# The files of one index; the rest of a bundle (script, worker, WebAssembly) is the same in every shard.
_INDEX_PARTS = ("pagefind-entry.json", "index/", "filter/", "fragment/")


def shard_count(documents: int) -> int:
    """The number of shards for a site of `documents`: a power of two, 1 for a small site."""
    count = 1
    while count * 2 * DOCS_PER_SHARD <= documents:
        count *= 2
    return count


def shard_of(name: str, count: int) -> int:
    """The shard of the document `name`: stable across builds, runs and machines."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def split(documents: dict[str, str]) -> list[dict[str, str]]:
    """`documents` in shards, in shard order; shards that got no document are left out."""
    count = shard_count(len(documents))
    shards: list[dict[str, str]] = [{} for _ in range(count)]
    for name in sorted(documents):
        shards[shard_of(name, count)][name] = documents[name]
    return [shard for shard in shards if shard]


def is_index_part(path: str) -> bool:
    """Whether `path` (in a bundle) is a file of its index, not of Pagefind's script or WebAssembly."""
    return path.startswith(_INDEX_PARTS) or path.endswith(".pf_meta")


def lay_out(bundles: list[dict[str, bytes]], prefix: str) -> dict[str, bytes]:
    """The shards' bundles (path in a bundle -> bytes) as the files of the output under `prefix`."""
    if not bundles:
        return {}
    files = {f"{prefix}{path}": data for path, data in bundles[0].items()}
    merged = []
    for number, bundle in enumerate(bundles[1:], 1):
        merged.append(f"{number}/")
        files.update((f"{prefix}{number}/{path}", data) for path, data in bundle.items() if is_index_part(path))
    files[f"{prefix}{SHARD_LIST}"] = json.dumps(merged, separators=(",", ":")).encode("utf-8")
    return files
