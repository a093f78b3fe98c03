"""Faults underneath: a missing or broken speech library, a missing or failing
ffmpeg (which only the M4B book needs: the chapter MP3s are encoded in-process).
Each ends in one clear line, exit code 2, and no finished-looking file.

The faults are real: the process really lacks the library or finds a broken
ffmpeg on its PATH; nothing in audioguide is replaced."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

LEAFLET = "Title\n\nHeading\n\nSome text to say.\n"


@pytest.fixture()
def leaflet(tmp_path) -> Path:
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET, encoding="utf-8")
    return path


def build(tmp_path: Path, leaflet: Path, *options: str, path=None, pythonpath=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return subprocess.run(
        [sys.executable, "-m", "audioguide", "build", str(leaflet), "-o", str(tmp_path / "out"),
         "--cache-dir", str(tmp_path / "cache"), *options],
        capture_output=True, text=True, env=env, timeout=300,
    )


def assert_refused(result, line: str, tmp_path: Path):
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"audioguide: error: {line}"]
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert not list((tmp_path / "out").rglob("*.mp3"))


def shadow_package(folder: Path, name: str, body: str) -> str:
    """A package that takes the real one's place on sys.path, as a broken install would."""
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text(body, encoding="utf-8")
    return str(folder)


def test_speech_library_not_installed(tmp_path, leaflet):
    shadow = shadow_package(tmp_path / "shadow", "espeakng_loader",
                            "raise ImportError('No module named espeakng_loader')\n")
    result = build(tmp_path, leaflet, pythonpath=shadow)
    assert_refused(result, "the espeak-ng library is missing: install it with 'pip install espeakng-loader'",
                   tmp_path)


def test_speech_library_broken(tmp_path, leaflet):
    missing = tmp_path / "gone" / "libespeak-ng.so.1"
    shadow = shadow_package(tmp_path / "shadow", "espeakng_loader", (
        f"def get_library_path():\n    return {str(missing)!r}\n"
        f"def get_data_path():\n    return {str(tmp_path / 'gone')!r}\n"))
    result = build(tmp_path, leaflet, pythonpath=shadow)
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("audioguide: error: the espeak-ng library could not be loaded (")
    assert str(missing) in line
    assert line.endswith("reinstall it with 'pip install --force-reinstall espeakng-loader'")


def test_ffmpeg_missing_everywhere(tmp_path, leaflet):
    shadow = shadow_package(tmp_path / "shadow", "imageio_ffmpeg",
                            "raise ImportError('No module named imageio_ffmpeg')\n")
    result = build(tmp_path, leaflet, "--formats", "mp3,m4b", path=str(Path(sys.executable).parent),
                   pythonpath=shadow)
    assert_refused(result, "ffmpeg was not found: install it (apt-get install ffmpeg) "
                           "or 'pip install imageio-ffmpeg'", tmp_path)


def test_a_guide_without_the_m4b_needs_no_ffmpeg(tmp_path, leaflet):
    shadow = shadow_package(tmp_path / "shadow", "imageio_ffmpeg",
                            "raise ImportError('No module named imageio_ffmpeg')\n")
    result = build(tmp_path, leaflet, path=str(Path(sys.executable).parent), pythonpath=shadow)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "audio" / "01-heading.mp3").stat().st_size > 0
    assert (tmp_path / "out" / "manifest.json").exists()


def test_ffmpeg_that_fails(tmp_path, leaflet):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'Unknown encoder aac' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = build(tmp_path, leaflet, "--formats", "mp3,m4b", path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("audioguide: error: ")
    assert line.endswith("ffmpeg failed: Unknown encoder aac")
    assert ".m4b" in line  # names the file it was making
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert not list((tmp_path / "out").rglob("*.m4b*"))


def test_without_the_import_extra_a_text_leaflet_builds_and_a_word_file_names_the_extra(tmp_path, leaflet):
    shadow = shadow_package(tmp_path / "shadow", "lxml", "raise ImportError('No module named lxml')\n")
    result = build(tmp_path, leaflet, pythonpath=shadow)
    assert result.returncode == 0, result.stderr
    word = tmp_path / "leaflet.docx"
    with zipfile.ZipFile(word, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    refused = build(tmp_path / "word", word, pythonpath=shadow)
    assert refused.returncode == 2
    (line,) = refused.stderr.splitlines()
    assert str(word) in line and "needs the 'import' extra: pip install 'audioguide[import]'" in line
