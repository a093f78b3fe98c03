"""ID3v2.3 tags for a chapter MP3, and for the whole guide its chapter marks
(CHAP frames and an ordered table of contents)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from mutagen.id3 import CHAP, CTOC, ID3, TALB, TCON, TIT2, TLAN, TPE1, TRCK, CTOCFlags

from ..ffmpeg import MasteringError

#: Entries one ID3 table of contents (CTOC) can list: its count is one byte.
CTOC_MAX_ENTRIES = 255


@dataclass(frozen=True)
class ChapterTags:
    title: str
    album: str
    artist: str
    track: int
    track_total: int
    language: str  # ISO 639-2, e.g. "eng"



@dataclass(frozen=True)
class ChapterMark:
    title: str
    start_ms: int
    end_ms: int



def id3_tag(tags: ChapterTags, marks: list[ChapterMark] = (), name: str = "") -> bytes:
    """An ID3v2.3 tag, rendered, to write in front of the audio; with ``marks``,
    CHAP frames and a top-level, ordered CTOC. Errors name ``name``."""
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
                raise MasteringError(f"{name}: {len(ids)} chapters are more than an ID3 table of "
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
    rendered = io.BytesIO()
    id3.save(rendered, v2_version=3)
    return _chapters_in_order(rendered.getvalue()) if marks else rendered.getvalue()


def _chapters_in_order(tag: bytes) -> bytes:
    """The tag with its CHAP frames in chapter order.

    mutagen writes frames sorted by their size, so the chapters come out in
    the order of their titles' lengths; ffmpeg, and the players built on it,
    list CHAP frames in the order they are written, whatever the CTOC says.
    The frames keep their bytes and the tag its size: only their order changes.
    """
    header = tag[:10]
    if header[:3] != b"ID3" or header[3] != 3 or header[5] != 0:
        return tag  # not the plain ID3v2.3 tag rendered above
    size = header[6] << 21 | header[7] << 14 | header[8] << 7 | header[9]
    body = tag[10:10 + size]
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
    ordered = b"".join([f for f in frames if f[:4] != b"CHAP"] + chapters)
    return header + ordered + tag[10 + len(ordered):]

