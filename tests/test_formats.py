"""Talking-book formats of the built-in guide: EPUB 3 Media Overlays, DAISY 2.02 and M4B.

Each is read back by something other than the code that wrote it: the
EPUB's SMIL and XHTML by an XML parser, the DAISY book by the daisy-dtb
reader library, the M4B by ffprobe. The built-in guide is built once for
the session (MP3 and EPUB, the defaults); this module copies that build and
asks it for every format, which masters no chapter again.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest

from audioguide.build import build_guide, needed_cache_keys
from audioguide.cli import main
from audioguide.formats import FormatsError, parse_formats, publish_formats
from audioguide.formats.m4b import write_m4b
from audioguide.audio import MasteringError, ffmpeg_executable
from audioguide.guides import GuideError, load_guide
from audioguide.manifest import load_manifest
from audioguide.speech import SegmentCache
from audioguide.audio import AudioSettings, measure_encoded

from .archives import materialised, served
from .daisy_reader import daisy_reader, daisy_source, first_clip_sha256

SMIL = "{http://www.w3.org/ns/SMIL}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ALL = ("mp3", "epub", "daisy", "m4b")


@pytest.fixture(scope="module")
def every_format(built_guide, segment_cache, tmp_path_factory):
    """A copy of the session's build, built again with every format."""
    copy = tmp_path_factory.mktemp("formats") / "dystonia"
    shutil.copytree(built_guide, copy)
    result = build_guide(replace(load_guide(), formats=ALL), copy, cache=segment_cache)
    return result


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clock_ms(value: str) -> int:
    hours, minutes, seconds = value.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


# EPUB -------------------------------------------------------------------------------

def test_epub_is_made_by_default_and_recorded(built_guide):
    manifest = load_manifest(built_guide)
    assert set(manifest.formats) == {"epub"}
    ref = manifest.formats["epub"].download
    assert ref.path == "downloads/dystonia.epub" and ref.mime == "application/epub+zip"
    # Assembled: the build wrote its description only, whose sha256 names the book's bytes.
    assert not (built_guide / ref.path).exists() and ref.parts.path == "downloads/dystonia.epub.parts"
    assert _sha256(built_guide / ref.parts.path) == ref.sha256 == ref.parts.sha256
    assert (built_guide / ref.parts.path).stat().st_size < 100_000
    assert materialised(built_guide, ref).read_bytes() == served(built_guide, ref, manifest.slug)


def test_epub_container_mimetype_first_and_stored_audio_unchanged(built_guide):
    manifest = load_manifest(built_guide)
    with zipfile.ZipFile(materialised(built_guide, manifest.formats["epub"].download)) as book:
        first = book.infolist()[0]
        assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED, b"")
        assert book.read("mimetype") == b"application/epub+zip"
        for chapter in manifest.chapters:
            inside = book.read(f"EPUB/audio/{Path(chapter.audio.path).name}")
            assert hashlib.sha256(inside).hexdigest() == chapter.audio.sha256  # the same MP3, not re-encoded


def test_every_smil_clip_matches_the_manifest_to_the_millisecond(built_guide):
    manifest = load_manifest(built_guide)
    with zipfile.ZipFile(materialised(built_guide, manifest.formats["epub"].download)) as book:
        names = set(book.namelist())
        for chapter in manifest.chapters:
            smil = ElementTree.fromstring(book.read(f"EPUB/smil/{chapter.file_stem}.smil"))
            pars = smil.findall(f".//{SMIL}par")
            assert len(pars) == len(chapter.segments)
            texts: dict[str, dict[str, str]] = {}
            for index, (par, segment) in enumerate(zip(pars, chapter.segments)):
                text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
                document, fragment = text.get("src").split("#")
                document = "EPUB/" + document.removeprefix("../")
                assert document in names
                if document not in texts:
                    root = ElementTree.fromstring(book.read(document))
                    texts[document] = {e.get("id"): "".join(e.itertext()) for e in root.iter() if e.get("id")}
                assert fragment in texts[document]  # the reference resolves to an element
                assert texts[document][fragment] == " ".join(segment.written.split())
                assert "EPUB/" + audio.get("src").removeprefix("../") == f"EPUB/audio/{Path(chapter.audio.path).name}"
                next_start = (chapter.segments[index + 1].start_ms if index + 1 < len(chapter.segments)
                              else chapter.duration_ms)
                assert _clock_ms(audio.get("clipBegin")) == segment.start_ms
                assert _clock_ms(audio.get("clipEnd")) == next_start  # the pause after it belongs to it
                assert _clock_ms(audio.get("clipEnd")) >= segment.end_ms


