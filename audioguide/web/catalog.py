"""The library manifest as the web side reads it: ``library.json``.

Its types are the library build's own (``audioguide.library_manifest``); here
it is read strictly, since what it names is served.

A library is a folder of guide build directories, ``LIBRARY/<slug>/``, and
``library.json`` listing them. Like ``manifest.json`` it is checked field by
field (msgspec) before anything is served, and anything wrong with it is one
line naming the file, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from audioguide.files import read_regular
from audioguide.library_manifest import LIBRARY_NAME, LIBRARY_VERSION, Library, LibraryEntry, is_plain_slug
from audioguide.manifest import ManifestError

#: A library's search index and list of feeds, at the top of its site.
SEARCH_INDEX = "search-index.json"
OPML = "guides.opml"
#: A library of thousands of guides is a few MB.
MAX_LIBRARY_BYTES = 64 << 20


class LibraryError(ManifestError):
    """``library.json`` is missing, malformed or names a guide unsafely."""


__all__ = ["LIBRARY_NAME", "Library", "LibraryEntry", "LibraryError", "is_library", "load_library"]


class _Version(msgspec.Struct):
    version: object = None


def is_library(folder: Path) -> bool:
    """A library is known by its ``library.json`` (a guide's build has a manifest.json instead)."""
    path = Path(folder) / LIBRARY_NAME
    return path.exists() or path.is_symlink()


def load_library(folder: Path) -> Library:
    """Read and check ``library.json`` in ``folder``."""
    path = Path(folder) / LIBRARY_NAME
    raw = read_regular(path, MAX_LIBRARY_BYTES, LibraryError, "library manifest")
    try:
        version = msgspec.json.decode(raw, type=_Version).version
        if version != LIBRARY_VERSION:
            raise LibraryError(f"{path}: library version {version!r} is not supported "
                               f"(expected {LIBRARY_VERSION})")
        library = msgspec.json.decode(raw, type=Library)
    except msgspec.ValidationError as error:
        raise LibraryError(f"{path}: malformed library manifest: {error}") from None
    except (msgspec.DecodeError, RecursionError) as error:
        raise LibraryError(f"{path}: unreadable library manifest: {error}") from None
    seen: set[str] = set()
    for number, entry in enumerate(library.guides):
        where = f"{path}: guides[{number}]"
        if not is_plain_slug(entry.slug):  # it names a folder and a part of the addresses
            raise LibraryError(f"{where}: slug {entry.slug!r} is not a plain name "
                               "(lower-case letters, digits, '-' and '_')")
        if entry.slug in seen:
            raise LibraryError(f"{where}: slug {entry.slug!r} is listed twice")
        seen.add(entry.slug)
        if entry.chapters < 0 or entry.duration_ms < 0:
            raise LibraryError(f"{where}: chapters and duration_ms cannot be negative")
    return library
