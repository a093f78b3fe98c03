"""A chapter's timeline: its sentences and the silences between them, in samples.

The build makes a ``Timeline`` from the script (which sentence WAVs each
segment has, and the pause after it); laying it out trims each WAV's own
silence and counts every piece in samples, so cue times cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..ffmpeg import MasteringError
from .measures import Measured, measured
from .sentence import spoken_part, to_int16
from .settings import AudioSettings

#: Silence put around each sentence once the engine's own is trimmed.
TRIM_MARGIN_MS = 25


@dataclass(frozen=True)
class SpokenSegment:
    """One segment: its sentence WAVs (one per breath group, nearly always one) and the pause after it."""

    wavs: tuple[Path, ...]
    pause_after_ms: int


@dataclass(frozen=True)
class Timeline:
    """A chapter as it is heard: its segments in order, and the breath between the
    parts of one segment. The last segment's pause gives way to the chapter's tail."""

    segments: tuple[SpokenSegment, ...]
    breath_ms: int


@dataclass(frozen=True)
class Speech:
    path: Path
    length: int


@dataclass(frozen=True)
class Silence:
    length: int


class SentenceChanged(MasteringError):
    """A sentence WAV no longer has the length it was laid out with: it was made
    again (the same text said by another build sharing the cache) after it was measured."""


def milliseconds(ms: int, rate: int) -> int:
    """``ms`` in samples at ``rate``."""
    return round(ms * rate / 1000)


class Layout:
    """A timeline as a list of pieces (trimmed WAVs and silences) and each segment's span.

    ``walk`` lays the chapter out from the sentences' measures; ``replay`` reads
    the WAVs, in order, for the encoder.
    """

    def __init__(self, settings: AudioSettings):
        self.settings = settings
        self.pieces: list[Speech | Silence] = []
        self.spans: list[tuple[int, int]] = []
        self.samples = 0

    def _silence(self, ms: int) -> Silence:
        piece = Silence(milliseconds(ms, self.settings.sample_rate))
        self.pieces.append(piece)
        self.samples += piece.length
        return piece

    def walk(self, timeline: Timeline) -> Iterator[tuple[Speech | Silence, Measured | None]]:
        """Lay the chapter out, yielding each piece with its measures (None for silence).
        The measures are the sentences' stored ones: no audio is read when they are there."""
        settings = self.settings
        margin = milliseconds(TRIM_MARGIN_MS, settings.sample_rate)
        yield self._silence(settings.head_ms), None
        for index, segment in enumerate(timeline.segments):
            start = self.samples
            for part, path in enumerate(segment.wavs):
                if part:
                    yield self._silence(timeline.breath_ms), None
                words = measured(path, settings, self.samples, margin)
                if words.trimmed:
                    yield self._silence(TRIM_MARGIN_MS), None
                piece = Speech(path, words.length)
                self.pieces.append(piece)
                self.samples += piece.length
                yield piece, words
                if words.trimmed:
                    yield self._silence(TRIM_MARGIN_MS), None
            self.spans.append((start, self.samples))
            last = index == len(timeline.segments) - 1
            yield self._silence(settings.tail_ms if last else segment.pause_after_ms), None

    def replay(self) -> Iterator[tuple[int, np.ndarray | int]]:
        """(offset, samples) for speech and (offset, length) for silence, in order."""
        offset = 0
        for piece in self.pieces:
            if isinstance(piece, Silence):
                yield offset, piece.length
            else:
                samples = spoken_part(piece.path, self.settings)[0]
                if len(samples) != piece.length:  # the gain and the cue times were worked out for another take
                    raise SentenceChanged(f"{piece.path}: {len(samples)} samples, laid out as {piece.length}")
                yield offset, samples
            offset += piece.length


def join_segments(timeline: Timeline, settings: AudioSettings) -> tuple[bytes, list[tuple[int, int]]]:
    """Raw mono 16-bit PCM of the whole (unmastered) chapter and each segment's (start, end) in samples.

    Mastering does not use this (it streams); it shows, in one piece, what
    mastering lays out.
    """
    layout = Layout(settings)
    for _ in layout.walk(timeline):
        pass
    pieces = [np.zeros(piece, np.float32) if isinstance(piece, int) else piece for _, piece in layout.replay()]
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return to_int16(audio).tobytes(), layout.spans
