"""Rebuilds do only the work an edit calls for; a second build at once is refused; the cache prunes."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
import zipfile

from audioguide.build import LOCK_NAME, build_guide, needed_cache_keys
from audioguide.guides import builtin_guide_dir, load_guide
from audioguide.manifest import load_manifest
from audioguide.speech import SegmentCache

from .archives import materialised


def test_rebuild_with_no_change_masters_nothing_and_keeps_every_file(built_guide, segment_cache, tmp_path):
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    before = {ref.path: ref.sha256 for ref in load_manifest(build_dir).files().values()}
    result = build_guide(load_guide(), build_dir, cache=segment_cache)
    assert (result.synthesized, result.mastered, result.rebuilt_downloads) == (0, (), False)
    assert {ref.path: ref.sha256 for ref in result.manifest.files().values()} == before


def test_editing_one_sentence_remasters_only_its_chapter_and_the_downloads(
        built_guide, segment_cache, tmp_path):
    guide_dir = tmp_path / "guide"
    shutil.copytree(builtin_guide_dir(), guide_dir)
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    source = guide_dir / "dystonia.txt"
    source.write_text(source.read_text("utf-8").replace("Stroke", "A stroke"), encoding="utf-8")
    old = load_manifest(build_dir)
    result = build_guide(load_guide(guide_dir), build_dir, cache=segment_cache)
    assert result.synthesized == 1
    assert result.mastered == (4,)
    assert result.rebuilt_downloads
    new = result.manifest
    for before, after in zip(old.chapters, new.chapters):
        same = before.audio.sha256 == after.audio.sha256
        assert same == (after.number != 4), after.title
    assert new.downloads["zip"].sha256 != old.downloads["zip"].sha256
    # The full guide, the ZIP and the EPUB are assembled when read: the edit rewrote only
    # their small descriptions, and no file in the downloads is big.
    assert not list(build_dir.rglob("*.zip")) and not list(build_dir.rglob("*.epub"))
    assert not (build_dir / new.downloads["full_guide"].path).exists()
    sizes = {path.name: path.stat().st_size for path in (build_dir / "downloads").iterdir()}
    assert set(sizes) >= {"dystonia-full-guide.mp3.parts", "dystonia-audio-guide.zip.parts", "dystonia.epub.parts"}
    assert max(sizes.values()) < 100_000, sizes
    for ref in (new.downloads["zip"], new.formats["epub"].download):
        with zipfile.ZipFile(materialised(build_dir, ref)) as archive:
            assert archive.testzip() is None
            assert archive.read(next(n for n in archive.namelist() if n.endswith("04-causes.mp3"))) == \
                (build_dir / new.chapters[3].audio.path).read_bytes()


def test_a_second_build_into_the_same_directory_is_refused_while_one_runs(built_guide, tmp_path):
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    with open(build_dir / LOCK_NAME, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subprocess.run([sys.executable, "-m", "audioguide", "build", "-o", str(build_dir)],
                                capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"audioguide: error: {build_dir}: another build is writing here; wait for it to finish")


def test_cache_prune_keeps_what_the_guide_needs(segment_cache, build_result, tmp_path):
    cache = SegmentCache(tmp_path / "cache")
    shutil.copytree(segment_cache.directory, cache.directory)
    stray = cache.path("ab" + "0" * 62)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"RIFF")
    # A killed worker's temporary file, and one a running worker is writing now.
    abandoned = stray.with_name(f".{stray.name}.4242.tmp")
    abandoned.write_bytes(b"RIFF")
    os.utime(abandoned, (time.time() - 2 * 3600,) * 2)
    in_progress = stray.with_name(f".{stray.name}.4343.tmp")
    in_progress.write_bytes(b"RIFF")
    needed = needed_cache_keys(load_guide(), cache)
    assert all(cache.has(key) for key in needed)
    result = subprocess.run(
        [sys.executable, "-m", "audioguide", "cache", "prune", "--cache-dir", str(cache.directory)],
        capture_output=True, text=True, check=True)
    assert "Removed" in result.stdout and "MB" in result.stdout
    assert not stray.exists() and not abandoned.exists() and in_progress.exists()
    assert all(cache.has(key) for key in needed)


def test_cache_prune_keeps_the_sentences_of_a_build_with_other_voice_settings(tmp_path):
    leaflet = tmp_path / "leaflet.txt"
    leaflet.write_text("Title\n\nPart one\n\nA first sentence. A second one.\n", encoding="utf-8")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    audioguide = [sys.executable, "-m", "audioguide"]
    subprocess.run([*audioguide, "build", str(leaflet), "--rate", "150", "--quiet",
                    "-o", str(tmp_path / "out"), *cache], check=True, timeout=600)
    store = SegmentCache(tmp_path / "cache")
    held = store.usage()
    assert held[0] >= 3  # the title and the two sentences

    def prune(*options: str) -> str:
        return subprocess.run([*audioguide, "cache", "prune", str(leaflet), *options, *cache],
                              capture_output=True, text=True, check=True).stdout

    assert prune("--rate", "150").startswith("Removed 0 sentences")
    assert store.usage() == held
    assert prune().startswith(f"Removed {held[0]} sentences")  # the default rate needs others
    assert store.usage() == (0, 0)
