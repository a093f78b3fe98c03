"""The engine interface and the settings that choose and tune a voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ENGINES = ("pyttsx3",)


class SpeechError(RuntimeError):
    """Synthesis failed; the message says which sentence or which setting."""


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "pyttsx3"
    voice: str = "gmw/en-us"
    rate: int = 160  # words per minute; espeak-ng's own default is 175
    volume: float = 1.0

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise SpeechError(f"unknown engine {self.engine!r} (choose from: {', '.join(ENGINES)})")
        if not 80 <= self.rate <= 450:
            raise SpeechError(f"rate {self.rate} is out of range (80 to 450 words per minute)")
        if not 0.0 < self.volume <= 1.0:
            raise SpeechError(f"volume {self.volume} is out of range (above 0, at most 1)")


class Engine(Protocol):
    """What the worker pool needs from an engine: one sentence in, one WAV out."""

    settings: VoiceSettings

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit WAV to ``wav_path``; raise SpeechError on failure."""


def create_engine(settings: VoiceSettings) -> Engine:
    """Start an engine in this process (call it once per worker process)."""
    from .espeak import Pyttsx3Engine

    return Pyttsx3Engine(settings)


def engine_identity(settings: VoiceSettings) -> str:
    """Engine name and version, cheap to get without starting the engine (for cache keys)."""
    from .espeak import engine_version

    return engine_version()


def list_voices(engine: str = "pyttsx3") -> list[tuple[str, str, str]]:
    """(id, name, language) of every voice, listed in a worker so this process stays clean."""
    from .pool import run_in_worker
    from .espeak import voices_of_engine

    return run_in_worker(voices_of_engine, VoiceSettings(engine=engine))
