"""Turn a Document into a Script: chapters of spoken segments with pauses.

Each segment is one sentence (or a chapter title), because the engine is
called once per sentence and every transcript cue is timed from real sample
counts. A segment keeps two texts: ``written`` (exactly the source sentence,
shown in the transcript) and ``spoken`` (what the engine is asked to say).
Pauses are chosen here and inserted by mastering, never left to the engine.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, replace

from .content import Document, Section
from .lexicon import Lexicon
from .normalise import EN_US, Locale, locale_for, normalise
from .normalise.locale import is_english
from .normalise.sentences import LONGEST_SENTENCE_CHARS, split_sentences

__all__ = ["narrate", "speakable", "split_sentences", "breath_groups", "Pauses", "Segment",
           "ChapterScript", "Script", "LONGEST_SENTENCE_CHARS", "BREATH_WORDS"]


@dataclass(frozen=True)
class Pauses:
    """Silence after each kind of segment, in milliseconds."""

    after_title: int = 900
    between_sentences: int = 450
    after_label: int = 600  # after a list item's label, "Neck, cervical dystonia."
    after_list_item: int = 650
    after_paragraph: int = 900
    breath: int = 250  # inside a long sentence spoken in parts

    @property
    def shortest_between_segments(self) -> int:
        return min(self.after_title, self.between_sentences, self.after_label,
                   self.after_list_item, self.after_paragraph)


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
    warnings: tuple[str, ...] = ()  # for an editor: what narration could not do as asked
    pauses: Pauses = Pauses()  # the pauses it was narrated with (mastering needs the breath)

    @property
    def segments(self) -> list[Segment]:
        return [segment for chapter in self.chapters for segment in chapter.segments]


# Sentences and spoken forms --------------------------------------------------
#
# A listener cannot glance back at a bracket, a symbol or a figure, so the
# spoken form says them as a person reading aloud would: the rules live in
# the normalise package; the written form (the transcript) is never touched.

#: Words per breath: beyond this, a sentence is spoken in parts with a short
#: breath between them (the transcript keeps the sentence whole).
BREATH_WORDS = 35
#: A segment must give the engine something to say: a letter or a figure.
SAYABLE = re.compile(r"[^\W_]")


#: Unicode's private-use area: no rule matches it and no leaflet needs it.
FIRST_PRIVATE, LAST_PRIVATE = 0xE000, 0xF8FF
PRIVATE_USE = re.compile(f"[{chr(FIRST_PRIVATE)}-{chr(LAST_PRIVATE)}]")
#: A respelling held aside: a letter, its private-use number, a letter.
HELD = re.compile(f"[Xx]({PRIVATE_USE.pattern})x")


def speakable(written: str, lexicon: Lexicon, engine: str, locale: Locale = EN_US) -> str:
    """The text the engine is given for a written sentence.

    The lexicon goes first, on the words as written, so an entry for
    "COVID-19" or "e.g." applies before the number and abbreviation rules
    would change them. Meanwhile each respelling is held aside as a letter,
    a private-use character and a letter: no rule changes it, and rules that
    look at the letters around a word ("he/she", "Dr. Marsden") still see
    letters, a capital where the word had one.
    """
    held: list[str] = []

    def hold(word: str, spoken: str) -> str:
        number = FIRST_PRIVATE + len(held)
        if number > LAST_PRIVATE:  # the private-use characters are all in use: leave it in place
            return spoken
        held.append(spoken)
        return f"{'X' if word[0].isupper() else 'x'}{chr(number)}x"

    text = PRIVATE_USE.sub("", written).replace("●", "").replace("•", "")
    text = normalise(lexicon.respell(text, engine, mark=hold), locale)
    return HELD.sub(lambda match: held[ord(match.group(1)) - FIRST_PRIVATE], text)


@dataclass(frozen=True)
class Speaker:
    """How sentences are made speakable: the lexicon, the engine it is for, the locale."""

    lexicon: Lexicon
    engine: str
    locale: Locale = EN_US

    def say(self, written: str) -> str:
        return speakable(written, self.lexicon, self.engine, self.locale)


def label_of(item_sentences: list[str]) -> str | None:
    """The label of a label-style list item ("Neck (cervical dystonia). Contractions ..."):
    a short first sentence with no verb-like length, followed by more sentences."""
    if len(item_sentences) < 2:
        return None
    first = item_sentences[0]
    bare = re.sub(r"\s*\([^()]*\)", "", first).rstrip(".:")
    return first if len(bare.split()) <= 5 and first.endswith((".", ":")) else None


def spoken_label(label: str, speaker: Speaker) -> str:
    """A label said as its own phrase: "Neck (cervical dystonia)." -> "Neck, cervical dystonia."."""
    text = re.sub(r"\s*\(([^()]+)\)", r", \1", label).rstrip(".: ")
    return speaker.say(text).rstrip(".") + "."


def breath_groups(spoken: str) -> list[str]:
    """Split a long spoken sentence at clause boundaries into parts of at most ~35 words."""
    words = spoken.split()
    if len(words) <= BREATH_WORDS:
        return [spoken]
    middle = len(spoken) // 2
    boundaries = [m.end() for m in re.finditer(
        r"[,;:]\s+|\s+(?=(?:and|but|or|because|which|while|although|so that|when)\s)", spoken)]
    good = [b for b in boundaries if 5 <= len(spoken[:b].split()) <= len(words) - 5]
    if good:
        cut = min(good, key=lambda b: abs(b - middle))
    else:
        cut = len(" ".join(words[: len(words) // 2]))
    head, tail = spoken[:cut].strip(), spoken[cut:].strip()
    return breath_groups(head) + breath_groups(tail)


def chapter_title(number: int, written_title: str, spoken_title: str) -> tuple[str, str]:
    """Written and spoken forms of a chapter's opening announcement."""
    return f"Chapter {number}. {written_title}", f"Chapter {number}. {spoken_title}."


