"""The chapter encoded: gained and limited PCM streamed into LAME in this process,
and (for other formats) an encoded file decoded by ffmpeg and measured.

The MP3 is encoded by LAME through the ``lameenc`` binding, at LAME's default
quality (3, what ffmpeg's libmp3lame uses when not told otherwise). Starting an
ffmpeg for each chapter cost about 0.12 s of CPU (it loads some 200 shared
libraries) plus copying every sample through a pipe; LAME in this process
does the same encode without either, and releases the interpreter lock while
it works, so two chapters encode at once on two threads. The file is written
in its final form at once: ID3 tag, then the Info frame with the LAME tag
(``lametag``; its counts are filled in when the last frame is out), then
the frames.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import lameenc
import numpy as np

from ..ffmpeg import MasteringError, Watchdog, ffmpeg_executable, run_error, start
from .filters import block_size
from .gain import Gain
from .lametag import MusicCrc, frame_length, info_frame, info_header
from .limiter import block_gains_at
from .loudness import BlockMeter, gated_loudness
from .sentence import FULL_SCALE, to_int16
from .settings import AudioSettings
from .timeline import Layout
from .truepeak import TruePeakMeter

#: Samples read from the decoder at a time when measuring an encoded file.
READ_SAMPLES = 1 << 18
#: LAME's quality setting (0 best and slowest, 9 fastest): its own default.
LAME_QUALITY = 3


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


def lame_frames(samples: int, frame_samples: int) -> int:
    """Frames LAME writes for ``samples`` samples: its delay and the samples, then
    padding of at least a frame's worth so that decoders reach the last sample
    (checked against LAME for every rate from 8 to 48 kHz and lengths from 0 to 3
    million samples; the decode check after every encode would catch a change)."""
    return -(-(samples + 2 * 576) // frame_samples)


def encode(layout: Layout, gain: Gain, target: Path, settings: AudioSettings, name: str,
           id3: bytes = b"") -> None:
    """Write the chapter, gained and limited, to ``target`` as a CBR MP3 with ``id3``
    (a rendered ID3v2 tag) in front and an Info frame stating its delay and padding."""
    rate = settings.sample_rate
    block, _ = block_size(rate)
    encoder = lameenc.Encoder()
    encoder.set_channels(1)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_bit_rate(settings.bitrate_kbps)
    encoder.set_quality(LAME_QUALITY)
    encoder.silence()
    crc, audio_bytes, first = MusicCrc(), 0, b""
    with open(target, "wb") as out:
        out.write(id3)
        info_at = out.tell()
        for chunk in _whole_frames(encoder, pcm_chunks(layout, gain, block), name):
            if not first:
                first = chunk[:4]
                header = info_header(first)
                out.write(bytes(frame_length(header)))  # the Info frame's place
            out.write(chunk)
            crc.add(chunk)
            audio_bytes += len(chunk)
        frame_samples = 1152 if rate >= 32000 else 576
        frames = lame_frames(layout.samples, frame_samples)
        unpadded = frame_samples // 8 * settings.bitrate_kbps * 1000 // rate
        if not first or not frames * unpadded <= audio_bytes <= frames * (unpadded + 1):
            raise MasteringError(f"{name}: the MP3 encoder wrote {audio_bytes} bytes, not the "
                                 f"{frames} frames {layout.samples} samples take")
        out.seek(info_at)
        out.write(info_frame(header, frames, audio_bytes, layout.samples, frame_samples,
                             settings.bitrate_kbps, crc.value()))


def _whole_frames(encoder: lameenc.Encoder, chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """What the encoder returns, in pieces of a few hundred kilobytes, flushed at the end."""
    pending = bytearray()
    try:
        for chunk in chunks:
            pending += encoder.encode(chunk)
            if len(pending) >= 1 << 18:
                yield bytes(pending)
                pending.clear()
        pending += encoder.flush()
    except RuntimeError as error:
        if isinstance(error, MasteringError):
            raise
        raise MasteringError(f"{name}: the MP3 encoder failed ({error})") from None
    if pending:
        yield bytes(pending)


def measure_encoded(path: Path, settings: AudioSettings, audio_seconds: float = 3600.0) -> tuple[float, float]:
    """(integrated loudness, true peak) of an encoded file, decoded by ffmpeg (no ffprobe
    needed): the M4B's AAC, which the in-process MP3 decoder does not read."""
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

