"""An encoded MP3 chapter decoded in this process and measured: its loudness, its
true peak and its length in samples.

Every chapter is decoded once before it ships, so this runs once per chapter
and a library of short leaflets runs it thousands of times. Starting ffmpeg for
it cost about 0.12 s of CPU each time (it loads some 200 shared libraries)
and its decode a further 0.1 s per two minutes of speech; miniaudio's MP3
decoder (dr_mp3, a C library linked into the wheel) decodes the same file in
0.06 s without a new process. It reads the LAME tag (``lametag``), so it drops
the encoder's delay and padding as ffmpeg does: the samples are the ones
ffmpeg decodes (within one least significant bit of rounding), and as many
as were encoded. That count is checked: a file cut short or damaged (a
decoder skips a frame it cannot read) comes out short of the samples
encoded, which a loudness check could miss. Up to a frame more is allowed,
as MP3s from other encoders carry (ffmpeg's own tag can state up to 46
samples too little padding). Other formats (the M4B book's AAC) are
measured through ffmpeg (``encode.measure_encoded``).
"""

from __future__ import annotations

from pathlib import Path

import miniaudio
import numpy as np

from ..ffmpeg import MasteringError
from .loudness import BlockMeter, gated_loudness
from .mp3 import frame_samples
from .sentence import FULL_SCALE
from .settings import AudioSettings
from .truepeak import TruePeakMeter

#: Samples decoded at a time: a long chapter is never held whole.
READ_SAMPLES = 1 << 18


def measure_mp3(path: Path, settings: AudioSettings, expected_samples: int,
                name: str | None = None) -> tuple[float, float]:
    """(integrated loudness, true peak) of an MP3 chapter written with ``settings``;
    refuses one that does not decode to ``expected_samples`` mono samples at its
    rate (or up to a frame more: the encoder's padding). Errors name ``name``
    (the chapter file being written) when given, else ``path``."""
    name = name or str(path)
    try:
        info = miniaudio.mp3_get_file_info(str(path))
    except miniaudio.MiniaudioError as error:
        raise MasteringError(f"{name}: the encoded chapter cannot be read back as MP3 ({_reason(error)})") from None
    if (info.nchannels, info.sample_rate) != (1, settings.sample_rate):
        raise MasteringError(f"{name}: the encoded chapter is {info.nchannels} channel(s) at {info.sample_rate} Hz, "
                             f"not mono at {settings.sample_rate} Hz")
    loudness, peak = BlockMeter(settings.sample_rate, peaks=False), TruePeakMeter()
    decoded = 0
    try:
        for chunk in miniaudio.mp3_stream_file(str(path), frames_to_read=READ_SAMPLES):
            samples = np.frombuffer(chunk, dtype=np.int16).astype(np.float32) / FULL_SCALE
            loudness.add(samples)
            peak.add(samples)
            decoded += len(samples)
    except miniaudio.MiniaudioError as error:
        raise MasteringError(f"{name}: the encoded chapter cannot be decoded ({_reason(error)})") from None
    if not expected_samples <= decoded < expected_samples + frame_samples(settings.sample_rate):
        raise MasteringError(f"{name}: the encoded chapter decodes to {decoded} samples, not the "
                             f"{expected_samples} encoded: the file is damaged")
    return gated_loudness(loudness.finish()[1], settings.sample_rate), peak.finish()


def _reason(error: Exception) -> str:
    return str(error.args[0]) if error.args else type(error).__name__
