"""The header frame at the start of every chapter MP3: a Xing "Info" frame with
the LAME tag, written here because the encoder library's binding leaves it out.

The LAME tag says how many samples the encoder added before the sound (its
delay) and after it (padding to whole frames). Decoders that read it (ffmpeg
and the browsers built on it, dr_mp3, Firefox) drop those samples and give
exactly the samples encoded, which the transcript's cue times are counted in.
The Xing part states the frame and byte counts (a player's duration without
reading the file) and a seek table.

Layout (the "Mp3 info tag" revision 1, as LAME writes it): a frame header and
empty side information, "Info", flags, frames, bytes, 100-entry seek table,
quality, then 36 bytes: encoder version, revision and method, low-pass,
ReplayGain (unset), flags, bit rate, delay and padding (12 bits each), misc,
MP3 gain, preset, music length, a CRC-16 of the audio frames and a CRC-16
of the frame up to that field. The CRCs are CRC-16/ARC; Python has no C
implementation of it, so ``crc16`` computes it with numpy, many blocks at a
time (the audio of a seven-hour guide is 200 MB).
"""

from __future__ import annotations

import struct

import numpy as np

from .mp3 import mp3_frame, side_info_bytes

#: Samples LAME puts before the first sample of sound.
ENCODER_DELAY = 576
#: The tag's own bytes after the side information: "Info" to the tag's CRC.
_TAG_BYTES = 4 + 4 + 4 + 4 + 100 + 4 + 36
#: The encoder named in the tag: the LAME the encoder library is built with.
ENCODER_VERSION = b"LAME3.100"
_BLOCK = 512  # bytes per row when many blocks are checked at once


def _crc_table() -> np.ndarray:
    table = np.zeros(256, np.uint16)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table[byte] = crc
    return table


_TABLE = _crc_table()
_TABLE_LIST = [int(value) for value in _TABLE]


def _advance_tables(length: int) -> tuple[list[int], list[int]]:
    """What ``length`` zero bytes do to a CRC register, as tables for its low and
    high byte. The CRC is linear: a register's result is the XOR of its bits'
    results, so only the 16 single bits are run through the zeros."""
    def advance(crc: int) -> int:
        for _ in range(length):
            crc = _TABLE_LIST[crc & 0xFF] ^ (crc >> 8)
        return crc

    bits = [advance(1 << bit) for bit in range(16)]

    def combined(value: int, first_bit: int) -> int:
        result = 0
        for bit in range(8):
            if value >> bit & 1:
                result ^= bits[first_bit + bit]
        return result
    return [combined(b, 0) for b in range(256)], [combined(b, 8) for b in range(256)]


_ADVANCE = _advance_tables(_BLOCK)


def _crc_bytes(data: bytes | memoryview, crc: int) -> int:
    for byte in bytes(data):
        crc = _TABLE_LIST[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected) of ``data``, continuing from ``crc``.

    Rows of 512 bytes are run through the table side by side (one numpy step
    per column), each from zero; the rows' CRCs are then folded in order,
    since a register carried over a row is the row's own CRC XOR the
    register advanced over 512 zero bytes."""
    view = memoryview(data).cast("B")
    rows = len(view) // _BLOCK
    if rows >= 4:
        block = np.frombuffer(view[:rows * _BLOCK], np.uint8).reshape(rows, _BLOCK)
        state = np.zeros(rows, np.uint16)
        for column in block.T:
            state = _TABLE[(state ^ column) & 0xFF] ^ (state >> 8)
        low, high = _ADVANCE
        for row_crc in state.tolist():
            crc = low[crc & 0xFF] ^ high[crc >> 8] ^ row_crc
        view = view[rows * _BLOCK:]
    return _crc_bytes(view, crc)


class MusicCrc:
    """The audio frames' CRC-16, fed as they are written, kept in pieces of a
    megabyte so that each numpy pass is long enough to be cheap."""

    PIECE = 1 << 20

    def __init__(self) -> None:
        self.crc = 0
        self._pending = bytearray()

    def add(self, data: bytes) -> None:
        self._pending += data
        if len(self._pending) >= self.PIECE:
            self.crc = crc16(self._pending, self.crc)
            self._pending.clear()

    def value(self) -> int:
        self.crc = crc16(self._pending, self.crc)
        self._pending.clear()
        return self.crc


def info_header(audio_header: bytes) -> bytes:
    """The header for the Info frame of a stream whose frames start with
    ``audio_header``: the same stream, unpadded, at the lowest bit rate whose
    frame holds the tag (at low bit rates a frame is too small for it)."""
    mpeg1 = mp3_frame(audio_header).samples == 1152
    needed = 4 + side_info_bytes(mpeg1, audio_header[3] >> 6 == 3) + _TAG_BYTES
    for index in range(audio_header[2] >> 4, 15):
        header = bytes((audio_header[0], audio_header[1], (index << 4) | (audio_header[2] & 0x0C),
                        audio_header[3]))
        if mp3_frame(header).length >= needed:
            return header
    raise ValueError("no MPEG bit rate gives a frame large enough for the Info tag")


def info_frame(header: bytes, frames: int, audio_bytes: int, samples: int,
               bitrate_kbps: int, music_crc: int, quality: int) -> bytes:
    """The Info frame (``header`` from ``info_header``) for ``frames`` audio frames of
    ``audio_bytes`` bytes at ``bitrate_kbps`` that decode to ``samples`` samples after
    the encoder's delay, encoded at LAME's ``quality`` (0 to 9)."""
    frame = mp3_frame(header)
    length, rate = frame.length, frame.sample_rate
    side = side_info_bytes(frame.samples == 1152, header[3] >> 6 == 3)
    padding = frames * frame.samples - ENCODER_DELAY - samples
    if not 0 <= padding < 4096:
        raise ValueError(f"{frames} frames cannot hold {samples} samples after the encoder's delay")
    total = length + audio_bytes
    # Seek table: where each percent of the duration starts in the audio, as 1/256 of it.
    toc = bytes(min(255, percent * 256 // 100) for percent in range(100))
    source_rate = 0 if rate <= 32000 else 1 if rate == 44100 else 2  # the misc byte's top two bits
    body = bytearray(header + bytes(side))
    # Quality as LAME states it: 100 - 10 x its default VBR quality (4) - its quality.
    body += b"Info" + struct.pack(">III", 0x0F, frames, total) + toc + struct.pack(">I", 100 - 40 - quality)
    body += ENCODER_VERSION.ljust(9, b" ")[:9]
    body += bytes((0x01, 0))  # tag revision 0, constant bit rate; low-pass not stated
    body += bytes(4 + 2 + 2 + 1)  # no ReplayGain, no flags
    body += bytes((min(bitrate_kbps, 255),))
    body += ((ENCODER_DELAY << 12) | padding).to_bytes(3, "big")
    body += bytes((source_rate << 6, 0, 0, 0))  # misc (source rate), MP3 gain, preset
    body += struct.pack(">IH", total, music_crc)
    body += struct.pack(">H", crc16(body))
    return bytes(body) + bytes(length - len(body))
