"""A sentence's measures, kept beside its WAV: the length of its words once the
engine's silence is trimmed, and the peak and K-weighted energy of each block
it covers in a chapter. Laying a chapter out and choosing its gain then read no
audio; only the encode reads each sentence, once.

Blocks tile the chapter, so what a sentence covers depends on where in a
block it starts (its phase): the measures of each phase met are kept. The
K-weighting filter is at rest when a sentence starts (a pause of a quarter
second or more lies before it, and its tail dies out within ``TAIL_MS``), so
the measures of sentences placed side by side add up to the chapter's own.
"""

from __future__ import annotations

import io
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..files import write_atomic
from .filters import block_size
from .loudness import BlockMeter
from .sentence import spoken_part
from .settings import AudioSettings

#: The file beside a sentence WAV that holds its measures.
MEASURES_SUFFIX = ".blocks.npz"
#: Bump when what is measured changes, so no old measure is used.
MEASURES_VERSION = 1
#: Silence measured after the words: the K-weighting filter's ringing dies out within it.
TAIL_MS = 60
#: Mastering threads may measure the same sentence (said in two chapters) at once;
#: a temporary name is per process, so they store one at a time.
_STORING = threading.Lock()


@dataclass(frozen=True)
class Measured:
    """A sentence as laid out at a phase: its words' length and trimming, and from
    the block it starts in, each block's peak and K-weighted energy."""

    length: int
    trimmed: bool
    peaks: np.ndarray
    energy: np.ndarray


def measures_path(wav: Path) -> Path:
    return wav.with_name(wav.name + MEASURES_SUFFIX)


def _identity(wav: Path, settings: AudioSettings) -> np.ndarray:
    """What the measures hold for: this very WAV (size and time) and these settings."""
    stat = wav.stat()
    return np.array([MEASURES_VERSION, stat.st_size, stat.st_mtime_ns, settings.sample_rate,
                     round(settings.silence_threshold_dbfs * 1000)], np.int64)


def _store(wav: Path, settings: AudioSettings, arrays: dict[str, np.ndarray]) -> None:
    """Add ``arrays`` to the stored measures (a lost race only loses a phase)."""
    with _STORING:
        try:
            with np.load(measures_path(wav), allow_pickle=False) as data:
                kept = {name: data[name] for name in data.files} \
                    if np.array_equal(data["identity"], _identity(wav, settings)) else {}
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            kept = {}
        buffer = io.BytesIO()
        np.savez(buffer, **{**kept, **arrays, "identity": _identity(wav, settings)})
        try:
            write_atomic(measures_path(wav), buffer.getvalue())
        except OSError:
            pass  # a read-only cache: measured again next time


def block_measures(samples: np.ndarray, phase: int, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(peak, energy) of each block covering ``samples`` placed ``phase`` samples into
    a block, and the filter's tail after them."""
    block, _ = block_size(rate)
    meter = BlockMeter(rate)
    meter.add_silence(phase)
    meter.add(samples)
    meter.add_silence(round(TAIL_MS * rate / 1000))
    count = -(-meter.samples // block)
    peaks, energy = meter.finish()
    return peaks[:count], energy[:count]


def measured(wav: Path, settings: AudioSettings, start: int, margin: int) -> Measured:
    """The sentence laid out from sample ``start`` of its chapter (after ``margin``
    samples of silence when its words are trimmed), from the stored measures when
    they are there; else measured from the WAV and stored."""
    block, _ = block_size(settings.sample_rate)
    try:
        with np.load(measures_path(wav), allow_pickle=False) as data:
            if np.array_equal(data["identity"], _identity(wav, settings)):
                trimmed = bool(data["trimmed"])
                phase = (start + (margin if trimmed else 0)) % block
                if f"peaks{phase}" in data.files:
                    return Measured(int(data["length"]), trimmed, data[f"peaks{phase}"], data[f"energy{phase}"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        pass  # missing or unreadable: measured again
    samples, trimmed = spoken_part(wav, settings)
    phase = (start + (margin if trimmed else 0)) % block
    peaks, energy = block_measures(samples, phase, settings.sample_rate)
    _store(wav, settings, {"length": np.array(len(samples)), "trimmed": np.array(trimmed),
                           f"peaks{phase}": peaks, f"energy{phase}": energy})
    return Measured(len(samples), trimmed, peaks, energy)
