"""Text-to-speech engines behind one small interface, a worker pool and a cache.

Only this package touches engines. The rest of audioguide asks for WAV files
of spoken sentences and gets them, cached, from worker processes that each
own one engine (espeak-ng cannot be shared between threads or re-initialised).
"""

from .base import Engine, SpeechError, VoiceSettings, create_engine, engine_identity, list_voices
from .cache import SegmentCache
from .pool import synthesize_all

__all__ = [
    "Engine", "SpeechError", "VoiceSettings", "SegmentCache",
    "create_engine", "engine_identity", "list_voices", "synthesize_all",
]
