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
said; a damaged or unreadable memo (its first line is the sha256 of the
rest) is ignored, and written again whole (under a temporary name, then
renamed) when the build finishes.

Only what the current build used is kept, so the file stays the size of
one guide's script.

It also keeps, for each file of the build, the checksum it was found to have
and the file's size, inode and modification and change times then: a
later build takes a file whose size, inode and times are all still the
same as the one checked, without reading it again (as ``git status``
does). Only a file that last changed at least two seconds before the build
started is kept so, which a change made while that build ran, or in the
same clock tick, cannot satisfy; and a change at any later time moves its
change time, which no program can set back. "Before the build started" is
read on the folder's own clock (a network file system's server may run
behind this machine's): the difference is measured on a file written there
when the memo is saved. A file system that keeps times to the whole second
or coarser (FAT, some network shares) keeps no change time worth the name,
so there every file is read again.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import MutableMapping
from importlib import metadata
from pathlib import Path

import msgspec

from .buildfolder import MEMO_NAME, present
from .files import clear_temporary, temporary_name, write_atomic
from .manifest import ChapterEntry, FileRef, Manifest
from .narration import ChapterScript

#: Bump when the memo's layout changes.
MEMO_VERSION = 1
#: A file kept in the memo last changed at least this long before the build began.
SETTLED_NS = 2_000_000_000
SECOND_NS = 1_000_000_000


class _Stored(msgspec.Struct):
    version: int = 0
    chapters: dict[str, ChapterScript] = {}
    unknown_words: dict[str, list[str]] = {}
    files: dict[str, list] = {}  # relative path -> [sha256, size, inode, mtime ns, ctime ns]


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
        self.started_ns = time.time_ns()
        self.build_dir = Path(build_dir)
        self.path = self.build_dir / MEMO_NAME
        stored = _load(self.path)
        self._old_chapters, self._old_unknown, self._old_files = stored.chapters, stored.unknown_words, stored.files
        self.chapters = _Used(self._old_chapters)
        self._unknown: dict[str, list[str]] = {}
        #: Files this build found whole (by the memo or by reading them): only these may be
        #: kept in the memo, which must never vouch for a checksum nobody compared.
        self._verified: set[str] = set()
        self._read_any = False  # whether any of them had to be read (the memo did not know it)

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

    def whole(self, ref: FileRef) -> bool:
        """Whether the file is there and whole (``buildfolder.present``), without reading
        it when it has not changed since an earlier build found it whole."""
        ref = ref.on_disk  # an assembled file: its description
        if self._unchanged(ref):
            self._verified.add(ref.path)
            return True
        if present(self.build_dir, ref):
            self._verified.add(ref.path)
            self._read_any = True
            return True
        return False

    def files_present(self, chapter: ChapterEntry) -> bool:
        """Whether the chapter's files are all there and whole (see ``whole``)."""
        return all(self.whole(ref) for ref in chapter.file_refs)

    def _unchanged(self, ref: FileRef) -> bool:
        seen = self._old_files.get(ref.path)
        return bool(seen) and seen[0] == ref.sha256 and seen[1:] == _stat(self.build_dir / ref.path)

    def save(self, manifest: Manifest | None = None) -> None:
        """Keep what this build used, and the files of ``manifest`` that last changed
        well before it started (the build folder's record must be open)."""
        self._write(dict(self.chapters.used), self._unknown, self._settled_files(manifest))

    def save_files(self, manifest: Manifest) -> None:
        """After a build that changed nothing: keep the narration and words as they were,
        and add the files it had to read that have settled since (the downloads, written
        at the end of the build before), so the next build need not read them. Nothing is
        written when nothing would be added: when every file was known, not even the
        folder's clock is read (which writes a file there)."""
        if not self._read_any:
            return
        files = self._settled_files(manifest)
        if any(self._old_files.get(path) != record for path, record in files.items()):
            # Read again under the folder's lock (this runs under it): a build that ended
            # since this one first read the memo keeps what it saved.
            current = _load(self.path)
            try:
                self._write(current.chapters, current.unknown_words, {**current.files, **files})
            except OSError:
                pass  # the build is kept either way; the next one reads the files again

    def _settled_files(self, manifest: Manifest | None) -> dict[str, list]:
        """[sha256, size, inode, mtime, ctime] of each file of ``manifest`` that last
        changed well before this build started, by relative path."""
        files: dict[str, list] = {}
        refs = manifest.files().values() if manifest else ()
        if not refs:
            return files
        behind = time.time_ns() - _folder_clock(self.path)  # how far the folder's clock lags ours
        settled = self.started_ns - max(behind, 0) - SETTLED_NS
        for ref in refs:
            if ref.path not in self._verified:
                continue  # reused without being read (or written by this build: not settled)
            found = _stat(self.build_dir / ref.path)
            if found and found[0] == ref.bytes and max(found[2:]) < settled and not _coarse(found):
                files[ref.path] = [ref.sha256, *found]
        return files

    def _write(self, chapters: dict, unknown: dict, files: dict) -> None:
        body = msgspec.json.encode(_Stored(MEMO_VERSION, chapters, unknown, files))
        write_atomic(self.path, hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


def _folder_clock(path: Path) -> int:
    """The time now on the clock of the file system ``path`` is on: the change time
    of a file written there (the memo's temporary name, removed at once)."""
    probe = temporary_name(path)
    try:
        clear_temporary(probe)
        with open(probe, "wb") as handle:
            handle.write(b"\0")
            return os.fstat(handle.fileno()).st_ctime_ns
    except OSError:
        return time.time_ns()
    finally:
        probe.unlink(missing_ok=True)


def _coarse(found: list[int]) -> bool:
    """Both times on whole seconds: a file system that keeps them no finer."""
    return found[2] % SECOND_NS == 0 and found[3] % SECOND_NS == 0


def _stat(path: Path) -> list[int] | None:
    """[size, inode, mtime ns, ctime ns] of a regular file, else None."""
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return [found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns] \
        if stat.S_ISREG(found.st_mode) else None


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
    """The memo as saved: its first line is the sha256 of the rest, so a memo damaged
    in any way (even into other valid JSON) is not believed."""
    try:
        digest, _, body = path.read_bytes().partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return _Stored(MEMO_VERSION)
        stored = msgspec.json.decode(body, type=_Stored)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError, ValueError):
        return _Stored(MEMO_VERSION)
    return stored if stored.version == MEMO_VERSION else _Stored(MEMO_VERSION)
