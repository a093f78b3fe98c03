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
#
# A listener cannot glance back at a bracket, a symbol or a figure, so the
# spoken form says them as a person reading aloud would. Each rule below is a
# small function, applied in order by ``speakable``; the written form (the
# transcript) is never touched.

#: Abbreviations and the words they are read as. Matched case-sensitively
#: unless the pattern says otherwise; a full stop ending the sentence is kept.
ABBREVIATION_WORDS = [
    (r"\be\.\s?g\.", "for example"),
    (r"\bi\.\s?e\.", "that is"),
    (r"\betc\.", "et cetera"),
    (r"\bDr\.?(?=\s+[A-Z])", "Doctor"),
    (r"\bMr\.?(?=\s+[A-Z])", "Mister"),
    (r"\bvs\.?(?=\s)", "versus"),
    (r"\bapprox\.", "approximately"),
    (r"\bNo\.(?=\s?\d)", "number"),
]
#: Units read after a number: (pattern, singular, plural).
UNITS = [
    ("mg", "milligram", "milligrams"), ("mcg", "microgram", "micrograms"),
    ("µg", "microgram", "micrograms"), ("kg", "kilogram", "kilograms"),
    ("g", "gram", "grams"), ("ml", "milliliter", "milliliters"),
    ("mL", "milliliter", "milliliters"), ("l", "liter", "liters"), ("L", "liter", "liters"),
    ("mm", "millimeter", "millimeters"), ("cm", "centimeter", "centimeters"),
    ("km", "kilometer", "kilometers"), ("m", "meter", "meters"),
    ("mmHg", "millimeter of mercury", "millimeters of mercury"),
    ("hrs", "hour", "hours"), ("hr", "hour", "hours"), ("h", "hour", "hours"),
    ("mins", "minute", "minutes"), ("min", "minute", "minutes"),
    ("bpm", "beat per minute", "beats per minute"),
]
_UNIT_NAMES = {unit: (one, many) for unit, one, many in UNITS}
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(_UNIT_NAMES, key=len, reverse=True))
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
#: Words per breath: beyond this, a sentence is spoken in parts with a short
#: breath between them (the transcript keeps the sentence whole).
BREATH_WORDS = 35
#: Brackets holding at most this many words read as a name: "..., called X,".
NAME_WORDS = 4


#: Longer figures are read digit by digit: a listener cannot follow a number that long
#: in words, and num2words refuses one past its largest named unit (OverflowError).
MAX_NUMBER_DIGITS = 30


def number_words(token: str) -> str:
    """A figure as words: years as years, decimals digit by digit after "point"."""
    from num2words import num2words

    def whole_number(digits: str) -> str:
        if len(digits) > MAX_NUMBER_DIGITS:  # past num2words' range: each digit, in order
            return " ".join(num2words(int(d)) for d in digits)
        return num2words(int(digits))

    plain = token.replace(",", "")
    if "." in plain:
        whole, fraction = plain.split(".", 1)
        digits = " ".join(num2words(int(d)) for d in fraction)
        return f"{whole_number(whole)} point {digits}"
    if len(plain) > MAX_NUMBER_DIGITS:
        return whole_number(plain)
    value = int(plain)
    if "," not in token and len(plain) == 4 and 1100 <= value <= 2099 and value % 1000 >= 10:
        return num2words(value, to="year")
    return num2words(value)


def _times(text: str) -> str:
    def say(match: re.Match) -> str:
        hours, minutes, meridiem = int(match.group(1)), int(match.group(2)), match.group(3)
        if hours > 24 or minutes > 59:
            return match.group(0)
        from num2words import num2words

        spoken = num2words(hours)
        if minutes == 0:
            spoken += "" if meridiem else " o'clock"
        elif minutes < 10:
            spoken += f" oh {num2words(minutes)}"
        else:
            spoken += f" {num2words(minutes)}"
        if meridiem:
            spoken += f" {meridiem[0].lower()} m"
        return spoken

    spoken = re.sub(r"\b(\d{1,2}):(\d{2})(?:\s*([AaPp])(?:\.\s?[Mm]\.|\s?[Mm]\b))?", say, text)
    return spoken + "." if text.endswith(".") and not spoken.endswith(".") else spoken


def _ordinals(text: str) -> str:
    from num2words import num2words

    return re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: num2words(int(m.group(1)), to="ordinal"), text)


def _ranges(text: str) -> str:
    return re.sub(rf"(?<![\w.])({NUMBER})\s*[-–]\s*({NUMBER})(?![\w.])", r"\1 to \2", text)


def _units(text: str) -> str:
    def say(match: re.Match) -> str:
        number, unit, per = match.group(1), match.group(2), match.group(3)
        one, many = _UNIT_NAMES[unit]
        spoken = f"{number} {one if number == '1' else many}"
        if per:
            spoken += f" per {_UNIT_NAMES.get(per, (per, per))[0]}"
        return spoken

    per_units = rf"{_UNIT_PATTERN}|day|week|dose|hour"
    return re.sub(rf"({NUMBER})\s?({_UNIT_PATTERN})(?:/({per_units}))?\b(?!\.\w)", say, text)


def _symbols(text: str) -> str:
    text = re.sub(rf"({NUMBER})\s?%", r"\1 percent", text)
    text = re.sub(rf"({NUMBER})\s?°\s?C\b", r"\1 degrees Celsius", text)
    text = re.sub(rf"({NUMBER})\s?°\s?F\b", r"\1 degrees Fahrenheit", text)
    text = text.replace("&", " and ")
    text = re.sub(r"\band/or\b", "and or", text)
    text = re.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", " or ", text)  # he/she
    text = re.sub(r"\s*[–—]\s*", ", ", text)  # dashes as pauses
    return text


