"""pyttsx3 with its espeak-ng driver, using the libespeak-ng that espeakng-loader ships.

The wheel's library is loaded (RTLD_GLOBAL) before pyttsx3 imports its driver,
so pyttsx3's own lookup of ``libespeak-ng.so.1`` reuses it and no system
espeak-ng is needed. ``ESPEAK_DATA_PATH`` points espeak at the wheel's data.

pyttsx3's driver loses work under load unless it is driven carefully; the
sequence in ``synthesize`` is the one that held in 100 of 100 loaded runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import threading
import time
import wave
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from .base import SpeechError, VoiceSettings
from .registry import EngineKind

#: The longest one sentence may take before we call the engine stuck.
SENTENCE_TIMEOUT_S = 30.0
#: How long the driver may hold an opened WAV, with espeak-ng idle, before we
#: take it that the driver's write failed (it then never reports the end).
WRITE_GRACE_S = 2.0
SAMPLE_RATE = 22050
#: espeak-ng's pause between words (its ``-g``), in its own units: any gap
#: adds a short pause, and each unit 10 to 12 ms more at 175 wpm, about 16 ms
#: at 140; so 6 puts about 115 ms between words at the default 140 wpm, and
#: the voice says about 108 words a minute instead of 136. Chosen with
#: scripts/intelligibility_misses.py (README, Intelligibility): with a gap of
#: 4 to 8 the recogniser missed a fifth fewer words, and no longer heard
#: words run together ("an asthma attack" as "anasma tag"); as slow a reading
#: without the gap missed more. 6 did best on the built-in guide. Part of the
#: engine's identity, so speech cached without it is not reused.
WORD_GAP = 6
#: espeak-ng's number for the word gap in espeak_SetParameter (espeakWORDGAP).
_WORDGAP_PARAMETER = 7


@lru_cache(maxsize=1)
def load_espeak_library() -> ctypes.CDLL:
    """Load espeakng-loader's libespeak-ng once, so pyttsx3 finds it already mapped."""
    try:
        import espeakng_loader
    except ImportError:
        raise SpeechError(
            "the espeak-ng library is missing: install it with 'pip install espeakng-loader'"
        ) from None
    try:
        os.environ.setdefault("ESPEAK_DATA_PATH", espeakng_loader.get_data_path())
        return ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    except (OSError, RuntimeError) as error:
        raise SpeechError(
            f"the espeak-ng library could not be loaded ({error}): "
            "reinstall it with 'pip install --force-reinstall espeakng-loader'"
        ) from None


@lru_cache(maxsize=1)
def engine_version() -> str:
    library = load_espeak_library()
    library.espeak_Info.restype = ctypes.c_char_p
    espeak = library.espeak_Info(None).decode()
    return f"pyttsx3 {version('pyttsx3')}, espeak-ng {espeak}, word gap {WORD_GAP}"


def _import_driver():
    load_espeak_library()
    with contextlib.redirect_stdout(io.StringIO()):
        import pyttsx3
        from pyttsx3.drivers import _espeak
    return pyttsx3, _espeak


def voices_of_engine(settings: VoiceSettings) -> list[tuple[str, str, str]]:
    engine = Pyttsx3Engine(settings)
    return engine.voices()


