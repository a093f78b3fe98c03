"""Join a chapter's sentence WAVs into one mastered, tagged, constant-bit-rate MP3.

pydub reads each WAV and trims the engine's own leading and trailing silence,
so the pauses a listener hears are the ones the script chose. Every cue time
is counted in samples while joining, so the transcript cannot drift. The
chapter is measured (ITU-R BS.1770 integrated loudness), then gained to the
target and true-peak limited in the same ffmpeg call that encodes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyloudnorm
from scipy.signal import resample_poly

with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

from mutagen.id3 import CHAP, CTOC, ID3, TALB, TCON, TIT2, TLAN, TPE1, TRCK, CTOCFlags

from .mp3 import MP3Error, audio_frames
from .narration import ChapterScript, Pauses


#: Silence put around each sentence once the engine's own is trimmed, and the
#: fade where the cut is made.
TRIM_MARGIN_MS = 25
EDGE_FADE_MS = 3
#: Limit-and-measure passes allowed to reach the loudness target.
LOUDNESS_PASSES = 4
#: MP3 at 64 kb/s drops some high-frequency detail that K-weighting counts:
#: espeak-ng speech measured 0.44 LU quieter after encoding than before.
#: The PCM passes aim this much above the target; the encoded file is then
#: measured, and re-encoded once only if it still misses by more than
#: ``LOUDNESS_TOLERANCE_LU``.
CODEC_ALLOWANCE_LU = 0.4
#: The limiter's sample-peak ceiling sits this far under the true-peak limit:
#: the MP3 encode overshoots between samples by up to 0.6 dB (measured with
#: Debian's ffmpeg 5.1 and imageio-ffmpeg's 9.0 builds of LAME).
TRUE_PEAK_MARGIN_DB = 1.0
LOUDNESS_TOLERANCE_LU = 0.5
MAX_ENCODES = 3
#: True-peak meters differ by a tenth of a dB or so (oversampling filters);
#: checking against a ceiling this much lower keeps every meter under the limit.
METER_GUARD_DB = 0.2


class MasteringError(RuntimeError):
    """ffmpeg is missing or failed; the message names the chapter."""


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


def ffmpeg_executable() -> str:
    """The system ffmpeg when there is one, else the binary imageio-ffmpeg ships."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        raise MasteringError(
            "ffmpeg was not found: install it (apt-get install ffmpeg) "
            "or 'pip install imageio-ffmpeg'"
        ) from None


def _trimmed(path: Path, settings: AudioSettings) -> AudioSegment:
    audio = AudioSegment.from_wav(str(path))
    if audio.frame_rate != settings.sample_rate:
        audio = audio.set_frame_rate(settings.sample_rate)
    audio = audio.set_channels(1).set_sample_width(2)
    threshold = settings.silence_threshold_dbfs
    start = detect_leading_silence(audio, threshold, chunk_size=5)
    end = len(audio) - detect_leading_silence(audio.reverse(), threshold, chunk_size=5)
    if end <= start:  # nothing above the threshold: keep it as it is
        return audio
    # The words, faded over a few ms where the cut is (no clicks), with the
    # same short silence on both sides whatever the engine left there.
    words = audio[start:end].fade_in(EDGE_FADE_MS).fade_out(EDGE_FADE_MS)
    air = AudioSegment.silent(TRIM_MARGIN_MS, frame_rate=settings.sample_rate)
    return air + words + air


def _silence_frames(ms: int, sample_rate: int) -> bytes:
    return b"\x00\x00" * round(ms * sample_rate / 1000)


def join_segments(
    chapter: ChapterScript, wav_paths: list[list[Path]], settings: AudioSettings,
    breath_ms: int = Pauses().breath,
) -> tuple[bytes, list[tuple[int, int]]]:
    """Raw mono 16-bit PCM of the whole chapter and each segment's (start, end) in samples.

    ``wav_paths`` holds, per segment, the WAVs of its breath groups (usually one);
    the groups of one segment are joined with a short breath.
    """
    rate = settings.sample_rate
    pieces = [_silence_frames(settings.head_ms, rate)]
    position = len(pieces[0]) // 2
    spans = []
    for index, (segment, paths) in enumerate(zip(chapter.segments, wav_paths)):
        start = position
        for part, path in enumerate(paths):
            if part:
                breath = _silence_frames(breath_ms, rate)
                pieces.append(breath)
                position += len(breath) // 2
            speech = _trimmed(path, settings).raw_data
            pieces.append(speech)
            position += len(speech) // 2
        spans.append((start, position))
        last = index == len(chapter.segments) - 1
        pause = _silence_frames(settings.tail_ms if last else segment.pause_after_ms, rate)
        pieces.append(pause)
        position += len(pause) // 2
    return b"".join(pieces), spans


def integrated_loudness(pcm: bytes, sample_rate: int) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples))


def _limiter(gain_db: float, ceiling_dbfs: float) -> str:
    """Gain then a look-ahead limiter on sample peaks; latency=1 keeps cue times exact."""
    limit = 10 ** (ceiling_dbfs / 20)
    return f"volume={gain_db:.2f}dB,alimiter=limit={limit:.4f}:level=0:latency=1:attack=5:release=60"