def test_package_carries_durations_and_accessibility_metadata(built_guide):
    manifest = load_manifest(built_guide)
    with zipfile.ZipFile(materialised(built_guide, manifest.formats["epub"].download)) as book:
        opf = ElementTree.fromstring(book.read("EPUB/package.opf"))
        nav = book.read("EPUB/nav.xhtml").decode()
    meta = [(m.get("property"), m.get("refines"), m.text) for m in opf.iter("{http://www.idpf.org/2007/opf}meta")]
    values = {}
    for prop, refines, text in meta:
        values.setdefault((prop, refines), []).append(text)
    per_chapter = [_clock_ms(values[("media:duration", f"#mo-{c.file_stem}")][0]) for c in manifest.chapters]
    assert per_chapter == [c.duration_ms - c.segments[0].start_ms for c in manifest.chapters]
    assert _clock_ms(values[("media:duration", None)][0]) == sum(per_chapter)
    assert values[("media:active-class", None)] == ["-epub-media-overlay-active"]
    assert set(values[("schema:accessMode", None)]) == {"textual", "auditory"}
    assert "synchronizedAudioText" in values[("schema:accessibilityFeature", None)]
    assert values[("schema:accessibilityHazard", None)] == ["none"]
    assert values[("schema:accessibilitySummary", None)][0]
    assert "textual,auditory" in values[("schema:accessModeSufficient", None)]
    assert opf.find(".//{http://purl.org/dc/elements/1.1/}language").text == manifest.language
    assert 'role="doc-toc"' in nav and nav.index("Overview") < nav.index("Complications")


def test_epub_lists_are_lists(built_guide):
    manifest = load_manifest(built_guide)
    chapter = next(c for c in manifest.chapters if any(s.kind == "list_item" for s in c.segments))
    with zipfile.ZipFile(materialised(built_guide, manifest.formats["epub"].download)) as book:
        root = ElementTree.fromstring(book.read(f"EPUB/text/{chapter.file_stem}.xhtml"))
    items = root.findall(f".//{XHTML}ul/{XHTML}li")
    list_items = {(s.paragraph, s.item) for s in chapter.segments if s.kind == "list_item"}
    assert len(items) == len(list_items)


WRITE_EPUB = """import sys
from pathlib import Path
from audioguide.formats.epub import write_epub
from audioguide.manifest import load_manifest
build = Path(sys.argv[1])
write_epub(load_manifest(build), build, Path(sys.argv[2]))
"""


def test_same_content_gives_the_same_epub_bytes_in_another_process(built_guide, tmp_path):
    """Two fresh interpreters (other hash seeds, other clocks) write the very bytes the build wrote."""
    manifest = load_manifest(built_guide)
    for run, seed in enumerate(("1", "2")):
        subprocess.run([sys.executable, "-c", WRITE_EPUB, str(built_guide), str(tmp_path / f"{run}.epub")],
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120)
    built = materialised(built_guide, manifest.formats["epub"].download).read_bytes()
    assert (tmp_path / "0.epub").read_bytes() == (tmp_path / "1.epub").read_bytes() == built


# DAISY 2.02 ---------------------------------------------------------------------------

def _daisy_reader():
    try:
        return daisy_reader()
    except ImportError as error:
        pytest.skip(f"the DAISY reader library is not installed ({error}); scripts/test installs daisy-dtb")


