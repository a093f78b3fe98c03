"""Text-to-speech engines behind one registry, a worker pool and a cache.

Only this package touches engines. The rest of audioguide asks for WAV files
of spoken sentences and gets them, cached, from worker processes that each
own one engine (espeak-ng cannot be shared between threads or re-initialised).
Which engines exist, and what each offers, is in ``registry``.
"""

from .base import Engine, SpeechError, VoiceSettings
from .cache import SegmentCache
from .pool import synthesize_all
from .registry import create_engine, engine_identity, engine_kind, engine_names, list_voices

__all__ = [
    "Engine", "SpeechError", "VoiceSettings", "SegmentCache",
    "create_engine", "engine_identity", "engine_kind", "engine_names", "list_voices", "synthesize_all",
]
