"""Downloads that carry their own navigation: chaptered full guide, ZIP with playlist, feed."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import PurePosixPath

import feedparser

from audioguide.manifest import load_manifest
from audioguide.audio import ChapterTags, ffmpeg_executable, join_chapters
from audioguide.audio.mp3 import id3v2_size
from audioguide.web.feed import podcast_feed

from .archives import materialised, served
from .audio_checks import decoded_ms, probe

TITLES = ["Overview", "Symptoms", "When to see a doctor", "Causes", "Complications"]


def mp3_frames_by_ffmpeg(path) -> bytes:
    """The audio frames of an MP3 as ffmpeg's demuxer sees them (tags and header frame dropped)."""
    return subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-i", str(path), "-map", "0:a", "-c", "copy",
         "-f", "mp3", "-write_xing", "0", "-id3v2_version", "0", "-write_id3v1", "0", "pipe:1"],
        capture_output=True, check=True,
    ).stdout


def packet_count(ffprobe, path) -> int:
    result = subprocess.run(
        [ffprobe, "-v", "error", "-count_packets", "-select_streams", "a:0",
         "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def test_full_guide_lists_the_five_chapters_at_their_real_start_times(built_guide, ffprobe):
    manifest = load_manifest(built_guide)
    full = materialised(built_guide, manifest.downloads["full_guide"])
    chapters = probe(ffprobe, full)["chapters"]  # in the order a player lists them
    assert [c["tags"]["title"] for c in chapters] == TITLES
    # Each chapter really lasts its frame count x 576 samples at 22.05 kHz.
    start = 0.0
    for chapter, entry in zip(chapters, manifest.chapters):
        assert abs(float(chapter["start_time"]) - start) <= 0.05, (entry.title, chapter, start)
        start += packet_count(ffprobe, built_guide / entry.audio.path) * 576 / 22050
    assert abs(float(chapters[-1]["end_time"]) - start) <= 0.05
    assert abs(decoded_ms(full) / 1000 - start) <= 0.05


def test_full_guide_is_the_chapters_frames_unchanged_so_nothing_was_encoded_twice(built_guide):
    manifest = load_manifest(built_guide)
    joined = b"".join(mp3_frames_by_ffmpeg(built_guide / c.audio.path) for c in manifest.chapters)
    full = mp3_frames_by_ffmpeg(materialised(built_guide, manifest.downloads["full_guide"]))
    assert len(full) > 1_000_000
    assert full == joined


def test_full_guide_is_assembled_from_the_chapters_as_join_chapters_writes_it(built_guide, tmp_path):
    """The build writes no full-guide file, only its description: the server sends, and
    export writes, exactly the bytes ``join_chapters`` writes from the same chapters."""
    manifest = load_manifest(built_guide)
    ref = manifest.downloads["full_guide"]
    assert not (built_guide / ref.path).exists()
    assert (built_guide / ref.parts.path).stat().st_size < 20_000
    written = tmp_path / "joined.mp3"
    tags = ChapterTags(manifest.title, manifest.author, manifest.title, 1, 1, "eng")
    join_chapters([built_guide / c.audio.path for c in manifest.chapters], [c.title for c in manifest.chapters],
                  written, tags)
    assembled = materialised(built_guide, ref).read_bytes()
    assert served(built_guide, ref, manifest.slug) == assembled
    # The same frames after each one's own tag: the tags differ only in what the build tagged.
    assert assembled[id3v2_size(assembled):] == written.read_bytes()[id3v2_size(written.read_bytes()):]


def test_zip_has_everything_and_its_playlist_names_files_inside(built_guide):
    manifest = load_manifest(built_guide)
    ref = manifest.downloads["zip"]
    assert not (built_guide / ref.path).exists()  # assembled when read, from the chapters' files
    path = materialised(built_guide, ref)
    assert path.read_bytes() == served(built_guide, ref, manifest.slug)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for chapter in manifest.chapters:  # each member the build's own file, byte for byte
            for member in chapter.file_refs:
                name = f"dystonia/{PurePosixPath(member.path).name}"
                assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
                assert archive.read(name) == (built_guide / member.path).read_bytes()
        names = set(archive.namelist())
        for chapter in manifest.chapters:
            for suffix in (".mp3", ".txt", ".vtt"):
                assert f"dystonia/{chapter.file_stem}{suffix}" in names
        assert "dystonia/README.txt" in names
        playlist = archive.read("dystonia/dystonia.m3u").decode("utf-8")
    lines = playlist.splitlines()
    assert lines[0] == "#EXTM3U"
    infos = [line for line in lines if line.startswith("#EXTINF:")]
    paths = [line for line in lines if line and not line.startswith("#")]
    assert len(infos) == len(paths) == 5
    assert infos[1] == f"#EXTINF:{round(manifest.chapters[1].duration_ms / 1000)},Symptoms"
    for relative in paths:
        assert str(PurePosixPath("dystonia") / relative) in names


def test_json_and_vtt_chapter_lists_for_the_full_guide(built_guide):
    manifest = load_manifest(built_guide)
    data = json.loads((built_guide / manifest.downloads["chapters_json"].path).read_text("utf-8"))
    assert manifest.downloads["chapters_json"].mime == "application/json+chapters"
    assert [c["title"] for c in data["chapters"]] == TITLES
    assert data["chapters"][0]["startTime"] == 0
    vtt = (built_guide / manifest.downloads["chapters_vtt"].path).read_text("utf-8")
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == 5


def test_feed_parses_cleanly_with_one_item_per_chapter_and_the_whole_guide(built_guide):
    manifest = load_manifest(built_guide)
    base = "http://127.0.0.1:8000/guides/dystonia/"
    feed = feedparser.parse(podcast_feed(manifest, base))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Dystonia"
    assert len(feed.entries) == 6
    for entry, chapter in zip(feed.entries, manifest.chapters):
        (enclosure,) = entry.enclosures
        assert enclosure.href == f"{base}media/{chapter.audio.path}"
        assert int(enclosure.length) == chapter.audio.bytes and enclosure.type == "audio/mpeg"
        assert int(entry.itunes_duration) == round(chapter.duration_ms / 1000)
    assert feed.entries[-1].enclosures[0].href.endswith("dystonia-full-guide.mp3")
    assert 'type="application/json+chapters"' in podcast_feed(manifest, base)


def test_feed_escapes_markup_in_titles(built_guide):
    from dataclasses import replace

    manifest = replace(load_manifest(built_guide), title="<script>alert(1)</script> & more")
    xml = podcast_feed(manifest, "http://127.0.0.1/guides/x/")
    assert "<script>" not in xml and "&lt;script&gt;" in xml
    assert not feedparser.parse(xml).bozo
