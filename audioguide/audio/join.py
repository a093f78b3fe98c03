"""The whole guide as one MP3: the chapters' frames joined, re-encoding nothing."""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from pathlib import Path

from ..ffmpeg import MasteringError
from ..files import atomic_path
from .mp3 import AudioSpan, MP3Error, audio_span
from .tags import ChapterMark, ChapterTags, id3_tag

#: Bytes copied at a time from a chapter into the joined file.
COPY_BYTES = 1 << 20


def _span(path: Path) -> AudioSpan:
    """Where ``path``'s audio frames are, reading only its tag, header frame and end
    (mapped, not read: a chapter's Info frame states the rest). An empty file, or one
    on a file system that cannot map files, is read instead."""
    with open(path, "rb") as handle:
        try:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            data = handle.read()
        try:
            return audio_span(data)
        except MP3Error as error:
            raise MasteringError(f"{path}: cannot join: {error}") from None
        finally:
            if isinstance(data, mmap.mmap):
                data.close()


@dataclass(frozen=True)
class JoinPlan:
    """The whole guide as one MP3, laid out without writing it: the ID3 tag that goes
    first, then each chapter's audio frames, ``spans[i]`` = (first byte, byte after the
    last) of chapter file ``i``; and the chapter marks the tag holds."""

    tag: bytes
    spans: tuple[tuple[int, int], ...]
    marks: tuple[ChapterMark, ...]

    @property
    def size(self) -> int:
        return len(self.tag) + sum(end - start for start, end in self.spans)


def plan_join(chapter_files: list[Path], titles: list[str], tags: ChapterTags, name: str = "") -> JoinPlan:
    """Lay out the whole guide as one MP3 made of the chapters' frames, re-encoding nothing.

    Each chapter's ID3 tag and LAME header frame are left out, so a player
    plays every frame; the chapter marks are therefore exact frame counts.
    The file starts with an ID3 tag holding CHAP frames (one per chapter) and
    a CTOC, worked out from the chapters' header frames alone. ``name`` names the
    joined file in errors.
    """
    spans = [_span(path) for path in chapter_files]
    marks: list[ChapterMark] = []
    position_samples = 0
    for span, title in zip(spans, titles):
        start = position_samples
        position_samples += span.samples
        marks.append(ChapterMark(title, round(start * 1000 / span.sample_rate),
                                 round(position_samples * 1000 / span.sample_rate)))
    return JoinPlan(id3_tag(tags, marks, name=name), tuple((span.start, span.end) for span in spans), tuple(marks))


def join_chapters(
    chapter_files: list[Path], titles: list[str], target: Path, tags: ChapterTags
) -> list[ChapterMark]:
    """Write the whole guide as one MP3 (``plan_join``): the tag, then the chapters' frames.
    A build does not write it (its downloads are assembled from the plan when read); this
    writes it as an ordinary file."""
    plan = plan_join(chapter_files, titles, tags, name=str(target))
    with atomic_path(target) as temporary:
        with open(temporary, "wb") as out:
            out.write(plan.tag)
            for path, (start, end) in zip(chapter_files, plan.spans):
                with open(path, "rb") as chapter:
                    chapter.seek(start)
                    left = end - start
                    while left > 0:
                        piece = chapter.read(min(COPY_BYTES, left))
                        if not piece:
                            raise MasteringError(f"{path}: cannot join: the file got shorter while it was read")
                        out.write(piece)
                        left -= len(piece)
    return list(plan.marks)
