"""A content-addressed cache of synthesized sentences.

The key covers everything that changes the sound: engine and its version,
voice, rate, volume and the exact spoken text. So an unchanged sentence is
never synthesized twice, and editing one sentence re-synthesizes only it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from ..publish import is_temporary
from .base import VoiceSettings

#: A finished entry's file name: its sha256 key.
KEY_NAME = re.compile(r"[0-9a-f]{64}\.wav")
#: A temporary file untouched this long has no worker writing it (one sentence
#: takes seconds, and a worker is given up on after a minute).
ABANDONED_AFTER_S = 3600


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "audioguide" / "segments"


class SegmentCache:
    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()

    def key(self, settings: VoiceSettings, engine_version: str, spoken: str) -> str:
        parts = [settings.engine, engine_version, settings.voice, settings.rate, settings.volume, spoken]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def _entries(self):
        """Finished entries only: a worker's temporary file may still be being written."""
        for path in self.directory.glob("*/*.wav"):
            if KEY_NAME.fullmatch(path.name):
                yield path

    def _abandoned(self):
        """Temporary files no worker is writing: a killed worker leaves its own behind."""
        too_old = time.time() - ABANDONED_AFTER_S
        for path in self.directory.glob("*/.*"):
            if not is_temporary(path):
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
                files, freed = files + 1, freed + size
        for path in self._abandoned():
            freed += path.stat().st_size
            path.unlink(missing_ok=True)
        return files, freed, kept
