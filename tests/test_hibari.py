"""The small neural voice (hibari-tts with its bundled "heart" voice), for real.

Same cache, mastering and timings as the other engines; only the bundled
voice is offered; and no build, listing or lexicon check ever tries the
network: every process (the command and its spawned workers) runs under an
audit hook that records any socket connection or name lookup.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

NEURAL_MISSING = "the neural extra is not installed: pip install 'audioguide[neural]'"
pytest.importorskip("hibari", reason=NEURAL_MISSING)
pytest.importorskip("onnxruntime", reason=NEURAL_MISSING)

from audioguide.manifest import load_manifest  # noqa: E402
from audioguide.speech import SpeechError, VoiceSettings, engine_identity, synthesize_all  # noqa: E402
from audioguide.speech.hibari import speed_for  # noqa: E402

from .audio_checks import assert_cues_fit, loudness, probe, read_wav  # noqa: E402
from .test_speech import SENTENCES  # noqa: E402  (the same sentences for every engine)

WORKERS = 2

LEAFLET = """# Taking your tablets

## How to take them

Take one 5 mg tablet twice a day, with food. Swallow it whole with a glass of water.

- Do not take more than 4 tablets in 24 hours.
- If you miss a dose, take it when you remember.

## Getting help

Call 111 if you feel unwell, or 999 in an emergency. The pharmacy opens at 9am.
"""

#: Installed in every Python process of a run (the command and its spawned workers,
#: through PYTHONPATH): it appends one line per network attempt to NETWORK_LOG.
NETWORK_GUARD = textwrap.dedent("""
    import os, sys

    def _guard(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
                     "urllib.Request", "http.client.connect"):
            with open(os.environ["NETWORK_LOG"], "a") as log:
                log.write(f"{os.getpid()} {event} {args!r}\\n")
            raise OSError("network use refused by the test")

    sys.addaudithook(_guard)
