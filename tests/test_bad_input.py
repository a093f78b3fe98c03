"""Whatever a user feeds it: one exact line, exit code 2 and nothing written; or,
for odd but usable text, a guide whose every output is safe."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from audioguide.manifest import load_manifest
from audioguide.web import create_app

from .archives import materialised

LEAFLET = "Title\n\nHeading\n\nSome text.\n"


def build(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "audioguide", "build", *args, "-o", str(tmp_path / "out"),
         "--cache-dir", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=600,
    )


def write_big(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)


REFUSED = [
    ("empty.txt", b"", "{p}: file is empty"),
    ("blank.txt", b"  \n\t\n   \n", "{p}: file is empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "{p}: binary data, not a text file"),
    ("huge.txt", write_big,
     "{p}: file is 52,428,800 bytes, over the limit of 2,000,000 bytes "
     "(raise it with --max-source-bytes or max_source_bytes in guide.toml)"),
    ("latin1.txt", "Title\n\nHeading\n\nCafé au lait.\n".encode("latin-1"),
     "{p}:5: not UTF-8 text (save the file as UTF-8 and try again)"),
    ("utf16.txt", LEAFLET.encode("utf-16-le"),
     "{p}: UTF-16 text without a byte-order mark (save the file as UTF-8 and try again)"),
    ("flat.txt", b"A title\n\nOne paragraph and no headings at all.\n",
     "{p}: no sections: add heading lines (short lines with no end punctuation, "
     "or Markdown '#' headings) above the text"),
    ("bare.md", b"# Title\n\n## Empty heading\n\n## Full heading\n\nText.\n",
     "{p}:3: heading 'Empty heading' has no text under it"),
    ("missing.txt", None, "{p}: no such file or folder"),
]


@pytest.mark.parametrize("name, content, message", REFUSED, ids=[case[0] for case in REFUSED])
def test_bad_leaflets_are_refused_in_one_exact_line(tmp_path, name, content, message):
    path = tmp_path / name
    if callable(content):
        content(path)
    elif content is not None:
        path.write_bytes(content)
    result = build(tmp_path, str(path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"audioguide: error: {message.format(p=path)}"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.mp3"))


def test_the_size_limit_is_configurable(tmp_path):
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET * 3, encoding="utf-8")
    size = path.stat().st_size
    result = build(tmp_path, str(path), "--max-source-bytes", "20")
    assert result.returncode == 2
    assert f"file is {size} bytes, over the limit of 20 bytes" in result.stderr
    guide = tmp_path / "guide"
    guide.mkdir()
    (guide / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    (guide / "guide.toml").write_text('[guide]\nsource = "leaflet.txt"\nmax_source_bytes = 10\n')
    assert "over the limit of 10 bytes" in build(tmp_path, str(guide)).stderr


def test_an_unknown_voice_lists_the_available_ones(tmp_path):
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET, encoding="utf-8")
    result = build(tmp_path, str(path), "--voice", "klingon")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("audioguide: error: unknown voice 'klingon'; available voices: ")
    assert "gmw/en-us" in line.split("available voices: ")[1].split(", ")
    assert not (tmp_path / "out" / "manifest.json").exists()


HOSTILE = "\r\n".join([
    "Odd <b>leaflet</b> & co",
    "",
    "Alerts <script>alert(1)</script> & more",
    "",
    "Tom & Jerry say <script>alert('x')</script> is not a tag here. Smile 😀 please.",
    "",
    "Same title",
    "",
    "Hebrew שלום and Arabic مرحبا in one sentence. Bell\x07 and escape\x1b characters vanish.",
    "",
    "Same title",
    "",
    " ".join(["word"] * 1700),  # about 10,000 characters with no punctuation at all
    "",
])


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "odd.txt"
    path.write_bytes(HOSTILE.encode("utf-8"))
    result = build(folder, str(path))
    assert result.returncode == 0, result.stderr
    return folder / "out"


def test_hostile_text_builds_with_distinct_slugs_and_nothing_lost(hostile_build):
    manifest = load_manifest(hostile_build)
    assert [c.title for c in manifest.chapters] == [
        "Alerts <script>alert(1)</script> & more", "Same title", "Same title"]
    assert [c.slug for c in manifest.chapters] == ["alerts-script-alert-1-script-more", "same-title", "same-title-2"]
    written = " ".join(s.written for c in manifest.chapters for s in c.segments if s.kind != "title")
    assert "Tom & Jerry say <script>alert('x')</script> is not a tag here." in written
    assert "Bell and escape characters vanish." in written  # control characters dropped
    assert written.count("word") == 1700
    long_chapter = manifest.chapters[2]
    assert len([s for s in long_chapter.segments if s.kind != "title"]) > 1  # split, not one 10 kB cue
    for chapter in manifest.chapters:
        assert "<" not in chapter.audio.path and "&" not in chapter.audio.path
        for segment in chapter.segments:
            assert not set("<>[]{}") & set(segment.spoken), segment.spoken


def test_hostile_text_is_escaped_in_html_feed_id3_and_zip(hostile_build):
    manifest = load_manifest(hostile_build)
    client = create_app(hostile_build).test_client()
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>leaflet" not in page
    assert "Alerts &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "Odd &lt;b&gt;leaflet&lt;/b&gt; &amp; co" in page

    feed = feedparser.parse(client.get(f"/guides/{manifest.slug}/feed.xml").data)
    assert not feed.bozo
    assert feed.feed.title == "Odd <b>leaflet</b> & co"
    assert feed.entries[0].title == "1. Alerts <script>alert(1)</script> & more"

    tags = ID3(hostile_build / manifest.chapters[0].audio.path)
    assert str(tags["TIT2"]) == "Alerts <script>alert(1)</script> & more"
    assert str(tags["TALB"]) == "Odd <b>leaflet</b> & co"
    with zipfile.ZipFile(materialised(hostile_build, manifest.downloads["zip"])) as archive:
        for name in archive.namelist():
            assert not set('<>&:"\\|?*') & set(name), name
        playlist = next(n for n in archive.namelist() if n.endswith(".m3u"))
        assert "#EXTINF:" in archive.read(playlist).decode("utf-8")
    vtt = (hostile_build / manifest.chapters[0].captions.path).read_text(encoding="utf-8")
    assert "&lt;script&gt;" in vtt and "<script>" not in vtt
    json.loads((hostile_build / manifest.downloads["chapters_json"].path).read_text(encoding="utf-8"))