def _ffmpeg(pcm: bytes, arguments: list[str], settings: AudioSettings, name: str) -> bytes:
    """Run ffmpeg on raw mono 16-bit PCM fed through a pipe; return what it writes to stdout."""
    command = [
        ffmpeg_executable(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(settings.sample_rate), "-ac", "1", "-i", "pipe:0", *arguments,
    ]
    try:
        result = subprocess.run(command, input=pcm, capture_output=True)
    except OSError as error:
        raise MasteringError(f"{name}: ffmpeg could not start ({error})") from None
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise MasteringError(f"{name}: ffmpeg failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def gain_for_target(
    pcm: bytes, settings: AudioSettings, name: str, target_lufs: float, ceiling_dbfs: float
) -> tuple[float, float]:
    """(measured loudness, gain that lands on the target *after* limiting).

    Limiting the peaks lowers the loudness (by about 1.5 LU for espeak-ng's
    spiky output, whose crest is near 20 dB), so the gain is corrected by
    limiting and measuring again, a few fast PCM-only passes, until the
    result is within 0.2 LU of ``target_lufs``.
    """
    rate = settings.sample_rate
    measured = integrated_loudness(pcm, rate)
    if not np.isfinite(measured):
        return measured, 0.0
    # Loudness after limiting rises more slowly than the gain, so step along
    # the secant of the last two (gain, loudness) points.
    gain, loudness = 0.0, measured
    step_slope = 1.0
    for _ in range(LOUDNESS_PASSES):
        next_gain = gain + (target_lufs - loudness) / step_slope
        limited = _ffmpeg(pcm, ["-af", _limiter(next_gain, ceiling_dbfs), "-f", "s16le", "-ac", "1", "pipe:1"],
                          settings, name)
        next_loudness = integrated_loudness(limited, rate)
        if not np.isfinite(next_loudness):
            break
        if next_gain != gain:
            step_slope = min(1.0, max(0.2, (next_loudness - loudness) / (next_gain - gain)))
        gain, loudness = next_gain, next_loudness
        if abs(target_lufs - loudness) < 0.2:
            break
    return measured, gain


def encode_mp3(
    pcm: bytes, target: Path, gain_db: float, ceiling_dbfs: float, settings: AudioSettings, name: str
) -> None:
    """Gain, limit and encode CBR MP3 in one ffmpeg call."""
    _ffmpeg(pcm, [
        "-af", _limiter(gain_db, ceiling_dbfs), "-ar", str(settings.sample_rate), "-ac", "1",
        "-c:a", "libmp3lame", "-b:a", f"{settings.bitrate_kbps}k", "-f", "mp3", str(target),
    ], settings, name)


def true_peak_dbtp(pcm: bytes) -> float:
    """Peak of the signal oversampled four times (BS.1770's true peak), in dBTP."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    peak = np.max(np.abs(resample_poly(samples, 4, 1))) if samples.size else 0.0
    return float(20 * np.log10(peak)) if peak > 0 else float("-inf")


def measure_encoded(path: Path, settings: AudioSettings) -> tuple[float, float]:
    """(integrated loudness, true peak) of an encoded file, decoded by ffmpeg (no ffprobe needed)."""
    command = [ffmpeg_executable(), "-hide_banner", "-nostdin", "-loglevel", "error",
               "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(settings.sample_rate), "pipe:1"]
    pcm = subprocess.run(command, capture_output=True, check=True).stdout
    return integrated_loudness(pcm, settings.sample_rate), true_peak_dbtp(pcm)


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
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                     child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[tags.album])]))
        for element_id, mark in zip(ids, marks):
            id3.add(CHAP(element_id=element_id, start_time=mark.start_ms, end_time=mark.end_ms,
                         start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                         sub_frames=[TIT2(encoding=3, text=[mark.title])]))
    id3.save(str(path), v2_version=3)


def master_chapter(
    chapter: ChapterScript,
    wav_paths: list[list[Path]],
    target: Path,
    tags: ChapterTags,
    settings: AudioSettings = AudioSettings(),
) -> MasteredChapter:
    """Write ``target`` (via a temporary name) and return the chapter's timings."""
    pcm, spans = join_segments(chapter, wav_paths, settings)
    name = str(target)
    aim = settings.loudness_lufs + CODEC_ALLOWANCE_LU
    ceiling = settings.true_peak_dbtp - TRUE_PEAK_MARGIN_DB
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        # Nearly always one encode; the encoded file is measured, and only a
        # miss (louder peaks or another loudness than asked) costs another.
        for _ in range(MAX_ENCODES):
            loudness, gain = gain_for_target(pcm, settings, name, aim, ceiling)
            encode_mp3(pcm, temporary, gain, ceiling, settings, name)
            final, peak = measure_encoded(temporary, settings)
            over = peak - (settings.true_peak_dbtp - METER_GUARD_DB)
            miss = settings.loudness_lufs - final
            if not np.isfinite(final) or (over <= 0 and abs(miss) <= LOUDNESS_TOLERANCE_LU):
                break
            if over > 0:
                ceiling -= over + 0.2
            aim += miss
        write_tags(temporary, tags)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    to_ms = 1000 / settings.sample_rate
    timings = tuple((round(start * to_ms), round(end * to_ms)) for start, end in spans)
    duration_ms = round(len(pcm) // 2 * to_ms)
    return MasteredChapter(timings, duration_ms, loudness, final, peak)


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
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as out:
            for path, title in zip(chapter_files, titles):
                data = path.read_bytes()
                try:
                    frames = audio_frames(data)
                except MP3Error as error:
                    raise MasteringError(f"{path}: cannot join: {error}") from None
                rate = frames[0].sample_rate
                start = position_samples
                for frame in frames:
                    out.write(data[frame.offset:frame.offset + frame.length])
                    position_samples += frame.samples
                marks.append(ChapterMark(title, round(start * 1000 / rate),
                                         round(position_samples * 1000 / rate)))
        write_tags(temporary, tags, marks)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return marks
