"""Text outputs of a build: WebVTT captions, plain transcripts and the manifest.

Everything here is a pure function from values to text; files are written
through ``files`` (under a temporary name, then renamed), so no reader ever
sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import replace
from pathlib import Path

from .manifest import FileRef, TimedSegment

#: Media types by how a file name ends; the first match wins.
MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    "-chapters.json": "application/json+chapters",  # Podcasting 2.0; before ".json"
    ".json": "application/json",
    ".m3u": "audio/x-mpegurl; charset=utf-8",
    ".zip": "application/zip",
    ".xml": "application/rss+xml; charset=utf-8",
    ".epub": "application/epub+zip",
    ".m4b": "audio/mp4",
    ".smil": "application/smil+xml",
    ".html": "text/html; charset=utf-8",
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


def mime_type(name: str) -> str:
    return next((mime for end, mime in MIME_TYPES.items() if name.endswith(end)), "application/octet-stream")


def file_ref(build_dir: Path, path: Path, *, crc32: bool = True) -> FileRef:
    """Describe a written file for the manifest: relative path, size, sha256, type and
    (unless ``crc32`` is false: a file no ZIP holds) its CRC-32, all in one read."""
    digest, crc = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            if crc32:
                crc = zlib.crc32(block, crc)
    return FileRef(
        path=path.relative_to(build_dir).as_posix(),
        bytes=path.stat().st_size,
        sha256=digest.hexdigest(),
        mime=mime_type(path.name),
        crc32=crc if crc32 else None,
    )


def with_crc32(build_dir: Path, ref: FileRef) -> FileRef:
    """``ref`` with its CRC-32 (read from its file only when a manifest from before
    CRC-32s were recorded did not give it)."""
    if ref.crc32 is not None:
        return ref
    crc = 0
    with open(Path(build_dir) / ref.path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            crc = zlib.crc32(block, crc)
    return replace(ref, crc32=crc)


# Downloads --------------------------------------------------------------------

def m3u_playlist(entries: list[tuple[str, int, str]]) -> str:
    """Extended M3U from (relative path, duration ms, title), UTF-8."""
    lines = ["#EXTM3U"]
    for path, duration_ms, title in entries:
        lines += [f"#EXTINF:{round(duration_ms / 1000)},{' '.join(title.split())}", path]
    return "\n".join(lines) + "\n"


def chapters_json(marks: list[tuple[int, str]]) -> str:
    """Podcasting 2.0 JSON chapters (application/json+chapters) from (start ms, title)."""
    return json.dumps({
        "version": "1.2.0",
        "chapters": [{"startTime": start_ms / 1000, "title": title} for start_ms, title in marks],
    }, ensure_ascii=False, indent=1) + "\n"


def chapters_vtt(marks: list[tuple[int, int, str]]) -> str:
    """A WebVTT chapters track (for <track kind="chapters">) from (start ms, end ms, title)."""
    lines = ["WEBVTT", ""]
    for number, (start_ms, end_ms, title) in enumerate(marks, start=1):
        lines += [f"chapter-{number}", f"{vtt_timestamp(start_ms)} --> {vtt_timestamp(end_ms)}",
                  _vtt_text(title), ""]
    return "\n".join(lines)


def readme_text(title: str, chapters: list[tuple[str, str, int]], playlist: str) -> str:
    """The README.txt inside the ZIP: what is there and how to play it."""
    lines = [
        f"{title}: audio guide",
        "",
        f"Open {playlist} in a music or podcast player to hear the chapters in order,",
        "or play any MP3 file on its own. Each chapter also comes as a plain-text",
        "transcript (.txt) and as captions (.vtt).",
        "",
        "Chapters:",
    ]
    for name, chapter_title, duration_ms in chapters:
        minutes, seconds = divmod(round(duration_ms / 1000), 60)
        lines.append(f"  {name}  {chapter_title} ({minutes}:{seconds:02d})")
    return "\n".join(lines) + "\n"
