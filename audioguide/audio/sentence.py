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
    start = leading_silence_ms(samples, rate, threshold_dbfs, length_ms)
    return start, length_ms - leading_silence_ms(samples[::-1], rate, threshold_dbfs, length_ms)


#: Chunks looked at first when looking for the end of a silence; the look
#: goes on with twice as many until the silence ends. An engine's silence
#: before and after a sentence is a few hundred ms, so the samples in between
#: are seldom read.
FIRST_LOOK_CHUNKS = 64


def leading_silence_ms(samples: np.ndarray, rate: int, threshold_dbfs: float, length_ms: int) -> int:
    """Where the leading silence of 16-bit ``samples`` ends, in ms: the start of the
    first chunk of ``SILENCE_CHUNK_MS`` whose RMS reaches ``threshold_dbfs`` (the
    length when none does), as pydub's ``detect_leading_silence`` finds it. Each
    chunk's sum of squares is exact (64-bit integers), as ``audioop.rms`` takes it."""
    starts_ms = np.arange(0, length_ms, SILENCE_CHUNK_MS)
    # pydub's positions: a chunk's ends in ms, cut at the length, times (rate / 1000), truncated.
    ends_ms = np.minimum(np.arange(len(starts_ms) + 1) * SILENCE_CHUNK_MS, length_ms).astype(np.float64)
    edges = (ends_ms * (rate / 1000.0)).astype(np.int64)
    counts = np.diff(edges)  # beyond the end pydub pads with silence: it counts, adding nothing
    looked = 0
    while looked < len(starts_ms):
        upto = min(len(starts_ms), max(FIRST_LOOK_CHUNKS, 2 * looked))
        first, last = edges[looked], min(int(edges[upto]), len(samples))
        energy = np.zeros(max(last - first, 0) + 1, np.int64)
        np.cumsum(np.square(samples[first:last].astype(np.int64)), out=energy[1:])
        within = np.clip(edges[looked:upto + 1] - first, 0, len(energy) - 1)
        sums = np.diff(energy[within])
        part = counts[looked:upto]
        with np.errstate(divide="ignore", invalid="ignore"):
            rms = np.floor(np.sqrt(sums / part))  # audioop.rms: a whole number
        level = np.full(len(rms), -math.inf)
        loud = (part > 0) & (rms > 0)
        level[loud] = 20 * np.log10(rms[loud] / FULL_SCALE)
        heard = np.flatnonzero(level >= threshold_dbfs)
        if len(heard):
            return int(starts_ms[looked + heard[0]])
        looked = upto
    return length_ms


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples back to 16-bit, rounded and clipped."""
    scaled = samples * np.float32(FULL_SCALE)
    np.rint(scaled, out=scaled)
    np.minimum(scaled, FULL_SCALE - 1, out=scaled)
    np.maximum(scaled, -FULL_SCALE, out=scaled)
    return scaled.astype("<i2")
