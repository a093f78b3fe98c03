"""The files a build writes around the audio, for build.py: a chapter's captions
and transcript with its manifest entry, and the downloads (the whole guide as
one chaptered MP3, its chapter lists, and a ZIP of everything; the MP3 and the
ZIP are assembled from the chapters' files when they are read: see
assembled.py and formats/archive.py)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from .assembled import Assembled, FilePart
from .audio import ChapterMark, ChapterTags, MasteredChapter, plan_join
from .files import write_atomic
from .formats.archive import write_archive, write_assembled
from .manifest import ChapterEntry, FileRef, TimedSegment
from .narration import ChapterScript
from .publish import (
    chapters_json, chapters_vtt, file_ref, m3u_playlist, readme_text, transcript_text, webvtt, with_crc32,
)

#: ISO 639-1 to the ISO 639-2 codes ID3's TLAN frame wants.
ID3_LANGUAGES = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa", "it": "ita", "nl": "nld"}


def id3_language(language: str) -> str:
    """ID3 wants a three-letter code ("eng"); "und" when we do not know it."""
    return ID3_LANGUAGES.get(language.split("-")[0], "und")


def chapter_mp3(build_dir: Path, chapter: ChapterScript) -> Path:
    return build_dir / "audio" / f"{chapter.file_stem}.mp3"


def publish_chapter(build_dir: Path, chapter: ChapterScript, mastered: MasteredChapter,
                    fingerprint: str) -> ChapterEntry:
    """Write the mastered chapter's captions and transcript; return its manifest entry."""
    stem = chapter.file_stem
    segments = tuple(
        TimedSegment(s.kind, s.written, s.spoken, start, end, s.paragraph, s.item)
        for s, (start, end) in zip(chapter.segments, mastered.timings)
    )
    vtt = build_dir / "captions" / f"{stem}.vtt"
    write_atomic(vtt, webvtt(list(segments)))
    text = build_dir / "text" / f"{stem}.txt"
    write_atomic(text, transcript_text(chapter.title, list(segments)))
    return ChapterEntry(
        number=chapter.number,
        slug=chapter.slug,
        title=chapter.title,
        duration_ms=mastered.duration_ms,
        audio=file_ref(build_dir, chapter_mp3(build_dir, chapter)),
        captions=file_ref(build_dir, vtt),
        transcript=file_ref(build_dir, text),
        segments=segments,
        fingerprint=fingerprint,
        loudness_lufs=_finite(mastered.loudness_lufs),
        true_peak_dbtp=_finite(mastered.true_peak_dbtp),
        gain_aim_lufs=mastered.aim_lufs, limiter_ceiling_dbfs=mastered.ceiling_dbfs,
    )


def with_crc32s(build_dir: Path, chapter: ChapterEntry) -> ChapterEntry:
    """The chapter with the CRC-32 of each of its files (read only when a manifest from
    before they were recorded lacks them)."""
    if all(ref.crc32 is not None for ref in chapter.file_refs):
        return chapter
    audio, captions, transcript = (with_crc32(build_dir, ref) for ref in chapter.file_refs)
    return replace(chapter, audio=audio, captions=captions, transcript=transcript)


def full_guide(build_dir: Path, tags: ChapterTags, chapters: tuple[ChapterEntry, ...],
               name: str = "") -> tuple[Assembled, tuple[ChapterMark, ...]]:
    """The whole guide as one MP3, assembled when read (its ID3 tag with the chapter
    marks, then each chapter file's audio frames), and the marks; ``name`` names it in
    errors."""
    plan = plan_join([build_dir / c.audio.path for c in chapters], [c.title for c in chapters], tags, name)
    return Assembled((plan.tag, *(FilePart(c.audio.path, c.audio.bytes, c.audio.sha256, start, end - start)
                                  for c, (start, end) in zip(chapters, plan.spans)))), plan.marks


def _finite(value: float) -> float | None:
    """Rounded for the manifest; None for what JSON cannot hold (infinity, NaN)."""
    return round(value, 2) if math.isfinite(value) else None


def publish_downloads(build_dir: Path, slug: str, tags: ChapterTags,
                      chapters: tuple[ChapterEntry, ...]) -> dict[str, FileRef]:
    """The whole guide as one chaptered MP3 (tagged with ``tags``), its chapter lists,
    and a ZIP of everything; the MP3 and the ZIP are assembled files, of which only the
    descriptions are written."""
    folder = build_dir / "downloads"
    folder.mkdir(exist_ok=True)
    playlist = f"{slug}.m3u"
    members: list[tuple[str, FileRef | str]] = [
        (f"{slug}/README.txt",
         readme_text(tags.title, [(f"{c.file_stem}.mp3", c.title, c.duration_ms) for c in chapters],
                     playlist)),
        (f"{slug}/{playlist}",
         m3u_playlist([(f"{c.file_stem}.mp3", c.duration_ms, c.title) for c in chapters])),
    ]
    for chapter in chapters:
        for ref in (chapter.audio, chapter.transcript, chapter.captions):
            members.append((f"{slug}/{Path(ref.path).name}", ref))
    zip_ref = write_archive(build_dir, folder / f"{slug}-audio-guide.zip", members)
    full = folder / f"{slug}-full-guide.mp3"
    assembled, marks = full_guide(build_dir, tags, chapters, str(full))
    full_ref = write_assembled(build_dir, full, assembled)
    json_path = folder / f"{slug}-chapters.json"
    write_atomic(json_path, chapters_json([(m.start_ms, m.title) for m in marks]))
    vtt_path = folder / f"{slug}-chapters.vtt"
    write_atomic(vtt_path, chapters_vtt([(m.start_ms, m.end_ms, m.title) for m in marks]))
    return {
        "full_guide": full_ref,
        "chapters_json": file_ref(build_dir, json_path),
        "chapters_vtt": file_ref(build_dir, vtt_path),
        "zip": zip_ref,
    }
