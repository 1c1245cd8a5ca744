"""The build cache: results of earlier builds, keyed by content hashes.

It lives in `.advocacy-cache/` in the site folder (ignored by git, safe to
delete) as one pickle file. Because unpickling runs code, the file carries
an HMAC made with a key kept outside the site (in the user's cache folder):
a cache file that came with a checkout, a pull request or another machine
does not verify and is ignored, never loaded. Any change to advocacy's code
starts a fresh cache, so that no result of older code is reused.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import advocacy
from advocacy.whole_files import remove_abandoned, write_whole

CACHE_DIR = ".advocacy-cache"
CACHE_FILE = "build.pickle"
_MAC_SIZE = 32


def code_fingerprint() -> str:
    """A hash of advocacy's version and its Python source: a new release or a local
    edit of the code gives a new fingerprint."""
    digest = hashlib.blake2b(advocacy.__version__.encode(), digest_size=16)
    package = Path(advocacy.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def content_hash(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))  # lengths keep ("ab", "c") apart from ("a", "bc")
        digest.update(data)
    return digest.hexdigest()


def _key_file() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "advocacy" / "cache-key"


def _secret() -> bytes | None:
    """This user's key for signing caches, made on first use; None if it cannot be kept."""
    path = _key_file()
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        return key
    except OSError:
        return None  # a read-only home: build without a cache


UNUSED_BUILDS_KEPT = 20  # builds an entry of a lasting namespace may go unused before it is dropped


class BuildCache:
    """namespace -> key -> value, loaded at the start of a build and saved at its end.
    Entries not used by a build are dropped when it saves, so the file does not grow;
    those of a lasting namespace (`keep_unused`) only after UNUSED_BUILDS_KEPT builds,
    for results a build that renders a few pages does not ask for (the cards of
    the lists it did not render)."""

    def __init__(self, root: Path, *, enabled: bool = True, file: str = CACHE_FILE):
        self.path = root / CACHE_DIR / file
        self._secret = _secret() if enabled else None
        self._fingerprint = code_fingerprint()
        self._old: dict[str, dict[str, Any]] = {}
        self._unused: dict[str, dict[str, int]] = {}  # lasting namespace -> key -> builds it went unused
        if self._secret:
            self._old, self._unused = self._load()
        self._new: dict[str, dict[str, Any]] = {}
        self._lasting: set[str] = set()
        self._journal: list[tuple[str, str, Any]] = []

    def _load(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return {}, {}
        mac, payload = blob[:_MAC_SIZE], memoryview(blob)[_MAC_SIZE:]  # a view: no second copy of a big file
        if not hmac.compare_digest(mac, hmac.new(self._secret, payload, hashlib.sha256).digest()):
            return {}, {}  # made elsewhere, or damaged: never unpickled
        try:
            fingerprint, entries, unused = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - a signed but unreadable cache is simply rebuilt
            return {}, {}
        return (entries, unused) if fingerprint == self._fingerprint else ({}, {})

    @property
    def enabled(self) -> bool:
        """False without a key to sign with: nothing is kept between builds."""
        return self._secret is not None

    @property
    def code(self) -> str:
        """The fingerprint of advocacy's code this cache was made for."""
        return self._fingerprint

    @property
    def folder(self) -> Path:
        return self.path.parent

    def owns(self, folder: Path) -> bool:
        """Whether `folder` (in the cache folder) and the cache folder are real folders, or not made
        yet: a link to elsewhere, which an archive of the site could bring, is never written through."""
        return not any(path.is_symlink() for path in (folder, self.folder))

    def get(self, namespace: str, key: str) -> Any | None:
        """The value of this build, or of the last one (then kept for the next)."""
        value = self._new.get(namespace, {}).get(key)
        if value is None:
            value = self._old.get(namespace, {}).get(key)
            if value is not None:
                self._new.setdefault(namespace, {})[key] = value
        return value

    def get_or_make(self, namespace: str, key: str, make: Callable[[], Any]) -> Any:
        """The value of `key`, or `make()`'s, then kept."""
        value = self.get(namespace, key)
        if value is None:
            value = make()
            self.put(namespace, key, value)
        return value

    def keep_unused(self, namespace: str) -> None:
        """Make `namespace` lasting: its entries outlive builds that do not use them, for a while."""
        self._lasting.add(namespace)

    def kept(self, namespace: str) -> set[str]:
        """The keys of `namespace` that this build used or made: what its save keeps."""
        return set(self._new.get(namespace, {}))

    def put(self, namespace: str, key: str, value: Any) -> None:
        self._new.setdefault(namespace, {})[key] = value
        self._journal.append((namespace, key, value))

    def drain(self) -> list[tuple[str, str, Any]]:
        """What was put since the last drain: a worker process sends it to the build's own cache."""
        journal, self._journal = self._journal, []
        return journal

    def next_build(self) -> None:
        """Start another build with this cache as the last build's save would leave it,
        without writing it: a resident preview keeps its cache in memory between builds."""
        self._old, self._unused = self._kept()
        self._new, self._journal = {}, []

    def _kept(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
        """What a save keeps: the entries this build used, and those of lasting namespaces
        that it did not use (with how many builds they went unused) for a while."""
        entries = dict(self._new)
        unused: dict[str, dict[str, int]] = {}
        for namespace in self._lasting:
            used, old = self._new.get(namespace, {}), self._old.get(namespace, {})
            ages = self._unused.get(namespace, {})
            unused[namespace] = {key: ages.get(key, 0) + 1 for key in old
                                 if key not in used and ages.get(key, 0) < UNUSED_BUILDS_KEPT}
            entries[namespace] = {**used, **{key: old[key] for key in unused[namespace]}}
        return entries, unused

    def save(self) -> None:
        """Write what this build used, atomically; a cache that cannot be written is skipped."""
        if self._secret is None:
            return
        entries, unused = self._kept()

        def write(file: BinaryIO) -> None:
            file.write(bytes(_MAC_SIZE))  # the MAC's place, filled once the payload is written
            signed = _Signed(file, hmac.new(self._secret, digestmod=hashlib.sha256))
            # streamed: a big site's cache is never one more copy in memory (70 MB at 4,000 stories)
            pickle.dump((self._fingerprint, entries, unused), signed, protocol=pickle.HIGHEST_PROTOCOL)
            file.seek(0)
            file.write(signed.mac.digest())

        try:
            self.path.parent.mkdir(exist_ok=True)
            remove_abandoned(self.path.parent)  # what killed builds left
            write_whole(self.path, write)
        except OSError:
            pass


class _Signed:
    """A file to write to that signs what goes through it."""

    def __init__(self, file: BinaryIO, mac: hmac.HMAC):
        self.file = file
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.file.write(data)
