"""The search index in shards: which shard holds a document, and how the
shards' Pagefind bundles are laid out together under pagefind/.

A document's shard follows from a hash of its group alone, the first part
of its name (its customer: search.search_documents), so an edit changes
one shard, renaming a customer changes the one shard of its items, and
the other shards stay as they were (and reusable).

The number of shards is a trade-off, measured in docs/search.md: a shard
re-indexes in a time that grows with its documents, while a visitor's
first query fetches a part of every shard's word index (Pagefind's chunk,
some 20 KB, however small the shard). So the count grows with the square
root of the site's size, in powers of two: 1 for a site of under 80
documents, 16 at 5,000 to 20,000.

In the output, the first shard is the primary bundle at pagefind/ with
Pagefind's script, worker and WebAssembly; every other shard is an index
alone at pagefind/<n>/, which the search page merges at query time
(Pagefind's mergeIndex), listed in pagefind/shards.json.
"""

from __future__ import annotations

import hashlib
import json
from typing import TypeVar

Document = TypeVar("Document")
File = TypeVar("File")

SHARD_SCALE = 20  # shards ~ sqrt(documents / SHARD_SCALE)
SHARD_LIST = "shards.json"
# The files of one index; the rest of a bundle (script, worker, WebAssembly) is the same in every shard.
_INDEX_PARTS = ("pagefind-entry.json", "index/", "filter/", "fragment/")


def shard_count(documents: int) -> int:
    """The number of shards for a site of `documents`: a power of two, 1 for a small site."""
    count = 1
    while (count * 2) ** 2 * SHARD_SCALE <= documents:
        count *= 2
    return count


def shard_of(name: str, count: int) -> int:
    """The shard of the document `name`, by its group: stable across builds, runs and machines."""
    digest = hashlib.blake2b(name.split("/", 1)[0].encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def split(documents: dict[str, Document]) -> list[dict[str, Document]]:
    """`documents` (by name) in shards, in shard order; shards that got no document are left out."""
    count = shard_count(len(documents))
    shards: list[dict[str, Document]] = [{} for _ in range(count)]
    for name in sorted(documents):
        shards[shard_of(name, count)][name] = documents[name]
    return [shard for shard in shards if shard]


def is_index_part(path: str) -> bool:
    """Whether `path` (in a bundle) is a file of its index, not of Pagefind's script or WebAssembly."""
    return path.startswith(_INDEX_PARTS) or path.endswith(".pf_meta")


def lay_out(bundles: list[dict[str, File]], prefix: str) -> dict[str, File | bytes]:
    """The shards' bundles (path in a bundle -> its bytes, or its kept file) as the files of the
    output under `prefix`."""
    if not bundles:
        return {}
    files: dict[str, File | bytes] = {f"{prefix}{path}": data for path, data in bundles[0].items()}
    merged = []
    for number, bundle in enumerate(bundles[1:], 1):
        merged.append(f"{number}/")
        files.update((f"{prefix}{number}/{path}", data) for path, data in bundle.items() if is_index_part(path))
    files[f"{prefix}{SHARD_LIST}"] = json.dumps(merged, separators=(",", ":")).encode("utf-8")
    return files
