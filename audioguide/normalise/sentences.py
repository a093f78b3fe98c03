"""Split a paragraph into sentences without breaking inside one.

A full stop ends a sentence only when a capital, a figure or an opening
quote follows it and the word before it is not an abbreviation ("approx.",
"No. 5", "e.g."), an initialism ("U.S.") or a person's initial ("J. R.
Tolkien"). A single capital after a word that names things by a letter
("vitamin B. It helps.", "hepatitis C. Ask") is that thing's name, so the
sentence does end there. Decimals ("1.5") and addresses ("nhs.uk/help")
have no space after their stops, so they never split.
"""

from __future__ import annotations

import re

#: Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = {
    "e.g", "i.e", "dr", "mr", "mrs", "ms", "prof", "st", "vs", "no", "nos", "approx", "incl",
    "fig", "cf", "al", "inc", "jr", "sr", "vol", "p", "pp", "ca", "mt", "tel", "ext", "max",
}
#: Words after which a single capital names a thing: "vitamin B", "hepatitis C".
LETTER_NAMES = {"vitamin", "vitamins", "hepatitis", "type", "group", "grade", "class", "stage",
                "plan", "part", "schedule", "appendix", "option", "section", "strep", "factor"}
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
#: Beyond this a sentence is split at a clause boundary so the engine (and the
#: listener) can breathe; the written text is kept whole in each part's cue.
LONGEST_SENTENCE_CHARS = 400


def _continues(before: list[str]) -> bool:
    """Whether a full stop after these words is inside the sentence."""
    if not before:
        return False
    last = before[-1].lower().lstrip("([{\"'“‘").rstrip(".")  # "(ext. 245)": the word, not its bracket
    if last in ABBREVIATIONS or re.fullmatch(r"[a-z](?:\.[a-z])+", last):
        return True
    if re.fullmatch(r"[a-z]", last):  # a single letter: an initial, unless it names a thing
        previous = before[-2].lower().strip(",;:([{\"'“‘") if len(before) > 1 else ""
        return previous not in LETTER_NAMES
    return False


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations like "e.g." inside."""
    sentences = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.group(0).startswith(".") and _continues(text[start:match.start()].split()):
            continue
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
