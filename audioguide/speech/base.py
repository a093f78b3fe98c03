"""The engine interface and the settings that choose and tune a voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import UserError


class SpeechError(UserError, RuntimeError):
    """Synthesis failed; the message says which sentence or which setting."""


#: Speaking rates (words per minute) and engine volumes a voice accepts: the
#: command line's options and guide.toml are checked against these same ranges.
RATE_RANGE = (80, 450)
VOLUME_RANGE = (0.01, 1.0)


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "pyttsx3"
    #: None means the engine's default voice (see speech/registry.py); it is
    #: resolved here, so ``settings.voice`` is always a voice id of ``settings.engine``.
    #: Changing the engine with ``dataclasses.replace`` needs ``voice=None`` too.
    voice: str | None = None
    #: Words per minute; None means the engine's default (140 for pyttsx3,
    #: whose espeak-ng would say 175; 160 for piper and hibari).
    rate: int | None = None
    volume: float = 1.0

    def __post_init__(self):
        from .registry import engine_kind  # the registry's engine modules import this one

        kind = engine_kind(self.engine)
        if self.voice is None:
            object.__setattr__(self, "voice", kind.default_voice)
        if self.rate is None:
            object.__setattr__(self, "rate", kind.default_rate)
        if not RATE_RANGE[0] <= self.rate <= RATE_RANGE[1]:
            raise SpeechError(f"rate {self.rate} is out of range ({RATE_RANGE[0]} to {RATE_RANGE[1]} "
                              "words per minute)")
        if not VOLUME_RANGE[0] <= self.volume <= VOLUME_RANGE[1]:
            raise SpeechError(f"volume {self.volume} is out of range ({VOLUME_RANGE[0]} to {VOLUME_RANGE[1]})")


class Engine(Protocol):
    """What the worker pool needs from an engine: one sentence in, one WAV out."""

    settings: VoiceSettings

    def synthesize(self, text: str, wav_path: Path) -> None:
        """Write ``text`` as a mono 16-bit WAV to ``wav_path``; raise SpeechError on failure."""