@pytest.mark.parametrize("packaging", ["folder", "zip"])
def test_daisy_book_reads_back_with_chapters_and_clips(every_format, packaging):
    daisy_dtb = _daisy_reader()
    build_dir, manifest = every_format.build_dir, every_format.manifest
    entry = manifest.formats["daisy"]
    location = (str(build_dir / "daisy") + "/" if packaging == "folder"
                else str(materialised(build_dir, entry.download)))
    book = daisy_dtb.DaisyBook(daisy_source(packaging, location))
    assert book.title == manifest.title
    assert book.get_metadata("dc:format").content == "Daisy 2.02"
    assert book.get_metadata("ncc:multimediaType").content == "audioFullText"
    assert [e.text for e in book.toc_entries] == [c.title for c in manifest.chapters]
    # Each chapter's first clip as the reader plays it, the chapters fetched side by side.
    # The reader guesses a text encoding for every byte of an MP3 it fetches (seconds
    # each), so the zipped book, the same files, plays only its last chapter through the
    # reader; every chapter's MP3, in the folder and in the zip, is compared byte for byte.
    count = len(manifest.chapters)
    played = range(count) if packaging == "folder" else [count - 1]
    with ProcessPoolExecutor(max_workers=min(len(played), os.cpu_count() or 1),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        heard = dict(zip(played, pool.map(first_clip_sha256, [packaging] * len(played),
                                          [location] * len(played), played)))
    if packaging == "zip":
        with zipfile.ZipFile(location) as archive:
            stored = {Path(name).name: hashlib.sha256(archive.read(name)).hexdigest()
                      for name in archive.namelist()}
    else:
        stored = {path.name: _sha256(path) for path in (build_dir / "daisy").iterdir()}
    for toc, chapter in zip(book.toc_entries, manifest.chapters, strict=True):
        sections = toc.smil.sections
        assert [s.text.content for s in sections] == [" ".join(s.written.split()) for s in chapter.segments]
        clips = [clip for section in sections for clip in section.clips]
        assert {clip.src for clip in clips} == {Path(chapter.audio.path).name}
        assert [round(clip.begin * 1000) for clip in clips] == [s.start_ms for s in chapter.segments]
        assert round(clips[-1].end * 1000) == chapter.duration_ms
        assert stored[clips[0].src] == chapter.audio.sha256  # the file the clips name is the chapter's MP3
    for number, sound in heard.items():
        assert sound == manifest.chapters[number].audio.sha256, manifest.chapters[number].title


def test_daisy_files_are_recorded(every_format):
    build_dir, entry = every_format.build_dir, every_format.manifest.formats["daisy"]
    paths = [ref.path for ref in entry.files]
    assert paths[0] == "daisy/ncc.html" and "daisy/content.html" in paths
    for ref in (entry.download.on_disk, *entry.files):
        assert _sha256(build_dir / ref.path) == ref.sha256
    with zipfile.ZipFile(materialised(build_dir, entry.download)) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(f"dystonia-daisy/{Path(p).name}" for p in paths)


# M4B ----------------------------------------------------------------------------------

def test_m4b_chapters_match_the_mp3_chapter_marks(every_format, ffprobe):
    build_dir, manifest = every_format.build_dir, every_format.manifest
    m4b = build_dir / manifest.formats["m4b"].download.path
    probe = json.loads(subprocess.run(
        [ffprobe, "-v", "error", "-show_chapters", "-show_format", "-show_streams", "-of", "json", str(m4b)],
        capture_output=True, text=True, check=True).stdout)
    marks = json.loads((build_dir / manifest.downloads["chapters_json"].path).read_text())["chapters"]
    chapters = probe["chapters"]
    assert [c["tags"]["title"] for c in chapters] == [c.title for c in manifest.chapters]
    for chapter, mark in zip(chapters, marks):
        assert abs(float(chapter["start_time"]) - mark["startTime"]) <= 0.050
    full = subprocess.run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                           str(materialised(build_dir, manifest.downloads["full_guide"]))],
                          capture_output=True, text=True, check=True).stdout
    assert abs(float(chapters[-1]["end_time"]) - float(full)) <= 0.050
    audio = [s for s in probe["streams"] if s["codec_type"] == "audio"]
    assert [s["codec_name"] for s in audio] == ["aac"]
    tags = {k.lower(): v for k, v in probe["format"]["tags"].items()}
    assert tags["title"] == manifest.title and tags["artist"] == manifest.author
    assert not [s for s in probe["streams"] if s["codec_type"] == "video"]  # no cover
    loudness, peak = measure_encoded(m4b, AudioSettings())  # mastered like the MP3s
    assert abs(loudness - AudioSettings().loudness_lufs) <= 1.0 and peak <= AudioSettings().true_peak_dbtp


