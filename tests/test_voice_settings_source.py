"""Voice settings have one source of truth: the cache key covers every field, and the
command line accepts exactly the ranges the settings themselves accept."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, replace

import pytest
from click.testing import CliRunner

from audioguide.cli import main
from audioguide.speech import SegmentCache, VoiceSettings
from audioguide.speech.base import RATE_RANGE, VOLUME_RANGE, SpeechError


def test_every_voice_field_changes_the_cache_key(tmp_path):
    cache = SegmentCache(tmp_path)
    settings = VoiceSettings()
    base = cache.key(settings, "espeak-ng 1.51", "Hello.")
    other = {"engine": "piper", "voice": "en-us", "rate": 200, "volume": 0.5}
    assert {field.name for field in fields(VoiceSettings)} == set(other), "a new field: give it a value here"
    for name, value in other.items():
        changed = replace(settings, **{name: value}, **({"voice": None} if name == "engine" else {}))
        assert cache.key(changed, "espeak-ng 1.51", "Hello.") != base, name


def test_keys_of_sentences_already_cached_are_kept(tmp_path):
    settings = VoiceSettings(rate=170, volume=0.8)
    parts = [settings.engine, "espeak-ng 1.51", settings.voice, 170, 0.8, "Hello."]
    expected = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
    assert SegmentCache(tmp_path).key(settings, "espeak-ng 1.51", "Hello.") == expected


@pytest.mark.parametrize("option, inside, outside, setting", [
    ("--rate", RATE_RANGE, (RATE_RANGE[0] - 1, RATE_RANGE[1] + 1), "rate"),
    ("--volume", VOLUME_RANGE, (VOLUME_RANGE[0] / 2, VOLUME_RANGE[1] + 0.1), "volume"),
])
def test_command_line_and_settings_accept_the_same_range(option, inside, outside, setting):
    runner = CliRunner()
    for value in inside:
        VoiceSettings(**{setting: value})
        result = runner.invoke(main, ["script", option, str(value)])
        assert result.exit_code == 0, result.output
    for value in outside:
        with pytest.raises(SpeechError):
            VoiceSettings(**{setting: value})
        assert runner.invoke(main, ["script", option, str(value)]).exit_code == 2


def test_a_command_given_a_bad_guide_says_so_in_one_line(tmp_path):
    missing = tmp_path / "nowhere.md"
    result = CliRunner().invoke(main, ["script", str(missing)])
    assert result.exit_code == 2 and "nowhere.md" in result.output
    result = CliRunner().invoke(main, ["cache", "prune", "--cache-dir", str(tmp_path / "c"), str(missing)])
    assert result.exit_code == 2 and "nowhere.md" in result.output
