"""Brackets become spoken asides, said according to what they hold.

A listener cannot see a bracket, so each one is said as a person reading
aloud would say it, and says nothing the text does not:

- an acronym's expansion: "MRI (magnetic resonance imaging)" -> "MRI, short
  for magnetic resonance imaging,";
- an acronym after its expansion: "magnetic resonance imaging (MRI)" ->
  "magnetic resonance imaging, or MRI,";
- a name the text already introduces: "(often called botox)", "(also known
  as X)" -> said as written, never "called often called";
- a short name (at most four words, no figures, not a description):
  "(focal dystonia)" -> ", called focal dystonia,";
- a description (it opens with "a", "an", "the", "your", "which", ..., or a
  colour, or follows a figure): "warfarin (a blood thinner)" -> "warfarin, a
  blood thinner,"; "0.5 mg (white)" -> "0.5 mg, white,";
- an example: "(e.g. ...)", "(for example ...)", "(such as ...)" -> ", for example ...,";
- a cross-reference: "(see page 4)" -> ", see page 4,";
- anything else: said as written between pauses.
"""

from __future__ import annotations

import re

NAME_WORDS = 4
#: An aside that opens with one of these describes or qualifies; it is not a name.
DESCRIPTION_OPENERS = {
    "a", "an", "the", "your", "my", "our", "their", "his", "her", "its", "this", "that", "these",
    "those", "which", "who", "where", "when", "if", "or", "and", "but", "not", "usually", "mainly",
    "mostly", "often", "sometimes", "only", "also", "about", "around", "over", "under", "up",
    "at", "in", "on", "by", "from", "to", "with", "without", "for", "as", "like", "including",
    "incl", "especially", "such", "every", "each", "any", "some", "one", "two", "three", "see",
    "more", "less", "fewer", "most", "both", "either", "neither", "no", "all", "after", "before",
    "during", "while", "until", "per", "plus", "approx", "approximately", "optional", "if",
    "free", "freephone", "charged", "calls", "local", "open", "closed", "daily", "weekly",
}
#: Colours (and shades): "(white)", "(pale blue)" describe a tablet or an inhaler; they are not its name.
COLOURS = {"white", "black", "brown", "blue", "pink", "red", "green", "yellow", "orange", "purple", "grey",
           "gray", "cream", "lilac", "peach", "beige", "pale", "dark", "light", "bright", "clear", "round",
           "oval", "small", "large", "scored", "coated"}
#: A short aside with one of these says something; it is not a name ("(surgery is rare)").
VERBS = {"is", "are", "was", "were", "be", "been", "can", "could", "may", "might", "will", "would",
         "should", "must", "has", "have", "had", "do", "does", "did", "not", "isn't", "aren't", "don't"}
NAMING = re.compile(r"^(?:(?:often|also|sometimes|commonly|usually|now|previously|formerly)\s+)?"
                    r"(?:called|known\s+as|named|termed|referred\s+to\s+as|aka)\b", re.I)
EXAMPLE = re.compile(r"^(?:e\.\s?g\.|eg\b|for\s+example|for\s+instance|such\s+as)[,:]?\s*(.*)$", re.I | re.S)
REFERENCE = re.compile(r"^(?:see|cf\.?|refer\s+to|turn\s+to|page|p\.|pp\.|section|chapter|table|figure|fig\.)\b", re.I)
ACRONYM = re.compile(r"^[A-Z][A-Za-z&]*[A-Z]s?$")


def initials(words: str) -> str:
    """ "magnetic resonance imaging" -> "MRI"; "deep brain stimulation" -> "DBS"."""
    return "".join(word[0] for word in re.findall(r"[A-Za-z]+", words) if word.lower() not in
                   {"of", "and", "the", "for", "in", "to", "a", "an", "with", "on"}).upper()


def _expands(acronym: str, words: str) -> bool:
    """Whether ``words`` could be what ``acronym`` stands for: their initials agree,
    or the acronym's letters appear in order at word starts and inside words."""
    letters = acronym.rstrip("s").replace("&", "").upper()
    if len(letters) < 2 or len(words.split()) < 2:
        return False
    if initials(words) == letters or initials(words).startswith(letters):
        return True
    return all(letter.lower() in words.lower() for letter in letters) and words.lower().startswith(letters[0].lower())


def kind_of(before: str, inner: str) -> str:
    """What a bracketed aside is: "expansion", "acronym", "naming", "name", "example",
    "reference" or "description"."""
    previous = re.findall(r"[A-Za-z&]+", before)
    last = previous[-1] if previous else ""
    if ACRONYM.match(last) and _expands(last, inner):
        return "expansion"
    if re.search(r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|hundred)\s*$", before):
        return "description"  # after a phone number, said digit by digit: "(free)", "(TTY)", "(local rate)"
    if ACRONYM.match(inner) and len(previous) >= 2:
        return "acronym"
    if NAMING.match(inner):
        return "naming"
    if EXAMPLE.match(inner):
        return "example"
    if REFERENCE.match(inner):
        return "reference"
    words = inner.split()
    if re.search(r"\d\s?(?:[A-Za-zµ%/]{1,6})?\s*$", before) or words[0].lower().strip(",.") in COLOURS:
        return "description"  # "0.5 mg (white)", "tablets (pink)": what it is like, not its name
    if (len(words) <= NAME_WORDS and not re.search(r"\d", inner)
            and words[0].lower().strip(",.") not in DESCRIPTION_OPENERS
            and not VERBS & {word.lower().strip(",.") for word in words}
            and not re.search(r"[,;:=%]", inner)):
        return "name"
    return "description"


def say_aside(before: str, inner: str) -> str:
    kind = kind_of(before, inner)
    if kind == "expansion":
        return f", short for {inner}, "
    if kind == "acronym":
        return f", or {inner}, "
    if kind == "example":
        rest = EXAMPLE.match(inner).group(1)
        return f", for example {rest}, " if rest else ", "
    if kind == "name" and not re.search(r"\bcalled\s*$", before, re.I):
        return f", called {inner}, "
    return f", {inner}, "


def asides(text: str, locale=None) -> str:
    """Every innermost bracket said as an aside; pauses tidied after ("X, ." -> "X.")."""

    def say(match: re.Match) -> str:
        inner = match.group(1).strip(" ,;")
        if not inner:
            return " "
        return say_aside(text[:match.start()], inner)

    text = re.sub(r"(?<=[A-Za-z])\((e?s)\)", r"\1", text)  # "tablet(s)" -> "tablets"
    for _ in range(3):  # nested brackets, from the inside out
        text = re.sub(r"\s*[(\[]([^()\[\]]*)[)\]]\s*", say, text)
    text = re.sub(r"\s*,\s*([.,;:!?])", r"\1", text)
    text = re.sub(r"^\s*,\s*", "", text)
    return re.sub(r",\s*,", ",", text).strip(" ,")
