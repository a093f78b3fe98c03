"""The engine interface and the settings that choose and tune a voice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import UserError

ENGINES = ("pyttsx3", "piper")

#: The voice each engine uses when none is chosen: espeak-ng's US English for
#: pyttsx3, the bundled en_US-joe-medium model for piper.
DEFAULT_VOICES = {"pyttsx3": "gmw/en-us", "piper": "en_US-joe-medium"}


class SpeechError(UserError, RuntimeError):
    """Synthesis failed; the message says which sentence or which setting."""


@dataclass(frozen=True)
class VoiceSettings:
    engine: str = "pyttsx3"
    #: None means the engine's default voice (DEFAULT_VOICES); it is resolved
    #: here, so ``settings.voice`` is always a voice id of ``settings.engine``.
    #: Changing the engine with ``dataclasses.replace`` needs ``voice=None`` too.
    voice: str | None = None
    rate: int = 160  # words per minute; espeak-ng's own default is 175
    volume: float = 1.0

    def __post_init__(self):
        if self.engine not in ENGINES:
            raise SpeechError(f"unknown engine {self.engine!r} (choose from: {', '.join(ENGINES)})")
        if self.voice is None:
            object.__setattr__(self, "voice", DEFAULT_VOICES[self.engine])
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
    """Start an engine in this process (call it once per worker process).

    A process runs one kind of engine only: piper's espeak-ng and
    espeakng-loader's cannot share a process (see speech/piper.py).
    """
    if settings.engine == "piper":
        from .piper import PiperEngine

        return PiperEngine(settings)
    from .espeak import Pyttsx3Engine

    return Pyttsx3Engine(settings)


def engine_identity(settings: VoiceSettings) -> str:
    """Engine name, version and voice model, cheap to get without starting the engine.

    It is part of every cache key, so upgrading an engine or a voice model
    re-synthesizes. For piper it also checks, in this process and before any
    worker starts, that the neural extra is installed and the voice exists.
    """
    if settings.engine == "piper":
        from .piper import engine_version as piper_version

        return piper_version(settings.voice)
    from .espeak import engine_version

    return engine_version()


def list_voices(engine: str = "pyttsx3") -> list[tuple[str, str, str]]:
    """(id, name, language) of every voice of ``engine``.

    espeak-ng's voices are listed in a worker so this process stays clean;
    piper's are the bundled voice packages, found without loading a model.
    """
    if engine == "piper":
        from .piper import bundled_voices

        return bundled_voices()
    from .pool import run_in_worker
    from .espeak import voices_of_engine

    return run_in_worker(voices_of_engine, VoiceSettings(engine=engine))
