"""The default voice leaves espeak-ng's word gap between words, in every sentence a worker says."""

from __future__ import annotations

import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from audioguide.speech import VoiceSettings, engine_identity, synthesize_all
from audioguide.speech.espeak import WORD_GAP

SENTENCES = [
    "An asthma attack can come on slowly.",
    "Call the helpline on 0300 222 5800, Monday to Friday.",
    "Never take a double dose to make up for a missed one.",
    "Your reliever inhaler opens your airways within five minutes.",
]


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def espeak_ng(text: str, rate: int, gap: int, path: Path) -> float:
    command = shutil.which("espeak-ng")
    if command is None:
        pytest.fail("espeak-ng's command line is the reference: scripts/test installs it with apt-get")
    subprocess.run([command, "-v", "en-us", "-s", str(rate), "-g", str(gap), "-w", str(path), text],
                   check=True, capture_output=True)
    return seconds(path)


def test_every_sentence_has_the_word_gap_of_espeak_ng_g(tmp_path):
    """Each sentence, said in turn by one worker, is as long as espeak-ng's command
    line with the same gap, and clearly longer than without it."""
    settings = VoiceSettings()
    jobs = [(text, tmp_path / f"{index}.wav") for index, text in enumerate(SENTENCES * 2)]
    assert synthesize_all(jobs, settings, workers=1) == len(jobs)
    for index, (text, path) in enumerate(jobs):
        spoken = seconds(path)
        with_gap = espeak_ng(text, settings.rate, WORD_GAP, tmp_path / f"g{index}.wav")
        without = espeak_ng(text, settings.rate, 0, tmp_path / f"n{index}.wav")
        assert with_gap > without * 1.08, (text, with_gap, without)
        assert abs(spoken - with_gap) < abs(spoken - without) / 3, (text, spoken, with_gap, without)


def test_the_word_gap_is_part_of_the_engines_identity_so_older_speech_is_not_reused():
    assert f"word gap {WORD_GAP}" in engine_identity(VoiceSettings())


def test_a_gap_dropped_between_sentences_is_set_again_for_the_next(tmp_path):
    """espeak-ng drops a queued setting when it is cancelled. Here the gap is taken
    away between two sentences, as a cancelled change would leave it; the next
    sentence still has it."""
    script = f"""
from pathlib import Path
from audioguide.speech import VoiceSettings, create_engine
engine = create_engine(VoiceSettings())
out = Path({str(tmp_path)!r})
text = {SENTENCES[0]!r}
engine.synthesize(text, out / "first.wav")
engine._espeak.SetParameter(7, 0, 0)  # espeakWORDGAP
engine._espeak.Synchronize()
engine.synthesize(text, out / "second.wav")
"""
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    first, second = seconds(tmp_path / "first.wav"), seconds(tmp_path / "second.wav")
    without = espeak_ng(SENTENCES[0], VoiceSettings().rate, 0, tmp_path / "n.wav")
    assert abs(second - first) < 0.02 and second > without * 1.08, (first, second, without)
