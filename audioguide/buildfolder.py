"""The build folder, for build.py: which files in it are the build's own.

A build replaces and deletes only files it wrote: every file goes through
``files.atomic_path`` while a ``files.FileRecord`` is open on the folder, so
the record lists each one before it exists. A folder holding anything else
(the leaflet, a guide.toml, a user's file) is refused before any work, and
nothing in it is touched. Chapters finished by a build that was then
stopped are kept in a record of their own, so the next build reuses them.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from .errors import UserError
from .files import RECORD_NAME, FileRecord, clear_temporary, is_temporary, recorded_file, write_atomic
from .manifest import MANIFEST_NAME, ChapterEntry, FileRef, Manifest, ManifestError, load_manifest

if TYPE_CHECKING:
    from .guides import Guide

LOCK_NAME = ".build.lock"
#: Chapters mastered by a build that has not finished yet (for the next build to reuse).
FINISHED_NAME = ".audioguide-finished.json"
#: What the last finished build was made from (``inputs_fingerprint``), its manifest's
#: checksum and its warnings: a build from the same inputs then only checks the files.
INPUTS_NAME = ".audioguide-inputs.json"
#: What the last build worked out from its leaflet (``buildmemo``), for the next one.
MEMO_NAME = ".audioguide-memo.json"
#: A finished build's own files that no manifest lists, kept for the next build.
KEPT_NAMES = frozenset({MANIFEST_NAME, LOCK_NAME, RECORD_NAME, INPUTS_NAME, MEMO_NAME})
#: Every file of a build's own that no manifest lists (an unfinished one's list too).
OWN_NAMES = KEPT_NAMES | {FINISHED_NAME}
#: The folders a build writes its files into.
FOLDERS = ("audio", "captions", "text", "downloads", "daisy")
GUIDE_SETTINGS = "guide.toml"


class BuildFolderError(UserError, RuntimeError):
    """The build folder cannot be used; the message names it."""


class BuildLocked(BuildFolderError):
    """Another build is writing into the same build directory."""


def _inside(path: Path | None, folder: Path) -> bool:
    if path is None:
        return False
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(folder))
        return True
    except ValueError:
        return False


def previous_manifest(build_dir: Path) -> Manifest | None:
    try:
        return load_manifest(build_dir)
    except ManifestError:
        return None


def own_files(build_dir: Path) -> set[str]:
    """Relative paths of the files a build made here: recorded, or listed by a manifest
    (a build from before the record was kept)."""
    names = set(FileRecord.load(build_dir)) | OWN_NAMES
    previous = previous_manifest(build_dir)
    if previous:
        names |= set(previous.files())
    return names


def check_output_dir(build_dir: Path, sources: list[Path | None]) -> None:
    """Refuse a build folder that holds one of ``sources`` (the leaflet, its lexicon),
    a guide.toml, or any file no build made; say which, in one line."""
    build_dir = Path(build_dir)
    if not os.path.lexists(build_dir):
        return
    if not build_dir.is_dir():
        raise BuildFolderError(f"{build_dir}: is a file, not a folder; choose another with -o")
    for source in sources:
        if _inside(source, build_dir):
            raise BuildFolderError(f"{build_dir}: holds the guide's own file {source}; "
                                   "choose an empty or new build folder with -o")
    ours = own_files(build_dir)
    for folder, folders, names in os.walk(build_dir):
        folders.sort()
        for name in sorted(names) + [f for f in folders if os.path.islink(Path(folder) / f)]:
            path = Path(folder) / name
            relative = path.relative_to(build_dir).as_posix()
            # A build makes no links: one here, whatever the record says, leads out of the folder.
            if name == GUIDE_SETTINGS or path.is_symlink() or (relative not in ours and not is_temporary(path)):
                raise BuildFolderError(
                    f"{build_dir}: holds {relative}, which no build made; a build replaces its "
                    "own files only: choose an empty or new build folder with -o")


@contextmanager
def build_lock(build_dir: Path):
    """Hold an exclusive lock on the build directory, refusing a second build at once."""
    path = build_dir / LOCK_NAME
    try:
        handle = open(path, "a+")
    except OSError as error:
        raise BuildFolderError(f"{path}: cannot lock the build folder ({error.strerror}); "
                               f"remove {LOCK_NAME} if it is not a file") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"{build_dir}: another build is writing here; wait for it to finish"
            ) from None
        yield
    finally:
        handle.close()


def prepare_output(build_dir: Path) -> None:
    """Create the output folders now, so an unwritable place fails before any work."""
    try:
        for folder in FOLDERS[:3]:
            (build_dir / folder).mkdir(parents=True, exist_ok=True)
        probe = build_dir / f".write-test.{os.getpid()}.tmp"
        clear_temporary(probe)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise BuildFolderError(f"{build_dir}: cannot write the build here ({error.strerror})") from None


def present(build_dir: Path, ref: FileRef) -> bool:
    """The file is there, whole, and is the one ``ref`` describes (size and sha256); for
    an assembled file, its description (the files it lists are checked as themselves)."""
    ref = ref.on_disk
    path = build_dir / ref.path
    try:
        if path.stat().st_size != ref.bytes:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest() == ref.sha256
    except OSError:
        return False


def finished_chapters(build_dir: Path) -> list[ChapterEntry]:
    """Chapters an unfinished build mastered (their files may since have been replaced)."""
    try:
        raw = (build_dir / FINISHED_NAME).read_bytes()
        return list(msgspec.json.decode(raw, type=list[ChapterEntry]))
    except (OSError, msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return []


def note_finished(build_dir: Path, chapters: list[ChapterEntry]) -> None:
    """Keep the chapters mastered so far, for a build that follows a stopped one."""
    data = json.dumps([msgspec.to_builtins(chapter) for chapter in chapters], ensure_ascii=False,
                      allow_nan=False)
    write_atomic(build_dir / FINISHED_NAME, data)


def remove_stale_files(build_dir: Path, manifest: Manifest, record: FileRecord) -> None:
    """Delete the files an earlier build made that the new manifest no longer lists,
    and what a killed build left under a temporary name; never a file no build made
    (this build holds the lock, so no other build is writing any)."""
    keep = set(manifest.files()) | KEPT_NAMES
    stale = [name for name in record.names if name not in keep]
    for name in stale:
        path = recorded_file(build_dir, name)
        if path:
            path.unlink(missing_ok=True)
    record.forget(stale)
    for folder in (".",) + FOLDERS:
        for path in (build_dir / folder).glob(".*.tmp"):
            if is_temporary(path) and path.is_file():
                path.unlink(missing_ok=True)


def inputs_fingerprint(guide: Guide, code: str) -> str:
    """Everything a guide's build reads, hashed: the program (``code``), the guide's
    settings and the bytes of its leaflet, guide.toml and lexicon."""
    digest = hashlib.sha256(code.encode())
    where = {"source": Path(os.path.realpath(guide.source)),
             "lexicon_path": Path(os.path.realpath(guide.lexicon_path)) if guide.lexicon_path else None}
    digest.update(repr(replace(guide, **where)).encode())
    folder_settings = guide.source.parent / GUIDE_SETTINGS
    for path in (guide.source, guide.lexicon_path, folder_settings):
        try:
            digest.update(Path(path).read_bytes() if path else b"-")
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def code_fingerprint() -> str:
    """A hash of the program's own files: a new version rebuilds every guide (each
    build still reuses every sentence and chapter it can)."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml", ".txt", ".html") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def note_inputs(build_dir: Path, inputs: str, warnings: list[str]) -> None:
    """Keep what the finished build was made from, beside its manifest."""
    manifest = hashlib.sha256((build_dir / MANIFEST_NAME).read_bytes()).hexdigest()
    write_atomic(build_dir / INPUTS_NAME, json.dumps({"inputs": inputs, "manifest_sha256": manifest,
                                                      "warnings": list(warnings)}, ensure_ascii=False))


