"""A content-addressed cache of synthesized sentences.

The key covers everything that changes the sound: engine and its version,
voice, rate, volume and the exact spoken text. So an unchanged sentence is
never synthesized twice, and editing one sentence re-synthesizes only it.

Each entry's length and sha256 are kept beside it (``KEY.wav.sum``), written
once the entry is whole, and checked before the entry is used: an entry that
was damaged (truncated, overwritten, emptied) or never sealed is said again,
never shipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import fields
from pathlib import Path

from ..errors import UserError
from ..files import is_temporary, read_regular, write_atomic
from .base import VoiceSettings

#: A finished entry's file name: its sha256 key.
KEY_NAME = re.compile(r"[0-9a-f]{64}\.wav")
#: The cache's folders: the first two letters of their entries' keys.
FOLDER_NAME = re.compile(r"[0-9a-f]{2}")
#: A temporary file untouched this long has no worker writing it (one sentence
#: takes seconds, and a worker is given up on after a minute).
ABANDONED_AFTER_S = 3600


#: What an entry's check file holds: "SHA256 LENGTH".
CHECK_SUFFIX = ".sum"


class CacheError(UserError, RuntimeError):
    """The cache folder cannot be used (not a folder, not writable, full)."""


def _digest(path: Path) -> tuple[str, int]:
    digest, length = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            length += len(block)
    return digest.hexdigest(), length


def seal_entry(wav: Path, entry: Path) -> None:
    """Keep the length and checksum of ``wav`` beside ``entry`` (the path it will have in
    the cache): give it to ``synthesize_all`` as ``seal``."""
    digest, length = _digest(wav)
    write_atomic(entry.with_name(entry.name + CHECK_SUFFIX), f"{digest} {length}\n")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "audioguide" / "segments"


class SegmentCache:
    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()

    def key(self, settings: VoiceSettings, engine_version: str, spoken: str) -> str:
        # Every field of the settings, in their order, so a new one changes the key; the
        # engine's identity follows its name (the keys of the fields there have always been).
        engine, *rest = (getattr(settings, field.name) for field in fields(settings))
        parts = [engine, engine_version, *rest, spoken]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.wav"

    def _check_path(self, key: str) -> Path:
        return self.path(key).with_name(self.path(key).name + CHECK_SUFFIX)

    def state(self, key: str) -> str:
        """"ok" (whole, as sealed), "missing" (absent or never sealed) or "damaged"."""
        path = self.path(key)
        try:
            if not path.is_file() or path.is_symlink():
                return "missing"
            expected = read_regular(self._check_path(key), 256, CacheError).decode("ascii").split()
        except (OSError, UnicodeDecodeError, CacheError):
            return "missing"
        try:
            found = _digest(path)
        except OSError:
            return "damaged"
        return "ok" if expected == [found[0], str(found[1])] else "damaged"

    def has(self, key: str) -> bool:
        return self.state(key) == "ok"

    def seal(self, key: str) -> None:
        """Keep the length and checksum of a whole new entry, for ``state`` to check."""
        seal_entry(self.path(key), self.path(key))

    def check_writable(self) -> None:
        """Refuse, in one line, a cache folder that is a file or cannot be written."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Named for this call (guides of a library are built by threads of one process).
            handle, probe = tempfile.mkstemp(prefix=".write-test.", suffix=".tmp", dir=self.directory)
            os.close(handle)
            os.unlink(probe)
        except OSError as error:
            raise CacheError(f"{self.directory}: cannot write the sentence cache here "
                             f"({error.strerror}); choose another with --cache-dir") from None

    def _folders(self):
        """The cache's own folders: never one that is a link (out of the cache, maybe)."""
        for path in self.directory.glob("*/"):
            if FOLDER_NAME.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
                yield path

    def _entries(self):
        """Finished entries only: a worker's temporary file may still be being written."""
        for folder in self._folders():
            for path in folder.glob("*.wav"):
                if KEY_NAME.fullmatch(path.name) and path.name.startswith(folder.name) \
                        and path.is_file() and not path.is_symlink():
                    yield path

    def _abandoned(self):
        """Temporary files no worker is writing: a killed worker leaves its own behind."""
        too_old = time.time() - ABANDONED_AFTER_S
        for path in (path for folder in self._folders() for path in folder.glob(".*")):
            if not is_temporary(path) or path.is_symlink():
                continue
            try:
                if path.stat().st_mtime < too_old:
                    yield path
            except FileNotFoundError:
                continue  # renamed into place meanwhile

    def usage(self) -> tuple[int, int]:
        """(sentences, bytes) the cache holds."""
        sizes = [path.stat().st_size for path in self._entries()]
        return len(sizes), sum(sizes)

    def prune(self, keep: set[str]) -> tuple[int, int, int]:
        """Delete every cached sentence whose key is not in ``keep``, and abandoned
        temporary files; return (files removed, bytes freed, bytes kept)."""
        files = freed = kept = 0
        for path in self._entries():
            size = path.stat().st_size
            if path.stem in keep:
                kept += size
            else:
                path.unlink(missing_ok=True)
                self._check_path(path.stem).unlink(missing_ok=True)
                for beside in path.parent.glob(f"{path.name}.*"):  # what later stages keep beside it
                    beside.unlink(missing_ok=True)
                files, freed = files + 1, freed + size
        for path in self._abandoned():
            if path.is_file():
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
        return files, freed, kept
