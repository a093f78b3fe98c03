"""``--engine`` over a guide whose guide.toml chose another engine: the voice is the
new engine's default, and so is the rate, unless the guide chose a rate of its own,
which is carried over as the same pace against each engine's default, said in one
warning line (every engine takes words per minute, each says them at its own pace)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.cli import main as cli
from audioguide.guides import carried_rate, load_guide, with_overrides
from audioguide.manifest import load_manifest
from audioguide.speech import engine_kind
from audioguide.speech.base import RATE_RANGE

LEAFLET = "Washing your hands\n\nWhen to wash\n\nWash your hands before you eat.\n"


def guide_folder(root: Path, voice: str) -> Path:
    folder = root / "hands"
    folder.mkdir()
    (folder / "hands.txt").write_text(LEAFLET, encoding="utf-8")
    (folder / "guide.toml").write_text(f'[guide]\nsource = "hands.txt"\n\n[voice]\n{voice}\n', encoding="utf-8")
    return folder


def switched(folder: Path, **options):
    said: list[str] = []
    guide = with_overrides(load_guide(folder), warn=said.append, **options)
    return guide.voice, said


def test_a_rate_chosen_for_one_engine_is_carried_as_the_same_pace_and_said(tmp_path):
    folder = guide_folder(tmp_path, 'engine = "pyttsx3"\nrate = 200')
    voice, said = switched(folder, engine="hibari")
    old, new = engine_kind("pyttsx3"), engine_kind("hibari")
    expected = carried_rate(200, old.default_rate, new.default_rate)
    assert (voice.engine, voice.voice, voice.rate) == ("hibari", new.default_voice, expected)
    assert said == [f"{folder / 'guide.toml'}: rate 200 was chosen for pyttsx3 (default {old.default_rate}); "
                    f"hibari speaks at {expected}, as fast against its default of {new.default_rate}; "
                    "--rate chooses another"]


def test_the_old_engines_default_rate_becomes_the_new_engines_without_a_word(tmp_path):
    folder = guide_folder(tmp_path, 'engine = "hibari"')
    voice, said = switched(folder, engine="pyttsx3")
    assert (voice.engine, voice.rate, said) == ("pyttsx3", engine_kind("pyttsx3").default_rate, [])


def test_a_rate_given_with_the_engine_is_used_as_given(tmp_path):
    folder = guide_folder(tmp_path, 'engine = "pyttsx3"\nrate = 200')
    voice, said = switched(folder, engine="hibari", rate=130)
    assert (voice.engine, voice.rate, said) == ("hibari", 130, [])


@pytest.mark.parametrize("engine", [None, "pyttsx3"])
def test_the_same_engine_keeps_the_guides_rate(tmp_path, engine):
    folder = guide_folder(tmp_path, 'engine = "pyttsx3"\nrate = 200')
    voice, said = switched(folder, engine=engine)
    assert (voice.engine, voice.rate, said) == ("pyttsx3", 200, [])


def test_a_bare_leaflet_switched_has_nothing_to_carry(tmp_path):
    leaflet = tmp_path / "hands.txt"
    leaflet.write_text(LEAFLET, encoding="utf-8")
    said: list[str] = []
    for engine in ("hibari", "piper", "pyttsx3"):
        voice = with_overrides(load_guide(leaflet), engine=engine, warn=said.append).voice
        assert voice.rate == engine_kind(engine).default_rate
    assert said == []


def test_carried_rate_keeps_the_ratio_to_each_default_within_the_range():
    assert carried_rate(200, 160, 160) == 200
    assert carried_rate(140, 160, 175) == 153  # slower than one default, as much slower than the other
    assert carried_rate(320, 160, 125) == 250
    assert carried_rate(450, 125, 175) == RATE_RANGE[1]
    assert carried_rate(80, 175, 125) == RATE_RANGE[0]


def test_a_build_with_another_engine_says_the_rate_once_and_records_it(tmp_path):
    folder = guide_folder(tmp_path, 'engine = "hibari"\nrate = 240')
    out = tmp_path / "build"
    result = CliRunner().invoke(cli, ["build", str(folder), "--engine", "pyttsx3", "-o", str(out), "--quiet",
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    expected = carried_rate(240, engine_kind("hibari").default_rate, engine_kind("pyttsx3").default_rate)
    warnings = [line for line in result.stderr.splitlines() if "rate 240" in line]
    assert warnings == [f"audioguide: warning: {folder / 'guide.toml'}: rate 240 was chosen for hibari "
                        f"(default {engine_kind('hibari').default_rate}); pyttsx3 speaks at {expected}, as fast "
                        f"against its default of {engine_kind('pyttsx3').default_rate}; --rate chooses another"]
    manifest = load_manifest(out)
    assert manifest.engine.startswith("pyttsx3 ") and manifest.rate == expected


def test_a_library_build_with_another_engine_says_it_once_per_guide_that_chose_a_rate(tmp_path):
    folder = guide_folder(tmp_path, 'engine = "hibari"\nrate = 240')
    plain = tmp_path / "plain.txt"
    plain.write_text(LEAFLET.replace("hands", "feet"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(folder), str(plain), "--engine", "pyttsx3", "-o",
                                      str(tmp_path / "library"), "--quiet", "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    told = [line for line in result.stderr.splitlines() if "rate" in line]  # the bare leaflet chose none
    assert len(told) == 1 and told[0].startswith(f"audioguide: warning: {folder / 'guide.toml'}: rate 240 "), told
    expected = carried_rate(240, engine_kind("hibari").default_rate, engine_kind("pyttsx3").default_rate)
    assert load_manifest(tmp_path / "library" / "hands").rate == expected
    assert load_manifest(tmp_path / "library" / "plain").rate == engine_kind("pyttsx3").default_rate
