"""The manifest: the one contract between the build side and the web side.

A build directory holds one guide: ``manifest.json`` plus the files it lists.
The web side reads only this file and serves only the files named in it, so
everything here is plain data with a schema version that readers check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import msgspec

from .errors import UserError
from .files import read_regular

#: 2: a FileRef may carry its CRC-32 and may be assembled (``parts``). A version 1
#: manifest is read as it is (none of its files is assembled).
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST_NAME = "manifest.json"


class ManifestError(UserError, ValueError):
    """The manifest is missing, malformed or from an unknown schema version."""


@dataclass(frozen=True)
class FileRef:
    """A published file, relative to the build directory, with its checksum.

    An assembled file (``parts`` set: see ``assembled.py``) is put together when it is
    read, from the description ``parts`` names and the build's files that lists;
    nothing is at ``path``, and ``sha256`` is its description's, which changes
    whenever one of its bytes would (a strong ETag, without reading the bytes).
    """

    path: str
    bytes: int
    sha256: str
    mime: str
    #: Of the bytes, for a ZIP that stores the file (None: not known). A CRC-32 fits in 32 bits:
    #: a manifest saying otherwise is refused as malformed.
    crc32: Annotated[int, msgspec.Meta(ge=0, le=0xFFFFFFFF)] | None = None
    parts: "FileRef | None" = None

    @property
    def on_disk(self) -> "FileRef":
        """The file that holds this one: itself, or an assembled file's description."""
        return self.parts or self


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

    @property
    def file_refs(self) -> tuple[FileRef, FileRef, FileRef]:
        """The chapter's own files: its MP3, its captions and its transcript."""
        return self.audio, self.captions, self.transcript


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

    def published(self) -> list[FileRef]:
        """Every file the web side may serve, assembled ones included."""
        refs: list[FileRef] = []
        for chapter in self.chapters:
            refs += chapter.file_refs
        refs += list(self.downloads.values())
        for entry in self.formats.values():
            refs += [entry.download, *entry.files]
        return refs

    def files(self) -> dict[str, FileRef]:
        """Every file of the build on disk, keyed by its relative path: the published
        ones, with an assembled file's description in its place."""
        return {ref.on_disk.path: ref.on_disk for ref in self.published()}

    def chapter(self, number: int) -> ChapterEntry | None:
        for chapter in self.chapters:
            if chapter.number == number:
                return chapter
        return None

    def to_json(self) -> str:
        """The manifest as JSON; never NaN or infinity, which JSON has no words for."""
        # msgspec's to_builtins gives what asdict gives (same JSON), without asdict's deep copies.
        # json.dumps refuses NaN; with an indent it runs in Python (a large guide's manifest
        # took 30 ms), so it writes compact JSON in C and msgspec indents it: the same text.
        compact = json.dumps(msgspec.to_builtins(self), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return msgspec.json.format(compact.encode("utf-8"), indent=1).decode("utf-8") + "\n"

    @classmethod
    def from_dict(cls, data: dict) -> "Manifest":
        version = data.get("schema_version") if isinstance(data, dict) else None
        if type(version) is not int or version not in READABLE_VERSIONS:
            raise ManifestError(
                f"schema version {version!r} is not supported (expected {SCHEMA_VERSION})"
            )
        try:
            return msgspec.convert(data, type=cls)
        except msgspec.ValidationError as error:
            raise ManifestError(f"malformed manifest: {error}") from None


class _Version(msgspec.Struct):
    schema_version: object = None


#: Larger than any real manifest (a 300-chapter guide's is a few MB).
MAX_MANIFEST_BYTES = 64 << 20


def load_manifest(build_dir: Path) -> Manifest:
    """Read ``manifest.json`` from a guide's build directory, checked against the
    dataclasses above (every field's type, nested ones included)."""
    path = Path(build_dir) / MANIFEST_NAME
    try:
        raw = read_regular(path, MAX_MANIFEST_BYTES, ManifestError, "manifest")
    except ManifestError as error:
        if not path.exists() and not path.is_symlink():
            raise ManifestError(f"{path}: no manifest (build the guide first)") from None
        raise error from None
    try:
        version = msgspec.json.decode(raw, type=_Version).schema_version
        if type(version) is not int or version not in READABLE_VERSIONS:
            raise ManifestError(f"{path}: schema version {version!r} is not supported "
                                f"(expected {SCHEMA_VERSION})")
        return msgspec.json.decode(raw, type=Manifest)
    except msgspec.ValidationError as error:
        raise ManifestError(f"{path}: malformed manifest: {error}") from None
    except (msgspec.DecodeError, RecursionError) as error:
        raise ManifestError(f"{path}: unreadable manifest: {error}") from None
