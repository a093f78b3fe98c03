"""What a listener would notice, measured on the built guide's decoded audio."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from audioguide.manifest import load_manifest
from audioguide.audio import AudioSettings, ffmpeg_executable
from audioguide.narration import Pauses

RATE = 22050


def decode(path) -> np.ndarray:
    pcm = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
         "-ar", str(RATE), "pipe:1"], capture_output=True, check=True).stdout
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768


def dbfs(samples: np.ndarray) -> float:
    peak = np.max(np.abs(samples)) if samples.size else 0
    return 20 * np.log10(peak) if peak > 0 else -120.0


@pytest.fixture(scope="module")
def chapters(built_guide):
    manifest = load_manifest(built_guide)
    return [(chapter, decode(built_guide / chapter.audio.path)) for chapter in manifest.chapters]


def window(audio: np.ndarray, start_ms: float, end_ms: float) -> np.ndarray:
    return audio[max(0, int(start_ms * RATE / 1000)): int(end_ms * RATE / 1000)]


def test_no_segment_starts_or_ends_clipped(chapters):
    """The 10 ms at each edge of a segment are quiet: trimming never cut into a word."""
    for chapter, audio in chapters:
        for segment in chapter.segments:
            body = dbfs(window(audio, segment.start_ms, segment.end_ms))
            head = dbfs(window(audio, segment.start_ms, segment.start_ms + 10))
            tail = dbfs(window(audio, segment.end_ms - 10, segment.end_ms))
            assert head < body - 20 and tail < body - 20, (chapter.title, segment.written, head, tail)


def test_pauses_between_segments_are_silent_and_between_the_minimum_and_1_5_s(chapters):
    shortest = Pauses().shortest_between_segments
    for chapter, audio in chapters:
        for before, after in zip(chapter.segments, chapter.segments[1:]):
            gap = after.start_ms - before.end_ms
            assert shortest - 5 <= gap <= 1500, (chapter.title, before.written, gap)
            assert dbfs(window(audio, before.end_ms + 15, after.start_ms - 15)) < -45


def test_no_silence_longer_than_1_5_s_inside_a_chapter(chapters):
    block = int(0.05 * RATE)
    for chapter, audio in chapters:
        frames = audio[: len(audio) // block * block].reshape(-1, block)
        quiet = np.max(np.abs(frames), axis=1) < 10 ** (-50 / 20)
        longest = run = 0
        for is_quiet in quiet[: -int(AudioSettings().tail_ms / 50)]:  # the closing room tone is ours
            run = run + 1 if is_quiet else 0
            longest = max(longest, run)
        assert longest * 50 <= 1500, (chapter.title, longest * 50)


def test_each_chapter_opens_with_its_spoken_title(chapters):
    for chapter, audio in chapters:
        first_title = chapter.segments[1] if chapter.number == 1 else chapter.segments[0]
        assert first_title.kind == "title"
        assert first_title.written == f"Chapter {chapter.number}. {chapter.title}"
        assert chapter.segments[0].start_ms == AudioSettings().head_ms
        assert dbfs(window(audio, 0, AudioSettings().head_ms - 20)) < -60  # room tone before it
