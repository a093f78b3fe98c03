"""The audio package's parts, one at a time, and its meters against ffmpeg's own
(the ebur128 filter) on synthetic signals of known level and on real speech."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from audioguide.audio import AudioSettings, ChapterMark, ChapterTags, SpokenSegment, Timeline, join_segments
from audioguide.audio.encode import measure_encoded
from audioguide.audio.filters import BlockFilter, block_size, k_weighting
from audioguide.audio.gain import choose_gain
from audioguide.audio.limiter import block_gains_at, limiter_shape
from audioguide.audio.loudness import BlockMeter, gated_loudness
from audioguide.audio.measures import measured, measures_path
from audioguide.audio.sentence import spoken_span
from audioguide.audio.tags import id3_tag
from audioguide.audio.timeline import milliseconds
from audioguide.audio.truepeak import TruePeakMeter

from .audio_checks import loudness

RATE = 22050


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.clip(np.rint(samples * 32768), -32768, 32767).astype("<i2").tobytes())
    return path


def our_meters(samples: np.ndarray, rate: int = RATE) -> tuple[float, float]:
    meter, peak = BlockMeter(rate), TruePeakMeter()
    for start in range(0, len(samples), 7919):  # pieces of an awkward length
        meter.add(samples[start:start + 7919].astype(np.float32))
        peak.add(samples[start:start + 7919].astype(np.float32))
    return gated_loudness(meter.finish()[1], rate), peak.finish()


def sine(frequency: float, dbfs: float, seconds: float = 5.0, rate: int = RATE, phase: float = 0.0) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * frequency * t + phase)


def espeak_sentence(path: Path) -> Path:
    subprocess.run([shutil.which("espeak-ng") or "espeak-ng", "-v", "en-gb", "-w", str(path),
                    "Botulinum toxin injections ease the spasms for about three months."], check=True)
    return path


def test_k_weighted_loudness_of_a_sine_at_known_level():
    # BS.1770: a 997 Hz sine at 0 dBFS in one channel reads -3.01 LUFS.
    integrated, _ = our_meters(sine(997, -20.0))
    assert abs(integrated - (-23.01)) < 0.05


@pytest.mark.parametrize("frequency, dbfs", [(100, -12.0), (997, -20.0), (4000, -30.0), (9000, -18.0)])
def test_meter_agrees_with_ffmpeg_ebur128_on_sines(tmp_path, frequency, dbfs):
    samples = sine(frequency, dbfs)
    ours, our_peak = our_meters(samples)
    theirs, their_peak = loudness(write_wav(tmp_path / "sine.wav", samples))
    assert abs(ours - theirs) <= 0.15, (ours, theirs)
    # A sine's true peak is its amplitude. Oversampling filters ring a little high
    # near the top of the band (ffmpeg's reads 4 kHz at 22.05 kHz 0.9 dB high, ours 0.35):
    # never low, and no higher than ffmpeg's.
    assert dbfs - 0.05 <= our_peak <= max(dbfs + 0.05, their_peak + 0.05), (our_peak, their_peak)


def test_meter_agrees_with_ffmpeg_ebur128_on_real_speech(tmp_path):
    wav = espeak_sentence(tmp_path / "speech.wav")
    audio = AudioSegment.from_wav(str(wav))
    samples = np.frombuffer(audio.raw_data, "<i2").astype(np.float64) / 32768
    ours, our_peak = our_meters(samples, audio.frame_rate)
    theirs, their_peak = loudness(wav)
    assert abs(ours - theirs) <= 0.15, (ours, theirs)
    assert abs(our_peak - their_peak) <= 0.25, (our_peak, their_peak)


def test_true_peak_finds_the_peak_between_samples():
    # A quarter-rate sine at 45 degrees: every sample is at 0.707 of the true peak (-3 dB).
    samples = sine(RATE / 4, -6.0, seconds=1.0, phase=np.pi / 4)
    assert abs(20 * np.log10(np.abs(samples).max()) - (-9.01)) < 0.01
    _, peak = our_meters(samples)
    assert abs(peak - (-6.0)) < 0.2


def test_block_filter_equals_the_filter_run_sample_by_sample():
    sections = k_weighting(RATE)
    block, _ = block_size(RATE)
    samples = np.random.default_rng(3).uniform(-0.5, 0.5, block * 32 * 10).astype(np.float32)
    blocked = BlockFilter(sections, block, 32)(samples).ravel()
    expected = samples.astype(np.float64)
    for b0, b1, b2, a0, a1, a2 in sections:
        out, s1, s2 = np.empty_like(expected), 0.0, 0.0
        for n, x in enumerate(expected):  # transposed direct form II
            y = b0 / a0 * x + s1
            s1, s2 = b1 / a0 * x - a1 / a0 * y + s2, b2 / a0 * x - a2 / a0 * y
            out[n] = y
        expected = out
    assert np.max(np.abs(blocked - expected)) < 1e-4


def test_limiter_keeps_every_gained_sample_under_the_ceiling():
    block, _ = block_size(RATE)
    samples = np.random.default_rng(5).normal(0, 0.05, block * 3000)
    samples[block * 1000] = 0.9
    peaks = np.abs(samples).reshape(-1, block).max(axis=1)
    peak_db = 20 * np.log10(peaks)
    gain_db, ceiling = 12.0, -3.0
    shape = limiter_shape(peak_db, gain_db, ceiling, block, RATE)
    assert shape.max() <= 1 and shape.min() < 1
    gains = block_gains_at(shape, block, 0, len(samples)) * 10 ** (gain_db / 20)
    assert 20 * np.log10(np.abs(samples * gains).max()) <= ceiling + 1e-3
    assert shape[0] == 1 and shape[-1] == 1  # far from the peak, nothing is taken away


def test_gain_search_lands_on_the_target():
    samples = sine(440, -30.0, seconds=8) * (np.arange(round(8 * RATE)) % RATE < RATE * 0.6)
    meter = BlockMeter(RATE)
    meter.add(samples.astype(np.float32))
    peaks, energy = meter.finish()
    with np.errstate(divide="ignore"):
        peak_db = 20 * np.log10(peaks)
    before, gain = choose_gain(peak_db, energy, RATE, -16.0, -2.7)
    assert abs(before - gated_loudness(energy, RATE)) < 1e-9
    assert abs(gain.expected_lufs - (-16.0)) < 0.05


@pytest.mark.parametrize("seed", range(8))
def test_silence_is_found_where_pydub_finds_it(seed):
    """Silences short and long (past the first chunks looked at, and past twice as
    many), and a WAV that is silence throughout."""
    chance = np.random.default_rng(seed)
    longest = (4000, 40000)[seed % 2]
    quiet, loud = chance.integers(0, longest), (0 if seed == 7 else chance.integers(1, 9000))
    samples = np.concatenate([chance.normal(0, 20, quiet), chance.normal(0, 3000, loud),
                              chance.normal(0, 20, chance.integers(0, longest))]).astype("<i2")
    audio = AudioSegment(samples.tobytes(), frame_rate=RATE, sample_width=2, channels=1)
    expected = (detect_leading_silence(audio, -50.0, 5), len(audio) - detect_leading_silence(audio.reverse(), -50.0, 5))
    assert spoken_span(samples, RATE, -50.0) == expected


def test_timeline_lays_out_head_pauses_breaths_and_tail_in_samples(tmp_path):
    tone = sine(220, -12.0, seconds=0.5)
    pad = np.zeros(RATE // 5)
    wav = write_wav(tmp_path / "a.wav", np.concatenate([pad, tone, pad]))
    settings = AudioSettings()
    timeline = Timeline((SpokenSegment((wav,), 700), SpokenSegment((wav, wav), 900)), breath_ms=250)
    pcm, spans = join_segments(timeline, settings)
    margin = milliseconds(25, RATE)
    spoken = spans[0][1] - spans[0][0]
    assert spans[0][0] == milliseconds(settings.head_ms, RATE)
    assert spans[1][0] == spans[0][1] + milliseconds(700, RATE)
    assert spans[1][1] - spans[1][0] == 2 * spoken + milliseconds(250, RATE)
    assert len(pcm) // 2 == spans[1][1] + milliseconds(settings.tail_ms, RATE)
    assert abs(spoken - 2 * margin - len(tone)) <= RATE // 100  # the engine's silence is gone


def test_chapter_marks_are_written_in_chapter_order(tmp_path):
    path = tmp_path / "tagged.mp3"
    marks = [ChapterMark("A much longer first title", 0, 1000), ChapterMark("B", 1000, 2000),
             ChapterMark("Middle length", 2000, 3000)]
    path.write_bytes(id3_tag(ChapterTags("Guide", "Guide", "audioguide", 1, 1, "eng"), marks))
    tag = ID3(str(path))
    order = [frame.element_id for frame in tag.getall("CHAP")]
    raw = path.read_bytes()
    assert raw.index(b"chp1") < raw.index(b"chp2") < raw.index(b"chp3")
    assert sorted(order) == ["chp1", "chp2", "chp3"]
    assert tag.getall("CTOC")[0].child_element_ids == ["chp1", "chp2", "chp3"]


def test_measure_of_an_encoded_file_agrees_with_ffmpeg(tmp_path):
    wav = espeak_sentence(tmp_path / "speech.wav")
    mp3 = tmp_path / "speech.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), "-ar", str(RATE), "-b:a", "64k", str(mp3)], check=True)
    ours, our_peak = measure_encoded(mp3, AudioSettings())
    theirs, their_peak = loudness(mp3)
    assert abs(ours - theirs) <= 0.15 and abs(our_peak - their_peak) <= 0.25


def test_a_chapter_measured_from_its_sentences_equals_one_measured_whole(tmp_path):
    from audioguide.audio.master import _laid_out

    settings = AudioSettings()
    wavs = [espeak_sentence(tmp_path / "a.wav"), write_wav(tmp_path / "b.wav", sine(300, -15.0, 1.3))]
    timeline = Timeline((SpokenSegment((wavs[0],), 450), SpokenSegment((wavs[1], wavs[0]), 900)), breath_ms=250)
    for _ in range(2):  # measured from the WAVs, then from the measures kept beside them
        _, peak_db, energy = _laid_out(timeline, settings)
        pcm, _ = join_segments(timeline, settings)
        meter = BlockMeter(RATE)
        meter.add(np.frombuffer(pcm, "<i2").astype(np.float32) / 32768)
        whole_peaks, whole_energy = meter.finish()
        assert len(energy) == len(whole_energy)
        with np.errstate(divide="ignore"):
            assert np.array_equal(peak_db, 20 * np.log10(whole_peaks))
        assert np.allclose(energy, whole_energy, rtol=1e-4, atol=1e-9)
        assert all(measures_path(wav).is_file() for wav in wavs)


def test_kept_measures_hold_only_for_the_same_wav(tmp_path):
    settings = AudioSettings()
    wav = write_wav(tmp_path / "a.wav", np.concatenate([np.zeros(4000), sine(440, -20.0, 1.0)]))
    first = measured(wav, settings, 0, 551)
    assert measures_path(wav).is_file()
    again = measured(wav, settings, 0, 551)
    assert again.length == first.length and np.array_equal(again.energy, first.energy)
    write_wav(wav, sine(440, -20.0, 2.0))  # said again: the old measures must not be used
    assert measured(wav, settings, 0, 551).length > first.length
    measures_path(wav).write_bytes(b"damaged")
    assert measured(wav, settings, 0, 551).length > first.length
