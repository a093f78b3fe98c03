"""Turn a Document into a Script: chapters of spoken segments with pauses.

Each segment is one sentence (or a chapter title), because the engine is
called once per sentence and every transcript cue is timed from real sample
counts. A segment keeps two texts: ``written`` (exactly the source sentence,
shown in the transcript) and ``spoken`` (what the engine is asked to say).
Pauses are chosen here and inserted by mastering, never left to the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .content import Document, Section
from .lexicon import Lexicon


@dataclass(frozen=True)
class Pauses:
    """Silence after each kind of segment, in milliseconds."""

    after_title: int = 900
    between_sentences: int = 450
    after_list_item: int = 650
    after_paragraph: int = 900

    @property
    def shortest(self) -> int:
        return min(self.after_title, self.between_sentences, self.after_list_item, self.after_paragraph)


@dataclass(frozen=True)
class Segment:
    kind: str  # "title", "sentence" or "list_item"
    written: str
    spoken: str
    pause_after_ms: int
    paragraph: int = 0
    item: int = 0


@dataclass(frozen=True)
class ChapterScript:
    number: int
    slug: str
    title: str
    segments: tuple[Segment, ...]

    @property
    def file_stem(self) -> str:
        return f"{self.number:02d}-{self.slug}"


@dataclass(frozen=True)
class Script:
    title: str
    language: str
    chapters: tuple[ChapterScript, ...]

    @property
    def segments(self) -> list[Segment]:
        return [segment for chapter in self.chapters for segment in chapter.segments]


# Sentences -------------------------------------------------------------------

#: Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = {
    "e.g", "i.e", "dr", "mr", "mrs", "ms", "prof", "st", "vs", "no", "approx",
    "fig", "cf", "al", "inc", "jr", "sr", "vol", "p", "pp", "ca", "mt",
}
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
#: Beyond this a sentence is split at a clause boundary so the engine (and the
#: listener) can breathe; the written text is kept whole in each part's cue.
LONGEST_SENTENCE_CHARS = 400


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations like "e.g." inside."""
    sentences = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        before = text[start:match.start()].split()
        last_word = before[-1].lower().rstrip(".") if before else ""
        if match.group(0).startswith(".") and last_word in ABBREVIATIONS:
            continue
        if match.group(0).startswith(".") and re.fullmatch(r"[a-z]", last_word):
            continue  # an initial, as in "J. Smith"
        sentences.append(text[start:match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [part for sentence in sentences for part in _split_long(sentence)]


def _split_long(sentence: str) -> list[str]:
    """Split a sentence too long to say in one breath at commas, else at spaces."""
    if len(sentence) <= LONGEST_SENTENCE_CHARS:
        return [sentence]
    parts: list[str] = []
    rest = sentence
    while len(rest) > LONGEST_SENTENCE_CHARS:
        window = rest[:LONGEST_SENTENCE_CHARS]
        cut = max(window.rfind(", "), window.rfind("; "))
        if cut < LONGEST_SENTENCE_CHARS // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = LONGEST_SENTENCE_CHARS - 1
        parts.append(rest[: cut + 1].strip())
        rest = rest[cut + 1:].strip()
    if rest:
        parts.append(rest)
    return parts


# Spoken forms ----------------------------------------------------------------


def speakable(written: str, lexicon: Lexicon, engine: str) -> str:
    """The text the engine is given for a written sentence.

    Brackets become commas (an engine reads them as nothing or as symbols),
    a closing colon becomes a full stop so the voice falls before a list,
    and the lexicon respells words the engine gets wrong.
    """
    text = re.sub(r"\s*\(([^()]*)\)\s*", lambda m: f", {m.group(1)}, ", written)
    text = re.sub(r"\s*,\s*([.,;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text).strip(" ,")
    text = re.sub(r":\s*$", ".", text)
    text = text.replace("●", "").replace("•", "")
    text = re.sub(r"\s+", " ", text).strip()
    return lexicon.respell(text, engine)


def chapter_title(number: int, title: str) -> tuple[str, str]:
    """Written and spoken forms of a chapter's opening announcement."""
    return f"Chapter {number}. {title}", f"Chapter {number}. {title}."


def narrate_section(
    number: int, section: Section, lexicon: Lexicon, engine: str, pauses: Pauses,
    guide_title: str | None = None,
) -> ChapterScript:
    segments: list[Segment] = []
    if guide_title:
        segments.append(
            Segment("title", guide_title, speakable(guide_title, lexicon, engine) + ".", pauses.after_title)
        )
    written, spoken = chapter_title(number, section.title)
    segments.append(Segment("title", written, lexicon.respell(spoken, engine), pauses.after_title))
    for paragraph, block in enumerate(section.blocks, start=1):
        if block.kind == "list":
            for item, text in enumerate(block.texts, start=1):
                for sentence in split_sentences(text):
                    segments.append(Segment(
                        "list_item", sentence, speakable(sentence, lexicon, engine),
                        pauses.between_sentences, paragraph, item,
                    ))
                segments[-1] = replace(segments[-1], pause_after_ms=pauses.after_list_item)
        else:
            for sentence in split_sentences(block.texts[0]):
                segments.append(Segment(
                    "sentence", sentence, speakable(sentence, lexicon, engine),
                    pauses.between_sentences, paragraph,
                ))
        segments[-1] = replace(segments[-1], pause_after_ms=pauses.after_paragraph)
    return ChapterScript(number, section.slug, section.title, tuple(segments))


def narrate(
    document: Document,
    lexicon: Lexicon | None = None,
    *,
    engine: str = "pyttsx3",
    language: str = "en",
    pauses: Pauses = Pauses(),
) -> Script:
    """Document -> Script. The first chapter also announces the guide's title."""
    lexicon = lexicon or Lexicon()
    chapters = tuple(
        narrate_section(
            number, section, lexicon, engine, pauses,
            guide_title=document.title if number == 1 else None,
        )
        for number, section in enumerate(document.sections, start=1)
    )
    return Script(document.title, language, chapters)
