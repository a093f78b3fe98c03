"""The fingerprints a build compares with the last build's, to skip work: a chapter's
(every input to its audio, captions and transcript) and the downloads' (every
chapter file and tag that goes into them)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields

from .audio import AudioSettings
from .guides import Guide
from .manifest import ChapterEntry
from .narration import ChapterScript, Script, Segment


#: Bump when mastering changes in a way that changes the audio, so no old chapter is reused.
MASTERING_VERSION = 3
#: Bump when the downloads are made differently (2: the ZIP is assembled; 3: the full
#: guide too), so none is reused.
DOWNLOADS_VERSION = 3


#: A segment's fields, in order: as ``asdict`` gives them, without its deep copy of each one.
SEGMENT_FIELDS = tuple(field.name for field in fields(Segment))


def _digest(parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def chapter_fingerprint(
    guide: Guide, script: Script, chapter: ChapterScript, keys: list[list[str]], total: int,
    audio: AudioSettings,
) -> str:
    """Everything that shapes a chapter's MP3, captions and transcript, hashed."""
    return _digest([
        MASTERING_VERSION, asdict(audio), script.title, guide.author, guide.language, total,
        chapter.number, chapter.slug, chapter.title,
        [{name: getattr(segment, name) for name in SEGMENT_FIELDS} for segment in chapter.segments], keys,
    ])


def downloads_fingerprint(guide: Guide, title: str, chapters: tuple[ChapterEntry, ...]) -> str:
    return _digest([MASTERING_VERSION, DOWNLOADS_VERSION, title, guide.slug, guide.author, guide.language,
                    [[c.title, *(ref.sha256 for ref in c.file_refs)] for c in chapters]])
