"""M4B: the whole guide as one AAC audiobook with a chapter list, for audiobook apps.

The audio comes from mastering (PCM, never the lossy MP3), chapter after
chapter into one ffmpeg that encodes AAC. Each chapter takes as long as its
MP3 does (its PCM is followed by the few ms of silence the MP3 encoder adds),
so the chapter marks are the full-guide MP3's marks. Title and author are
tagged; there is no cover. The AAC is measured once encoded: one over the
true-peak limit or off the loudness target is encoded again with its gain
corrected, and refused, not shipped, if it still misses.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from ..ffmpeg import MasteringError, feed, ffmpeg_executable
from ..manifest import Manifest
from ..audio import LOUDNESS_TOLERANCE_LU, METER_GUARD_DB, AudioSettings, measure_encoded
from ..audio.mp3 import MP3Error, audio_span
from ..files import atomic_path

BITRATE_KBPS = 64


def _meta(text: str) -> str:
    """A value for ffmpeg's metadata file: =, ;, #, \\ and newlines escaped."""
    for char in "\\=;#":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def ffmetadata(manifest: Manifest, marks: list[tuple[int, int, str]]) -> str:
    """ffmpeg's metadata file: title, author, and one chapter per (start ms, end ms, title)."""
    lines = [";FFMETADATA1", f"title={_meta(manifest.title)}", f"album={_meta(manifest.title)}",
             *([f"artist={_meta(manifest.author)}", f"album_artist={_meta(manifest.author)}"]
               if _meta(manifest.author) else []),
             "genre=Audiobook", f"language={_meta(manifest.language)}"]
    for start, end, title in marks:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={_meta(title)}"]
    return "\n".join(lines) + "\n"


def chapter_samples(build_dir: Path, manifest: Manifest) -> list[tuple[int, int]]:
    """(samples, sample rate) of each chapter's MP3, counted from its frames."""
    spans = []
    for chapter in manifest.chapters:
        path = build_dir / chapter.audio.path
        try:
            span = audio_span(path.read_bytes())
        except MP3Error as error:
            raise MasteringError(f"{path}: {error}") from None
        spans.append((span.samples, span.sample_rate))
    return spans


def _padded(pcm: Callable[[int], Iterable[bytes]], spans: list[tuple[int, int]]) -> Iterator[bytes]:
    """Each chapter's PCM cut or padded with silence to its MP3's length, one after another."""
    for index, (samples, _) in enumerate(spans):
        written = 0
        for chunk in pcm(index):
            chunk = chunk[: max(0, 2 * samples - written)]
            written += len(chunk)
            yield chunk
        yield bytes(max(0, 2 * samples - written))


def _scaled(chunks: Iterable[bytes], db: float) -> Iterator[bytes]:
    """16-bit PCM ``db`` louder (quieter when negative)."""
    factor = np.float32(10 ** (db / 20))
    for chunk in chunks:
        samples = np.frombuffer(chunk, dtype="<i2").astype(np.float32) * factor
        yield np.clip(np.rint(samples), -32768, 32767).astype("<i2").tobytes()


def correction_db(loudness: float, peak: float, settings: AudioSettings) -> float:
    """The gain that brings an encode onto the loudness target, no further than the
    true-peak limit allows (quieter when it is over it); 0 when it already meets both
    as the MP3s must (within ``LOUDNESS_TOLERANCE_LU``, under the limit)."""
    over = peak - (settings.true_peak_dbtp - METER_GUARD_DB)
    miss = settings.loudness_lufs - loudness
    if over <= 0 and abs(miss) <= LOUDNESS_TOLERANCE_LU:
        return 0.0
    return min(miss, -over - 0.1)


def _refusal(name: Path, loudness: float, peak: float, settings: AudioSettings) -> MasteringError:
    return MasteringError(
        f"{name}: after the AAC encode and one correction the audiobook measures {loudness:.2f} LUFS and "
        f"{peak:.2f} dBTP (wanted: {settings.loudness_lufs} LUFS within {LOUDNESS_TOLERANCE_LU} LU, under "
        f"{settings.true_peak_dbtp} dBTP); it was not written")


def write_m4b(manifest: Manifest, build_dir: Path, target: Path,
              pcm: Callable[[int], Iterable[bytes]], settings: AudioSettings = AudioSettings()) -> None:
    """Encode ``target`` from ``pcm(index)``, each chapter's mastered 16-bit mono PCM
    at its MP3's sample rate. The file is measured; one off the loudness target or over
    the true-peak limit is encoded once more, its gain corrected (``correction_db``),
    and refused if it still misses."""
    spans = chapter_samples(build_dir, manifest)
    rate = spans[0][1]
    marks, position = [], 0
    for chapter, (samples, _) in zip(manifest.chapters, spans):
        marks.append((round(position * 1000 / rate), round((position + samples) * 1000 / rate), chapter.title))
        position += samples
    with tempfile.TemporaryDirectory() as scratch, atomic_path(target) as temporary:
        metadata = Path(scratch) / "chapters.txt"
        metadata.write_text(ffmetadata(manifest, marks), encoding="utf-8")
        command = [
            ffmpeg_executable(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
            "-f", "ffmetadata", "-i", str(metadata),
            "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
            "-c:a", "aac", "-aac_coder", "fast", "-b:a", f"{BITRATE_KBPS}k", "-fflags", "+bitexact",
            "-movflags", "+faststart", "-f", "ipod", str(temporary),
        ]
        gain_db = 0.0
        for encode in (1, 2):
            feed(command, _scaled(_padded(pcm, spans), gain_db) if gain_db else _padded(pcm, spans), str(target),
                 audio_seconds=position / rate)
            loudness, peak = measure_encoded(temporary, settings, position / rate)
            correction = correction_db(loudness, peak, settings)
            if not correction:
                return
            gain_db += correction
        raise _refusal(target, loudness, peak, settings)
