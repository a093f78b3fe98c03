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


# A link planted at a temporary name ---------------------------------------------------------
# A build folder may hold what a killed build left under a temporary name (``.NAME.PID.tmp``),
# so one is not refused; a link there must not be followed by the next write to that name.


@pytest.fixture()
def precious(tmp_path) -> Path:
    path = tmp_path / "elsewhere" / "precious.txt"
    path.parent.mkdir()
    path.write_text("mine")
    return path


def _plant(link: Path, target: Path) -> Path:
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)
    return link


def test_an_atomic_write_never_writes_through_a_link_at_its_temporary_name(tmp_path, precious):
    target = tmp_path / "build" / "manifest.json"
    _plant(temporary_name(target), precious)
    write_atomic(target, "{}")
    assert precious.read_text() == "mine"
    assert target.read_text() == "{}" and not target.is_symlink()


def test_the_record_of_files_is_never_saved_through_a_link(tmp_path, precious):
    from audioguide.files import RECORD_NAME, recording

    build = tmp_path / "build"
    _plant(temporary_name(build / RECORD_NAME), precious)
    with recording(build):
        write_atomic(build / "audio" / "x.txt", "x")
    assert precious.read_text() == "mine"
    assert json.loads((build / RECORD_NAME).read_text()) == {"files": ["audio/x.txt"]}


def test_the_build_folders_write_probe_never_empties_a_linked_file(tmp_path, precious):
    from audioguide.buildfolder import prepare_output

    build = tmp_path / "build"
    _plant(build / f".write-test.{os.getpid()}.tmp", precious)
    prepare_output(build)
    assert precious.read_text() == "mine"


def test_the_memos_clock_probe_never_empties_a_linked_file(tmp_path, precious):
    from audioguide.buildfolder import MEMO_NAME
    from audioguide.buildmemo import _folder_clock

    memo = tmp_path / "build" / MEMO_NAME
    _plant(temporary_name(memo), precious)
    _folder_clock(memo)
    assert precious.read_text() == "mine"


# The sentence cache's prune -----------------------------------------------------------------


def test_pruning_the_cache_never_deletes_through_a_linked_folder(tmp_path):
    """A folder of the cache that is a link out of it (made by hand) is not the cache's:
    files there named like entries, or like a killed worker's, are not pruned."""
    key = "ab" + "0" * 62
    mine = tmp_path / "mine"
    mine.mkdir()
    for name in (f"{key}.wav", f"{key}.wav.sum", f"{key}.wav.notes", f".{key}.wav.1.tmp", ".draft.1.tmp"):
        (mine / name).write_text("mine")
        os.utime(mine / name, (1, 1))  # older than any worker's file
    cache = SegmentCache(tmp_path / "cache")
    cache.check_writable()
    os.symlink(mine, tmp_path / "cache" / "ab")
    os.symlink(mine, tmp_path / "cache" / "photos")
    before = _tree(mine)
    assert cache.prune(set()) == (0, 0, 0)
    assert _tree(mine) == before


@pytest.mark.parametrize("link", ["audio", "manifest.json", ".manifest.json.1.tmp"])
def test_a_build_folder_holding_a_link_is_refused_whatever_its_record_says(tmp_path, link):
    """A build makes no links: one in its folder (a folder of the build's linked to a
    user's, where the build would write its chapters) is refused even when recorded."""
    from audioguide.buildfolder import BuildFolderError, check_output_dir

    elsewhere = tmp_path / "music"
    elsewhere.mkdir()
    (elsewhere / "01-heading.mp3").write_bytes(b"a song")
    build = tmp_path / "build"
    build.mkdir()
    (build / ".audioguide-files").write_text(json.dumps({"files": [link]}))
    os.symlink(elsewhere if link == "audio" else elsewhere / "01-heading.mp3", build / link)
    with pytest.raises(BuildFolderError, match=f"holds {link}, which no build made"):
        check_output_dir(build, [])


@pytest.mark.parametrize("name", [".build.lock", LIBRARY_NAME, ".library.json.1.tmp"])
def test_a_library_folder_holding_a_link_is_refused(tmp_path, name):
    """Its lock file, opened to be locked, would be made wherever the link points."""
    from audioguide.buildfolder import BuildFolderError

    library = tmp_path / "library"
    library.mkdir()
    os.symlink(tmp_path / "elsewhere.txt", library / name)
    with pytest.raises(BuildFolderError, match=f"holds {name}, which no library build made"):
        build_library([_unreadable_leaflet(tmp_path / "sources")], library,
                      cache=SegmentCache(tmp_path / "cache"), workers=1)
    assert not (tmp_path / "elsewhere.txt").exists()
