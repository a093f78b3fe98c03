"""Properties that hold for any input: parsing and narration never crash and
lose or repeat nothing; cue times always increase inside their chapter."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audioguide.audio import AudioSettings, join_segments
from audioguide.build import chapter_timeline
from audioguide.content import SourceError, parse_markdown, parse_text
from audioguide.lexicon import Lexicon
from audioguide.narration import ChapterScript, Segment, narrate

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words a leaflet might hold, hard ones included: abbreviations, numbers,
# units, symbols, emoji, right-to-left script, markup and control characters.
WORD = st.one_of(
    st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True),
    st.sampled_from([
        "e.g.", "i.e.", "etc.", "Dr.", "vs.", "5-10", "1st", "2024", "3:30", "50%", "10mg", "5 ml",
        "37°C", "A&E", "and/or", "(focal)", "dystonia", "😀", "שלום", "مرحبا", "<script>", "&amp;",
        "x\u0007y", "tab\there", "“quoted”", "—", "1.5", "St.", "U.S.",
    ]),
)
#: A paragraph or item always says something: one with only signs ("😀.") is dropped
#: by the parser, and a heading left with nothing under it is refused (tested above).
PLAIN = st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True)
SENTENCE = st.builds(
    lambda first, words, end: " ".join([first, *words]) + end,
    PLAIN, st.lists(WORD, max_size=24),
    st.sampled_from([".", "!", "?", ":"]),  # a line with no end stop may be a heading
)
ITEM = st.builds(lambda first, words: " ".join([first, *words]), PLAIN, st.lists(WORD, max_size=24))
HEADING = st.from_regex(r"[A-Z][a-z]{2,10}( [a-z]{2,8}){0,3}", fullmatch=True)


@st.composite
def leaflets(draw) -> str:
    """A plain-text leaflet: a title, then sections of paragraphs and bullet lists."""
    lines = [draw(HEADING), ""]
    for _ in range(draw(st.integers(1, 4))):
        lines += [draw(HEADING), ""]
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                glyph = draw(st.sampled_from(["●", "•", "-", "*"]))
                lines += [f"{glyph} {draw(ITEM)}" for _ in range(draw(st.integers(1, 6)))]
            else:
                lines += [" ".join(draw(st.lists(SENTENCE, min_size=1, max_size=5)))]
            lines.append("")
    return "\n".join(lines)


def words(text: str) -> list[str]:
    return text.split()


def block_words(document) -> list[str]:
    return [w for section in document.sections for block in section.blocks
            for text in block.texts for w in words(text)]


def transcript_words(script) -> list[str]:
    return [w for chapter in script.chapters for segment in chapter.segments
            if segment.kind != "title" for w in words(segment.written)]


@FAST
@given(st.text(max_size=3000))
def test_any_text_parses_or_is_refused_with_a_clear_error(text):
    for parse in (parse_text, parse_markdown):
        try:
            document = parse(text, source="leaflet")
        except SourceError as error:
            assert str(error).startswith("leaflet")
            continue
        script = narrate(document, Lexicon())
        assert len(script.chapters) == len(document.sections) >= 1
        assert transcript_words(script) == block_words(document)


@FAST
@given(leaflets())
def test_every_source_word_is_in_the_transcript_exactly_once_and_in_order(source):
    document = parse_text(source, source="leaflet.txt")
    script = narrate(document, Lexicon())
    assert transcript_words(script) == block_words(document)
    for segment in script.segments:
        assert segment.spoken.strip(), segment
        assert not re.search(r"[\[\]<>{}\x00-\x08]", segment.spoken), segment.spoken
        assert segment.pause_after_ms > 0


def _wav(path: Path, samples: np.ndarray, rate: int = 22050) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(
        st.tuples(st.lists(st.integers(1, 900), min_size=1, max_size=3),  # ms of speech per breath group
                  st.integers(0, 300),  # ms of engine silence around it
                  st.integers(100, 1500)),  # pause after, ms
        min_size=1, max_size=8),
)
def test_segment_times_increase_and_stay_inside_the_chapter(tmp_path, parts):
    rate = AudioSettings().sample_rate
    t = np.arange(rate * 2) / rate
    tone = (8000 * np.sin(2 * np.pi * 220 * t)).astype(np.int16)
    segments, wavs = [], []
    for index, (groups, silence_ms, pause_ms) in enumerate(parts):
        paths = []
        for number, speech_ms in enumerate(groups):
            pad = np.zeros(silence_ms * rate // 1000, dtype=np.int16)
            samples = np.concatenate([pad, tone[: speech_ms * rate // 1000], pad])
            paths.append(_wav(tmp_path / f"{index}-{number}.wav", samples))
        wavs.append(paths)
        segments.append(Segment("sentence", f"Sentence {index}.", f"Sentence {index}.", pause_ms))
    chapter = ChapterScript(1, "one", "One", tuple(segments))
    pcm, spans = join_segments(chapter_timeline(chapter, wavs), AudioSettings())
    total = len(pcm) // 2
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= total
        previous_end = end
    assert spans[0][0] >= AudioSettings().head_ms * rate // 1000
