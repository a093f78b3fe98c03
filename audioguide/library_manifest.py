"""The library manifest: ``library.json``, the list of guides a library holds.

A library is a folder of guide build directories, ``LIBRARY/<slug>/``, each
exactly what ``audioguide build`` makes for one guide, and ``library.json``
beside them: one entry per guide (sorted by slug) and one per leaflet that
could not be built. It is the contract between a library build and the web
side, as ``manifest.json`` is for one guide.

Beside it the build keeps a record of its own, ``.audioguide-library.json``:
which source each guide came from and a fingerprint of everything that went
into it, so a guide whose inputs did not change is not even read again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import msgspec

from .manifest import MANIFEST_NAME, ManifestError, load_manifest

LIBRARY_NAME = "library.json"
LIBRARY_VERSION = 1
#: The build's own notes on each guide (not part of the contract).
STATE_NAME = ".audioguide-library.json"
#: A slug names a folder of the library: a plain name, never "..", "/x" or "a/b".
PLAIN_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


def is_plain_slug(slug: object) -> bool:
    """What a library build names a guide's folder: the records read back are believed
    only for such names, since a guide's folder is deleted with its source."""
    return isinstance(slug, str) and PLAIN_SLUG.fullmatch(slug) is not None


@dataclass(frozen=True)
class LibraryEntry:
    """One guide of the library, as a home page lists it."""

    slug: str
    title: str
    language: str
    chapters: int
    duration_ms: int
    updated: str  # ISO-8601, UTC: when the guide's content last changed
    manifest_sha256: str  # of LIBRARY/<slug>/manifest.json
    source: str  # the leaflet or guide folder it is built from, as given


@dataclass(frozen=True)
class LibraryProblem:
    """A source that could not be built, and why, in one line."""

    source: str
    message: str


@dataclass(frozen=True)
class Library:
    guides: tuple[LibraryEntry, ...] = ()
    problems: tuple[LibraryProblem, ...] = ()
    version: int = LIBRARY_VERSION

    def guide(self, slug: str) -> LibraryEntry | None:
        return next((entry for entry in self.guides if entry.slug == slug), None)

    def to_json(self) -> str:
        data = {"version": self.version,
                "guides": [asdict(entry) for entry in sorted(self.guides, key=lambda e: e.slug)],
                "problems": [asdict(problem) for problem in self.problems]}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


class _LibraryFile(msgspec.Struct):
    version: int
    guides: list[LibraryEntry]
    problems: list[LibraryProblem] = []


def load_library(library_dir: Path) -> Library | None:
    """The library's manifest, or None when there is none (or it cannot be read)."""
    try:
        raw = (Path(library_dir) / LIBRARY_NAME).read_bytes()
        data = msgspec.json.decode(raw, type=_LibraryFile)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    if data.version != LIBRARY_VERSION:
        return None
    guides = tuple(entry for entry in data.guides if is_plain_slug(entry.slug))
    return Library(guides, tuple(data.problems), data.version)


def entry_for(build_dir: Path, source: str) -> LibraryEntry:
    """The library's entry for the guide built in ``build_dir``, read from its manifest."""
    raw = (Path(build_dir) / MANIFEST_NAME).read_bytes()
    manifest = load_manifest(build_dir)
    return LibraryEntry(
        slug=manifest.slug, title=manifest.title, language=manifest.language,
        chapters=len(manifest.chapters), duration_ms=manifest.duration_ms,
        updated=manifest.built_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        manifest_sha256=hashlib.sha256(raw).hexdigest(), source=source,
    )


def still_built(build_dir: Path, entry: LibraryEntry) -> bool:
    """The guide's manifest is the one the entry describes and every file it lists is
    there at its size (a cheap check: a changed file is found by the guide's build)."""
    try:
        raw = (Path(build_dir) / MANIFEST_NAME).read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry.manifest_sha256:
            return False
        manifest = load_manifest(build_dir)
        return all((Path(build_dir) / ref.path).stat().st_size == ref.bytes
                   for ref in manifest.files().values())
    except (OSError, ManifestError):
        return False


@dataclass(frozen=True)
class GuideState:
    """What the build remembers of one source: its guide's slug and inputs' fingerprint."""

    slug: str
    inputs: str


def load_state(library_dir: Path) -> dict[str, GuideState]:
    """Source key (its resolved path) -> its state; empty when there is no record."""
    try:
        raw = (Path(library_dir) / STATE_NAME).read_bytes()
        data = msgspec.json.decode(raw, type=dict[str, GuideState])
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return {}
    return {key: value for key, value in data.items() if is_plain_slug(value.slug)}


def state_json(state: dict[str, GuideState]) -> str:
    return json.dumps({key: asdict(value) for key, value in sorted(state.items())}, indent=1) + "\n"
