"""Just enough MPEG audio frame reading to join encoded MP3s without re-encoding.

The full-guide file is the chapters' audio frames one after another. That
needs the byte range of the audio frames (to drop each chapter's ID3 tag and
its LAME "Info" header frame) and the number of samples they hold (so the
chapter marks land exactly where each chapter's first frame starts). The
Info frame states both; walking every frame is the fallback, and it is
slow in Python (a million frames in a seven-hour guide).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# Bit rates in kb/s by index, for layer III: MPEG-1, then MPEG-2 and 2.5.
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class MP3Error(ValueError):
    """The bytes are not a layer III MPEG audio stream we can join."""


@dataclass(frozen=True)
class Frame:
    offset: int
    length: int
    samples: int
    sample_rate: int
    is_info: bool  # a LAME/Xing header frame: metadata, no audio
    bitrate_kbps: int = 0


def id3v2_size(data: bytes) -> int:
    """Bytes taken by an ID3v2 tag at the start of ``data`` (0 when there is none)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = data[6:10]
    footer = 10 if data[5] & 0x10 else 0
    return 10 + footer + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])


def side_info_bytes(mpeg1: bool, mono: bool) -> int:
    """Bytes of side information after a layer III frame's header."""
    return (17 if mono else 32) if mpeg1 else (9 if mono else 17)


def frame_samples(rate: int) -> int:
    """Samples in one MP3 frame at ``rate``: 1,152 (MPEG-1, 32 kHz and over) or 576."""
    return 1152 if rate >= 32000 else 576


def _frame_at(data: bytes, offset: int) -> Frame:
    header = data[offset:offset + 4]
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        raise MP3Error(f"no MPEG frame header at byte {offset}")
    version_bits = (header[1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer_bits = (header[1] >> 1) & 3
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 3
    if version_bits == 1 or layer_bits != 1 or bitrate_index in (0, 15) or rate_index == 3:
        raise MP3Error(f"unsupported MPEG frame header at byte {offset}")
    mpeg1 = version_bits == 3
    bitrate = _BITRATES[1 if mpeg1 else 2][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version_bits][rate_index]
    samples = 1152 if mpeg1 else 576
    padding = (header[2] >> 1) & 1
    length = samples // 8 * bitrate // sample_rate + padding
    side_info = side_info_bytes(mpeg1, (header[3] >> 6) == 3)
    tag = data[offset + 4 + side_info: offset + 8 + side_info]
    return Frame(offset, length, samples, sample_rate, tag in (b"Xing", b"Info"), bitrate // 1000)


def mp3_frame(data: bytes) -> Frame:
    """The MPEG layer III frame whose header starts ``data`` (MP3Error if there is none)."""
    return _frame_at(data, 0)


def audio_frames(data: bytes) -> list[Frame]:
    """Every audio frame of an MP3 file, skipping its ID3v2 tag, Info frame and ID3v1 tag."""
    frames = []
    offset = id3v2_size(data)
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    while offset < end:
        frame = _frame_at(data, offset)
        if offset + frame.length > end:
            raise MP3Error(f"truncated frame at byte {offset}")
        if not frame.is_info:
            frames.append(frame)
        offset += frame.length
    return frames


@dataclass(frozen=True)
class AudioSpan:
    """Where a file's audio frames are, and how many samples they hold."""

    start: int  # offset of the first audio frame
    end: int  # offset just past the last one
    frames: int
    samples: int
    sample_rate: int


def _info_counts(data: bytes, frame: Frame) -> tuple[int, int] | None:
    """(audio frames, bytes from the Info frame to the end of the audio) from a Xing/Info header."""
    side_info = side_info_bytes(frame.samples == 1152, (data[frame.offset + 3] >> 6) == 3)
    at = frame.offset + 4 + side_info + 4
    flags_frames_bytes = data[at:at + 12]
    if len(flags_frames_bytes) < 12:
        return None
    flags, frames, size = struct.unpack(">III", flags_frames_bytes)
    if flags & 3 != 3:
        return None
    return frames, size


def audio_span(data: bytes) -> AudioSpan:
    """The audio frames of an MP3 file as one byte range, without its tags and Info frame.

    Trusts the Info frame's counts when they agree with the file (the stated
    range ends where the file's audio ends, and its length is what that many
    constant-bit-rate frames take); otherwise walks every frame.
    """
    offset = id3v2_size(data)
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    first = _frame_at(data, offset)
    if first.is_info:
        counts = _info_counts(data, first)
        if counts:
            frames, size = counts
            start = offset + first.length
            stop = offset + size
            if frames > 0 and stop == end and start < stop:
                audio = _frame_at(data, start)
                unpadded = audio.length - ((data[start + 2] >> 1) & 1)
                if (audio.sample_rate == first.sample_rate
                        and frames * unpadded <= stop - start <= frames * (unpadded + 1)):
                    return AudioSpan(start, stop, frames, frames * audio.samples, audio.sample_rate)
    frames_list = audio_frames(data)
    if not frames_list:
        raise MP3Error("no audio frames")
    return AudioSpan(frames_list[0].offset, frames_list[-1].offset + frames_list[-1].length,
                     len(frames_list), sum(f.samples for f in frames_list), frames_list[0].sample_rate)