class Pyttsx3Engine:
    """One pyttsx3 engine; make one per process and call it from one thread."""

    def __init__(self, settings: VoiceSettings):
        self.settings = settings
        pyttsx3, self._espeak = _import_driver()
        self._engine = pyttsx3.init("espeak")
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda name, completed: self._finished.set())
        known = {voice_id for voice_id, _, _ in self.voices()}
        if settings.voice not in known:
            raise SpeechError(
                f"unknown voice {settings.voice!r}; available voices: "
                + ", ".join(sorted(known))
            )
        self._engine.setProperty("voice", settings.voice)
        self._engine.setProperty("rate", settings.rate)
        self._engine.setProperty("volume", settings.volume)

    def voices(self) -> list[tuple[str, str, str]]:
        return [
            (voice.id, voice.name, (voice.languages or [""])[0])
            for voice in self._engine.getProperty("voices")
        ]

    def _wait_until_quiet(self, deadline: float) -> None:
        while self._espeak.IsPlaying():
            if time.monotonic() > deadline:
                raise SpeechError("espeak-ng did not finish speaking in time")
            time.sleep(0.002)

    def _wait_until_finished(self, wav_path: Path, deadline: float, text: str) -> None:
        """Wait for the driver's end of utterance, which it sends after writing the WAV.

        When that write fails (a full disk), the driver's callback raises inside
        ctypes and the end never comes; seeing the WAV opened while espeak-ng is
        idle for a while tells that case apart, so it is reported in seconds
        rather than at the sentence timeout.
        """
        idle_with_file_since = None
        while not self._finished.wait(0.05):
            now = time.monotonic()
            if now > deadline:
                raise SpeechError(f"espeak-ng timed out on: {text[:80]!r}")
            if wav_path.exists() and not self._espeak.IsPlaying():
                idle_with_file_since = idle_with_file_since or now
                if now - idle_with_file_since > WRITE_GRACE_S:
                    raise SpeechError(f"espeak-ng could not write the WAV for: {text[:80]!r}")
            else:
                idle_with_file_since = None

    def synthesize(self, text: str, wav_path: Path) -> None:
        deadline = time.monotonic() + SENTENCE_TIMEOUT_S
        wav_path = Path(wav_path)
        wav_path.unlink(missing_ok=True)
        # The rate and word gap are set again for every sentence, in case an
        # earlier Cancel() dropped them (a queued change is dropped, not run).
        # In espeak-ng's asynchronous mode the change is queued, and
        # IsPlaying() stays true until it is applied; runAndWait() cancels
        # whatever is "playing" when it starts, which then cancels this very
        # sentence and leaves an empty WAV (52 of 400 loaded runs). So: set,
        # then wait until espeak-ng is idle, then speak.
        self._engine.setProperty("rate", self.settings.rate)
        self._espeak.SetParameter(_WORDGAP_PARAMETER, WORD_GAP, 0)  # pyttsx3 has no property for it
        self._wait_until_quiet(deadline)
        self._finished.clear()
        with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved to"
            self._engine.save_to_file(text, str(wav_path))
            self._engine.runAndWait()
            self._wait_until_finished(wav_path, deadline, text)
            self._wait_until_quiet(deadline)
        _check_wav(wav_path, text)


def _check_wav(path: Path, text: str) -> None:
    try:
        with wave.open(str(path), "rb") as wav:
            frames = wav.getnframes()
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise SpeechError(f"espeak-ng wrote an unexpected WAV format for: {text[:80]!r}")
    except (FileNotFoundError, wave.Error, EOFError):
        raise SpeechError(f"espeak-ng wrote no audio for: {text[:80]!r}") from None
    if frames == 0:
        raise SpeechError(f"espeak-ng wrote an empty WAV for: {text[:80]!r}")


def _listed_voices() -> list[tuple[str, str, str]]:
    """espeak-ng's voices, listed in a worker so this process stays clean."""
    from .pool import run_in_worker

    return run_in_worker(voices_of_engine, VoiceSettings(engine=ENGINE.name))


def _start(settings: VoiceSettings) -> Pyttsx3Engine:
    return Pyttsx3Engine(settings)


def _identity(voice: str) -> str:
    return engine_version()


def _same_voice(voice: str) -> str:
    return voice


ENGINE = EngineKind(
    name="pyttsx3",
    summary="espeak-ng through pyttsx3: the default, fast, robotic but steady",
    default_voice="gmw/en-us",
    default_rate=140,  # measured: the fewest words missed by an offline recogniser (README, Intelligibility)
    start=_start,
    identity=_identity,
    voices=_listed_voices,
    espeak_voice=_same_voice,
)
