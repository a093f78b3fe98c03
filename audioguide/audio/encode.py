"""The chapter through ffmpeg: gained and limited PCM streamed into one encode,
and an encoded file decoded and measured (loudness and true peak)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np

from ..ffmpeg import Watchdog, feed, ffmpeg_executable, run_error, start
from .filters import block_size
from .gain import Gain
from .limiter import block_gains_at
from .loudness import BlockMeter, gated_loudness
from .sentence import FULL_SCALE, to_int16
from .settings import AudioSettings
from .timeline import Layout
from .truepeak import TruePeakMeter

#: Samples read from the decoder at a time when measuring an encoded file.
READ_SAMPLES = 1 << 18


def pcm_chunks(layout: Layout, gain: Gain, block: int) -> Iterator[bytes]:
    """The chapter, gained and limited, as 16-bit mono PCM, piece by piece."""
    silence = b""
    for offset, piece in layout.replay():
        if isinstance(piece, int):
            if len(silence) < 2 * piece:
                silence = bytes(2 * piece)
            yield silence[: 2 * piece]
            continue
        gains = block_gains_at(gain.shape, block, offset, len(piece)) * np.float32(gain.linear)
        yield to_int16(piece * gains).tobytes()


def encode(layout: Layout, gain: Gain, target: Path, settings: AudioSettings, name: str) -> None:
    """Stream the chapter, gained and limited, into one ffmpeg that writes the CBR MP3."""
    rate = settings.sample_rate
    block, _ = block_size(rate)
    command = [
        ffmpeg_executable(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
        "-c:a", "libmp3lame", "-b:a", f"{settings.bitrate_kbps}k", "-f", "mp3", str(target),
    ]
    feed(command, pcm_chunks(layout, gain, block), name, audio_seconds=layout.samples / rate)


def measure_encoded(path: Path, settings: AudioSettings, audio_seconds: float = 3600.0) -> tuple[float, float]:
    """(integrated loudness, true peak) of an encoded file, decoded by ffmpeg (no ffprobe needed)."""
    command = [ffmpeg_executable(), "-hide_banner", "-nostdin", "-loglevel", "error",
               "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(settings.sample_rate), "pipe:1"]
    loudness, peak = BlockMeter(settings.sample_rate, peaks=False), TruePeakMeter()
    with tempfile.TemporaryFile() as errors:
        process = start(command, str(path), stdout=subprocess.PIPE, stderr=errors)
        watchdog = Watchdog(process, audio_seconds)
        leftover = b""
        with process.stdout:
            while chunk := process.stdout.read(2 * READ_SAMPLES):
                chunk = leftover + chunk
                whole = len(chunk) // 2 * 2
                leftover = chunk[whole:]
                samples = np.frombuffer(chunk[:whole], dtype="<i2").astype(np.float32) / FULL_SCALE
                loudness.add(samples)
                peak.add(samples)
        code = process.wait()
        watchdog.check(str(path))
        if code != 0:
            errors.seek(0)
            raise run_error(str(path), errors.read(), code)
    return gated_loudness(loudness.finish()[1], settings.sample_rate), peak.finish()

