"""A content-addressed cache of synthesized sentences.

The key covers everything that changes the sound: engine and its version,
voice, rate, volume and the exact spoken text. So an unchanged sentence is
never synthesized twice, and editing one sentence re-synthesizes only it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from .base import VoiceSettings


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

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.directory.glob("*/*.wav"))

    def prune(self, keep: set[str]) -> tuple[int, int]:
        """Delete every cached segment whose key is not in ``keep``; return (files, bytes) freed."""
        files = freed = 0
        for path in self.directory.glob("*/*.wav"):
            if path.stem not in keep:
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
                files += 1
        return files, freed
