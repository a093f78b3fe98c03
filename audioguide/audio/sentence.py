"""One synthesized sentence, read for mastering: its words without the engine's
own silence around them, as float samples at the chapter's rate.

pydub reads the WAV (no ffprobe) and converts it; the silence is found with
numpy on the samples already read, chunk for chunk as pydub's
``detect_leading_silence`` finds it (same chunks, same integer RMS), so the
cut lands on the same sample.
"""

from __future__ import annotations

import math
import warnings
import wave
from pathlib import Path

import numpy as np

with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH; it is not needed for WAV
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

from ..ffmpeg import MasteringError
from .settings import AudioSettings

#: The fade where the engine's silence is cut, so the cut does not click.
EDGE_FADE_MS = 3
#: Silence is looked for in chunks this long.
SILENCE_CHUNK_MS = 5
#: Full scale of 16-bit samples (pydub's "max possible amplitude").
FULL_SCALE = 32768


def spoken_part(path: Path, settings: AudioSettings) -> tuple[np.ndarray, bool]:
    """The words of one synthesized WAV, as float32 samples at the chapter's rate,
    and whether the engine's own silence was trimmed from around them."""
    try:
        audio = AudioSegment.from_wav(str(path))
    except (OSError, EOFError, wave.Error, CouldntDecodeError) as error:
        raise MasteringError(f"{path}: unreadable WAV ({error})") from None
    audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(settings.sample_rate)
    samples = np.frombuffer(audio.raw_data, dtype="<i2")
    start, end = spoken_span(samples, settings.sample_rate, settings.silence_threshold_dbfs)
    trimmed = end > start
    if trimmed:
        audio = audio[start:end].fade_in(EDGE_FADE_MS).fade_out(EDGE_FADE_MS)
        samples = np.frombuffer(audio.raw_data, dtype="<i2")
    return samples.astype(np.float32) / FULL_SCALE, trimmed


def spoken_span(samples: np.ndarray, rate: int, threshold_dbfs: float) -> tuple[int, int]:
    """(start, end) in ms (pydub's positions) of what lies between the leading and
    the trailing silence of 16-bit ``samples``."""
    length_ms = round(1000 * (len(samples) / rate))
    # Running sums of the squared samples (exact in 64 bits), for any chunk's sum from either end.
    energy = np.zeros(len(samples) + 1, np.int64)
    np.cumsum(np.square(samples.astype(np.int64)), out=energy[1:])
    start = leading_silence_ms(energy, False, rate, threshold_dbfs, length_ms)
    return start, length_ms - leading_silence_ms(energy, True, rate, threshold_dbfs, length_ms)


def leading_silence_ms(energy: np.ndarray, reverse: bool, rate: int, threshold_dbfs: float,
                       length_ms: int) -> int:
    """Where the leading silence ends (of the samples reversed, with ``reverse``), in ms:
    the start of the first chunk of ``SILENCE_CHUNK_MS`` whose RMS reaches
    ``threshold_dbfs`` (the length when none does). ``energy`` holds the running
    sums of the squared samples."""
    starts_ms = np.arange(0, length_ms, SILENCE_CHUNK_MS)
    if not len(starts_ms):
        return 0
    # pydub's positions: a chunk's ends in ms, cut at the length, times (rate / 1000), truncated.
    ends_ms = np.minimum(np.arange(len(starts_ms) + 1) * SILENCE_CHUNK_MS, length_ms).astype(np.float64)
    edges = (ends_ms * (rate / 1000.0)).astype(np.int64)
    count = len(energy) - 1
    within = np.minimum(edges, count)
    before = energy[count - within] if reverse else energy[within]
    sums = before[:-1] - before[1:] if reverse else before[1:] - before[:-1]
    counts = np.diff(edges)  # beyond the end pydub pads with silence: it counts, adding nothing
    with np.errstate(divide="ignore", invalid="ignore"):
        rms = np.floor(np.sqrt(sums / counts))  # audioop.rms: a whole number
    level = np.full(len(rms), -math.inf)
    loud = (counts > 0) & (rms > 0)
    level[loud] = 20 * np.log10(rms[loud] / FULL_SCALE)
    heard = np.flatnonzero(level >= threshold_dbfs)
    return int(starts_ms[heard[0]]) if len(heard) else length_ms


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples back to 16-bit, rounded and clipped."""
    scaled = samples * np.float32(FULL_SCALE)
    np.rint(scaled, out=scaled)
    np.minimum(scaled, FULL_SCALE - 1, out=scaled)
    np.maximum(scaled, -FULL_SCALE, out=scaled)
    return scaled.astype("<i2")