""")


def guarded_env(tmp_path: Path) -> tuple[dict, Path]:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(NETWORK_GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    log.write_text("", encoding="utf-8")
    home = tmp_path / "hibari-home"  # hibari's download cache: empty, so nothing is found there
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(guard), os.environ.get("PYTHONPATH")])),
               NETWORK_LOG=str(log), HIBARI_HOME=str(home))
    return env, log


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True, text=True, env=env)



# --- the voice on offer -----------------------------------------------------------------


def test_only_the_bundled_voice_is_listed_and_named_in_the_identity():
    result = run("voices", "--engine", "hibari")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{'heart':<24} {'en-US':<10} heart (American English, female, neural)"]
    assert re.fullmatch(r"hibari-tts 0\.2\.1, onnxruntime [\d.]+, voice heart \(bundled\)",
                        engine_identity(VoiceSettings(engine="hibari")))


@pytest.mark.parametrize("voice", ["emma", "fenrir", "nobody"])
def test_voices_that_would_be_downloaded_are_refused(voice, tmp_path):
    with pytest.raises(SpeechError, match=f"unknown voice '{voice}' for the hibari engine; "
                                          "available voices: heart"):
        engine_identity(VoiceSettings(engine="hibari", voice=voice))
    env, log = guarded_env(tmp_path)
    result = run("build", "--engine", "hibari", "--voice", voice, "-o", str(tmp_path / "out"), env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"unknown voice '{voice}'" in result.stderr
    assert log.read_text() == ""
    assert not (tmp_path / "hibari-home").exists()


def test_the_network_guard_catches_hibaris_own_download(tmp_path):
    # The guard is real: asked directly for a voice outside the package, hibari
    # tries the network, and the guard records and stops it.
    env, log = guarded_env(tmp_path)
    code = "from hibari.voices import voice_path\ntry:\n    voice_path('emma')\nexcept Exception as e:\n    print(e)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "could not download" in result.stdout, result.stdout + result.stderr
    assert "socket.getaddrinfo" in log.read_text() or "urllib.Request" in log.read_text()


# --- synthesis --------------------------------------------------------------------------


def test_rate_in_words_per_minute_becomes_hibari_speed():
    assert speed_for(160) == 1.0 and speed_for(320) == 2.0 and speed_for(80) == 0.5


def test_sentences_from_two_workers_at_the_rate_asked(tmp_path):
    normal = [(text, tmp_path / "160" / f"{i}.wav") for i, text in enumerate(SENTENCES)]
    fast = [(text, tmp_path / "320" / f"{i}.wav") for i, text in enumerate(SENTENCES[:4])]
    assert synthesize_all(normal, VoiceSettings(engine="hibari"), workers=WORKERS) == 10
    assert synthesize_all(fast, VoiceSettings(engine="hibari", rate=320), workers=WORKERS) == 4
    audio = [read_wav(path) for _, path in normal]
    assert {rate for _, rate in audio} == {24000}
    seconds = [len(samples) / rate for samples, rate in audio]
    words = sum(len(text.split()) for text in SENTENCES)
    assert 1.5 < words / sum(seconds) < 3.4, (words, sum(seconds))
    quick = sum(len(read_wav(path)[0]) for _, path in fast) / 24000
    assert 0.4 < quick / sum(seconds[:4]) < 0.65
    # The same sentence sounds the same each time (fixed noise seed), so the cache is honest.
    again = tmp_path / "again.wav"
    synthesize_all([(SENTENCES[0], again)], VoiceSettings(engine="hibari"), workers=1)
    assert again.read_bytes() == normal[0][1].read_bytes()


# --- a small guide, built with no network -------------------------------------------------


@pytest.fixture(scope="module")
def hibari_build(tmp_path_factory) -> tuple[Path, dict, Path, Path]:
    root = tmp_path_factory.mktemp("hibari")
    (root / "leaflet.md").write_text(LEAFLET, encoding="utf-8")
    env, log = guarded_env(root)
    result = run("build", str(root / "leaflet.md"), "--engine", "hibari", "-j", str(WORKERS),
                 "-o", str(root / "out"), "--cache-dir", str(root / "cache"), "--json", env=env)
    assert result.returncode == 0, result.stderr
    return root / "out", json.loads(result.stdout), root / "cache", log


@pytest.fixture(scope="module")
def lexicon_check(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """`audioguide lexicon check --engine hibari` of the built-in guide, run once with the
    network guard: (its result, the guard's log, hibari's download cache)."""
    root = tmp_path_factory.mktemp("hibari-lexicon")
    env, log = guarded_env(root)
    return run("lexicon", "check", "--engine", "hibari", env=env), log, root / "hibari-home"


def test_no_network_is_tried_by_a_hibari_build(hibari_build, lexicon_check, tmp_path):
    out, _, _, log = hibari_build
    assert load_manifest(out).engine.startswith("hibari-tts 0.2.1")
    assert log.read_text() == ""
    env, log = guarded_env(tmp_path)
    result = run("voices", "--engine", "hibari", env=env)
    assert result.returncode == 0, result.stderr
    assert log.read_text() == ""
    assert not (tmp_path / "hibari-home").exists()
    checked, log, home = lexicon_check
    assert checked.returncode == 0, checked.stderr
    assert log.read_text() == ""
    assert not home.exists()


def test_hibari_chapters_are_mastered_like_the_others(hibari_build, ffprobe):
    out = hibari_build[0]
    manifest = load_manifest(out)
    assert [c.title for c in manifest.chapters] == ["How to take them", "Getting help"]
    for chapter in manifest.chapters:
        integrated, peak = loudness(out / chapter.audio.path)
        assert -17.0 <= integrated <= -15.0, f"{chapter.title}: {integrated} LUFS"
        assert peak <= -1.5, f"{chapter.title}: true peak {peak} dBTP"
        (stream,) = probe(ffprobe, out / chapter.audio.path)["streams"]
        assert (stream["codec_name"], stream["channels"], stream["sample_rate"], stream["bit_rate"]) == (
            "mp3", 1, "22050", "64000")


def test_hibari_timings_are_consistent(hibari_build):
    out = hibari_build[0]
    for chapter in load_manifest(out).chapters:
        assert_cues_fit(out, chapter)


def test_hibari_sentences_come_from_the_cache_the_second_time(hibari_build, tmp_path):
    out, first, cache, _ = hibari_build
    assert first["synthesized"] > 5 and first["cached"] == 0
    source = out.parent / "leaflet.md"
    result = run("build", str(source), "--engine", "hibari", "-j", str(WORKERS), "-o", str(tmp_path / "again"),
                 "--cache-dir", str(cache), "--json")
    assert result.returncode == 0, result.stderr
    again = json.loads(result.stdout)
    assert (again["synthesized"], again["cached"]) == (0, first["synthesized"])


def test_lexicon_check_shows_hibaris_own_phonemes(lexicon_check):
    result = lexicon_check[0]
    assert result.returncode == 0, result.stderr
    assert re.search(r"^# engine hibari; phonemes in IPA from hibari-tts 0\.2\.1's own dictionary",
                     result.stdout, re.M)
    said = re.search(r"^dystonia\s+spoken as\s+\S+\n    spoken:  (\S+)", result.stdout, re.M)
    assert said and "ˈ" in said.group(1) and not re.search(r"[AIOQWY]", said.group(1))