def unchanged_build(build_dir: Path, inputs: str, whole: Callable[[FileRef], bool] | None = None,
                    then: Callable[[Manifest], None] | None = None) -> tuple[Manifest, tuple[str, ...]] | None:
    """The build in ``build_dir`` and its warnings, when it was made from ``inputs`` and
    its manifest and every file it lists are still the ones it wrote (size and sha256,
    or ``whole(ref)``: the build memo's check, which skips files it knows unchanged);
    else None, and the build is made as usual. ``then(manifest)`` runs, still under
    the folder's lock, when the build is kept."""
    if not (build_dir / INPUTS_NAME).is_file():
        return None
    with build_lock(build_dir):  # not while another build is writing here
        kept = _unchanged_build(build_dir, inputs, whole or (lambda ref: present(build_dir, ref)))
        if kept is not None and then is not None:
            then(kept[0])
        return kept


def _unchanged_build(build_dir: Path, inputs: str,
                     whole: Callable[[FileRef], bool]) -> tuple[Manifest, tuple[str, ...]] | None:
    try:
        record = json.loads((build_dir / INPUTS_NAME).read_bytes()[: 1 << 24])
        raw = (build_dir / MANIFEST_NAME).read_bytes()
        if not isinstance(record, dict) or record.get("inputs") != inputs \
                or record.get("manifest_sha256") != hashlib.sha256(raw).hexdigest():
            return None
        warnings = record.get("warnings")
        if not isinstance(warnings, list) or not all(isinstance(line, str) for line in warnings):
            return None
        manifest = load_manifest(build_dir)
    except (OSError, ValueError, ManifestError):
        return None
    if not all(whole(ref) for ref in manifest.files().values()):
        return None
    return manifest, tuple(warnings)
