"""A library of guides built by one command: several kinds of source, one speech pool,
one line per bad leaflet, and incremental at the level of whole guides.

Real synthesis and real ffmpeg, on tiny leaflets."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import main
from audioguide.library import build_library
from audioguide.library_manifest import LIBRARY_NAME, load_library
from audioguide.manifest import load_manifest
from audioguide.speech import SegmentCache
from audioguide.speech.pool import worker_starts

LEAFLETS = {
    "leaflets/hands.txt": "Hand care\n\nWashing\n\nWash your hands with soap for 20 seconds. Dry them well.\n",
    "leaflets/creams.md": "# Using creams\n\n## How often\n\nUse the cream twice a day.\n\n"
                          "## Where\n\n- On dry skin\n- Not near the eyes\n",
    # Same file name as hands.txt, so the same slug: it must get its own.
    "leaflets/more/hands.md": "# Hands at night\n\n## Gloves\n\nWear cotton gloves at night.\n",
    "leaflets/sleep/guide.toml": '[guide]\nsource = "sleep.md"\nslug = "sleep-well"\n',
    "leaflets/sleep/sleep.md": "# Sleeping well\n\n## Routine\n\nGo to bed at the same time each night.\n",
}


def write_sources(root: Path) -> Path:
    for name, text in LEAFLETS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "broken.txt").write_bytes(b"\x00\x01\x02 not a leaflet")
    return root


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """One CLI build of a library: a folder of leaflets (text, Markdown, a guide folder,
    a colliding name) and one broken leaflet, given as two sources."""
    root = write_sources(tmp_path_factory.mktemp("sources"))
    cache = tmp_path_factory.mktemp("cache")
    starts = worker_starts()
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["build", "leaflets", "broken.txt", "-o", "library", "--cache-dir",
                                           str(cache), "--jobs", "2", "--quiet"])
    finally:
        os.chdir(previous)
    return root, cache, result, worker_starts() - starts


def test_a_library_is_built_in_one_command_with_one_pool(library):
    root, _, result, started = library
    assert started == 2  # one pool of two workers for the four guides, not two per guide
    data = json.loads((root / "library" / LIBRARY_NAME).read_text(encoding="utf-8"))
    assert data["version"] == 1
    slugs = [guide["slug"] for guide in data["guides"]]
    assert slugs == ["creams", "hands", "hands-2", "sleep-well"]  # sorted, and distinct
    by_slug = {guide["slug"]: guide for guide in data["guides"]}
    assert by_slug["hands"]["source"] == "leaflets/hands.txt"
    assert by_slug["hands-2"]["source"] == "leaflets/more/hands.md"
    assert by_slug["sleep-well"] == {**by_slug["sleep-well"], "title": "Sleeping well", "chapters": 1,
                                     "source": "leaflets/sleep"}
    assert by_slug["creams"]["chapters"] == 2
    for guide in data["guides"]:
        folder = root / "library" / guide["slug"]
        manifest = load_manifest(folder)
        assert manifest.slug == guide["slug"] and manifest.title == guide["title"]
        assert guide["duration_ms"] == manifest.duration_ms > 1000
        assert guide["manifest_sha256"] == hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
        assert guide["updated"].endswith("+00:00")
        assert all((folder / ref.path).is_file() for ref in manifest.files().values())
    # The bad leaflet: one line, named, the others built, and a failing exit status at the end.
    assert data["problems"] == [{"source": "broken.txt", "message": "broken.txt: binary data, not a text file"}]
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == ["audioguide: error: broken.txt: binary data, not a text file"]
    assert ("audioguide: warning: leaflets/more/hands.md: slug 'hands' is taken by leaflets/hands.txt; "
            "built as 'hands-2'") in result.stderr.splitlines()
    assert not (root / "library" / "broken").exists()


def test_a_rebuild_touches_only_the_edited_guide_and_removes_a_gone_one(library, monkeypatch):
    root, cache, _, _ = library
    monkeypatch.chdir(root)
    folder = Path("library")
    before = {guide.slug: os.stat(folder / guide.slug / "manifest.json").st_mtime_ns
              for guide in load_library(folder).guides}
    (root / "broken.txt").unlink()

    # Nothing changed: nothing is read again, no worker starts.
    starts = worker_starts()
    result = build_library([Path("leaflets")], folder, cache=SegmentCache(cache), workers=2)
    assert worker_starts() == starts
    assert result.built == () and result.unchanged == ("creams", "hands", "hands-2", "sleep-well")
    assert result.problems == ()

    # A mistyped source: reported, and no guide taken away for it.
    result = build_library([Path("leaflet")], folder, cache=SegmentCache(cache), workers=2)
    assert [(p.source, p.message) for p in result.problems] == [("leaflet", "leaflet: no such file or folder")]
    assert result.removed == () and result.built == ()
    assert [guide.slug for guide in load_library(folder).guides] == ["creams", "hands", "hands-2", "sleep-well"]

    # One leaflet edited: that guide alone is built again, and the library manifest updated.
    creams = root / "leaflets" / "creams.md"
    creams.write_text(creams.read_text(encoding="utf-8").replace("twice", "three times"), encoding="utf-8")
    result = build_library([Path("leaflets")], folder, cache=SegmentCache(cache), workers=2)
    assert result.built == ("creams",)
    assert result.unchanged == ("hands", "hands-2", "sleep-well")
    for slug in result.unchanged:
        assert os.stat(folder / slug / "manifest.json").st_mtime_ns == before[slug]
    entry = {guide.slug: guide for guide in load_library(folder).guides}["creams"]
    assert "three times" in (folder / "creams" / "text").joinpath("01-how-often.txt").read_text(encoding="utf-8")
    assert entry.manifest_sha256 == hashlib.sha256((folder / "creams" / "manifest.json").read_bytes()).hexdigest()

    # A source removed: its guide goes, but a file of someone else's in its folder stays.
    (folder / "hands-2" / "notes.txt").write_text("mine", encoding="utf-8")
    (root / "leaflets" / "more" / "hands.md").unlink()
    result = build_library([Path("leaflets")], folder, cache=SegmentCache(cache), workers=2)
    assert result.removed == ("hands-2",)
    assert [guide.slug for guide in load_library(folder).guides] == ["creams", "hands", "sleep-well"]
    assert sorted(p.relative_to(folder).as_posix() for p in (folder / "hands-2").rglob("*")) == [
        "hands-2/notes.txt"]
    assert any("hands-2" in note and "kept" in note for note in result.notes)


def test_a_library_folder_holding_a_file_no_build_made_is_refused(tmp_path):
    write_sources(tmp_path)
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "precious.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(tmp_path / "leaflets"), "-o", str(tmp_path / "library")])
    assert result.exit_code == 2
    assert "holds precious.txt, which no library build made" in result.stderr
    assert (tmp_path / "library" / "precious.txt").read_text(encoding="utf-8") == "mine"


def test_a_library_or_a_build_given_as_a_source_is_refused_and_nothing_is_removed(tmp_path):
    """Their transcripts are not leaflets: read as such, they would take every guide away."""
    (tmp_path / "leaflets").mkdir()
    (tmp_path / "leaflets" / "hands.txt").write_text(LEAFLETS["leaflets/hands.txt"], encoding="utf-8")
    cache = SegmentCache(tmp_path / "cache")
    library = tmp_path / "library"
    first = build_library([tmp_path / "leaflets"], library, cache=cache, workers=1)
    assert first.built == ("hands",) and first.problems == ()
    before = sorted(p.relative_to(library).as_posix() for p in library.rglob("*"))
    for source in (library, library / "hands"):
        result = build_library([source], library, cache=cache, workers=1)
        assert result.removed == () and [p.message for p in result.problems] == [
            f"{source}: is inside the library folder {library}; build a library from leaflets kept outside it"]
        assert sorted(p.relative_to(library).as_posix() for p in library.rglob("*")) == before
    # A library kept among the leaflets is not searched for leaflets either.
    result = build_library([tmp_path], tmp_path / "other", cache=cache, workers=1)
    assert result.problems == () and result.built == ("hands",)


def test_a_guide_removed_from_the_sources_is_told_even_when_quiet(tmp_path):
    root = tmp_path
    for name in ("a", "b"):
        (root / f"{name}.txt").write_text(f"Guide {name}\n\nPart\n\nSay {name} once.\n", encoding="utf-8")
    args = ["--cache-dir", str(root / "cache"), "--quiet", "-o", str(root / "library")]
    assert CliRunner().invoke(main, ["build", str(root / "a.txt"), str(root / "b.txt"), *args]).exit_code == 0
    result = CliRunner().invoke(main, ["build", str(root / "a.txt"), *args])
    assert result.exit_code == 0
    assert f"{root / 'library' / 'b'}: removed, as its source was not given" in result.stderr
    assert not (root / "library" / "b").exists()


def test_guides_built_side_by_side_check_the_cache_without_tripping_on_each_other(tmp_path):
    """A library builds guides in threads of one process; each checks the cache is writable."""
    import threading

    cache = SegmentCache(tmp_path / "cache")
    failures = []

    def check():
        for _ in range(100):
            try:
                cache.check_writable()
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                failures.append(error)

    threads = [threading.Thread(target=check) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and not list((tmp_path / "cache").iterdir())
