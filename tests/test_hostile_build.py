"""A hostile user's build: output folders holding other files, a damaged cache,
speech too quiet to master, a hung ffmpeg, a full disk, odd files where
folders belong. Each ends in one clear line and exit code 2 (or a correct
build), and no file the build did not make is ever touched.

Everything is real: the engine speaks, ffmpeg encodes; a fault is made by
really damaging a file, really limiting the file size a process may write,
or putting a really hung ffmpeg first on the PATH."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from audioguide.build import Progress, build_guide
from audioguide.guides import load_guide
from audioguide.library_sources import remove_guide_dir
from audioguide.speech import SegmentCache

from .audio_checks import at_target_or_held_back

LEAFLET = "Title\n\nHeading\n\nSome text to say.\n\nOther heading\n\nMore text to say here.\n"


@pytest.fixture()
def leaflet(tmp_path) -> Path:
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET, encoding="utf-8")
    return path


def cli(*args, env=None, preexec_fn=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *map(str, args)], capture_output=True,
                          text=True, env=env, preexec_fn=preexec_fn, timeout=timeout)


def one_line_error(result) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("audioguide: error: ")
    return line


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# 1. A build deletes and replaces only files it wrote ----------------------------------------


def test_output_folder_with_a_user_file_and_the_leaflet_is_refused_and_left_untouched(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    leaflet = folder / "leaflet.txt"
    leaflet.write_text(LEAFLET, encoding="utf-8")
    (folder / "audio").mkdir()
    (folder / "audio" / "my-recording.mp3").write_bytes(b"mine")
    (folder / "notes.txt").write_text("my notes\n")
    before = snapshot(folder)
    result = cli("build", leaflet, "-o", folder, "--cache-dir", tmp_path / "cache")
    line = one_line_error(result)
    assert str(folder) in line
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["audio", "leaflet.txt", "notes.txt"]


def test_building_a_guide_folder_into_itself_is_refused(tmp_path):
    guide = tmp_path / "guide"
    guide.mkdir()
    (guide / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    (guide / "guide.toml").write_text('[guide]\nsource = "leaflet.txt"\n', encoding="utf-8")
    before = snapshot(guide)
    line = one_line_error(cli("build", guide, "-o", guide, "--cache-dir", tmp_path / "cache"))
    assert "leaflet.txt" in line
    assert snapshot(guide) == before and sorted(p.name for p in guide.iterdir()) == ["guide.toml", "leaflet.txt"]


def test_a_user_file_put_into_a_build_is_never_deleted(tmp_path, leaflet, segment_cache):
    out = tmp_path / "out"
    build_guide(load_guide(leaflet), out, cache=segment_cache)
    mine = out / "audio" / "my-own.mp3"
    mine.write_bytes(b"a file the build did not make")
    line = one_line_error(cli("build", leaflet, "-o", out, "--cache-dir", segment_cache.directory))
    assert "audio/my-own.mp3" in line
    assert mine.read_bytes() == b"a file the build did not make"


def test_the_build_still_removes_its_own_files_it_no_longer_needs(tmp_path, leaflet, segment_cache):
    out = tmp_path / "out"
    build_guide(load_guide(leaflet), out, cache=segment_cache)
    assert (out / "audio" / "02-other-heading.mp3").is_file()
    leaflet.write_text("Title\n\nHeading\n\nSome text to say.\n", encoding="utf-8")
    build_guide(load_guide(leaflet), out, cache=segment_cache)
    assert not (out / "audio" / "02-other-heading.mp3").exists()
    assert sorted(p.name for p in (out / "audio").iterdir()) == ["01-heading.mp3"]


def test_a_record_of_files_naming_files_outside_the_build_never_deletes_them(tmp_path, leaflet, segment_cache):
    """The record of the files a build made is read back to delete the ones no longer
    needed: a damaged or planted one may name anything, and only the build's own go."""
    out = tmp_path / "out"
    build_guide(load_guide(leaflet), out, cache=segment_cache)
    outside = tmp_path / "thesis.docx"
    outside.write_bytes(b"years of work")
    elsewhere = tmp_path / "music"
    elsewhere.mkdir()
    (elsewhere / "song.mp3").write_bytes(b"a song")
    (out / "audio" / "linked").symlink_to(elsewhere, target_is_directory=True)
    record = out / ".audioguide-files"
    names = json.loads(record.read_text())["files"]
    planted = ["../thesis.docx", str(outside), "audio/../../thesis.docx", "audio/linked/song.mp3"]
    record.write_text(json.dumps({"files": names + planted}))
    (out / "audio" / "linked").unlink()  # the build refuses a folder holding a link it did not make
    leaflet.write_text("Title\n\nHeading\n\nSome text to say.\n", encoding="utf-8")  # a chapter goes:
    build_guide(load_guide(leaflet), out, cache=segment_cache)  # the build removes what it no longer needs
    assert not (out / "audio" / "02-other-heading.mp3").exists()
    (out / "audio" / "linked").symlink_to(elsewhere, target_is_directory=True)
    record.write_text(json.dumps({"files": json.loads(record.read_text())["files"] + planted}))
    assert remove_guide_dir(out) is False  # the link is not the build's: the folder stays
    assert outside.read_bytes() == b"years of work"
    assert (elsewhere / "song.mp3").read_bytes() == b"a song"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["audio", "audio/linked"]