def sayable(segments: list[Segment]) -> list[Segment]:
    """A block's segments, each with something for the engine to say: a sentence
    with nothing to say ("***", "—") joins the written text of its neighbour."""
    kept: list[Segment] = []
    orphan = ""
    for segment in segments:
        if SAYABLE.search(segment.spoken):
            if orphan:
                segment = replace(segment, written=f"{orphan} {segment.written}")
                orphan = ""
            kept.append(segment)
        elif kept:
            kept[-1] = replace(kept[-1], written=f"{kept[-1].written} {segment.written}")
        else:
            orphan = f"{orphan} {segment.written}".strip()
    return kept


def _list_segments(block, paragraph: int, speaker: Speaker, pauses: Pauses) -> list[Segment]:
    """Each item's sentences as segments; labels, numbers and the last item marked for the ear."""
    from num2words import num2words

    segments: list[Segment] = []
    count = len(block.texts)
    for item, text in enumerate(block.texts, start=1):
        sentences = split_sentences(text)
        label = label_of(sentences)
        said = []
        for index, sentence in enumerate(sentences):
            if index == 0 and label:
                spoken, pause = spoken_label(sentence, speaker), pauses.after_label
            else:
                spoken, pause = speaker.say(sentence), pauses.between_sentences
            said.append(Segment("list_item", sentence, spoken, pause, paragraph, item))
        said = sayable(said)
        if not said:  # nothing to say: its text joins the item before it in the transcript
            if segments:
                segments[-1] = replace(segments[-1], written=f"{segments[-1].written} {text}")
            continue
        first = said[0].spoken
        if block.ordered:
            first = f"Number {num2words(item)}. {first}"
        if item == count and count > 1:
            first = f"And finally, {_lower_first(first)}"
        said[0] = replace(said[0], spoken=first)
        said[-1] = replace(said[-1], pause_after_ms=pauses.after_list_item)
        segments += said
    return segments


def _lower_first(text: str) -> str:
    """Lower-case a sentence's first letter when it is an ordinary word ("Become" -> "become")."""
    first = text.split(" ", 1)[0]
    if first[1:].islower() and "'" not in first and "’" not in first:
        return text[0].lower() + text[1:]
    return text


def _introduce_list(segment: Segment, count: int) -> Segment:
    """The sentence before a list, ending in a colon, announces how long a long list is."""
    from num2words import num2words

    if count <= 4 or not segment.written.rstrip().endswith(":"):
        return segment
    return replace(segment, spoken=f"{segment.spoken} There are {num2words(count)} of them.")


