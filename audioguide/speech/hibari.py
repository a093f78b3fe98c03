"""The small neural voice: hibari-tts with its bundled "heart" voice.

Install it with ``pip install 'audioguide[neural]'``. hibari-tts (Apache-2.0)
ships one voice model inside its wheel (``hibari/assets/hibari.onnx``, 7.9 MB,
distilled from Kokoro-82M's af_heart voice) with its own dictionary and
letter-to-sound model (misaki's, no espeak-ng). Its other voices are fetched
from the internet the first time they are asked for; audioguide never asks:

- only voices the package marks as bundled are offered (``bundled_voices``),
  and any other id is refused before hibari is touched;
- the engine is given the bundled model file by path, so hibari never looks
  a voice up in its download cache;
- hibari's download function is replaced, in the worker, by one that raises,
  so even a future code path that tried would fail loudly instead of
  reaching the network.

Rate: hibari's ``speed`` multiplies its pace (1.0 is the teacher's, about
125 words a minute with its pauses on patient-leaflet text). We take 160
words per minute, the default of every engine here, as speed 1.0 and scale
linearly, so ``--rate 320`` is twice as fast. Level: hibari's output is
well under full scale; volume scales the samples and mastering sets the
loudness of the whole chapter, as for the other engines.
"""

from __future__ import annotations

import wave
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .base import SpeechError, VoiceSettings
from .registry import EngineKind

NEURAL_HINT = "the hibari engine needs: pip install 'audioguide[neural]'"

#: The rate (words per minute) that hibari's speed 1.0 stands for.
NATURAL_RATE_WPM = 160

#: A gap between the sentences hibari finds inside one segment (rarely more than one).
SENTENCE_GAP_S = 0.25

#: hibari's voices are told apart by their sound, not their language code alone.
_VOICE_NAMES = {"heart": "heart (American English, female, neural)"}


def speed_for(rate: int) -> float:
    """hibari's speed for a rate in words per minute (160 wpm is 1.0)."""
    return rate / NATURAL_RATE_WPM


def _registry() -> dict:
    """hibari's own voice registry (read from its package; importing it downloads nothing)."""
    try:
        version("hibari-tts")
        from hibari.voices import VOICES
    except (ImportError, PackageNotFoundError):
        raise SpeechError(NEURAL_HINT) from None
    return VOICES


def bundled_voices() -> list[tuple[str, str, str]]:
    """(id, name, language) of each voice inside the installed hibari-tts package."""
    return [
        (voice, _VOICE_NAMES.get(voice, f"{voice} ({info['language']}, {info['gender']}, neural)"),
                info["language"])
        for voice, info in sorted(_registry().items()) if info.get("bundled")
    ]


def model_file(voice: str) -> Path:
    """The bundled ONNX model of ``voice``; any voice that is not in the package is refused."""
    offered = [voice_id for voice_id, _, _ in bundled_voices()]
    if voice not in offered:
        raise SpeechError(
            f"unknown voice {voice!r} for the hibari engine; available voices: {', '.join(offered)} "
            "(only voices inside the package are offered: the others would be downloaded)"
        )
    import hibari

    model = Path(hibari.__file__).parent / "assets" / _registry()[voice]["file"]
    if not model.is_file():
        raise SpeechError(f"hibari-tts has no {model.name}: reinstall it with "
                          "'pip install --force-reinstall hibari-tts'")
    return model


def engine_version(voice: str) -> str:
    """hibari-tts and onnxruntime versions and the voice, for cache keys and the manifest."""
    model_file(voice)
    try:
        onnx = version("onnxruntime")
    except PackageNotFoundError:
        raise SpeechError(NEURAL_HINT) from None
    return f"hibari-tts {version('hibari-tts')}, onnxruntime {onnx}, voice {voice} (bundled)"


def _refuse_download(url, *args, **kwargs):
    raise SpeechError(f"hibari tried to download {url}; audioguide uses only the bundled voice")


def _offline_hibari():
    """hibari, imported with its download function replaced by one that refuses."""
    try:
        import hibari
        import hibari.voices
    except ImportError:
        raise SpeechError(NEURAL_HINT) from None
    hibari.voices.download = _refuse_download
    return hibari


class HibariEngine:
    """One hibari model in this process; make one per worker process."""

    def __init__(self, settings: VoiceSettings):
        self.settings = settings
        model = model_file(settings.voice)
        hibari = _offline_hibari()
        try:
            # One thread: the pool already runs one worker per core.
            self._tts = hibari.Hibari(voice=settings.voice, model=str(model), threads=1)
        except Exception as error:  # onnxruntime raises its own exception types
            raise SpeechError(f"the hibari voice {settings.voice!r} could not be loaded: {error}") from None
        self._tts.g2p  # load the dictionaries now, while the worker starts, not on the first sentence
        self._sample_rate = hibari.SAMPLE_RATE
        self._speed = speed_for(settings.rate)

    def synthesize(self, text: str, wav_path: Path) -> None:
        import numpy as np

        wav_path = Path(wav_path)
        wav_path.unlink(missing_ok=True)
        gap = np.zeros(round(SENTENCE_GAP_S * self._sample_rate), dtype=np.float32)
        try:
            # A fixed seed: the same sentence always sounds the same (and caches the same).
            parts = list(self._tts.stream(text, self._speed, seed=0))
        except SpeechError:
            raise
        except Exception as error:  # onnxruntime or the G2P failed
            raise SpeechError(f"hibari failed on {text[:80]!r}: {error}") from None
        pieces = [piece for part in parts if len(part) for piece in (gap, part)][1:]
        if not pieces:
            raise SpeechError(f"hibari made no audio for: {text[:80]!r}")
        audio = np.concatenate(pieces) * self.settings.volume
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
        with wave.open(str(wav_path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self._sample_rate)
            wav.writeframes(pcm.tobytes())


# --- what hibari starts from: its own phonemes --------------------------------------------

#: misaki's one-letter diphthongs and its other non-IPA symbols, written in IPA.
_MISAKI_TO_IPA = str.maketrans({
    "A": "eɪ", "I": "aɪ", "O": "oʊ", "Q": "əʊ", "W": "aʊ", "Y": "ɔɪ", "T": "ɾ",
    "ʤ": "dʒ", "ʧ": "tʃ", "ᵊ": "ə",
})


def phonemes_job(texts: list[str], voice: str) -> list[str]:
    """hibari's own phonemes (misaki's, written in IPA) for each text, in a worker."""
    _offline_hibari()
    from hibari.g2p import G2P

    g2p = G2P(british=False)
    return [g2p(text).translate(_MISAKI_TO_IPA).strip() for text in texts]


def _phonemizer() -> str:
    return f"hibari-tts {version('hibari-tts')}'s own dictionary and letter-to-sound model"


ENGINE = EngineKind(
    name="hibari",
    summary="hibari-tts with its bundled heart voice (the 'neural' extra): the clearest, fast",
    default_voice="heart",
    default_rate=NATURAL_RATE_WPM,
    start=HibariEngine,
    identity=engine_version,
    voices=bundled_voices,
    # hibari needs no espeak-ng; its dictionary differs, but espeak-ng's is the
    # one whose look-ups can be traced for the build's warning about unknown words.
    espeak_voice=lambda voice: "gmw/en-us",
    phonemes_job=phonemes_job,
    phonemizer=_phonemizer,
)
