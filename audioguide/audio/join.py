"""The whole guide as one MP3: the chapters' frames joined, re-encoding nothing."""

from __future__ import annotations

from pathlib import Path

from ..ffmpeg import MasteringError
from ..files import atomic_path
from .mp3 import MP3Error, audio_span
from .tags import ChapterMark, ChapterTags, write_tags


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