# 5. Chapters a stopped build finished are kept -----------------------------------------------


class Stop(Exception):
    pass


def test_chapters_finished_before_a_build_stops_are_reused(tmp_path, segment_cache):
    leaflet = tmp_path / "three.txt"
    leaflet.write_text("Title\n\nOne\n\nFirst text.\n\nTwo\n\nSecond text.\n\nThree\n\nThird text.\n")
    out = tmp_path / "out"
    done: list[int] = []

    def stop_after_two(chapter):
        done.append(chapter.number)
        if len(done) == 2:
            raise Stop()

    with pytest.raises(Stop):
        build_guide(load_guide(leaflet), out, cache=segment_cache, workers=1,
                    progress=Progress(on_chapter=stop_after_two))
    assert not (out / "manifest.json").exists()
    result = build_guide(load_guide(leaflet), out, cache=segment_cache, workers=1)
    # Every chapter finished before the stop is reused; only the others are mastered now.
    assert len(done) >= 2 and not set(result.mastered) & set(done), (done, result.mastered)
    assert [c.number for c in result.manifest.chapters] == [1, 2, 3]


# 2. A damaged cache entry is said again, never shipped -----------------------------------------


@pytest.fixture(scope="module")
def filled_cache(tmp_path_factory) -> Path:
    """A cache holding every sentence of LEAFLET, filled by a real build (copy it to damage it)."""
    folder = tmp_path_factory.mktemp("filled")
    (folder / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    cache = SegmentCache(folder / "cache")
    first = build_guide(load_guide(folder / "leaflet.txt"), folder / "one", cache=cache)
    assert first.synthesized == len(list(cache.directory.glob("*/*.wav"))) > 0
    return cache.directory


@pytest.mark.parametrize("damage", ["noise", "truncated", "empty"])
def test_a_damaged_cache_entry_is_synthesized_again_and_reported(tmp_path, leaflet, damage, filled_cache):
    shutil.copytree(filled_cache, tmp_path / "cache")
    cache = SegmentCache(tmp_path / "cache")
    entries = sorted(cache.directory.glob("*/*.wav"))
    victim = entries[0]
    data = victim.read_bytes()
    victim.write_bytes({"noise": data[:44] + os.urandom(len(data) - 44), "truncated": data[: len(data) // 3],
                        "empty": b""}[damage])
    again = build_guide(load_guide(leaflet), tmp_path / "two", cache=cache)
    assert again.synthesized == 1
    assert any(str(victim) in warning and "damaged" in warning for warning in again.warnings)
    assert cache.has(victim.stem) and victim.stat().st_size > 1000
    assert all(at_target_or_held_back(c.loudness_lufs, c) and c.true_peak_dbtp <= -1.5
               for c in again.manifest.chapters), [
        (c.loudness_lufs, c.true_peak_dbtp, c.gain_aim_lufs) for c in again.manifest.chapters]


# 3. Speech too quiet to master is refused, and the manifest is always JSON -----------------------


def test_speech_too_quiet_to_master_is_refused_naming_the_chapter(tmp_path, leaflet):
    out = tmp_path / "out"
    line = one_line_error(cli("build", leaflet, "-o", out, "--cache-dir", tmp_path / "cache",
                              "--volume", "0.01"))
    # Both chapters are too quiet; they master side by side and the first to fail stops
    # the build at once, so either may be the one named.
    assert ("01-heading.mp3: chapter 1 (Heading)" in line or "02-other-heading.mp3: chapter 2 (Other heading)" in line)
    assert "LUFS" in line and "--volume" in line
    assert not (out / "manifest.json").exists()
    assert not list(out.rglob("*.mp3"))


def test_the_manifest_never_holds_nan_or_infinity(built_guide):
    from dataclasses import replace

    from audioguide.manifest import load_manifest

    manifest = load_manifest(built_guide)
    broken = replace(manifest, chapters=(replace(manifest.chapters[0], loudness_lufs=float("-inf")),))
    with pytest.raises(ValueError):
        broken.to_json()


def test_the_manifest_is_the_indented_json_that_json_dumps_writes(built_guide):
    """Written fast (compact in C, then indented), it is the same text, non-ASCII kept."""
    import msgspec

    from audioguide.manifest import load_manifest

    manifest = load_manifest(built_guide)
    expected = json.dumps(msgspec.to_builtins(manifest), ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    assert manifest.to_json() == expected
    assert (built_guide / "manifest.json").read_text(encoding="utf-8") == expected


# 8. A hung ffmpeg ends the build ----------------------------------------------------------------


def test_a_hung_ffmpeg_is_stopped_with_one_line(tmp_path, leaflet):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # It holds none of our pipes, so even a build that never stops it cannot hang the test.
    (bin_dir / "ffmpeg").write_text("#!/bin/sh\nexec sleep 300 </dev/null >/dev/null 2>&1\n")
    (bin_dir / "ffmpeg").chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    code = ("import audioguide.ffmpeg as f; f.FFMPEG_TIMEOUT_S = 1; "
            "from audioguide.cli import main; main()")
    result = subprocess.run(
        [sys.executable, "-c", code, "build", str(leaflet), "-o", str(tmp_path / "out"),
         "--cache-dir", str(tmp_path / "cache"), "--formats", "mp3,m4b"],  # only the M4B runs ffmpeg
        capture_output=True, text=True, env=env, timeout=120)
    line = one_line_error(result)
    assert "ffmpeg did not finish within" in line and ".m4b" in line


# 10. A full disk, a cache that is a file ----------------------------------------------------------


def limit_file_size(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def assert_nothing_half_written(out: Path):
    assert not (out / "manifest.json").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_disk_full_while_writing_the_cache_is_one_line(tmp_path, leaflet):
    out = tmp_path / "out"
    result = cli("build", leaflet, "-o", out, "--cache-dir", tmp_path / "cache",
                 preexec_fn=limit_file_size(4096))
    line = one_line_error(result)
    assert "timed out" not in line and "cannot write" in line
    assert_nothing_half_written(out)


def test_disk_full_while_writing_the_build_is_one_line(tmp_path, leaflet, segment_cache):
    first = build_guide(load_guide(leaflet), tmp_path / "first", cache=segment_cache)  # the cache is full
    # Room for every file but the largest chapter (the downloads are assembled when read:
    # their descriptions are small).
    sizes = sorted(ref.bytes for ref in first.manifest.files().values())
    limit = sizes[-1] - 4096
    assert sizes[-2] < limit and sizes[-1] in {c.audio.bytes for c in first.manifest.chapters}
    out = tmp_path / "out"
    result = cli("build", leaflet, "-o", out, "--cache-dir", segment_cache.directory,
                 preexec_fn=limit_file_size(limit))
    one_line_error(result)
    assert_nothing_half_written(out)


def test_a_cache_folder_that_is_a_file_is_one_line(tmp_path, leaflet):
    cache = tmp_path / "cache"
    cache.write_text("not a folder")
    line = one_line_error(cli("build", leaflet, "-o", tmp_path / "out", "--cache-dir", cache))
    assert str(cache) in line
    assert cache.read_text() == "not a folder"


def test_a_cache_folder_that_cannot_be_written_is_one_line(tmp_path, leaflet):
    cache = Path("/sys/audioguide-cache")  # sysfs: no one may make a folder there, not even root
    assert not cache.exists()
    line = one_line_error(cli("build", leaflet, "-o", tmp_path / "out", "--cache-dir", cache))
    assert str(cache) in line and "cache" in line
    assert_nothing_half_written(tmp_path / "out")


# 11-12. Odd files where the build expects its own ----------------------------------------------


def test_a_lock_that_is_a_folder_is_one_line(tmp_path, leaflet):
    (tmp_path / "out" / ".build.lock").mkdir(parents=True)
    line = one_line_error(cli("build", leaflet, "-o", tmp_path / "out", "--cache-dir", tmp_path / "cache"))
    assert ".build.lock" in line


def test_downloads_that_is_a_file_is_one_line(tmp_path, leaflet):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "downloads").write_text("mine")
    line = one_line_error(cli("build", leaflet, "-o", tmp_path / "out", "--cache-dir", tmp_path / "cache"))
    assert "downloads" in line
    assert (tmp_path / "out" / "downloads").read_text() == "mine"


def test_cache_prune_leaves_a_folder_named_like_an_entry(tmp_path, leaflet):
    cache = tmp_path / "cache"
    odd = cache / "ab" / ("ab" + "0" * 62 + ".wav")
    odd.mkdir(parents=True)
    (odd / "inside.txt").write_text("mine")
    result = cli("cache", "prune", leaflet, "--cache-dir", cache)
    assert result.returncode == 0, result.stderr
    assert (odd / "inside.txt").read_text() == "mine"


def test_the_speech_pool_refuses_an_empty_sentence(tmp_path):
    from audioguide.speech import SpeechError, VoiceSettings, synthesize_all

    with pytest.raises(SpeechError, match="no words to say"):
        synthesize_all([("Hello.", tmp_path / "a.wav"), ("  ", tmp_path / "b.wav")], VoiceSettings(),
                       sentence_timeout=20)
    assert not list(tmp_path.iterdir())
