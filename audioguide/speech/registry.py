"""Every speech engine audioguide knows, one object each.

An engine module (``espeak``, ``piper``, ``hibari``) describes itself with
one ``EngineKind``: its name, its default voice and rate, how to start it in
a worker, how to name its version for cache keys, which voices it offers,
and where the phonemes of ``audioguide lexicon check`` come from. Adding an
engine is one new module and one line in ``_MODULES`` below; nothing else in
audioguide compares engine names.

Engine modules import their heavy libraries only when an engine starts, so
reading this registry costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Callable

from .base import Engine, SpeechError, VoiceSettings

#: The engine modules, in the order they are offered; the first is the default.
_MODULES = ("espeak", "piper", "hibari")


@dataclass(frozen=True)
class EngineKind:
    """What the rest of audioguide may know about one engine."""

    name: str  # what --engine and guide.toml say
    summary: str  # one line for `--help`: what it is, what it needs
    default_voice: str
    default_rate: int  # words per minute
    #: Starts the engine in this (worker) process.
    start: Callable[[VoiceSettings], Engine]
    #: Engine, version and voice model for a voice id: part of every cache key.
    #: It also checks, before any worker starts, that the engine is installed
    #: and has that voice.
    identity: Callable[[str], str]
    #: (id, name, language) of every voice offered.
    voices: Callable[[], list[tuple[str, str, str]]]
    #: The espeak-ng voice whose dictionary decides which words are unknown
    #: (the build's warning), for a voice id of this engine.
    espeak_voice: Callable[[str], str]
    #: Where this engine's phonemes come from: a module-level function
    #: ``(texts, espeak_voice) -> phonemes`` run in a spawned worker, and its
    #: description; None for espeakng-loader's espeak-ng (the default's).
    phonemes_job: Callable[[list[str], str], list[str]] | None = None
    phonemizer: Callable[[], str] | None = None


@lru_cache(maxsize=1)
def _kinds() -> dict[str, EngineKind]:
    kinds = [import_module(f"{__package__}.{module}").ENGINE for module in _MODULES]
    return {kind.name: kind for kind in kinds}


def engine_names() -> tuple[str, ...]:
    """The names --engine accepts, the default first."""
    return tuple(_kinds())


def engine_kind(name: str) -> EngineKind:
    """The engine called ``name``; a clear error for any other name."""
    try:
        return _kinds()[name]
    except KeyError:
        raise SpeechError(f"unknown engine {name!r} (choose from: {', '.join(engine_names())})") from None


def create_engine(settings: VoiceSettings) -> Engine:
    """Start an engine in this process (call it once per worker process).

    A process runs one kind of engine only: piper's espeak-ng and
    espeakng-loader's cannot share a process (see speech/piper.py).
    """
    return engine_kind(settings.engine).start(settings)


def engine_identity(settings: VoiceSettings) -> str:
    """Engine name, version and voice model, cheap to get without starting the engine.

    It is part of every cache key, so upgrading an engine or a voice model
    re-synthesizes. For a neural engine it also checks, in this process and
    before any worker starts, that the extra is installed and the voice exists.
    """
    return engine_kind(settings.engine).identity(settings.voice)


def list_voices(engine: str = "pyttsx3") -> list[tuple[str, str, str]]:
    """(id, name, language) of every voice of ``engine``."""
    return engine_kind(engine).voices()
