"""Join a chapter's sentence WAVs into one mastered, tagged, constant-bit-rate MP3.

Each WAV's own leading and trailing silence is trimmed, so the pauses a
listener hears are the ones the script chose, and every cue time is counted
in samples, so the transcript cannot drift.

A chapter is read twice and never held whole. The first pass measures it in
blocks of about a millisecond: each block's peak and its K-weighted energy
(ITU-R BS.1770). From those alone the gain that reaches the loudness target
and a look-ahead peak limiter are worked out, cheaply, for any gain. The
second pass reads the WAVs again, applies gain and limiter and streams the
samples straight into one ffmpeg process that encodes the MP3. The encoded
file is then decoded and measured (loudness and 4x oversampled true peak);
only a miss costs a second encode.
"""

from __future__ import annotations

import copy
import subprocess
import tempfile
import warnings
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np

with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH; it is not needed for WAV
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError
    from pydub.silence import detect_leading_silence
from mutagen.id3 import CHAP, CTOC, ID3, TALB, TCON, TIT2, TLAN, TPE1, TRCK, CTOCFlags

from .ffmpeg import MasteringError, Watchdog, feed, ffmpeg_executable, run_error, start
from .mp3 import MP3Error, audio_span
from .narration import ChapterScript, Pauses
from .files import atomic_path


#: Silence put around each sentence once the engine's own is trimmed, and the
#: fade where the cut is made.
TRIM_MARGIN_MS = 25
EDGE_FADE_MS = 3
#: pydub's detect_leading_silence looks at chunks this long.
SILENCE_CHUNK_MS = 5
#: MP3 at 64 kb/s drops some high-frequency detail that K-weighting counts:
#: espeak-ng speech measured 0.44 LU quieter after encoding than before.
#: The gain aims this much above the target; the encoded file is then
#: measured, and re-encoded once only if it still misses by more than
#: ``LOUDNESS_TOLERANCE_LU``.
CODEC_ALLOWANCE_LU = 0.4
#: The limiter's sample-peak ceiling sits this far under the true-peak limit:
#: the MP3 encode overshoots between samples, by 0.2 to 0.7 dB over the 18
#: chapters of a 46-minute test leaflet (Debian's ffmpeg 5.1). A miss is
#: caught by measuring the encoded file, and costs an encode.
TRUE_PEAK_MARGIN_DB = 1.2
LOUDNESS_TOLERANCE_LU = 0.5
#: A chapter whose speech is so quiet that even the most gain leaves it this far
#: under the target is refused, never shipped (one held back by its true-peak
#: limit gives up loudness instead, on purpose).
LOUDNESS_REFUSED_LU = 1.0
#: How close the gain search gets to its aim (the per-block estimate is within
#: a few hundredths of a LU of the real measure).
GAIN_TOLERANCE_LU = 0.05
#: Blocks the limiter works through at a time.
LIMITER_CHUNK = 1 << 16
MAX_ENCODES = 3
#: The most gain applied either way; engines' speech sits 5 to 30 dB under the target.
MAX_GAIN_DB = 40.0
#: Further encodes, each quieter, allowed when only the peak is still over the limit.
PEAK_RESCUES = 3
#: True-peak meters differ by a tenth of a dB or so (oversampling filters);
#: checking against a ceiling this much lower keeps every meter under the limit.
METER_GUARD_DB = 0.2
#: How fast the limiter's gain reduction fades before a peak (its look-ahead)
#: and after it (its release): 6 dB in 1.5 ms and in 30 ms. Slower settings
#: cost loudness (more gain is needed, and heavier limiting); faster ones
#: distort, and the MP3's true peak overshoots the ceiling more.
LIMITER_ATTACK_DB_PER_MS = 4.0
LIMITER_RELEASE_DB_PER_MS = 0.2
#: Entries one ID3 table of contents (CTOC) can list: its count is one byte.
CTOC_MAX_ENTRIES = 255
#: Samples read from the decoder at a time when measuring an encoded file.
READ_SAMPLES = 1 << 18


@dataclass(frozen=True)
class AudioSettings:
    sample_rate: int = 22050
    bitrate_kbps: int = 64
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.5
    head_ms: int = 500  # room tone before the first word
    tail_ms: int = 1000  # room tone after the last word
    silence_threshold_dbfs: float = -50.0


@dataclass(frozen=True)
class ChapterTags:
    title: str
    album: str
    artist: str
    track: int
    track_total: int
    language: str  # ISO 639-2, e.g. "eng"


@dataclass(frozen=True)
class MasteredChapter:
    """Where each segment landed (ms from the start of the MP3) and the total length."""

    timings: tuple[tuple[int, int], ...]
    duration_ms: int
    loudness_before_lufs: float
    loudness_lufs: float  # measured on the encoded file
    true_peak_dbtp: float  # measured on the encoded file
    encodes: int = 1  # 2 or more when the first encode missed a limit and was redone
    #: What the gain search aimed at for the encode kept (after any correction):
    #: the loudness (LUFS) and the limiter's ceiling (dBFS). ``mastered_pcm`` needs them.
    aim_lufs: float | None = None
    ceiling_dbfs: float | None = None


