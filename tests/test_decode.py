"""An encoded chapter is decoded in-process to be checked: the same samples ffmpeg
decodes, as many as were encoded, and a damaged file refused with its name."""

from __future__ import annotations

import subprocess
import wave

import miniaudio
import pytest

from audioguide.audio import AudioSettings
from audioguide.audio.decode import measure_mp3
from audioguide.audio.encode import measure_encoded
from audioguide.ffmpeg import MasteringError, ffmpeg_executable

from .audio_checks import loudness
from .test_audio_units import RATE, espeak_sentence, sine, write_wav

SETTINGS = AudioSettings()


def encoded(wav, mp3, *options):
    subprocess.run([ffmpeg_executable(), "-v", "error", "-y", "-i", str(wav), *options,
                    "-c:a", "libmp3lame", "-b:a", f"{SETTINGS.bitrate_kbps}k", "-f", "mp3", str(mp3)], check=True)
    return mp3


def frames(wav) -> int:
    with wave.open(str(wav)) as read:
        return read.getnframes()


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decode")
    wav = espeak_sentence(folder / "speech.wav")
    return wav, encoded(wav, folder / "speech.mp3")


def test_real_speech_measures_as_when_ffmpeg_decodes_it(speech):
    wav, mp3 = speech
    ours, our_peak = measure_mp3(mp3, SETTINGS, frames(wav))
    through_ffmpeg, ffmpeg_peak = measure_encoded(mp3, SETTINGS)
    assert abs(ours - through_ffmpeg) <= 0.01 and abs(our_peak - ffmpeg_peak) <= 0.01
    theirs, their_peak = loudness(mp3)  # and ffmpeg's own meter
    assert abs(ours - theirs) <= 0.15 and abs(our_peak - their_peak) <= 0.25


def test_a_long_tone_decodes_to_every_sample_encoded(tmp_path):
    samples = sine(440, -20.0, seconds=31.3)  # longer than one read, an odd length
    wav = write_wav(tmp_path / "tone.wav", samples)
    mp3 = encoded(wav, tmp_path / "tone.mp3")
    level, peak = measure_mp3(mp3, SETTINGS, len(samples))
    theirs, their_peak = loudness(mp3)  # ffmpeg's own meter
    assert abs(level - theirs) <= 0.1 and abs(peak - their_peak) <= 0.1
    assert (level, peak) == pytest.approx(measure_encoded(mp3, SETTINGS), abs=0.01)
    with pytest.raises(MasteringError, match="not the 1 encoded"):
        measure_mp3(mp3, SETTINGS, 1)
    with pytest.raises(MasteringError, match=f"not the {len(samples) + 1} encoded"):
        measure_mp3(mp3, SETTINGS, len(samples) + 1)


@pytest.mark.parametrize("length", [1144513, 1144514, 1144529, 942376])
def test_an_encoders_padding_a_little_short_of_a_frame_is_not_damage(tmp_path, length):
    """At these lengths the encoder's padding falls just short of a frame: ffmpeg and the
    in-process decoder both give up to 46 samples more than were encoded."""
    wav = write_wav(tmp_path / "tone.wav", sine(300, -18.0, seconds=length / RATE))
    assert frames(wav) == length
    mp3 = encoded(wav, tmp_path / "tone.mp3")
    decoded = sum(len(chunk) for chunk in miniaudio.mp3_stream_file(str(mp3), frames_to_read=1 << 18))
    assert length < decoded < length + 576  # the extra samples, real
    measure_mp3(mp3, SETTINGS, length)


def test_a_file_cut_short_is_refused_by_name(speech, tmp_path):
    wav, mp3 = speech
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    with pytest.raises(MasteringError, match=rf"^{cut}: .*damaged"):
        measure_mp3(cut, SETTINGS, frames(wav))
    with pytest.raises(MasteringError, match=r"^audio/01-intro\.mp3: .*damaged"):  # as the build names it
        measure_mp3(cut, SETTINGS, frames(wav), name="audio/01-intro.mp3")


def test_a_file_with_a_damaged_middle_is_refused(speech, tmp_path):
    wav, mp3 = speech
    data = bytearray(mp3.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 2000] = bytes(2000)
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(bytes(data))
    with pytest.raises(MasteringError, match="damaged"):
        measure_mp3(damaged, SETTINGS, frames(wav))


def test_a_file_that_is_not_mp3_is_refused(tmp_path):
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not audio at all " * 200)
    with pytest.raises(MasteringError, match=rf"^{junk}: the encoded chapter cannot be read back"):
        measure_mp3(junk, SETTINGS, 1000)


def test_a_file_at_another_rate_or_in_stereo_is_refused(speech, tmp_path):
    wav, _ = speech
    stereo = encoded(wav, tmp_path / "stereo.mp3", "-ac", "2")
    with pytest.raises(MasteringError, match="2 channel"):
        measure_mp3(stereo, SETTINGS, frames(wav))
    faster = encoded(wav, tmp_path / "44k.mp3", "-ar", "44100")
    with pytest.raises(MasteringError, match="44100 Hz"):
        measure_mp3(faster, SETTINGS, frames(wav))


def test_a_sentence_said_again_while_its_chapter_is_mastered_is_laid_out_again(tmp_path, monkeypatch):
    """Two builds sharing a cache can say the same new sentence at once: the second
    take replaces the first after a chapter was laid out from the first's measures.
    The chapter is laid out again from the take that is there, never encoded with
    timings and a length worked out for the other (which its decode check refuses)."""
    import audioguide.audio.master as master
    from audioguide.audio import ChapterTags, SpokenSegment, Timeline, master_chapter

    first, other = espeak_sentence(tmp_path / "first.wav"), tmp_path / "other.wav"
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "130", "-w", str(other),
                    "Botulinum toxin injections ease the spasms for about three months."], check=True)
    assert frames(other) != frames(first)
    wav = tmp_path / "sentence.wav"
    wav.write_bytes(first.read_bytes())
    real, layouts = master._laid_out, []

    def laid_out(timeline, settings):
        found = real(timeline, settings)
        layouts.append(found[0].samples)
        if len(layouts) == 1:  # after the first layout, the other take arrives
            wav.write_bytes(other.read_bytes())
        return found

    monkeypatch.setattr(master, "_laid_out", laid_out)
    timeline = Timeline((SpokenSegment((wav,), 500),), breath_ms=250)
    tags = ChapterTags("One", "Guide", "audioguide", 1, 1, "eng")
    chapter = master_chapter(timeline, tmp_path / "01-one.mp3", tags, SETTINGS)
    assert len(layouts) == 2 and layouts[0] != layouts[1]
    assert chapter.duration_ms == round(layouts[1] * 1000 / SETTINGS.sample_rate)
    assert measure_mp3(tmp_path / "01-one.mp3", SETTINGS, layouts[1])  # every sample of the take laid out
