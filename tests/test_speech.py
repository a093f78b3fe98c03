"""The real engine in spawned workers: every sentence arrives, at the rate asked, under load."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from audioguide.speech import SegmentCache, SpeechError, VoiceSettings, engine_identity, synthesize_all

SENTENCES = [
    "Dystonia is a movement disorder.",
    "Muscle spasms can range from mild to severe.",
    "See your doctor if you are experiencing involuntary muscle contractions.",
    "Some forms of dystonia are inherited.",
    "Your eyes might feel dry.",
    "Surgery is sometimes used to regulate nerves.",
    "The exact cause of dystonia isn't known.",
    "Early signs are often mild and occasional.",
    "Depression, anxiety and social withdrawal.",
    "Pain and fatigue, due to constant contraction of your muscles.",
]


def frames(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return wav.getnframes()


def _spin():
    while True:
        pass


@pytest.fixture
def cpu_load():
    """Keep every core busy while the test runs, as a loaded build machine would be."""
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, daemon=True) for _ in range(2)]
    for process in spinners:
        process.start()
    yield
    for process in spinners:
        process.kill()


def test_fifty_sentences_under_load_at_a_fast_rate_all_arrive_at_that_rate(tmp_path, cpu_load):
    fast = VoiceSettings(rate=260)
    jobs = [(SENTENCES[i % 10], tmp_path / "fast" / f"{i:02d}.wav") for i in range(50)]
    assert synthesize_all(jobs, fast, workers=2) == 50

    reference = [(text, tmp_path / "normal" / f"{i}.wav") for i, text in enumerate(SENTENCES)]
    synthesize_all(reference, VoiceSettings(rate=160), workers=1)

    for i, (text, path) in enumerate(jobs):
        count = frames(path)
        assert count > 0, f"empty WAV for {text!r}"
        # Every copy of a sentence has the same length (to a few samples), so a
        # dropped rate change (a copy read at 160 wpm is 60 % longer) cannot hide.
        first = frames(jobs[i % 10][1])
        assert abs(count - first) <= first * 0.01, f"copy {i} of {text!r}: {count} vs {first}"
        slow = frames(reference[i % 10][1])
        assert 0.5 < count / slow < 0.75, f"{text!r}: {count} frames at 260 wpm vs {slow} at 160"


def test_workers_print_nothing_on_stdout(tmp_path):
    script = (
        "from pathlib import Path\n"
        "from audioguide.speech import VoiceSettings, synthesize_all\n"
        f"synthesize_all([('Hello there.', Path({str(tmp_path / 'a.wav')!r}))], VoiceSettings())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout == ""
    assert frames(tmp_path / "a.wav") > 0


def test_unknown_voice_lists_the_available_ones(tmp_path):
    with pytest.raises(SpeechError) as caught:
        synthesize_all([("Hello.", tmp_path / "a.wav")], VoiceSettings(voice="no-such-voice"))
    assert "unknown voice 'no-such-voice'" in str(caught.value)
    assert "gmw/en-us" in str(caught.value)


def test_cache_key_changes_with_everything_that_changes_the_sound():
    cache = SegmentCache(Path("/unused"))
    version = engine_identity(VoiceSettings())
    base = cache.key(VoiceSettings(), version, "Hello.")
    assert base == cache.key(VoiceSettings(), version, "Hello.")
    assert len({
        base,
        cache.key(VoiceSettings(rate=170), version, "Hello."),
        cache.key(VoiceSettings(voice="gmw/en"), version, "Hello."),
        cache.key(VoiceSettings(volume=0.5), version, "Hello."),
        cache.key(VoiceSettings(), version + "x", "Hello."),
        cache.key(VoiceSettings(), version, "Hello!"),
    }) == 6


def test_engine_uses_the_wheel_library_not_a_system_espeak(tmp_path):
    """The pip-only path: the espeak-ng that pyttsx3 uses is espeakng-loader's copy."""
    script = (
        "import espeakng_loader, os\n"
        "from pathlib import Path\n"
        "from audioguide.speech import VoiceSettings, create_engine\n"
        f"create_engine(VoiceSettings()).synthesize('Hello.', Path({str(tmp_path / 'a.wav')!r}))\n"
        "maps = [l.split()[-1] for l in open('/proc/self/maps') if 'espeak' in l and '.so' in l]\n"
        "print('\\n'.join(sorted(set(maps))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    import espeakng_loader

    mapped = [line for line in result.stdout.splitlines() if line.strip()]
    assert mapped == [espeakng_loader.get_library_path()]