def prepare(settings: AudioSettings | None = None) -> None:
    """Work out the filters once, before any worker thread needs them."""
    _k_filter((settings or AudioSettings()).sample_rate)
    _oversampling_phases()


# Reading and trimming --------------------------------------------------------------

def spoken_part(path: Path, settings: AudioSettings) -> tuple[np.ndarray, bool]:
    """The words of one synthesized WAV, as float32 samples at the chapter's rate,
    and whether the engine's own silence was trimmed from around them.

    pydub reads the WAV itself (no ffprobe), makes it mono 16-bit at the
    chapter's rate, finds where the words start and end, and fades the cut
    edges over a few ms so they do not click.
    """
    try:
        audio = AudioSegment.from_wav(str(path))
    except (OSError, EOFError, wave.Error, CouldntDecodeError) as error:
        raise MasteringError(f"{path}: unreadable WAV ({error})") from None
    audio = audio.set_channels(1).set_sample_width(2).set_frame_rate(settings.sample_rate)
    threshold = settings.silence_threshold_dbfs
    start = detect_leading_silence(audio, threshold, SILENCE_CHUNK_MS)
    end = len(audio) - detect_leading_silence(audio.reverse(), threshold, SILENCE_CHUNK_MS)
    trimmed = end > start
    if trimmed:
        audio = audio[start:end].fade_in(EDGE_FADE_MS).fade_out(EDGE_FADE_MS)
    return np.frombuffer(audio.raw_data, dtype="<i2").astype(np.float32) / 32768, trimmed


@dataclass(frozen=True)
class _Speech:
    path: Path
    length: int


@dataclass(frozen=True)
class _Silence:
    length: int


class _Layout:
    """A chapter as a list of pieces (trimmed WAVs and silences) and each segment's span.

    ``walk`` reads the WAVs once to lay the chapter out; ``replay`` reads them
    again, in the same order, for the encoder.
    """

    def __init__(self, settings: AudioSettings):
        self.settings = settings
        self.pieces: list[_Speech | _Silence] = []
        self.spans: list[tuple[int, int]] = []
        self.samples = 0

    def _silence(self, ms: int) -> _Silence:
        piece = _Silence(_milliseconds(ms, self.settings.sample_rate))
        self.pieces.append(piece)
        self.samples += piece.length
        return piece

    def walk(self, chapter: ChapterScript, wav_paths: list[list[Path]],
             breath_ms: int) -> Iterator[tuple[_Speech | _Silence, np.ndarray | None]]:
        """Lay the chapter out, yielding each piece with its samples (None for silence)."""
        settings = self.settings
        yield self._silence(settings.head_ms), None
        for index, (segment, paths) in enumerate(zip(chapter.segments, wav_paths)):
            start = self.samples
            for part, path in enumerate(paths):
                if part:
                    yield self._silence(breath_ms), None
                words, trimmed = spoken_part(path, settings)
                if trimmed:
                    yield self._silence(TRIM_MARGIN_MS), None
                piece = _Speech(path, len(words))
                self.pieces.append(piece)
                self.samples += piece.length
                yield piece, words
                if trimmed:
                    yield self._silence(TRIM_MARGIN_MS), None
            self.spans.append((start, self.samples))
            last = index == len(chapter.segments) - 1
            yield self._silence(settings.tail_ms if last else segment.pause_after_ms), None

    def replay(self) -> Iterator[tuple[int, np.ndarray | int]]:
        """(offset, samples) for speech and (offset, length) for silence, in order."""
        offset = 0
        for piece in self.pieces:
            if isinstance(piece, _Silence):
                yield offset, piece.length
            else:
                yield offset, spoken_part(piece.path, self.settings)[0]
            offset += piece.length


def _milliseconds(ms: int, rate: int) -> int:
    return round(ms * rate / 1000)


def join_segments(
    chapter: ChapterScript, wav_paths: list[list[Path]], settings: AudioSettings,
    breath_ms: int = Pauses().breath,
) -> tuple[bytes, list[tuple[int, int]]]:
    """Raw mono 16-bit PCM of the whole (unmastered) chapter and each segment's (start, end) in samples.

    ``wav_paths`` holds, per segment, the WAVs of its breath groups (usually one);
    the groups of one segment are joined with a short breath. Mastering does not
    use this (it streams); it shows, in one piece, what mastering lays out.
    """
    layout = _Layout(settings)
    pieces = [np.zeros(piece.length, np.float32) if samples is None else samples
              for piece, samples in layout.walk(chapter, wav_paths, breath_ms)]
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return _to_int16(audio).tobytes(), layout.spans


def _to_int16(samples: np.ndarray) -> np.ndarray:
    scaled = samples * np.float32(32768)
    np.rint(scaled, out=scaled)
    np.minimum(scaled, 32767, out=scaled)
    np.maximum(scaled, -32768, out=scaled)
    return scaled.astype("<i2")


# Measuring -------------------------------------------------------------------------