def _numbers(text: str) -> str:
    return re.sub(rf"(?<![\w.])({NUMBER})(?![\w])", lambda m: number_words(m.group(1)), text)


def _abbreviations(text: str) -> str:
    for pattern, words in ABBREVIATION_WORDS:
        text = re.sub(pattern + r"(\s*)$", words + r".", text)  # the sentence's own stop
        text = re.sub(pattern, words, text)
    return text


def _asides(text: str) -> str:
    """Brackets become spoken asides: "body (focal dystonia)," -> "body, called focal dystonia,"."""

    def say(match: re.Match) -> str:
        inner = match.group(1).strip()
        example = re.match(r"(?:e\.\s?g\.|for example|such as)[,:]?\s*(.*)", inner, re.I)
        if example:
            return f", for example {example.group(1)}, "
        if re.match(r"see\b", inner, re.I):
            return f", {inner}, "
        if len(inner.split()) <= NAME_WORDS and not re.search(r"\d", inner):
            return f", called {inner}, "
        return f", {inner}, "

    text = re.sub(r"\s*\(([^()]+)\)\s*", say, text)
    text = re.sub(r"\s*,\s*([.,;:!?])", r"\1", text)  # "called X, ." -> "called X."
    return re.sub(r",\s*,", ",", text).strip(" ,")


def _markup(text: str) -> str:
    """Comparisons as words; brackets, markup and other signs an engine would
    spell out ("less than script greater than") become plain pauses."""
    text = re.sub(rf"<\s*(?={NUMBER})", " less than ", text)
    text = re.sub(rf">\s*(?={NUMBER})", " more than ", text)
    return re.sub(r"[\[\]<>{}\\|`*_#~^]+", " ", text)


#: Unicode's private-use area: no rule matches it and no leaflet needs it.
FIRST_PRIVATE, LAST_PRIVATE = 0xE000, 0xF8FF
PRIVATE_USE = re.compile(f"[{chr(FIRST_PRIVATE)}-{chr(LAST_PRIVATE)}]")
#: A respelling held aside: a letter, its private-use number, a letter.
HELD = re.compile(f"[Xx]({PRIVATE_USE.pattern})x")


def speakable(written: str, lexicon: Lexicon, engine: str) -> str:
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
    text = lexicon.respell(text, engine, mark=hold)
    for rule in (_asides, _abbreviations, _times, _ordinals, _ranges, _units, _symbols, _markup, _numbers):
        text = rule(text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return HELD.sub(lambda match: held[ord(match.group(1)) - FIRST_PRIVATE], text)


def label_of(item_sentences: list[str]) -> str | None:
    """The label of a label-style list item ("Neck (cervical dystonia). Contractions ..."):
    a short first sentence with no verb-like length, followed by more sentences."""
    if len(item_sentences) < 2:
        return None
    first = item_sentences[0]
    bare = re.sub(r"\s*\([^()]*\)", "", first).rstrip(".:")
    return first if len(bare.split()) <= 5 and first.endswith((".", ":")) else None


def spoken_label(label: str, lexicon: Lexicon, engine: str) -> str:
    """A label said as its own phrase: "Neck (cervical dystonia)." -> "Neck, cervical dystonia."."""
    text = re.sub(r"\s*\(([^()]+)\)", r", \1", label).rstrip(".: ")
    return speakable(text, lexicon, engine) + "."


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


def _list_segments(
    block, paragraph: int, lexicon: Lexicon, engine: str, pauses: Pauses
) -> list[Segment]:
    """Each item's sentences as segments; labels, numbers and the last item marked for the ear."""
    from num2words import num2words

    segments: list[Segment] = []
    count = len(block.texts)
    for item, text in enumerate(block.texts, start=1):
        sentences = split_sentences(text)
        label = label_of(sentences)
        for index, sentence in enumerate(sentences):
            if index == 0 and label:
                spoken, pause = spoken_label(sentence, lexicon, engine), pauses.after_label
            else:
                spoken, pause = speakable(sentence, lexicon, engine), pauses.between_sentences
            if index == 0:
                if block.ordered:
                    spoken = f"Number {num2words(item)}. {spoken}"
                if item == count and count > 1:
                    spoken = f"And finally, {_lower_first(spoken)}"
            segments.append(Segment("list_item", sentence, spoken, pause, paragraph, item))
        segments[-1] = replace(segments[-1], pause_after_ms=pauses.after_list_item)
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
    number: int, section: Section, lexicon: Lexicon, engine: str, pauses: Pauses,
    guide_title: str | None = None,
) -> ChapterScript:
    segments: list[Segment] = []
    if guide_title:
        segments.append(
            Segment("title", guide_title, speakable(guide_title, lexicon, engine) + ".", pauses.after_title)
        )
    written, spoken = chapter_title(number, section.title, speakable(section.title, lexicon, engine))
    segments.append(Segment("title", written, spoken, pauses.after_title))
    for paragraph, block in enumerate(section.blocks, start=1):
        if block.kind == "list":
            if segments[-1].kind == "sentence":
                segments[-1] = _introduce_list(segments[-1], len(block.texts))
            segments += _list_segments(block, paragraph, lexicon, engine, pauses)
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
