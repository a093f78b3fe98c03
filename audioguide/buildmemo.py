"""What a build worked out from the leaflet, kept in the build folder for the next build.

Narrating a long leaflet (normalising every sentence) and asking espeak-ng
which medical-looking words it does not know take seconds, and after an
edit of one sentence nearly all of it gives the same answers again. So the
build keeps, in a file of its own (``MEMO_NAME``), each chapter's narration
under a digest of everything narration reads (``narration.section_key``:
the section, its number, the lexicon, engine, locale and pauses, the
program's own code and the version of the number-words library), and the
words espeak-ng did not know under a digest of the words asked about, the
espeak-ng voice and the engine's identity. A changed section, lexicon,
setting or program version gives another digest, so nothing stale is ever
said; a damaged or unreadable memo is ignored, and written again whole
(under a temporary name, then renamed) when the build finishes.

Only what the current build used is kept, so the file stays the size of
one guide's script.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from importlib import metadata
from pathlib import Path

import msgspec

from .buildfolder import MEMO_NAME
from .files import write_atomic
from .narration import ChapterScript

#: Bump when the memo's layout changes.
MEMO_VERSION = 1


class _Stored(msgspec.Struct):
    version: int = 0
    chapters: dict[str, ChapterScript] = {}
    unknown_words: dict[str, list[str]] = {}


def _library_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def program_identity(code: str) -> str:
    """The narrating program: its own code's fingerprint and the libraries it says numbers with."""
    return f"{code} num2words {_library_version('num2words')}"


class BuildMemo:
    """The memo of one build folder: read when the build starts, written when it ends.

    ``chapters`` is the mapping ``narration.narrate`` takes as its memo;
    ``unknown_words`` wraps the look-up of words espeak-ng does not know.
    """

    def __init__(self, build_dir: Path):
        self.path = Path(build_dir) / MEMO_NAME
        stored = _load(self.path)
        self._old_chapters, self._old_unknown = stored.chapters, stored.unknown_words
        self.chapters = _Used(self._old_chapters)
        self._unknown: dict[str, list[str]] = {}

    def unknown_words(self, lookup, identity: str):
        """``lookup(words, voice)`` (``phonemes.not_in_dictionary``), answered from the memo
        when the same words were asked about with the same voice and engine ``identity``."""
        def remembered(words: list[str], voice: str) -> list[str]:
            key = hashlib.sha256(repr((MEMO_VERSION, identity, voice, list(words))).encode()).hexdigest()
            found = self._old_unknown.get(key)
            if found is None:
                found = list(lookup(words, voice))
            self._unknown[key] = found
            return found
        return remembered

    def save(self) -> None:
        """Keep what this build used (the build folder's record must be open)."""
        stored = _Stored(MEMO_VERSION, dict(self.chapters.used), self._unknown)
        write_atomic(self.path, msgspec.json.encode(stored))


class _Used(MutableMapping):
    """The old entries, to look up; what was looked up or added is ``used`` (and iterated)."""

    def __init__(self, old: dict[str, ChapterScript]):
        self._old = old
        self.used: dict[str, ChapterScript] = {}

    def __getitem__(self, key: str) -> ChapterScript:
        if key not in self.used:
            self.used[key] = self._old[key]
        return self.used[key]

    def __setitem__(self, key: str, value: ChapterScript) -> None:
        self.used[key] = value

    def __delitem__(self, key: str) -> None:
        del self.used[key]

    def __iter__(self):
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)


def _load(path: Path) -> _Stored:
    try:
        stored = msgspec.json.decode(path.read_bytes(), type=_Stored)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        return _Stored(MEMO_VERSION)
    return stored if stored.version == MEMO_VERSION else _Stored(MEMO_VERSION)
