"""The build cache: results of earlier builds, keyed by content hashes.

It lives in `.advocacy-cache/build/` in the site folder (ignored by git, safe
to delete), each namespace split over a few pickle files by a hash of the
key, so that a build that changes a few entries rewrites a few files, not
the whole cache (58 MB at 4,000 stories), and loading never holds more than
one file's bytes besides what it made of them. Because unpickling runs code,
every file carries an HMAC made with a key kept outside the site (in the
user's cache folder): a cache file that came with a checkout, a pull request
or another machine does not verify and is ignored, never loaded. Any change
to advocacy's code starts a fresh cache, so that no result of older code is
reused. Every value is kept under a hash of what it was made from, so files
written by different builds (one killed half-way through its save, or two
side by side) never disagree: they only hold more or fewer entries.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import hmac
import os
import pickle
import secrets
import zlib
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from pathlib import Path
from typing import Any, BinaryIO

import advocacy
from advocacy.whole_files import remove_abandoned, write_whole

CACHE_DIR = ".advocacy-cache"
CACHE_FILE = "build"  # the folder of the build cache, in CACHE_DIR
# In the cache folder, so that git ignores it in any site, made by `advocacy init` or not (as pytest's does)
_IGNORED_BY_GIT = b"# advocacy's build cache: never commit it; safe to delete\n*\n"
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
_ENTRIES_PER_FILE = 256  # a namespace gets more files as it grows, up to _MOST_FILES
_MOST_FILES = 64
_BUILDS_FILE = "builds"  # how many builds saved this cache: the clock of the lasting entries' ages
_CODE_FILE = "code"  # the fingerprint of the code that saved it last
_NONE: Mapping[str, Any] = MappingProxyType({})  # the entries of a namespace that has none


class BuildCache:
    """namespace -> key -> value, each namespace read when a build first asks for it, and saved
    at its end. Entries of a namespace a build used that it did not use are dropped when it saves,
    so the cache does not grow;
    those of a lasting namespace (`keep_unused`) only after UNUSED_BUILDS_KEPT builds,
    for results a build that renders a few pages does not ask for (the cards of
    the lists it did not render). A save writes only the files whose entries changed."""

    def __init__(self, root: Path, *, enabled: bool = True, file: str = CACHE_FILE):
        self.path = root / CACHE_DIR / file
        self._secret = _secret() if enabled else None
        self._fingerprint = code_fingerprint()
        self._old: dict[str, dict[str, Any]] = {}
        # lasting namespace -> key -> the build that last used it (as of the last write of its file)
        self._used_at: dict[str, dict[str, int]] = {}
        self._files: dict[str, dict[str, tuple[int, int]]] = {}  # namespace -> file name -> (file count, index)
        self._stale: set[str] = set()  # files that are not this code's, or not intact
        # the namespaces read: a namespace's files are listed and read when a build first asks for it
        # (a story edit never reads the cards, 30 MB at 4,000 stories); one no build asks for keeps
        # its files as they are
        self._read_namespaces: set[str] = set()
        self._code_on_file: str | None = None  # the code that saved this cache last, as its file says
        self._builds = 0
        # what the files hold (entries, and the ages of lasting ones), to tell which a save must write again
        self._saved: dict[str, dict[str, Any]] = {}
        self._saved_ages: dict[str, dict[str, int]] = {}
        self._new: dict[str, dict[str, Any]] = {}
        self._lasting: set[str] = set()
        self._journal: list[tuple[str, str, Any]] = []
        if self._secret:
            self._read_clock()

    def _read_clock(self) -> None:
        """The count of builds, and which code saved the cache: other code's files are all stale at once."""
        try:
            self._builds = int((self.path / _BUILDS_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            pass  # its clock unreadable: lasting entries count as just used
        try:
            self._code_on_file = (self.path / _CODE_FILE).read_text(encoding="ascii")
        except (OSError, ValueError):
            return  # a cache older than this file: each file's header tells
        if self._code_on_file != self._fingerprint:  # another advocacy's cache: none of it is read
            files = self._files_on_disk()
            self._stale.update(name for name, _ in files)
            self._read_namespaces.update(place[0] for _, place in files)

    def _files_on_disk(self, namespace: str | None = None) -> list[tuple[str, tuple[str, int, int]]]:
        """(file name, (namespace, file count, index)) of the cache's files, of `namespace` only if given."""
        try:
            names = sorted(os.listdir(self.path))
        except OSError:
            return []  # no cache yet
        return [(name, place) for name in names
                if (place := _place(name)) is not None and namespace in (None, place[0])]

    def _old_of(self, namespace: str) -> Mapping[str, Any]:
        """The last build's entries of `namespace`, its files read on the first call."""
        if namespace not in self._read_namespaces:
            self._read_namespaces.add(namespace)
            if self._secret:
                self._read_namespace(namespace, self._files_on_disk(namespace))
        return self._old.get(namespace, _NONE)

    def _read_namespace(self, namespace: str, files: list[tuple[str, tuple[str, int, int]]]) -> None:
        for name, place in files:
            loaded = self._read(self.path / name, (self._fingerprint, *place))
            if loaded is None:
                self._stale.add(name)  # made by other code, elsewhere, or damaged: removed at the next save
                continue
            entries, used_at = loaded
            self._old.setdefault(namespace, {}).update(entries)
            if used_at is not None:
                self._used_at.setdefault(namespace, {}).update(used_at)
                self._lasting.add(namespace)
            self._files.setdefault(namespace, {})[name] = place[1:]
        if namespace in self._old:
            self._saved[namespace] = self._old[namespace]
        if namespace in self._used_at:
            self._saved_ages[namespace] = self._used_at[namespace]

    def read_all(self) -> None:
        """Read every namespace now: forked workers then share what this process read."""
        for namespace in sorted({place[0] for _, place in self._files_on_disk()}):
            self._old_of(namespace)

    def _read(self, path: Path, header: tuple) -> tuple[dict[str, Any], dict[str, int] | None] | None:
        """A file's entries and ages, if this user's key signed it and its header is `header`
        (this code's fingerprint, the namespace and the file's place): only then is it unpickled."""
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        mac, payload = blob[:_MAC_SIZE], memoryview(blob)[_MAC_SIZE:]  # a view: no second copy of the file
        if not hmac.compare_digest(mac, hmac.new(self._secret, payload, hashlib.sha256).digest()):
            return None  # made elsewhere, or damaged: never unpickled
        try:
            size = int.from_bytes(payload[:4], "little")
            if pickle.loads(payload[4:4 + size]) != header:
                return None  # another version's: its entries are not even unpickled
            with collector_paused():
                return pickle.loads(payload[4 + size:])
        except Exception:  # noqa: BLE001 - a signed but unreadable file is simply made again
            return None

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

    def keep_out_of_git(self) -> None:
        """Make the cache folder, once it exists, one that git ignores (OSError if it cannot be written)."""
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            write_whole(ignore, lambda file: file.write(_IGNORED_BY_GIT))

    def owns(self, folder: Path) -> bool:
        """Whether `folder` (in the cache folder) and the cache folder are real folders, or not made
        yet: a link to elsewhere, which an archive of the site could bring, is never written through."""
        return not any(path.is_symlink() for path in (folder, self.folder))

    def get(self, namespace: str, key: str) -> Any | None:
        """The value of this build, or of the last one (then kept for the next)."""
        value = self._new.get(namespace, _NONE).get(key)
        if value is None:
            value = self._old_of(namespace).get(key)
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
        self._old, self._used_at = self._kept()
        self._builds += 1
        self._new, self._journal = {}, []

    def _kept(self) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
        """What a save keeps: the entries this build used, and those of lasting namespaces
        that it did not use (with the build that last used them) for a while."""
        for namespace in self._new:
            self._old_of(namespace)  # its file layout and, if lasting, the entries it keeps unused
        entries = dict(self._new)
        now = self._builds + 1  # this build
        used_at: dict[str, dict[str, int]] = {}
        for namespace in self._lasting & self._read_namespaces:
            used, old = self._new.get(namespace, {}), self._old.get(namespace, {})
            last = self._used_at.get(namespace, {})
            used_at[namespace] = {key: now for key in used}
            used_at[namespace].update((key, last.get(key, now)) for key in old
                                      if key not in used and now - last.get(key, now) <= UNUSED_BUILDS_KEPT)
            entries[namespace] = {**used, **{key: old[key] for key in used_at[namespace] if key not in used}}
        return entries, used_at

    def save(self) -> None:
        """Write what this build used, each file atomically, only the files whose entries
        changed; a cache that cannot be written is skipped."""
        if self._secret is None or not self.owns(self.path):
            return
        entries, used_at = self._kept()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.keep_out_of_git()
            for name in self._stale:
                (self.path / name).unlink(missing_ok=True)
            self._stale.clear()
            for folder in (self.folder, self.path):
                remove_abandoned(folder)  # what killed builds left (and older versions, in the cache folder)
            for namespace in set(entries) | set(self._files):
                self._save_namespace(namespace, entries.get(namespace, {}), used_at.get(namespace))
            write_whole(self.path / _BUILDS_FILE, lambda file: file.write(str(self._builds + 1).encode("ascii")))
            if self._code_on_file != self._fingerprint:
                write_whole(self.path / _CODE_FILE, lambda file: file.write(self._fingerprint.encode("ascii")))
                self._code_on_file = self._fingerprint
            (self.folder / f"{self.path.name}.pickle").unlink(missing_ok=True)  # the one file of older versions
        except OSError:
            return
        self._builds += 1
        # what the files hold now (copies: this build's entries stay in use, for kept())
        self._saved = {namespace: dict(kept) for namespace, kept in entries.items()}
        self._saved_ages = {namespace: dict(ages) for namespace, ages in used_at.items()}

    def _save_namespace(self, namespace: str, entries: dict[str, Any], used_at: dict[str, int] | None) -> None:
        count = _file_count(len(entries))
        files = self._files.setdefault(namespace, {})
        same_layout = all(file_count == count for file_count, _ in files.values())
        saved = _split(self._saved.get(namespace, {}), count) if same_layout else {}
        saved_ages = self._saved_ages.get(namespace, {})
        kept = {}
        for index, part in _split(entries, count).items():
            name = f"{namespace}.{count}.{index}.pickle"
            kept[name] = (count, index)
            before = saved.get(index)
            # a lasting entry's age on file lags while its file is not written: written again before
            # the lag could drop an entry that builds still use
            fresh = used_at is None or all(used_at[key] - saved_ages.get(key, 0) <= UNUSED_BUILDS_KEPT // 2
                                           for key in part)
            if name in files and before is not None and before.keys() == part.keys() and fresh \
                    and all(part[key] is before[key] for key in part):
                continue  # the same entries as its file holds
            ages = None if used_at is None else {key: used_at[key] for key in part}
            self._write(self.path / name, (self._fingerprint, namespace, count, index), (part, ages))
        for name in set(files) - set(kept):  # emptied, or of another file count
            (self.path / name).unlink(missing_ok=True)
        self._files[namespace] = kept

    def _write(self, path: Path, header: tuple, body: tuple) -> None:
        def write(file: BinaryIO) -> None:
            file.write(bytes(_MAC_SIZE))  # the MAC's place, filled once the payload is written
            signed = _Signed(file, hmac.new(self._secret, digestmod=hashlib.sha256))
            head = pickle.dumps(header, protocol=pickle.HIGHEST_PROTOCOL)
            signed.write(len(head).to_bytes(4, "little") + head)
            pickle.dump(body, signed, protocol=pickle.HIGHEST_PROTOCOL)  # streamed: no copy in memory
            file.seek(0)
            file.write(signed.mac.digest())

        write_whole(path, write)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a cache file is unpickled: each collection would walk
    again every object made so far (a cache of 4,000 stories is millions), and finds no garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _file_count(entries: int) -> int:
    """How many files hold a namespace of `entries`: a power of two."""
    count = 1
    while count < _MOST_FILES and entries > count * _ENTRIES_PER_FILE:
        count *= 2
    return count


def _split(entries: dict[str, Any], count: int) -> dict[int, dict[str, Any]]:
    """`entries` by the file (of `count`) that holds each key; files with no entry left out."""
    parts: dict[int, dict[str, Any]] = {}
    for key, value in entries.items():
        parts.setdefault(zlib.crc32(key.encode("utf-8")) % count, {})[key] = value
    return parts


def _place(name: str) -> tuple[str, int, int] | None:
    """(namespace, file count, index) of a cache file's name, "<namespace>.<count>.<index>.pickle"."""
    parts = name.split(".")
    if len(parts) != 4 or parts[3] != "pickle" or not (parts[1].isdigit() and parts[2].isdigit()):
        return None
    return parts[0], int(parts[1]), int(parts[2])


class _Signed:
    """A file to write to that signs what goes through it."""

    def __init__(self, file: BinaryIO, mac: hmac.HMAC):
        self.file = file
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.file.write(data)
