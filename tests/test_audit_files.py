"""A user's files are sacred, whatever the program's own record files say.

A library build reads back its ``library.json`` and its state file, a build
writes through temporary names in its folder, the sentence cache deletes what
it no longer needs: here each of those is given a damaged or hostile record
(a slug naming "..", an absolute path, a link out of the folder), and no file
or folder outside what the program wrote may be touched.

No speech is made: every library build here has a leaflet that cannot be read,
which is all it takes for the build to take away the guides no source asks for.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from audioguide.files import write_atomic, temporary_name
from audioguide.library import build_library
from audioguide.library_manifest import LIBRARY_NAME, STATE_NAME
from audioguide.speech import SegmentCache


def _library_listing(library: Path, slugs: list[str]) -> None:
    """library.json and the state file of an earlier build, naming ``slugs``."""
    library.mkdir(parents=True, exist_ok=True)
    guides = [{"slug": slug, "title": "T", "language": "en", "chapters": 1, "duration_ms": 1,
               "updated": "2026-01-01T00:00:00+00:00", "manifest_sha256": "0" * 64, "source": "x.txt"}
              for slug in slugs]
    (library / LIBRARY_NAME).write_text(json.dumps({"version": 1, "guides": guides, "problems": []}))
    state = {f"/gone/{number}.txt": {"slug": slug, "inputs": ""} for number, slug in enumerate(slugs)}
    (library / STATE_NAME).write_text(json.dumps(state))


def _unreadable_leaflet(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "leaflet.odt"
    path.write_bytes(b"not a leaflet")
    return path


def _user_folder(folder: Path) -> dict[str, bytes | None]:
    """A user's folder holding files a build's own would have (and an empty folder)."""
    (folder / "photos" / "empty").mkdir(parents=True)
    (folder / "manifest.json").write_text("my own manifest.json")
    (folder / ".audioguide-files").write_text(json.dumps({"files": ["notes.txt"]}))
    (folder / "notes.txt").write_text("my notes")
    (folder / ".draft.1.tmp").write_text("my draft")
    return _tree(folder)


def _tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("slug", ["..", "../victim", "ABSOLUTE"])
def test_a_library_record_naming_a_folder_outside_the_library_takes_nothing_away(tmp_path, slug):
    victim = tmp_path / "victim"
    before = _user_folder(victim)
    library = tmp_path / "library"
    _library_listing(library, [str(victim) if slug == "ABSOLUTE" else slug])
    result = build_library([_unreadable_leaflet(tmp_path / "sources")], library,
                           cache=SegmentCache(tmp_path / "cache"), workers=1)
    assert result.problems  # the leaflet is reported
    assert _tree(victim) == before
    assert (tmp_path / "sources" / "leaflet.odt").exists()