def block_size(rate: int) -> tuple[int, int]:
    """(samples per block, blocks per 100 ms): blocks of about 1 ms that tile BS.1770's 100 ms steps."""
    step = max(1, round(rate / 10))
    block = max(d for d in range(1, max(1, rate // 1000) + 1) if step % d == 0)
    return block, step // block


@lru_cache(maxsize=8)
def _k_weighting(rate: int) -> np.ndarray:
    """BS.1770's K-weighting (pre-filter shelf and RLB high-pass) as two biquads
    (b0, b1, b2, a0, a1, a2). The coefficients for any rate, as libebur128
    derives them; at 48 kHz they are the ones printed in the recommendation.
    """
    k = np.tan(np.pi * 1681.974450955533 / rate)
    gain_high = 10 ** (3.999843853973347 / 20)
    gain_band = gain_high ** 0.4996667741545416
    q = 0.7071752369554196
    a0 = 1 + k / q + k * k
    shelf = [(gain_high + gain_band * k / q + k * k) / a0, 2 * (k * k - gain_high) / a0,
             (gain_high - gain_band * k / q + k * k) / a0, 1.0, 2 * (k * k - 1) / a0,
             (1 - k / q + k * k) / a0]
    k = np.tan(np.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, high_pass])


#: Rows per matrix product: small enough that OpenBLAS computes it in this
#: thread. Larger products wake its helper threads, which then spin on the
#: cores that ffmpeg and the speech workers need.
PRODUCT_ROWS = 2048


def _product(rows: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``rows @ matrix``, a slice of rows at a time."""
    out = np.empty((len(rows), matrix.shape[1]), np.result_type(rows, matrix))
    for start in range(0, len(rows), PRODUCT_ROWS):
        np.matmul(rows[start:start + PRODUCT_ROWS], matrix, out=out[start:start + PRODUCT_ROWS])
    return out


def _biquad_states(section) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(A, B, C, D) of one biquad in transposed direct form II."""
    b0, b1, b2, a0, a1, a2 = (c / section[3] for c in section)
    return (np.array([[-a1, 1.0], [-a2, 0.0]]), np.array([b1 - a1 * b0, b2 - a2 * b0]),
            np.array([1.0, 0.0]), b0)


class BlockFilter:
    """A cascade of two biquads, run a block of samples at a time with matrix products.

    Within a block the output is the block's samples through the impulse
    response (a small triangular matrix) plus what the state it starts in
    contributes; states pass from block to block in groups, with powers of
    the state matrix. The result equals a sample-by-sample filter to within
    rounding, at the speed of scipy's sosfilt, with numpy alone (importing
    scipy.signal costs half a second and 70 MB).
    """

    def __init__(self, sections: np.ndarray, block: int, group: int):
        (a1, b1, c1, d1), (a2, b2, c2, d2) = (_biquad_states(section) for section in sections)
        a = np.zeros((4, 4))
        a[:2, :2], a[2:, 2:], a[2:, :2] = a1, a2, np.outer(b2, c1)
        b = np.concatenate([b1, b2 * d1])
        c = np.concatenate([d2 * c1, c2])
        d = d2 * d1
        powers = [np.eye(4)]
        for _ in range(block * group):
            powers.append(a @ powers[-1])
        response = np.array([d] + [c @ powers[m - 1] @ b for m in range(1, block)])
        self.block, self.group = block, group
        #: Output of a block from its own samples, from its starting state;
        #: the state at its end from its samples.
        self._response = np.zeros((block, block), np.float32)
        for row in range(block):
            self._response[:row + 1, row] = response[row::-1]
        self._from_state = np.array([c @ powers[i] for i in range(block)]).T  # states -> samples
        self._to_state = np.array([powers[block - 1 - j] @ b for j in range(block)]).astype(np.float32)
        self._step = powers[block].T  # one block, acting on row vectors
        self._within = np.stack([powers[block * j].T for j in range(group)])
        leap = powers[block * group]
        self._leaps = [np.eye(4)]
        while np.abs(self._leaps[-1]).max() > 1e-15 and len(self._leaps) < 200:
            self._leaps.append(self._leaps[-1] @ leap)
        self.state = np.zeros(4)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        """Filter ``samples`` (a whole number of groups of blocks); one row per block."""
        rows = samples.reshape(-1, self.block)
        counts = len(rows) // self.group
        # The state each block would end in if it started from rest, then the
        # state each block starts in when each group starts from rest.
        ends = _product(rows, self._to_state).reshape(counts, self.group, 4)
        starts = np.empty_like(ends)
        state = np.zeros((counts, 4))
        for j in range(self.group):
            starts[:, j] = state
            state = state @ self._step + ends[:, j]
        # Each group's real starting state: the earlier groups' ends, carried forward.
        carried = np.zeros((counts + 1, 4))
        for depth, leap in enumerate(self._leaps):
            if depth < counts:
                carried[depth + 1:] += state[: counts - depth] @ leap.T
            if depth <= counts:
                carried[depth] += self.state @ leap.T
        self.state = carried[counts]
        starts += np.einsum("kn,jnm->kjm", carried[:counts], self._within)
        from_state = _product(starts.reshape(-1, 4), self._from_state).astype(np.float32)
        return _product(rows, self._response) + from_state


@lru_cache(maxsize=8)
def _k_filter(rate: int) -> BlockFilter:
    """The K-weighting filter for ``rate``, at rest (each meter copies it)."""
    return BlockFilter(_k_weighting(rate), block_size(rate)[0], BlockMeter.GROUP)


class BlockMeter:
    """Per-block peak and K-weighted energy of a stream of samples fed in pieces of any length.

    Pieces are gathered into batches of about ``READ_SAMPLES`` before
    filtering, so many short pieces (sentences, pauses) cost no more than
    one long one.
    """

    #: Blocks the K-weighting filter carries its state across at once.
    GROUP = 32

    def __init__(self, rate: int, *, peaks: bool = True):
        self.rate = rate
        self.block, self.blocks_per_step = block_size(rate)
        self._filter = copy.copy(_k_filter(rate))
        self._filter.state = np.zeros(4)
        self._batch = self.block * self.GROUP * max(1, READ_SAMPLES // (self.block * self.GROUP))
        self._want_peaks = peaks
        self._pending: list[np.ndarray] = []
        self._pending_length = 0
        self._peaks: list[np.ndarray] = []
        self._energy: list[np.ndarray] = []
        self.samples = 0

    def add(self, samples: np.ndarray) -> None:
        self._pending.append(samples.astype(np.float32, copy=False))
        self._pending_length += len(samples)
        self.samples += len(samples)
        if self._pending_length >= self._batch:
            self._flush()

    def add_silence(self, length: int) -> None:
        """Silence goes through the filter too: it carries the tail of the sound before it."""
        self.add(np.zeros(length, np.float32))

    def _flush(self, final: bool = False) -> None:
        samples = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        unit = self.block * self.GROUP
        whole = len(samples) // unit * unit
        if final and whole < len(samples):
            samples = np.concatenate([samples, np.zeros(unit - (len(samples) - whole), np.float32)])
            whole = len(samples)
        rest = samples[whole:]
        self._pending, self._pending_length = ([rest], len(rest)) if len(rest) else ([], 0)
        if not whole:
            return
        samples = samples[:whole]
        weighted = self._filter(samples)
        self._energy.append(np.einsum("ij,ij->i", weighted, weighted))
        if self._want_peaks:
            self._peaks.append(np.abs(samples).reshape(-1, self.block).max(axis=1))

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """(peak, energy) per block; the end is padded with silence to whole blocks."""
        if self._pending:
            self._flush(final=True)
        peaks = np.concatenate(self._peaks) if self._peaks else np.zeros(0, np.float32)
        energy = np.concatenate(self._energy) if self._energy else np.zeros(0, np.float32)
        self._peaks, self._energy = [], []
        return peaks, energy


def gated_loudness(energy: np.ndarray, rate: int) -> float:
    """BS.1770 integrated loudness (LUFS) from per-block K-weighted energies of a mono signal."""
    return _steps_loudness(_step_energy(energy, block_size(rate)[1]), rate)


def _steps_loudness(step_energy: np.ndarray, rate: int) -> float:
    """Integrated loudness from K-weighted energy per 100 ms step: 400 ms gating blocks
    every 100 ms, absolute gate at -70 LUFS, relative gate 10 LU below."""
    block, per_step = block_size(rate)
    if len(step_energy) < 4:
        return float("-inf")
    window = step_energy[:-3] + step_energy[1:-2] + step_energy[2:-1] + step_energy[3:]
    power = window / (4 * per_step * block)
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(power)
    above = power[loudness > -70]
    if not len(above):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(above.mean()) - 10
    gated = power[(loudness > -70) & (loudness > relative)]
    return float(-0.691 + 10 * np.log10(gated.mean()))


@lru_cache(maxsize=1)
def _oversampling_phases() -> tuple[tuple[np.ndarray, ...], float]:
    """The three in-between phases of a 4x interpolator (a 49-tap windowed sinc),
    and the largest sum of |taps| of a phase: how far an in-between value can
    exceed the largest sample under the filter."""
    # A windowed sinc cut at a quarter of the oversampled rate (scipy's firwin
    # with a Kaiser window of beta 5), with unit gain at DC, times the factor 4.
    middle = np.arange(49) - 24
    taps = 0.25 * np.sinc(0.25 * middle) * np.kaiser(49, 5.0)
    taps *= 4 / taps.sum()
    phases = tuple(taps[phase::4].astype(np.float32) for phase in (1, 2, 3))
    return phases, max(float(np.abs(p).sum()) for p in phases)


class TruePeakMeter:
    """The 4x oversampled peak of a stream (BS.1770 annex 2), fed in pieces of any length.

    An in-between value can exceed the largest input sample under its filter
    by at most the filter's gain, so only windows whose largest sample is
    within that gain of the peak so far are interpolated. That is exact, and
    for limited speech it skips most of the signal.
    """

    def __init__(self):
        phases, self._gain = _oversampling_phases()
        self._width = len(phases[0])
        # Window @ matrix gives the three in-between values at the window's end.
        self._matrix = np.stack([phase[::-1] for phase in phases], axis=1)
        self._tail = np.zeros(self._width - 1, np.float32)
        self.peak = 0.0

    def add(self, samples: np.ndarray) -> None:
        width = self._width
        length = len(self._tail) + len(samples)
        count = -(-length // width)
        # In blocks of one window's width (and one block of zeros after), a
        # window starting in block b lies within blocks b and b + 1.
        blocks = np.zeros((count + 1, width), np.float32)
        flat_blocks = blocks.ravel()
        flat_blocks[: len(self._tail)] = self._tail
        flat_blocks[len(self._tail): length] = samples
        self._tail = flat_blocks[length - (width - 1): length].copy()
        block_max = np.abs(blocks).max(axis=1)
        self.peak = max(self.peak, float(block_max.max()))
        windows = length - width + 1  # the filter windows that lie wholly in the data
        if self.peak <= 0 or windows <= 0:
            return
        reach = np.maximum(block_max[:-1], block_max[1:]) * self._gain > self.peak
        candidates = np.flatnonzero(reach[: (windows - 1) // width + 1])
        if not len(candidates):
            return
        # Each candidate block with the block after it holds the windows starting in it.
        rows = np.concatenate([blocks[candidates], blocks[candidates + 1]], axis=1)
        windows_of = np.lib.stride_tricks.sliding_window_view(rows, width, axis=1)[:, :width]
        values = np.abs(_product(windows_of.reshape(-1, width), self._matrix))
        values = values.reshape(len(candidates), width, 3)
        values[candidates[:, None] * width + np.arange(width) >= windows] = 0
        self.peak = max(self.peak, float(values.max()))

    def finish(self) -> float:
        self.add(np.zeros(self._width - 1, np.float32))
        return float(20 * np.log10(self.peak)) if self.peak > 0 else float("-inf")


# The limiter -----------------------------------------------------------------------

def _with_neighbours_min(values: np.ndarray) -> np.ndarray:
    """Replace each value by min(values[i-1], values[i], values[i+1]), in place, a chunk at a time."""
    previous = np.inf  # the value just before the chunk, as it was
    for start in range(0, len(values), LIMITER_CHUNK):
        end = min(len(values), start + LIMITER_CHUNK)
        part = values[start:end]
        following = values[end] if end < len(values) else np.inf
        lower = part.copy()
        np.minimum(lower[1:], part[:-1], out=lower[1:])
        np.minimum(lower[:-1], part[1:], out=lower[:-1])
        lower[0] = min(lower[0], previous)
        lower[-1] = min(lower[-1], following)
        previous = float(part[-1])
        part[:] = lower
    return values


def limiter_shape(peak_db: np.ndarray, gain_db: float, ceiling_db: float, block: int,
                  rate: int) -> np.ndarray:
    """Per-block gain (at most 1) that keeps every sample of the gained signal under the ceiling.

    ``peak_db`` is each block's peak in dBFS. A block needs a reduction of
    gain + peak - ceiling dB (when that is positive). The reduction applied
    is the largest need around, fading with distance: by
    ``LIMITER_ATTACK_DB_PER_MS`` towards the past (the look-ahead) and by
    ``LIMITER_RELEASE_DB_PER_MS`` towards the future (the release). Both are
    running maxima (taken ``LIMITER_CHUNK`` blocks at a time, so the work
    space stays small), and since the limiter looks ahead instead of
    delaying the sound, cue times stay exact. A final minimum over
    neighbouring blocks lets the sample gains be interpolated between block
    centres without ever exceeding a block's own need.
    """
    count = len(peak_db)
    shape = np.ones(count, np.float32)
    offset = gain_db - ceiling_db
    if not count or float(peak_db.max()) + offset <= 0:
        return shape
    ms_per_block = block * 1000 / rate
    attack = LIMITER_ATTACK_DB_PER_MS * ms_per_block
    release = LIMITER_RELEASE_DB_PER_MS * ms_per_block

    def need(start: int, end: int) -> np.ndarray:
        return np.maximum(peak_db[start:end].astype(np.float64) + offset, 0)

    anticipated = shape  # the look-ahead's reduction (dB) first, replaced by the gain below
    after = 0.0  # the look-ahead reduction just after the chunk
    for end in range(count, 0, -LIMITER_CHUNK):
        start = max(0, end - LIMITER_CHUNK)
        ramp = np.arange(end - start) * attack
        reach = np.maximum.accumulate(need(start, end)[::-1] + ramp) - ramp
        np.maximum(reach, after - attack - ramp, out=reach)
        anticipated[start:end] = reach[::-1]
        after = float(reach[-1])
    before = 0.0  # the release just before the chunk
    for start in range(0, count, LIMITER_CHUNK):
        end = min(count, start + LIMITER_CHUNK)
        ramp = np.arange(end - start) * release
        reduction = np.maximum.accumulate(need(start, end) + ramp) - ramp
        np.maximum(reduction, before - release - ramp, out=reduction)
        before = float(reduction[-1])
        np.maximum(reduction, anticipated[start:end], out=reduction)
        shape[start:end] = 10 ** (reduction / -20)
    return _with_neighbours_min(shape)


def _block_gains_at(shape: np.ndarray, block: int, offset: int, length: int) -> np.ndarray:
    """The per-block gain for samples offset..offset+length, interpolated linearly between
    block centres: each sample gets a blend of its own block's gain and its nearer
    neighbour's, never more than half the neighbour's."""
    first, last = offset // block, (offset + length - 1) // block
    own = shape[first:last + 1]
    before = shape[max(first - 1, 0):last] if first else np.concatenate([shape[:1], shape[:last]])
    after = shape[first + 1:last + 2]
    if len(after) < len(own):
        after = np.concatenate([after, shape[-1:]])
    centre = (block - 1) / 2
    position = np.arange(block)
    towards_before = (np.maximum(0, centre - position) / block).astype(np.float32)
    towards_after = (np.maximum(0, position - centre) / block).astype(np.float32)
    own32 = own.astype(np.float32)
    gains = (own32[:, None] + (before.astype(np.float32) - own32)[:, None] * towards_before
             + (after.astype(np.float32) - own32)[:, None] * towards_after)
    start = offset - first * block
    return gains.ravel()[start:start + length]


@dataclass(frozen=True)
class _Gain:
    linear: float
    shape: np.ndarray  # limiter gain per block
    expected_lufs: float


def _step_energy(energy: np.ndarray, per_step: int, shape: np.ndarray | None = None,
                 gain: float = 1.0) -> np.ndarray:
    """K-weighted energy per 100 ms step, of the signal times ``gain`` x the limiter's ``shape``."""
    steps = len(energy) // per_step
    out = np.empty(steps)
    span = max(1, LIMITER_CHUNK // per_step) * per_step
    for start in range(0, steps * per_step, span):
        end = min(steps * per_step, start + span)
        part = energy[start:end].astype(np.float64)
        if shape is not None:
            part *= np.square(shape[start:end], dtype=np.float64)
        out[start // per_step: end // per_step] = part.reshape(-1, per_step).sum(axis=1)
    return out * gain * gain


def choose_gain(peak_db: np.ndarray, energy: np.ndarray, rate: int, target_lufs: float,
                ceiling_dbfs: float) -> tuple[float, _Gain]:
    """(loudness before, gain and limiter that land on ``target_lufs`` after limiting).

    ``peak_db`` is each block's peak in dBFS, ``energy`` its K-weighted energy.

    Limiting the peaks lowers the loudness (by about 3 LU for espeak-ng's
    spiky output), so the gain is found by a few secant steps, each of which
    costs only arithmetic on the per-block numbers.
    """
    block, per_step = block_size(rate)
    before = _steps_loudness(_step_energy(energy, per_step), rate)
    if not np.isfinite(before):
        return before, _Gain(1.0, np.ones(len(peak_db), np.float32), before)

    def result(gain_db: float) -> _Gain:
        shape = limiter_shape(peak_db, gain_db, ceiling_dbfs, block, rate)
        gain = 10 ** (gain_db / 20)
        return _Gain(gain, shape, _steps_loudness(_step_energy(energy, per_step, shape, gain), rate))

    def bounded(db: float) -> float:  # an unreachable target must not run the gain away
        return min(max(db, -MAX_GAIN_DB), MAX_GAIN_DB)

    gain_db = bounded(target_lufs - before)
    best = result(gain_db)
    previous_db = previous_lufs = None
    for _ in range(8):
        miss = target_lufs - best.expected_lufs
        if abs(miss) < GAIN_TOLERANCE_LU:
            break
        slope = 1.0
        if previous_lufs is not None and best.expected_lufs != previous_lufs:
            slope = min(1.0, max(0.2, (best.expected_lufs - previous_lufs) / (gain_db - previous_db)))
        previous_db, previous_lufs = gain_db, best.expected_lufs
        gain_db = bounded(gain_db + miss / slope)
        if gain_db == previous_db:
            break  # at the bound: as loud as the limiter allows
        best = None  # let the last shape go before the next is made
        best = result(gain_db)
    return before, best


# Encoding --------------------------------------------------------------------------

def _pcm_chunks(layout: _Layout, gain: _Gain, block: int) -> Iterator[bytes]:
    """The chapter, gained and limited, as 16-bit mono PCM, piece by piece."""
    silence = b""
    for offset, piece in layout.replay():
        if isinstance(piece, int):
            if len(silence) < 2 * piece:
                silence = bytes(2 * piece)
            yield silence[: 2 * piece]
            continue
        gains = _block_gains_at(gain.shape, block, offset, len(piece)) * np.float32(gain.linear)
        yield _to_int16(piece * gains).tobytes()


def _encode(layout: _Layout, gain: _Gain, target: Path, settings: AudioSettings, name: str) -> None:
    """Stream the chapter, gained and limited, into one ffmpeg that writes the CBR MP3."""
    rate = settings.sample_rate
    block, _ = block_size(rate)
    command = [
        ffmpeg_executable(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
        "-c:a", "libmp3lame", "-b:a", f"{settings.bitrate_kbps}k", "-f", "mp3", str(target),
    ]
    feed(command, _pcm_chunks(layout, gain, block), name, audio_seconds=layout.samples / rate)


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
                samples = np.frombuffer(chunk[:whole], dtype="<i2").astype(np.float32) / 32768
                loudness.add(samples)
                peak.add(samples)
        code = process.wait()
        watchdog.check(str(path))
        if code != 0:
            errors.seek(0)
            raise run_error(str(path), errors.read(), code)
    return gated_loudness(loudness.finish()[1], settings.sample_rate), peak.finish()


def write_tags(path: Path, tags: ChapterTags, marks: list["ChapterMark"] = ()) -> None:
    """ID3v2.3 tags; with ``marks``, CHAP frames and a top-level, ordered CTOC."""
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.track_total}"))
    id3.add(TLAN(encoding=3, text=tags.language))
    id3.add(TCON(encoding=3, text="Speech"))
    if marks:
        ids = [f"chp{number}" for number in range(1, len(marks) + 1)]
        children = ids
        if len(ids) > CTOC_MAX_ENTRIES:
            # A table of contents holds at most 255 entries: more chapters go into
            # tables of 255, which the top-level table lists, in order.
            groups = [ids[at:at + CTOC_MAX_ENTRIES] for at in range(0, len(ids), CTOC_MAX_ENTRIES)]
            if len(groups) > CTOC_MAX_ENTRIES:
                raise MasteringError(f"{path}: {len(ids)} chapters are more than an ID3 table of "
                                     f"contents can list ({CTOC_MAX_ENTRIES ** 2})")
            children = [f"toc{number}" for number in range(1, len(groups) + 1)]
            for number, (element_id, group) in enumerate(zip(children, groups)):
                first = number * CTOC_MAX_ENTRIES + 1
                id3.add(CTOC(element_id=element_id, flags=CTOCFlags.ORDERED, child_element_ids=group,
                             sub_frames=[TIT2(encoding=3, text=[f"Chapters {first} to {first + len(group) - 1}"])]))
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                     child_element_ids=children, sub_frames=[TIT2(encoding=3, text=[tags.album])]))
        for element_id, mark in zip(ids, marks):
            id3.add(CHAP(element_id=element_id, start_time=mark.start_ms, end_time=mark.end_ms,
                         start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                         sub_frames=[TIT2(encoding=3, text=[mark.title])]))
    id3.save(str(path), v2_version=3)
    if marks:
        _chapters_in_order(path)


def _chapters_in_order(path: Path) -> None:
    """Put the tag's CHAP frames in chapter order, in place.

    mutagen writes frames sorted by their size, so the chapters come out in
    the order of their titles' lengths; ffmpeg, and the players built on it,
    list CHAP frames in the order they are written, whatever the CTOC says.
    The frames keep their bytes and the tag its size: only their order changes.
    """
    with open(path, "r+b") as handle:
        header = handle.read(10)
        if header[:3] != b"ID3" or header[3] != 3 or header[5] != 0:
            return  # not the plain ID3v2.3 tag written above
        size = header[6] << 21 | header[7] << 14 | header[8] << 7 | header[9]
        body = handle.read(size)
        frames, at = [], 0
        while at + 10 <= len(body) and body[at:at + 4].strip(b"\0"):
            end = at + 10 + int.from_bytes(body[at + 4:at + 8], "big")
            frames.append(body[at:end])
            at = end

        def place(frame: bytes) -> tuple[int, int]:
            """(start time, number): the element id "chpN", its NUL, then the start in ms."""
            at = frame.index(b"\0", 10)
            return int.from_bytes(frame[at + 1:at + 5], "big"), int(frame[13:at] or 0)

        chapters = sorted((f for f in frames if f[:4] == b"CHAP"), key=place)
        handle.seek(10)
        handle.write(b"".join([f for f in frames if f[:4] != b"CHAP"] + chapters))


def _laid_out(chapter: ChapterScript, wav_paths: list[list[Path]],
              settings: AudioSettings) -> tuple[_Layout, np.ndarray, np.ndarray]:
    """The chapter laid out, with each block's peak (dBFS) and K-weighted energy."""
    meter = BlockMeter(settings.sample_rate)
    layout = _Layout(settings)
    for piece, samples in layout.walk(chapter, wav_paths, Pauses().breath):
        if samples is None:
            meter.add_silence(piece.length)
        else:
            meter.add(samples)
    peaks, energy = meter.finish()
    with np.errstate(divide="ignore"):
        peak_db = np.log10(peaks, out=peaks)  # in place: a chapter's blocks are many
    peak_db *= 20
    return layout, peak_db, energy


def mastered_pcm(chapter: ChapterScript, wav_paths: list[list[Path]],
                 settings: AudioSettings = AudioSettings(), aim_lufs: float | None = None,
                 ceiling_dbfs: float | None = None) -> Iterator[bytes]:
    """The chapter mastered again from its sentence WAVs, as 16-bit mono PCM at
    ``settings.sample_rate``, for an encoder other than MP3 (the M4B's AAC), which
    must not start from the lossy MP3: the same layout, and the gain and limiter
    of the MP3 encode that was kept, given by the ``aim_lufs`` and ``ceiling_dbfs``
    it settled on (``MasteredChapter``); without them, those of a first encode."""
    layout, peak_db, energy = _laid_out(chapter, wav_paths, settings)
    _, gain = choose_gain(peak_db, energy, settings.sample_rate,
                          settings.loudness_lufs + CODEC_ALLOWANCE_LU if aim_lufs is None else aim_lufs,
                          settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB if ceiling_dbfs is None else ceiling_dbfs)
    del peak_db, energy
    yield from _pcm_chunks(layout, gain, block_size(settings.sample_rate)[0])


def master_chapter(
    chapter: ChapterScript,
    wav_paths: list[list[Path]],
    target: Path,
    tags: ChapterTags,
    settings: AudioSettings = AudioSettings(),
) -> MasteredChapter:
    """Write ``target`` (via a temporary name) and return the chapter's timings."""
    name = str(target)
    rate = settings.sample_rate
    layout, peak_db, energy = _laid_out(chapter, wav_paths, settings)
    aim = settings.loudness_lufs + CODEC_ALLOWANCE_LU
    ceiling = settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB
    with atomic_path(target) as temporary:
        # Nearly always one encode; the encoded file is measured, and only a
        # miss (louder peaks or another loudness than asked) costs another.
        # After MAX_ENCODES only a peak over the limit is corrected: it is never
        # shipped, so a little loudness is given up instead.
        encodes = 0
        first_ceiling, lowered, last_peak, first_over = ceiling, False, None, None
        while True:
            gain = None  # the last try's limiter goes before the next is made
            loudness, gain = choose_gain(peak_db, energy, rate, aim, ceiling)
            _encode(layout, gain, temporary, settings, name)
            encodes += 1
            final, peak = measure_encoded(temporary, settings, layout.samples / rate)
            over = peak - (settings.true_peak_dbtp - METER_GUARD_DB)
            miss = settings.loudness_lufs - final
            if not np.isfinite(final) or (over <= 0 and abs(miss) <= LOUDNESS_TOLERANCE_LU):
                break
            if not lowered:
                first_over = over  # the overshoot with the limiter as first set
            if over > 0 and lowered and peak >= last_peak:
                # Limiting harder made the encoder overshoot more (its low-pass rings on
                # the limiter's edges): limit as at first and turn the chapter down by
                # what that first overshot instead.
                ceiling, lowered = first_ceiling, False
                aim -= max(first_over, 0.0) + 0.2
            elif encodes < MAX_ENCODES:
                if over > 0:
                    ceiling, lowered = ceiling - (over + 0.2), True
                aim += miss
            elif over > 0 and encodes < MAX_ENCODES + PEAK_RESCUES:
                ceiling, lowered = ceiling - (over + 0.2), True
                aim -= over + 0.2
            else:
                break
            last_peak = peak
            if encodes >= MAX_ENCODES + PEAK_RESCUES:
                break
        too_quiet = loudness + MAX_GAIN_DB < settings.loudness_lufs - LOUDNESS_REFUSED_LU
        if not np.isfinite(final) or (too_quiet and settings.loudness_lufs - final > LOUDNESS_REFUSED_LU):
            heard = f"{final:.1f} LUFS" if np.isfinite(final) else "silence"
            raise MasteringError(f"{name}: chapter {chapter.number} ({chapter.title}) comes out at {heard}, "
                                 f"not {settings.loudness_lufs:g} LUFS: the speech is too quiet to "
                                 "bring up (raise --volume)")
        if over > 0:
            raise MasteringError(f"{name}: true peak stays at {peak:.2f} dBTP, over the "
                                 f"{settings.true_peak_dbtp} dBTP limit, after {encodes} encodes")
        write_tags(temporary, tags)
    to_ms = 1000 / rate
    timings = tuple((round(start * to_ms), round(end * to_ms)) for start, end in layout.spans)
    return MasteredChapter(timings, round(layout.samples * to_ms), loudness, final, peak, encodes, aim, ceiling)


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start_ms: int
    end_ms: int


def join_chapters(
    chapter_files: list[Path], titles: list[str], target: Path, tags: ChapterTags
) -> list[ChapterMark]:
    """Write the whole guide as one MP3 made of the chapters' frames, re-encoding nothing.

    Each chapter's ID3 tag and LAME header frame are dropped, so a player
    plays every frame; the chapter marks are therefore exact frame counts.
    The new file gets ID3v2 CHAP frames (one per chapter) and a CTOC.
    """
    marks: list[ChapterMark] = []
    position_samples = 0
    with atomic_path(target) as temporary:
        with open(temporary, "wb") as out:
            for path, title in zip(chapter_files, titles):
                data = path.read_bytes()
                try:
                    span = audio_span(data)
                except MP3Error as error:
                    raise MasteringError(f"{path}: cannot join: {error}") from None
                start = position_samples
                out.write(memoryview(data)[span.start:span.end])
                position_samples += span.samples
                marks.append(ChapterMark(title, round(start * 1000 / span.sample_rate),
                                         round(position_samples * 1000 / span.sample_rate)))
                del data
        write_tags(temporary, tags, marks)
    return marks
