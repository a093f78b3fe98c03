"""The command line as a user meets it: clear one-line errors with exit code 2, and the script view."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from audioguide.cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True, text=True)


def test_unwritable_output_directory(tmp_path):
    blocker = tmp_path / "file-in-the-way"
    blocker.write_text("x")
    result = run("build", "-o", str(blocker / "out"))
    assert result.returncode == 2
    assert "cannot write the build here" in result.stderr and "Traceback" not in result.stderr


def test_malformed_guide_toml_names_file_line_and_key(tmp_path):
    (tmp_path / "leaflet.txt").write_text("T\n\nPart\n\nText.\n", encoding="utf-8")
    (tmp_path / "guide.toml").write_text(
        '[guide]\nsource = "leaflet.txt"\n\n[voice]\nrate = "fast"\n', encoding="utf-8")
    result = run("script", str(tmp_path))
    assert result.returncode == 2
    assert "guide.toml:5: key 'voice.rate': must be a whole number" in result.stderr


@pytest.mark.parametrize("toml, message", [
    # A key of the wrong table is found where it is written, not where its name first appears.
    (b'[voice]\nrate = 150\n\n[guide]\nsource = "leaflet.txt"\nrate = 3\n',
     "guide.toml:6: key 'guide.rate': unknown key"),
    (b'[guide]\nsource = "leaflet.txt"\nguide.bogus = 1\n',
     "guide.toml:3: key 'guide.guide': unknown key"),
    (b'[guide]\nsource = "leaflet.txt"\nmax_source_bytes = 0\n',
     "guide.toml:3: key 'guide.max_source_bytes': must be at least 1"),
    (b'[guide]\nsource = "leaflet.txt"\nauthor = "caf\xe9"\n', "guide.toml: not UTF-8 text"),
    (b'[guide]\nsource = "leaflet.txt"\nauthor = \n', "guide.toml:3: key 'guide.author': invalid TOML"),
])
def test_every_guide_toml_problem_is_one_line_naming_file_line_and_key(tmp_path, toml, message):
    (tmp_path / "leaflet.txt").write_text("T\n\nPart\n\nText.\n", encoding="utf-8")
    (tmp_path / "guide.toml").write_bytes(toml)
    result = run("script", str(tmp_path))
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"audioguide: error: {tmp_path}/{message}"), line


def test_a_leaflet_path_through_a_file_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "leaflet.txt").write_text("T\n\nPart\n\nText.\n", encoding="utf-8")
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.txt/inner.txt"\n')
    result = run("script", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"audioguide: error: {tmp_path / 'leaflet.txt' / 'inner.txt'}: cannot be read (Not a directory)"]


def test_script_shows_written_spoken_and_pauses_for_the_builtin_guide():
    result = CliRunner().invoke(main, ["script"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("# Dystonia")
    assert "## 2. Symptoms" in out
    assert "[list_item] Neck (cervical dystonia)." in out
    assert "spoken: Neck, cervical distonia." in out
    assert "pause: 650 ms" in out


def test_voices_lists_english_voices():
    result = run("voices", "--language", "en")
    assert result.returncode == 0
    assert "gmw/en-us" in result.stdout