# The build ----------------------------------------------------------------------------

def test_unchanged_rebuild_keeps_every_format(every_format, segment_cache):
    build_dir = every_format.build_dir
    before = {ref.path: (build_dir / ref.path).stat().st_mtime_ns for ref in every_format.manifest.files().values()}
    again = build_guide(replace(load_guide(), formats=ALL), build_dir, cache=segment_cache)
    assert again.manifest == every_format.manifest
    assert {p: (build_dir / p).stat().st_mtime_ns for p in before} == before


def test_formats_no_longer_asked_for_are_removed(every_format, segment_cache, tmp_path):
    copy = tmp_path / "dystonia"
    shutil.copytree(every_format.build_dir, copy)
    result = build_guide(load_guide(), copy, cache=segment_cache)
    assert set(result.manifest.formats) == {"epub"}
    assert not (copy / "downloads" / "dystonia.m4b").exists()
    assert not list((copy / "daisy").iterdir())


def test_sentences_said_again_for_the_m4b_are_sealed_in_the_cache(every_format, segment_cache, tmp_path):
    """The M4B is mastered from the cache; a sentence the cache lost since is said
    again, and stored with its checksum like any other, so the next build uses it."""
    copy, cache_dir = tmp_path / "dystonia", tmp_path / "cache"
    shutil.copytree(every_format.build_dir, copy)
    cache = SegmentCache(cache_dir)
    guide = replace(load_guide(), formats=ALL)
    lost = sorted(needed_cache_keys(guide, segment_cache))[0]
    for key in needed_cache_keys(guide, segment_cache) - {lost}:
        cache.path(key).parent.mkdir(parents=True, exist_ok=True)
        for source in segment_cache.path(key).parent.glob(f"{key}.*"):
            shutil.copy2(source, cache.path(key).parent / source.name)
    (copy / "downloads" / "dystonia.m4b").unlink()  # so the M4B is made again, chapters reused
    result = build_guide(guide, copy, cache=cache)
    assert result.mastered == () and (copy / "downloads" / "dystonia.m4b").is_file()
    assert cache.state(lost) == "ok"


def test_player_offers_and_export_copies_the_formats(every_format, tmp_path):
    from audioguide.web import create_app
    from audioguide.web.export import export_site

    manifest = every_format.manifest
    page = create_app(every_format.build_dir).test_client().get("/guides/dystonia/").get_data(as_text=True)
    for name in ("EPUB 3 book", "DAISY 2.02 talking book", "Audiobook with chapters (M4B)"):
        assert name in page
    export_site(every_format.build_dir, tmp_path / "site")
    media = tmp_path / "site" / "guides" / "dystonia" / "media"
    for entry in manifest.formats.values():
        for ref in (entry.download, *entry.files):
            if ref.parts is None:
                assert _sha256(media / ref.path) == ref.sha256
            else:  # assembled: written out by the export, the same bytes as served
                assert (media / ref.path).read_bytes() == materialised(every_format.build_dir, ref).read_bytes()
                assert not (media / ref.parts.path).exists()
    assert (media / "daisy" / "ncc.html").is_file()


