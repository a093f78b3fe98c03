"""The manifest: the one contract between the build side and the web side.

A build directory holds one guide: ``manifest.json`` plus the files it lists.
The web side reads only this file and serves only the files named in it, so
everything here is plain data with a schema version that readers check.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import UserError

SCHEMA_VERSION = 1
MANIFEST_NAME = "manifest.json"


class ManifestError(UserError, ValueError):
    """The manifest is missing, malformed or from an unknown schema version."""


@dataclass(frozen=True)
class FileRef:
    """A published file, relative to the build directory, with its checksum."""

    path: str
    bytes: int
    sha256: str
    mime: str


@dataclass(frozen=True)
class FormatEntry:
    """A talking-book format of the whole guide (EPUB, DAISY, M4B): the file a
    listener downloads and any other files it published (the DAISY folder)."""

    download: FileRef
    files: tuple[FileRef, ...] = ()
    fingerprint: str = ""  # hash of everything the format holds (for reuse)


@dataclass(frozen=True)
class TimedSegment:
    """One spoken segment and where it sits inside its chapter's audio."""

    kind: str  # "title", "sentence" or "list_item"
    written: str  # what the transcript shows
    spoken: str  # what the engine said
    start_ms: int
    end_ms: int
    paragraph: int = 0  # segments with the same number belong to one paragraph or list
    item: int = 0  # 1, 2, ... for the sentences of a list's items; 0 outside lists


@dataclass(frozen=True)
class ChapterEntry:
    number: int
    slug: str
    title: str
    duration_ms: int
    audio: FileRef
    captions: FileRef
    transcript: FileRef
    segments: tuple[TimedSegment, ...]
    fingerprint: str = ""  # hash of every input to this chapter's files (for reuse)
    loudness_lufs: float | None = None  # measured on the encoded MP3
    true_peak_dbtp: float | None = None
    #: The gain search's aims for the MP3 encode kept (``MasteredChapter.aim_lufs``,
    #: ``ceiling_dbfs``): the other encodes (the M4B's) use the same gain and limiter.
    gain_aim_lufs: float | None = None
    limiter_ceiling_dbfs: float | None = None

    @property
    def file_stem(self) -> str:
        """The name shared by a chapter's files, like ``02-symptoms``."""
        return f"{self.number:02d}-{self.slug}"


@dataclass(frozen=True)
class Manifest:
    slug: str
    title: str
    language: str
    engine: str
    voice: str
    rate: int
    chapters: tuple[ChapterEntry, ...]
    downloads: dict[str, FileRef] = field(default_factory=dict)
    author: str = "audioguide"
    built_at: str = ""  # ISO 8601, UTC: the feed's publication date
    downloads_fingerprint: str = ""
    schema_version: int = SCHEMA_VERSION
    formats: dict[str, FormatEntry] = field(default_factory=dict)  # "epub", "daisy", "m4b"

    @property
    def duration_ms(self) -> int:
        return sum(chapter.duration_ms for chapter in self.chapters)

    def files(self) -> dict[str, FileRef]:
        """Every file the web side may serve, keyed by its relative path."""
        refs: list[FileRef] = []
        for chapter in self.chapters:
            refs += [chapter.audio, chapter.captions, chapter.transcript]
        refs += list(self.downloads.values())
        for entry in self.formats.values():
            refs += [entry.download, *entry.files]
        return {ref.path: ref for ref in refs}

    def chapter(self, number: int) -> ChapterEntry | None:
        for chapter in self.chapters:
            if chapter.number == number:
                return chapter
        return None

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> "Manifest":
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ManifestError(
                f"schema version {version!r} is not supported (expected {SCHEMA_VERSION})"
            )
        try:
            chapters = tuple(
                ChapterEntry(
                    number=c["number"],
                    slug=c["slug"],
                    title=c["title"],
                    duration_ms=c["duration_ms"],
                    audio=FileRef(**c["audio"]),
                    captions=FileRef(**c["captions"]),
                    transcript=FileRef(**c["transcript"]),
                    segments=tuple(TimedSegment(**s) for s in c["segments"]),
                    fingerprint=c.get("fingerprint", ""),
                    loudness_lufs=c.get("loudness_lufs"),
                    true_peak_dbtp=c.get("true_peak_dbtp"),
                    gain_aim_lufs=c.get("gain_aim_lufs"),
                    limiter_ceiling_dbfs=c.get("limiter_ceiling_dbfs"),
                )
                for c in data["chapters"]
            )
            return cls(
                slug=data["slug"],
                title=data["title"],
                language=data["language"],
                engine=data["engine"],
                voice=data["voice"],
                rate=data["rate"],
                chapters=chapters,
                downloads={k: FileRef(**v) for k, v in data.get("downloads", {}).items()},
                author=data.get("author", "audioguide"),
                built_at=data.get("built_at", ""),
                downloads_fingerprint=data.get("downloads_fingerprint", ""),
                formats={name: FormatEntry(FileRef(**f["download"]),
                                           tuple(FileRef(**r) for r in f.get("files", ())),
                                           f.get("fingerprint", ""))
                         for name, f in data.get("formats", {}).items()},
            )
        except (KeyError, TypeError, AttributeError, ValueError) as error:
            # a missing key, or a list or number where an object belongs
            raise ManifestError(f"malformed manifest: {error!r}") from error


def load_manifest(build_dir: Path) -> Manifest:
    """Read ``manifest.json`` from a guide's build directory."""
    path = Path(build_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ManifestError(f"{path}: no manifest (build the guide first)") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"{path}: unreadable manifest: {error}") from error
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: malformed manifest: not a JSON object")
    try:
        return Manifest.from_dict(data)
    except ManifestError as error:
        raise ManifestError(f"{path}: {error}") from None
