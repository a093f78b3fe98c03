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
from .lametag import MusicCrc, info_frame, info_header
from .mp3 import MP3Error, frame_samples, mp3_frame
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


def lame_frames(samples: int, spf: int) -> int:
    """Frames of ``spf`` samples LAME writes for ``samples`` samples: its delay and
    the samples, then padding of at least a frame's worth so that decoders reach
    the last sample (checked against LAME for every rate from 8 to 48 kHz and lengths from 0 to 3
    million samples; ``encode`` checks the bytes written against it every time)."""
    return -(-(samples + 2 * 576) // spf)


def encode(layout: Layout, gain: Gain, target: Path, settings: AudioSettings, name: str,
           id3: bytes = b"") -> None:
    """Write the chapter, gained and limited, to ``target`` as a CBR MP3 with ``id3``
    (a rendered ID3v2 tag) in front and an Info frame stating its delay and padding.
    A write that fails (a full disk) names the chapter being made, ``name``."""
    rate, kbps = settings.sample_rate, settings.bitrate_kbps
    block, _ = block_size(rate)
    encoder = lameenc.Encoder()
    encoder.set_channels(1)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_bit_rate(kbps)
    encoder.set_quality(LAME_QUALITY)
    encoder.silence()
    crc, audio_bytes, header = MusicCrc(), 0, b""
    spf = frame_samples(rate)
    try:
        with open(target, "wb") as out:
            out.write(id3)
            info_at = out.tell()
            for chunk in _whole_frames(encoder, pcm_chunks(layout, gain, block), name):
                if not header:
                    _check_stream(chunk[:4], settings, name)
                    header = info_header(chunk[:4])
                    out.write(bytes(mp3_frame(header).length))  # the Info frame's place
                out.write(chunk)
                crc.add(chunk)
                audio_bytes += len(chunk)
            frames = lame_frames(layout.samples, spf)
            # CBR frames are padded a byte at a time so that the stream keeps to the bit
            # rate exactly: the bytes of F frames are F times the exact frame size, to
            # within a byte. Anything else (a frame more or less) is refused.
            if not header or abs(audio_bytes * rate - frames * spf // 8 * kbps * 1000) >= rate:
                raise MasteringError(f"{name}: the MP3 encoder wrote {audio_bytes} bytes, not the "
                                     f"{frames} frames {layout.samples} samples take")
            out.seek(info_at)
            out.write(info_frame(header, frames, audio_bytes, layout.samples, kbps, crc.value(), LAME_QUALITY))
    except OSError as error:
        raise OSError(error.errno, error.strerror, name) from None


def _check_stream(first: bytes, settings: AudioSettings, name: str) -> None:
    """Refuse a stream LAME made at another rate or bit rate than asked (it silently
    picks the nearest one it can write when the pair does not exist in MPEG audio)."""
    try:
        frame = mp3_frame(first)
    except MP3Error as error:
        raise MasteringError(f"{name}: the MP3 encoder wrote no MPEG frame ({error})") from None
    if (frame.sample_rate, frame.bitrate_kbps) != (settings.sample_rate, settings.bitrate_kbps):
        raise MasteringError(f"{name}: MP3 cannot be {settings.bitrate_kbps} kb/s at {settings.sample_rate} Hz "
                             f"(the encoder made {frame.bitrate_kbps} kb/s at {frame.sample_rate} Hz)")


def _lame(call, *args, name: str) -> bytes:
    try:
        return call(*args)
    except RuntimeError as error:
        raise MasteringError(f"{name}: the MP3 encoder failed ({error})") from None


def _whole_frames(encoder: lameenc.Encoder, chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """What the encoder returns, in pieces of a few hundred kilobytes, flushed at the end."""
    pending = bytearray()
    for chunk in chunks:
        pending += _lame(encoder.encode, chunk, name=name)
        if len(pending) >= 1 << 18:
            yield bytes(pending)
            pending.clear()
    pending += _lame(encoder.flush, name=name)
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

