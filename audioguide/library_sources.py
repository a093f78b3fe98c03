"""A library's sources and folder: which leaflets to build, under which slugs, and
which guide folders to take away.

Sources are leaflets, guide folders (with ``guide.toml``) and folders of
them, searched all the way down (a guide folder is one guide: its own files
are not searched). Each source becomes one guide; two guides that want the
same slug get distinct ones, and a source keeps the slug it had in the last
build, so adding a leaflet never moves another guide's address.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .buildfolder import GUIDE_SETTINGS, LOCK_NAME, OWN_NAMES, BuildFolderError
from .files import RECORD_NAME, FileRecord, is_temporary, recorded_file
from .importers import SUFFIXES
from .library_manifest import LIBRARY_NAME, STATE_NAME, GuideState

#: Files in a folder of leaflets that are taken as leaflets (the refused kinds too,
#: so the editor hears that an .odt or .doc was not read, and why).
LEAFLET_SUFFIXES = frozenset(SUFFIXES) | {".doc", ".odt", ".rtf"}
#: What a library build keeps at the top of the library folder, besides guide folders.
LIBRARY_FILES = {LIBRARY_NAME, STATE_NAME, RECORD_NAME, LOCK_NAME}


@dataclass(frozen=True)
class Source:
    path: Path  # as given, or joined to the folder given
    shown: str  # the path for people and library.json: relative to here where possible

    @property
    def key(self) -> str:
        """The same for the same file however it was named."""
        return os.path.realpath(self.path)


def shown_path(path: Path) -> str:
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


#: Files only a build writes: a folder holding one is a build's output.
BUILT_MARKERS = ("manifest.json", "library.json", ".audioguide-files")


def _is_built(folder: Path) -> bool:
    return any((folder / name).exists() for name in BUILT_MARKERS)


def find_sources(paths: list[Path], library_dir: Path) -> tuple[list[Source], list[tuple[str, str]]]:
    """The sources under ``paths`` (each once, in a stable order) and the paths that
    are none, as (path, problem). The library folder and anything inside it, and any
    folder a build wrote (a guide's or a library's), are never sources: their
    transcripts would be read as leaflets."""
    found: dict[str, Source] = {}
    problems: list[tuple[str, str]] = []
    skip = os.path.realpath(library_dir)

    def add(path: Path) -> None:
        source = Source(path, shown_path(path))
        found.setdefault(source.key, source)

    def search(folder: Path) -> None:
        for child in sorted(folder.iterdir()):
            if child.name.startswith(".") or os.path.realpath(child) == skip:
                continue
            if child.is_dir() and _is_built(child):
                continue
            if child.is_dir() and not child.is_symlink() and (child / GUIDE_SETTINGS).is_file():
                add(child)
            elif child.is_dir() and not child.is_symlink():
                search(child)
            elif child.is_file() and child.suffix.lower() in LEAFLET_SUFFIXES:
                add(child)

    for path in map(Path, paths):
        real = os.path.realpath(path)
        if real == skip or real.startswith(skip + os.sep):
            problems.append((shown_path(path), f"{path}: is inside the library folder {library_dir}; "
                                               "build a library from leaflets kept outside it"))
        elif path.is_dir() and _is_built(path):
            problems.append((shown_path(path), f"{path}: is a folder a build wrote, not a leaflet or a "
                                               "guide folder; give the leaflet it was built from"))
        elif path.is_file():
            add(path)
        elif path.is_dir() and (path / GUIDE_SETTINGS).is_file():
            add(path)
        elif path.is_dir():
            try:
                search(path)
            except OSError as error:
                problems.append((shown_path(path), f"{path}: cannot be searched ({error.strerror})"))
        else:
            problems.append((shown_path(path), f"{path}: no such file or folder"))
    return sorted(found.values(), key=lambda s: s.shown), problems


def assign_slugs(wanted: list[tuple[str, str, str]], previous: dict[str, GuideState],
                 taken: set[str] = frozenset()) -> tuple[dict[str, str], list[str]]:
    """Distinct slugs for (source key, shown path, wanted slug), and one line for each
    guide that could not have the slug it wanted. A source keeps its slug of the last
    build while it still wants the same one; ``taken`` are slugs kept for others."""
    used = set(taken)
    chosen: dict[str, str] = {}
    owner: dict[str, str] = {}
    for key, shown, slug in wanted:  # last build's slugs first: an address never moves
        before = previous.get(key)
        if before and _derived(before.slug, slug) and before.slug not in used:
            chosen[key] = before.slug
            used.add(before.slug)
    for key, shown, slug in wanted:
        if key not in chosen and slug not in used:
            chosen[key] = slug
            used.add(slug)
    for key, shown, slug in wanted:
        if chosen.get(key) == slug:
            owner[slug] = shown
    notes = []
    for key, shown, slug in wanted:
        if key not in chosen:
            number = 2
            while f"{slug}-{number}" in used:
                number += 1
            chosen[key] = f"{slug}-{number}"
            used.add(chosen[key])
        if chosen[key] != slug:
            by = owner.get(slug, "another guide")
            notes.append(f"{shown}: slug '{slug}' is taken by {by}; built as '{chosen[key]}'")
    return chosen, notes


def _derived(slug: str, wanted: str) -> bool:
    return slug == wanted or re.fullmatch(re.escape(wanted) + r"-\d+", slug) is not None


def check_library_dir(library_dir: Path, slugs: set[str]) -> None:
    """Refuse a library folder that holds anything a library build did not make
    (a user's file, a single guide's build), naming it."""
    library_dir = Path(library_dir)
    if not os.path.lexists(library_dir):
        return
    if not library_dir.is_dir():
        raise BuildFolderError(f"{library_dir}: is a file, not a folder; choose another with -o")
    for entry in sorted(os.listdir(library_dir)):
        path = library_dir / entry
        ours = not path.is_symlink() and (  # a library build makes no links
            entry in LIBRARY_FILES or is_temporary(path) or (entry in slugs and path.is_dir()))
        if not ours:
            raise BuildFolderError(
                f"{library_dir}: holds {entry}, which no library build made; a build replaces its "
                "own files only: choose an empty or new folder with -o")


def remove_guide_dir(build_dir: Path) -> bool:
    """Delete the files a build made in ``build_dir``, then its folders left empty; True
    when the folder is gone (False: it holds files of someone else's, kept)."""
    names = set(FileRecord.load(build_dir)) | OWN_NAMES
    for name in names:
        path = recorded_file(build_dir, name)
        if path:
            path.unlink()
    for folder, _, files in sorted(os.walk(build_dir), reverse=True):
        for name in files:
            if is_temporary(Path(folder) / name):
                (Path(folder) / name).unlink()
        try:
            os.rmdir(folder)
        except OSError:  # not empty: what is left is not ours
            pass
    return not os.path.lexists(build_dir)