def narrate_section(
    number: int, section: Section, speaker: Speaker, pauses: Pauses, guide_title: str | None = None,
) -> ChapterScript:
    segments: list[Segment] = []
    if guide_title:
        segments.append(Segment("title", guide_title, speaker.say(guide_title).rstrip(".") + ".",
                                pauses.after_title))
    written, spoken = chapter_title(number, section.title, speaker.say(section.title).rstrip("."))
    segments.append(Segment("title", written, spoken, pauses.after_title))
    for paragraph, block in enumerate(section.blocks, start=1):
        if block.kind == "list":
            said = _list_segments(block, paragraph, speaker, pauses)
            if said and segments[-1].kind == "sentence":
                segments[-1] = _introduce_list(segments[-1], len(block.texts))
        else:
            said = sayable([
                Segment("sentence", sentence, speaker.say(sentence), pauses.between_sentences, paragraph)
                for sentence in split_sentences(block.texts[0])])
        if said:
            said[-1] = replace(said[-1], pause_after_ms=pauses.after_paragraph)
        segments += said
    return ChapterScript(number, section.slug, section.title, tuple(segments))


def section_key(number: int, section: Section, guide_title: str | None, said_by: str) -> str:
    """A digest of everything ``narrate_section`` reads: the section's title, slug and
    blocks (not their line numbers), its number, the guide title it announces, and
    ``said_by`` (``speaker_key``: how it is said)."""
    blocks = [(block.kind, block.texts, block.ordered) for block in section.blocks]
    return hashlib.sha256(repr((said_by, number, guide_title, section.title, section.slug, blocks))
                          .encode()).hexdigest()


def speaker_key(speaker: Speaker, pauses: Pauses, program: str) -> str:
    """A digest of how every section is said: lexicon, engine, locale, pauses, and
    ``program`` (the program's own code and the version of what it uses)."""
    return hashlib.sha256(repr((program, speaker, pauses)).encode()).hexdigest()


def narrate(
    document: Document,
    lexicon: Lexicon | None = None,
    *,
    engine: str = "pyttsx3",
    language: str = "",
    pauses: Pauses = Pauses(),
    memo: MutableMapping[str, ChapterScript] | None = None,
    program: str = "",
) -> Script:
    """Document -> Script. The first chapter also announces the guide's title.

    The locale is ``language`` when it names one ("en-GB", "en-US"), else the
    document's own language tag, else what the leaflet's conventions show
    (pounds, 999, 0800 numbers: en-GB), else en-US. The script carries its tag.

    ``memo``: chapters narrated before, by ``section_key``; a section found
    there is not narrated again, and every chapter narrated here is added.
    ``program`` identifies the code that narrates (a new version misses).
    """
    locale = locale_for(chosen_language(language, document.language), document_text(document))
    speaker = Speaker(lexicon or Lexicon(), engine, locale)
    said_by = speaker_key(speaker, pauses, program) if memo is not None else ""

    def chapter(number: int, section: Section) -> ChapterScript:
        guide_title = document.title if number == 1 else None
        if memo is None:
            return narrate_section(number, section, speaker, pauses, guide_title=guide_title)
        key = section_key(number, section, guide_title, said_by)
        found = memo.get(key)
        if found is None:
            found = memo[key] = narrate_section(number, section, speaker, pauses, guide_title=guide_title)
        return found

    chapters = tuple(chapter(number, section) for number, section in enumerate(document.sections, start=1))
    warnings = ()
    tag = chosen_language(language, document.language)
    if not is_english(tag):
        warnings = (f"{document.source}: language '{tag}' is not English: its figures, dates and units "
                    f"are read with the {locale.tag} rules",)
    return Script(document.title, locale.tag, chapters, warnings, pauses)


def chosen_language(*tags: str) -> str:
    """The first tag that names a region ("en-GB"), else "" (infer from the text)."""
    for tag in tags:
        if tag and tag.strip().lower() not in ("en", "und"):
            return tag
    return ""


def document_text(document: Document) -> str:
    return "\n".join(text for section in document.sections for block in section.blocks
                     for text in block.texts)
