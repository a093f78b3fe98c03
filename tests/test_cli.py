"""The command line as a user meets it: clear one-line errors with exit code 2, and the script view."""

from __future__ import annotations

import json
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


def test_script_shows_written_spoken_and_pauses_for_the_builtin_guide():
    result = CliRunner().invoke(main, ["script"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("# Dystonia")
    assert "## 2. Symptoms" in out
    assert "[list_item] Neck (cervical dystonia)." in out
    assert "spoken: Neck, cervical distonia." in out
    assert "pause: 650 ms" in out


def test_build_json_summary(tmp_path):
    result = run("build", "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["chapters"] == 5 and summary["duration_ms"] > 120_000


def test_voices_lists_english_voices():
    result = run("voices", "--language", "en")
    assert result.returncode == 0
    assert "gmw/en-us" in result.stdout
