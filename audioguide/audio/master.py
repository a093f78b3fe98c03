"""One chapter mastered: its timeline measured, the gain chosen, one encode, and
the encoded file checked.

A chapter is never held whole. It is laid out from its sentences' measures
(peak and K-weighted energy per block of about a millisecond, kept beside
each WAV; a sentence not measured yet is read and measured once); from those
alone the gain that reaches the loudness target, and a look-ahead peak
limiter, are worked out for any gain. The encode reads each sentence, applies
them and streams the samples into LAME, behind the chapter's ID3 tag. The
encoded file is then decoded in this process and measured (loudness, 4x
oversampled true peak and length); only a miss costs another encode.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..ffmpeg import MasteringError
from ..files import atomic_path
from .filters import GROUP, block_size, k_filter
from .gain import MAX_GAIN_DB, choose_gain
from .decode import measure_mp3
from .encode import encode, pcm_chunks
from .settings import AudioSettings
from .tags import ChapterTags, id3_tag
from .timeline import Layout, SentenceChanged, Timeline
from .truepeak import oversampling_phases

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
MAX_ENCODES = 3
#: Further encodes, each quieter, allowed when only the peak is still over the limit.
PEAK_RESCUES = 3
#: True-peak meters differ by a tenth of a dB or so (oversampling filters);
#: checking against a ceiling this much lower keeps every meter under the limit.
METER_GUARD_DB = 0.2
#: Extra step down when an encode's true peak was over the limit.
PEAK_STEP_DB = 0.2


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
    k_filter((settings or AudioSettings()).sample_rate)
    oversampling_phases()


def _laid_out(timeline: Timeline, settings: AudioSettings) -> tuple[Layout, np.ndarray, np.ndarray]:
    """The chapter laid out, with each block's peak (dBFS) and K-weighted energy,
    put together from its sentences' measures (silence is zero in both)."""
    block, _ = block_size(settings.sample_rate)
    layout = Layout(settings)
    placed = [(layout.samples, words) for piece, words in layout.walk(timeline) if words is not None]
    unit = block * GROUP  # as a meter fed the whole chapter would pad it
    count = -(-layout.samples // unit) * unit // block
    peaks, energy = np.zeros(count, np.float32), np.zeros(count, np.float32)
    for end, words in placed:
        first = (end - words.length) // block
        last = min(count, first + len(words.peaks))
        np.maximum(peaks[first:last], words.peaks[:last - first], out=peaks[first:last])
        energy[first:last] += words.energy[:last - first]
    del placed
    with np.errstate(divide="ignore"):
        peak_db = np.log10(peaks, out=peaks)  # in place: a chapter's blocks are many
    peak_db *= 20
    return layout, peak_db, energy


def mastered_pcm(timeline: Timeline, settings: AudioSettings = AudioSettings(), aim_lufs: float | None = None,
                 ceiling_dbfs: float | None = None) -> Iterator[bytes]:
    """The chapter mastered again from its sentence WAVs, as 16-bit mono PCM at
    ``settings.sample_rate``, for an encoder other than MP3 (the M4B's AAC), which
    must not start from the lossy MP3: the same layout, and the gain and limiter
    of the MP3 encode that was kept, given by the ``aim_lufs`` and ``ceiling_dbfs``
    it settled on (``MasteredChapter``); without them, those of a first encode."""
    layout, peak_db, energy = _laid_out(timeline, settings)
    _, gain = choose_gain(peak_db, energy, settings.sample_rate,
                          settings.loudness_lufs + CODEC_ALLOWANCE_LU if aim_lufs is None else aim_lufs,
                          settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB if ceiling_dbfs is None else ceiling_dbfs)
    del peak_db, energy
    yield from pcm_chunks(layout, gain, block_size(settings.sample_rate)[0])


@dataclass(frozen=True)
class _Attempt:
    """One encode's aim, and what the encoded file measured."""

    aim_lufs: float
    ceiling_dbfs: float
    loudness_lufs: float
    peak_dbtp: float
    over_db: float  # how far the true peak is over the limit (minus the meters' guard)


def _next_aim(attempt: _Attempt, encodes: int, first: _Attempt, lowered: bool,
              last_peak: float | None, settings: AudioSettings) -> tuple[float, float, bool] | None:
    """(aim, ceiling, limiter lowered) for the next encode, or None to keep this one.

    Nearly always one encode is enough. After ``MAX_ENCODES`` only a peak over the
    limit is corrected: it is never shipped, so a little loudness is given up instead.
    """
    over, miss = attempt.over_db, settings.loudness_lufs - attempt.loudness_lufs
    if not np.isfinite(attempt.loudness_lufs) or (over <= 0 and abs(miss) <= LOUDNESS_TOLERANCE_LU):
        return None
    if encodes >= MAX_ENCODES + PEAK_RESCUES:
        return None
    aim, ceiling = attempt.aim_lufs, attempt.ceiling_dbfs
    if over > 0 and lowered and attempt.peak_dbtp >= last_peak:
        # Limiting harder made the encoder overshoot more (its low-pass rings on
        # the limiter's edges): limit as at first and turn the chapter down by
        # what that first overshot instead.
        return aim - (max(first.over_db, 0.0) + PEAK_STEP_DB), first.ceiling_dbfs, False
    if encodes < MAX_ENCODES:
        if over > 0:
            ceiling, lowered = ceiling - (over + PEAK_STEP_DB), True
        return aim + miss, ceiling, lowered
    if over > 0:
        return aim - (over + PEAK_STEP_DB), ceiling - (over + PEAK_STEP_DB), True
    return None


def master_chapter(timeline: Timeline, target: Path, tags: ChapterTags,
                   settings: AudioSettings = AudioSettings()) -> MasteredChapter:
    """Write ``target`` (via a temporary name) and return the chapter's timings.

    A sentence said again while the chapter was being mastered (the same text
    needed by another build sharing the cache, made at the same moment) has
    another take's length: the chapter is laid out again from what is there now,
    once; nothing is shipped whose timings were worked out for other audio."""
    for tries in (1, 2):
        try:
            return _master(timeline, target, tags, settings)
        except SentenceChanged as error:
            if tries == 2:
                raise MasteringError(f"{target}: a sentence changed while the chapter was mastered, "
                                     f"twice ({error}); build again") from None


def _master(timeline: Timeline, target: Path, tags: ChapterTags, settings: AudioSettings) -> MasteredChapter:
    name = str(target)
    rate = settings.sample_rate
    layout, peak_db, energy = _laid_out(timeline, settings)
    aim, ceiling = settings.loudness_lufs + CODEC_ALLOWANCE_LU, settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB
    id3 = id3_tag(tags, name=name)
    with atomic_path(target) as temporary:
        first, lowered, last_peak, tried = None, False, None, []  # tried: every encode, in order
        while True:
            gain = None  # the last try's limiter goes before the next is made
            loudness, gain = choose_gain(peak_db, energy, rate, aim, ceiling)
            encode(layout, gain, temporary, settings, name, id3)
            final, peak = measure_mp3(temporary, settings, layout.samples, name)
            attempt = _Attempt(aim, ceiling, final, peak, peak - (settings.true_peak_dbtp - METER_GUARD_DB))
            tried.append(attempt)
            if not lowered:
                first = attempt  # the overshoot with the limiter as first set
            following = _next_aim(attempt, len(tried), first, lowered, last_peak, settings)
            if following is None:
                break
            aim, ceiling, lowered = following
            last_peak = peak
        _check_levels(tried, loudness, settings, name, tags)
    to_ms = 1000 / rate
    timings = tuple((round(start * to_ms), round(end * to_ms)) for start, end in layout.spans)
    return MasteredChapter(timings, round(layout.samples * to_ms), loudness, final, peak, len(tried), aim, ceiling)


def _check_levels(tried: list[_Attempt], loudness_before: float, settings: AudioSettings, name: str,
                  tags: ChapterTags) -> None:
    """Refuse a chapter too quiet to bring up, or one whose peak stayed over the limit."""
    attempt, encodes = tried[-1], len(tried)
    final = attempt.loudness_lufs
    too_quiet = loudness_before + MAX_GAIN_DB < settings.loudness_lufs - LOUDNESS_REFUSED_LU
    if not np.isfinite(final) or (too_quiet and settings.loudness_lufs - final > LOUDNESS_REFUSED_LU):
        heard = f"{final:.1f} LUFS" if np.isfinite(final) else "silence"
        raise MasteringError(f"{name}: chapter {tags.track} ({tags.title}) comes out at {heard}, "
                             f"not {settings.loudness_lufs:g} LUFS: the speech is too quiet to "
                             "bring up (raise --volume)")
    if attempt.over_db > 0:
        # Each encode's settings and result, so a chapter that defeats the retry rule can be studied.
        history = "; ".join(f"{t.aim_lufs:.2f} LUFS, ceiling {t.ceiling_dbfs:.2f} dBFS: "
                            f"{t.loudness_lufs:.2f} LUFS, {t.peak_dbtp:.2f} dBTP" for t in tried)
        raise MasteringError(f"{name}: true peak stays at {attempt.peak_dbtp:.2f} dBTP after {encodes} encodes, "
                             f"over the {settings.true_peak_dbtp} dBTP limit less {METER_GUARD_DB} dB for "
                             f"meters that differ (aimed at and measured: {history})")
