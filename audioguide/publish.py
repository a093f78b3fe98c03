"""Text outputs of a build: WebVTT captions, plain transcripts and the manifest.

Everything here is a pure function from values to text, plus one helper that
writes a file under a temporary name and renames it, so no reader ever sees
half a file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .manifest import FileRef, TimedSegment

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".m3u": "audio/x-mpegurl; charset=utf-8",
    ".zip": "application/zip",
    ".xml": "application/rss+xml; charset=utf-8",
}


def vtt_timestamp(ms: int) -> str:
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _vtt_text(text: str) -> str:
    """Cue text with the characters WebVTT reserves escaped and no blank lines."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split()).replace("-->", "--&gt;")


def webvtt(segments: list[TimedSegment]) -> str:
    """One cue per segment, numbered from 1, showing the written form."""
    lines = ["WEBVTT", ""]
    for number, segment in enumerate(segments, start=1):
        lines += [
            str(number),
            f"{vtt_timestamp(segment.start_ms)} --> {vtt_timestamp(segment.end_ms)}",
            _vtt_text(segment.written),
            "",
        ]
    return "\n".join(lines)


def transcript_text(title: str, segments: list[TimedSegment]) -> str:
    """The chapter as readable plain text: paragraphs kept, list items bulleted."""
    blocks: list[str] = [title]
    current_key = None
    for segment in segments:
        if segment.kind == "title":
            continue
        key = (segment.paragraph, segment.item)
        if key != current_key:
            prefix = "- " if segment.kind == "list_item" else ""
            new_paragraph = current_key is None or segment.paragraph != current_key[0]
            blocks.append(("\n" if new_paragraph else "") + prefix + segment.written)
            current_key = key
        else:
            blocks[-1] += " " + segment.written
    return "\n".join(blocks).strip() + "\n"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def file_ref(build_dir: Path, path: Path) -> FileRef:
    """Describe a written file for the manifest: relative path, size, sha256 and type."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return FileRef(
        path=path.relative_to(build_dir).as_posix(),
        bytes=path.stat().st_size,
        sha256=digest.hexdigest(),
        mime=MIME_TYPES.get(path.suffix, "application/octet-stream"),
    )
