"""Comparison signs and other symbols, said as words.

"≥ 30" -> "at least 30", "≤ 5" -> "at most 5", "< 2" -> "less than 2", "> 7" ->
"more than 7", "±" -> "plus or minus", "2 × 3" -> "2 by 3" ("3× a day" ->
"3 times a day"), "~5" -> "about 5", "&" -> "and", "16+" -> "16 and over",
"=" -> "equals", "→" -> "then". Between words, "≥" is "greater than or equal to".
A slash between words is "or" only in pairs that mean it ("he/she", "his/her",
"yes/no"); any other ("amoxicillin/clavulanate", a combination, not a choice)
is a pause: "and" or "or" could each say something the leaflet does not.
After a figure and a unit or counted thing a slash is "per" (units.py).
"""

from __future__ import annotations

import re

from .numbers import NUMBER


def comparisons(text: str, locale=None) -> str:
    text = re.sub(rf"(?:≥|>=|=>)\s?(?=-?(?:{NUMBER}))", " at least ", text)
    text = re.sub(rf"(?:≤|<=|=<)\s?(?=-?(?:{NUMBER}))", " at most ", text)
    text = re.sub(rf"<\s?(?=-?(?:{NUMBER}))", " less than ", text)
    text = re.sub(rf">\s?(?=-?(?:{NUMBER}))", " more than ", text)
    # "<six months or >twelve years": a comparison written before a number in words.
    text = re.sub(r"(?:(?<=\s)|^)<(?=[a-z])", " less than ", text)
    text = re.sub(r"(?:(?<=\s)|^)>(?=[a-z])", " more than ", text)
    text = re.sub(r"(?<=\w)\s*(?:≥|>=)\s*(?=\w)|\s*≥\s*", " greater than or equal to ", text)
    text = re.sub(r"(?<=\w)\s*(?:≤|<=)\s*(?=\w)|\s*≤\s*", " less than or equal to ", text)
    return text


#: First words of slashed pairs that are read "or": "he/she", "his/her", "yes/no".
OR_PAIRS = r"he|she|s|him|her|his|hers|yes|no|on|off|true|false|mum|dad|parent|parents|carer|either"


def symbols(text: str, locale=None) -> str:
    text = re.sub(r"\s?±\s?", " plus or minus ", text)
    text = re.sub(rf"({NUMBER})\s?[×x]\s?(?=(?:a|per|each|daily|weekly)\b)", r"\1 times ", text)
    text = re.sub(rf"({NUMBER})\s?[×x]\s?(?={NUMBER})", r"\1 by ", text)
    text = re.sub(r"\s?×\s?", " times ", text)
    # "10 mg x 2", "Take x2": "times"; "x245" after a phone number is an extension.
    text = re.sub(r"(?:(?<=\s)|^)x\s?(?=\d{1,2}(?!\d))", "times ", text)
    text = re.sub(rf"(?:(?<=\s)|^)[~≈∼]\s?(?={NUMBER})", "about ", text)
    text = re.sub(r"\s?[≈]\s?", " about ", text)
    text = re.sub(rf"({NUMBER})\+(?=\s|$|[.,;:!?])", r"\1 and over", text)
    text = re.sub(r"\s?\+\s?", " plus ", text)
    text = re.sub(r"\s=\s", " equals ", text)
    text = re.sub(r"\s?(?:→|->)\s?", ", then ", text)
    text = re.sub(r"\band/or\b", "and or", text)
    text = re.sub(r"\s?&\s?", " and ", text)
    # "he/she": "or" only for pairs that mean it; any other slash between words
    # ("amoxicillin/clavulanate", "pain/swelling") is a pause, which says less and never something else.
    text = re.sub(r"\b[Nn]/[Aa]\b", "not applicable", text)
    text = re.sub(rf"\b({OR_PAIRS})/(?=[A-Za-z])", r"\1 or ", text, flags=re.I)
    text = re.sub(r"(?<=[A-Za-z])/(?=[A-Za-z])", ", ", text)
    text = re.sub(r"\s?#\s?(?=\d)", " number ", text)
    text = re.sub(r"\s*[–—]\s*|\s+-\s+", ", ", text)  # a dash (or a hyphen with spaces) is a pause
    return text


def leftovers(text: str, locale=None) -> str:
    """Brackets, markup and signs an engine would spell out ("less than script") become pauses."""
    text = re.sub(r"[\"“”„«»]", " ", text)
    text = re.sub(r"(?<=\d)\s?/\s?(?=\d)", " ", text)
    text = re.sub(r"(?<=\w):(?=\w)", " ", text)
    text = re.sub(r"\s*/\s*", ", ", text)  # "1950 / 1": a slash left over keeps figures apart
    text = re.sub(r"[\[\](){}<>\\|`*_#~^/=@]+", " ", text)
    return text
