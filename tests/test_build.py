"""A real build of the built-in guide: audio format, loudness, timings, tags, caching."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

from mutagen.id3 import ID3

from audioguide.build import build_guide
from audioguide.guides import builtin_guide_dir, load_guide
from audioguide.formats.archive import materialise_download
from audioguide.manifest import load_manifest
from audioguide.audio import AudioSettings

from .audio_checks import decoded_ms, loudness, probe

TITLES = ["Overview", "Symptoms", "When to see a doctor", "Causes", "Complications"]


def test_five_chapters_with_files_named_by_number_and_slug(built_guide):
    manifest = load_manifest(built_guide)
    assert [c.title for c in manifest.chapters] == TITLES
    assert [c.audio.path for c in manifest.chapters] == [
        "audio/01-overview.mp3", "audio/02-symptoms.mp3", "audio/03-when-to-see-a-doctor.mp3",
        "audio/04-causes.mp3", "audio/05-complications.mp3"]
    for ref in manifest.files().values():
        assert (built_guide / ref.path).stat().st_size == ref.bytes


def test_every_chapter_is_cbr_64k_mono_mp3(built_guide, ffprobe):
    for chapter in load_manifest(built_guide).chapters:
        info = probe(ffprobe, built_guide / chapter.audio.path)
        (stream,) = info["streams"]
        assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == ("mp3", 1, "22050")
        assert stream["bit_rate"] == "64000"
        # CBR: every frame has the same size, so bytes/duration is the nominal rate.
        audio_bytes = chapter.audio.bytes - _id3_size(built_guide / chapter.audio.path)
        assert abs(audio_bytes * 8 / float(info["format"]["duration"]) - 64000) < 1500


def _id3_size(path: Path) -> int:
    header = path.read_bytes()[:10]
    assert header[:3] == b"ID3"
    size = header[6:10]
    return 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])


def test_loudness_is_minus_16_lufs_and_true_peak_under_minus_1_5(built_guide):
    for chapter in load_manifest(built_guide).chapters:
        integrated, peak = loudness(built_guide / chapter.audio.path)
        assert -17.0 <= integrated <= -15.0, f"{chapter.title}: {integrated} LUFS"
        assert peak <= -1.5, f"{chapter.title}: true peak {peak} dBTP"


def test_captions_have_one_cue_per_segment_and_end_with_the_speech(built_guide):
    tail = AudioSettings().tail_ms
    for chapter in load_manifest(built_guide).chapters:
        vtt = (built_guide / chapter.captions.path).read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT\n")
        cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", vtt)
        assert len(cues) == len(chapter.segments)
        h, m, s, ms = map(int, cues[-1][4:])
        last_end = ((h * 60 + m) * 60 + s) * 1000 + ms
        audio_ms = decoded_ms(built_guide / chapter.audio.path)
        assert abs(last_end - (audio_ms - tail)) <= 50, (chapter.title, last_end, audio_ms)
        starts = [s.start_ms for s in chapter.segments]
        assert starts == sorted(starts) and starts[0] == AudioSettings().head_ms
        assert all(s.start_ms < s.end_ms <= chapter.duration_ms for s in chapter.segments)


def test_transcript_keeps_every_source_sentence(built_guide):
    manifest = load_manifest(built_guide)
    written = " ".join(s.written for c in manifest.chapters for s in c.segments if s.kind != "title")
    source = (builtin_guide_dir() / "dystonia.txt").read_text(encoding="utf-8")
    prose = [line.strip().lstrip("●").strip() for line in source.splitlines()]
    prose = [line for line in prose if line and line not in TITLES + ["Dystonia"]]
    assert written == re.sub(r"\s+", " ", " ".join(prose))


def test_id3_tags_title_album_track_artist_language(built_guide):
    for chapter in load_manifest(built_guide).chapters:
        tags = ID3(built_guide / chapter.audio.path)
        assert tags["TIT2"].text == [chapter.title]
        assert tags["TALB"].text == ["Dystonia"]
        assert tags["TRCK"].text == [f"{chapter.number}/5"]
        assert tags["TPE1"].text == ["audioguide"]
        assert tags["TLAN"].text == ["eng"]


def test_manifest_has_schema_version_and_segment_details(built_guide):
    data = json.loads((built_guide / "manifest.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert data["engine"].startswith("pyttsx3") and "espeak-ng" in data["engine"]
    segment = data["chapters"][1]["segments"][3]
    assert set(segment) >= {"kind", "written", "spoken", "start_ms", "end_ms"}
    assert len(data["chapters"][0]["audio"]["sha256"]) == 64


def test_a_build_over_a_version_1_build_reuses_its_chapters_and_assembles_its_archives(
        built_guide, segment_cache, tmp_path):
    """A folder built before archives were assembled: real ZIP and EPUB files, no CRC-32s."""
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    data = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest = load_manifest(build_dir)
    for key, ref in (("zip", manifest.downloads["zip"]), ("epub", manifest.formats["epub"].download)):
        materialise_download(build_dir, ref, build_dir / ref.path)  # recorded: the build wrote it
        (build_dir / ref.parts.path).unlink()
        old = {"path": ref.path, "bytes": ref.bytes, "sha256": hashlib.sha256(
            (build_dir / ref.path).read_bytes()).hexdigest(), "mime": ref.mime}
        if key == "zip":
            data["downloads"]["zip"] = old
        else:
            data["formats"]["epub"]["download"] = old
    for chapter in data["chapters"]:
        for name in ("audio", "captions", "transcript"):
            del chapter[name]["crc32"], chapter[name]["parts"]
    for ref in data["downloads"].values():
        ref.pop("crc32", None), ref.pop("parts", None)
    data["schema_version"] = 1
    data["downloads_fingerprint"] = data["formats"]["epub"]["fingerprint"] = "an older program's"
    (build_dir / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_manifest(build_dir).chapters[0].audio.crc32 is None  # version 1 is still read

    result = build_guide(load_guide(), build_dir, cache=segment_cache)
    assert (result.synthesized, result.mastered, result.rebuilt_downloads) == (0, (), True)
    for chapter in result.manifest.chapters:
        for ref in chapter.file_refs:
            assert ref.crc32 == zlib.crc32((build_dir / ref.path).read_bytes())
    assert not list(build_dir.rglob("*.zip")) and not list(build_dir.rglob("*.epub"))
    assert (build_dir / "downloads" / "dystonia.epub.parts").is_file()
    assert json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))["schema_version"] == 2


def test_second_build_synthesizes_nothing(built_guide, segment_cache, tmp_path):
    result = build_guide(load_guide(), tmp_path / "again", cache=segment_cache)
    assert result.synthesized == 0
    assert result.cached == sum(len(c.segments) for c in result.manifest.chapters)


def test_editing_one_sentence_resynthesizes_exactly_that_one(build_result, segment_cache, tmp_path):
    guide_dir = tmp_path / "guide"
    shutil.copytree(builtin_guide_dir(), guide_dir)
    source = guide_dir / "dystonia.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Your eyes might feel dry.", "Your eyes might feel sore."),
                      encoding="utf-8")
    files_before = set(segment_cache.directory.glob("*/*.wav"))
    # Into a copy of the session's build, so that only the edited chapter is mastered again.
    shutil.copytree(build_result.build_dir, tmp_path / "edited")
    result = build_guide(load_guide(guide_dir), tmp_path / "edited", cache=segment_cache)
    assert result.synthesized == 1
    new_files = set(segment_cache.directory.glob("*/*.wav")) - files_before
    assert len(new_files) == 1
    symptoms = result.manifest.chapters[1]
    assert any(s.written == "Your eyes might feel sore." for s in symptoms.segments)


# Two short chapters of the built-in leaflet: enough to synthesize, master and publish.
SHORT_LEAFLET = """Dystonia

Overview

Dystonia is a movement disorder in which your muscles contract involuntarily.
There's no cure for dystonia. But medications can improve symptoms.

Symptoms

Dystonia affects different people in varying ways. Muscle contractions might begin in a
single area, such as your leg, neck or arm. They might worsen with stress, fatigue or anxiety.
"""


def test_pip_only_path_without_system_ffmpeg(tmp_path):
    """With an empty PATH (no system ffmpeg, no espeak-ng), pip's packages are enough."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    assert shutil.which("ffmpeg", path=env["PATH"]) is None
    source = tmp_path / "dystonia.txt"
    source.write_text(SHORT_LEAFLET, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "audioguide", "build", str(source), "-o", str(tmp_path / "out"),
         "--cache-dir", str(tmp_path / "cache"), "--json"],
        capture_output=True, text=True, env=env,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["chapters"] == 2 and summary["synthesized"] > 0
    integrated, _ = loudness(tmp_path / "out" / "audio" / "02-symptoms.mp3")
    assert -17.0 <= integrated <= -15.0
