"""Chapters are encoded by LAME in this process, with an Info frame and LAME tag
written by us: every decoder that reads the tag (ffmpeg, mutagen's length,
dr_mp3) gives back exactly the samples encoded, and the tag's CRCs are right."""

from __future__ import annotations

import os
import subprocess
import sys

import lameenc
import numpy as np
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st
from mutagen.mp3 import MP3, BitrateMode

from audioguide.audio import AudioSettings, ChapterTags, SpokenSegment, Timeline, master_chapter
from audioguide.audio.decode import measure_mp3
from audioguide.audio.encode import encode, lame_frames
from audioguide.audio.gain import choose_gain
from audioguide.audio.lametag import crc16
from audioguide.audio.master import _laid_out
from audioguide.audio.mp3 import audio_frames, audio_span, frame_samples, id3v2_size
from audioguide.audio.tags import id3_tag
from audioguide.ffmpeg import MasteringError, ffmpeg_executable

from .audio_checks import loudness
from .test_audio_units import RATE, espeak_sentence, sine, write_wav

TAGS = ChapterTags("One", "Guide", "audioguide", 1, 1, "eng")


def bitwise_crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC one bit at a time, as its definition reads."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def ffmpeg_samples(path) -> np.ndarray:
    raw = subprocess.run([ffmpeg_executable(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, "<i2")


@given(st.binary(max_size=5000), st.integers(0, 0xFFFF))
@hypothesis_settings(max_examples=150, deadline=None)
def test_the_crc_is_crc16_arc_for_any_bytes_and_any_start(data, start):
    assert crc16(data, start) == bitwise_crc16(data, start)


def test_the_crc_of_a_long_run_continues_across_pieces():
    data = os.urandom(300_000)
    whole = bitwise_crc16(data)
    assert crc16(data) == whole
    assert crc16(data[123_457:], crc16(data[:123_457])) == whole


@pytest.mark.parametrize("rate,kbps", [(22050, 64), (16000, 32), (44100, 128), (11025, 8)])
def test_lame_writes_the_frames_we_count_on(rate, kbps):
    spf = frame_samples(rate)
    noise = np.random.default_rng(rate).normal(0, 3000, 40_000).astype("<i2")
    for length in [0, 1, 575, 576, 577, 1151, 1152, 1153, 5000, 40_000]:
        encoder = lameenc.Encoder()
        encoder.set_channels(1)
        encoder.set_in_sample_rate(rate)
        encoder.set_out_sample_rate(rate)
        encoder.set_bit_rate(kbps)
        encoder.silence()
        data = bytes(encoder.encode(noise[:length].tobytes())) + bytes(encoder.flush())
        assert len(audio_frames(data)) == lame_frames(length, spf), (rate, length)


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("encoder")
    speech = espeak_sentence(folder / "speech.wav")
    tone = write_wav(folder / "tone.wav", sine(330, -18.0, 2.3))
    timeline = Timeline((SpokenSegment((speech,), 700), SpokenSegment((tone, speech), 450)), breath_ms=250)
    settings = AudioSettings()
    layout, peak_db, energy = _laid_out(timeline, settings)
    _, gain = choose_gain(peak_db, energy, settings.sample_rate, settings.loudness_lufs, -3.0)
    target = folder / "chapter.mp3"
    encode(layout, gain, target, settings, str(target), id3_tag(TAGS))
    return target, layout.samples


def test_an_encoded_chapter_decodes_to_exactly_the_samples_encoded(chapter):
    path, samples = chapter
    assert len(ffmpeg_samples(path)) == samples  # ffmpeg drops the delay and padding the tag states
    info = MP3(str(path)).info  # mutagen reads the same tag on its own
    assert info.length == pytest.approx(samples / RATE, abs=1 / RATE)
    assert info.bitrate_mode == BitrateMode.CBR and info.sample_rate == RATE and info.channels == 1
    assert info.encoder_info.startswith("LAME 3.100")
    measure_mp3(path, AudioSettings(), samples)  # raises unless dr_mp3 gives exactly as many, or a frame more


def test_the_info_frame_states_the_files_counts_and_true_crcs(chapter):
    path, _ = chapter
    data = path.read_bytes()
    start = id3v2_size(data)
    assert start > 0 and data[:3] == b"ID3"  # the tag is in front, written with the audio
    span = audio_span(data)
    frames = audio_frames(data)
    assert span.frames == len(frames) and span.end == len(data)  # the stated counts are the file's
    info = data[start:span.start]
    side = 9  # MPEG-2 mono side information
    lame = 4 + side + 4 + 12 + 100 + 4
    assert info[4 + side:8 + side] == b"Info" and info[lame:lame + 9] == b"LAME3.100"
    tag_crc = int.from_bytes(info[lame + 34:lame + 36], "big")
    music_crc = int.from_bytes(info[lame + 32:lame + 34], "big")
    assert tag_crc == bitwise_crc16(info[:lame + 34])
    assert music_crc == bitwise_crc16(data[span.start:span.end])
    delay_padding = int.from_bytes(info[lame + 21:lame + 24], "big")
    assert delay_padding >> 12 == 576


def test_a_mastered_chapter_is_as_loud_and_as_long_as_ffmpeg_and_an_independent_meter_say(tmp_path):
    speech = espeak_sentence(tmp_path / "speech.wav")
    timeline = Timeline(tuple(SpokenSegment((speech,), 600) for _ in range(6)), breath_ms=250)
    target = tmp_path / "01.mp3"
    mastered = master_chapter(timeline, target, TAGS)
    assert mastered.encodes == 1
    level, peak = loudness(target)
    assert abs(level - -16.0) <= 0.5 and peak <= -1.5
    assert abs(len(ffmpeg_samples(target)) * 1000 / RATE - mastered.duration_ms) <= 1
    written = {p.name for p in tmp_path.iterdir()} - {"speech.wav", "speech.wav.blocks.npz"}
    assert written == {"01.mp3"}  # no temporary left behind


def test_a_bit_rate_mp3_cannot_have_at_the_rate_is_refused_not_swapped(tmp_path):
    speech = espeak_sentence(tmp_path / "speech.wav")
    timeline = Timeline((SpokenSegment((speech,), 600),), breath_ms=250)
    target = tmp_path / "01.mp3"
    with pytest.raises(MasteringError, match=r"01\.mp3: MP3 cannot be 192 kb/s at 22050 Hz \(the encoder made"):
        master_chapter(timeline, target, TAGS, AudioSettings(bitrate_kbps=192))
    assert not list(tmp_path.glob("01*"))


def test_a_full_disk_while_encoding_names_the_chapter(tmp_path):
    speech = espeak_sentence(tmp_path / "speech.wav")
    target = tmp_path / "01-heading.mp3"
    script = f"""
import resource, signal, sys
from pathlib import Path
from audioguide.audio import ChapterTags, SpokenSegment, Timeline, master_chapter
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
timeline = Timeline(tuple(SpokenSegment((Path({str(speech)!r}),), 600) for _ in range(8)), breath_ms=250)
try:
    master_chapter(timeline, Path({str(target)!r}), ChapterTags("One", "Guide", "audioguide", 1, 1, "eng"))
except OSError as error:
    print(error.filename)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == str(target), result.stderr
    assert not list(tmp_path.glob("01-heading*"))  # nothing half-written is left