def test_formats_are_chosen_on_the_command_line_and_in_guide_toml(tmp_path):
    assert parse_formats("m4b, EPUB") == ("mp3", "epub", "m4b")
    with pytest.raises(FormatsError, match="unknown format 'pdf'"):
        parse_formats("mp3,pdf")
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "leaflet.md").write_text("# Title\n\nText.\n", encoding="utf-8")
    (folder / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nformats = ["daisy"]\n', encoding="utf-8")
    assert load_guide(folder).formats == ("mp3", "daisy")
    (folder / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nformats = ["wav"]\n', encoding="utf-8")
    with pytest.raises(GuideError, match=r"guide\.toml:3.*unknown format 'wav'"):
        load_guide(folder)
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["build", str(folder / "leaflet.md"), "--formats", "mp3,docx",
                                       "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--formats: unknown format 'docx'" in result.output
    assert not (tmp_path / "out").exists()


def _identity(build_dir: Path, entry) -> dict[str, tuple[int, int, str]]:
    refs = (entry.download.on_disk, *entry.files)  # an assembled download: its description
    return {ref.path: ((build_dir / ref.path).stat().st_ino, (build_dir / ref.path).stat().st_mtime_ns,
                       _sha256(build_dir / ref.path)) for ref in refs}


def test_a_format_is_written_again_only_when_what_it_holds_changes(every_format, tmp_path):
    copy = tmp_path / "dystonia"
    shutil.copytree(every_format.build_dir, copy)
    manifest = load_manifest(copy)

    def no_audio(index):
        raise AssertionError("an unchanged M4B must not be encoded again")

    before = {name: _identity(copy, entry) for name, entry in manifest.formats.items()}
    again = publish_formats(manifest, copy, ALL, manifest, no_audio)
    assert again.formats == manifest.formats
    assert {name: _identity(copy, entry) for name, entry in again.formats.items()} == before

    chapter = manifest.chapters[0]
    edited = replace(chapter, segments=(replace(chapter.segments[0], written="Changed title."),
                                        *chapter.segments[1:]))
    changed = replace(manifest, chapters=(edited, *manifest.chapters[1:]))
    rewritten = publish_formats(changed, copy, ("mp3", "epub", "daisy"), manifest, no_audio)
    for name in ("epub", "daisy"):
        new, old = rewritten.formats[name], manifest.formats[name]
        assert new.fingerprint != old.fingerprint
        now = _identity(copy, new)
        for path in {"epub": [new.download.on_disk.path],
                     "daisy": [new.download.on_disk.path, "daisy/content.html"]}[name]:
            assert now[path][:2] != before[name][path][:2]  # a new file in its place
            assert now[path][2] != before[name][path][2]
    with zipfile.ZipFile(materialised(copy, rewritten.formats["epub"].download)) as book:
        assert "Changed title." in book.read(f"EPUB/text/{chapter.file_stem}.xhtml").decode()


def test_every_chapter_records_the_gain_its_mp3_was_kept_with(every_format):
    for chapter in every_format.manifest.chapters:
        assert -25 < chapter.gain_aim_lufs < -10 and -10 < chapter.limiter_ceiling_dbfs < 0


def _first_chapter_pcm(build_dir: Path, manifest, db: float = 0.0) -> bytes:
    """The first chapter's real audio, decoded from its MP3, ``db`` louder."""
    return subprocess.run([ffmpeg_executable(), "-v", "error", "-i", str(build_dir / manifest.chapters[0].audio.path),
                           "-af", f"volume={db}dB", "-f", "s16le", "-ac", "1", "-ar", "22050", "-"],
                          capture_output=True, check=True).stdout


def test_an_m4b_off_the_loudness_target_is_encoded_again_corrected(every_format, tmp_path):
    build_dir, manifest = every_format.build_dir, every_format.manifest
    manifest = replace(manifest, chapters=manifest.chapters[:1])
    quiet = _first_chapter_pcm(build_dir, manifest, -6)
    target = tmp_path / "guide.m4b"
    write_m4b(manifest, build_dir, target, lambda index: [quiet])
    loudness, peak = measure_encoded(target, AudioSettings())
    assert abs(loudness - AudioSettings().loudness_lufs) <= 0.5 and peak <= AudioSettings().true_peak_dbtp


def test_an_m4b_that_cannot_meet_both_limits_is_refused(every_format, tmp_path):
    """Full-scale clicks over speech at the target: quiet enough for the peaks is too quiet."""
    build_dir, manifest = every_format.build_dir, every_format.manifest
    manifest = replace(manifest, chapters=manifest.chapters[:1])
    samples = np.frombuffer(_first_chapter_pcm(build_dir, manifest), dtype="<i2").copy()
    samples[::22050] = 32767
    samples[1::22050] = -32768
    target = tmp_path / "guide.m4b"
    with pytest.raises(MasteringError, match=r"guide\.m4b: after the AAC encode and one correction .* "
                                             r"it was not written") as caught:
        write_m4b(manifest, build_dir, target, lambda index: [samples.tobytes()])
    assert "\n" not in str(caught.value)
    assert not target.exists() and not list(tmp_path.iterdir())  # nothing half-written
