"""Fractions, ratios and percentages.

"½" -> "one half", "1½" -> "one and a half" (a whole number before a
fraction is read with it only under 100: "500 2/3" would sound like 502
thirds), "3/4" -> "three quarters", "2/3" -> "two thirds", "7/10" -> "seven
tenths" (a fraction under one with a denominator up to 10), but a score
"out of": "rate your pain 7/10" -> "seven out of ten". "1:1000" -> "one to
one thousand", "50%" -> "fifty percent"; "1 in 5" is already words and
stays. Any other slash between figures (not a date, a reading or "24/7") is
said "over", which keeps every figure: "12/15" -> "twelve over fifteen".
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import NUMBER, cardinal, ordinal
from .units import PER_WORDS, UNIT

VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5),
          "⅖": (2, 5), "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8),
          "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8), "⅐": (1, 7), "⅑": (1, 9), "⅒": (1, 10)}
#: Denominators said as a fraction word ("three quarters"); others are said "over".
FRACTION_DENOMINATORS = range(2, 11)


def fraction_words(numerator: int, denominator: int, locale: Locale) -> str:
    if denominator == 2:
        name = "half" if numerator == 1 else "halves"
    elif denominator == 4:
        name = "quarter" if numerator == 1 else "quarters"
    else:
        name = ordinal(denominator, locale) + ("" if numerator == 1 else "s")
    return f"{cardinal(numerator, locale)} {name}"


def fractions(text: str, locale: Locale) -> str:
    def vulgar(match: re.Match) -> str:
        whole, (numerator, denominator) = match.group(1), VULGAR[match.group(2)]
        said = fraction_words(numerator, denominator, locale)
        if whole:
            return f" {cardinal(int(whole.replace(',', '')), locale)} and {_a(said, numerator)} "
        between = re.search(r"\d(\s*[^\w\s]*\s*)$", match.string[:match.start()])
        if between and not re.search(r"[,;:.!?]", between.group(1)):
            return f", {said} "  # "100¼": not "one hundred one quarter", which sounds like 101 quarters
        return f" {said} "

    def slashed(match: re.Match) -> str:
        whole, numerator, denominator = match.group(1), int(match.group(2)), int(match.group(3))
        if not (0 < numerator < denominator and denominator in FRACTION_DENOMINATORS):
            return match.group(0)
        if not whole and PLURAL_AFTER.match(match.string, match.end()):
            return match.group(0)  # "2/3 tablets", "5/6 weeks": not two thirds of one; said "over" later
        said = fraction_words(numerator, denominator, locale)
        return f"{cardinal(int(whole), locale)} and {_a(said, numerator)}" if whole else said

    text = re.sub(r"(?:(?<![\w.,])([1-9]\d?|0)(?!\d)\s?)?([" + "".join(VULGAR) + "])", vulgar, text)
    if SCORE_WORDS.search(text):  # "rate your pain 7/10" -> "7 out of 10"
        text = re.sub(rf"(?<![\w.,/])({NUMBER})\s?/\s?(10|100|5)(?![\w/]|[.,]\d)", r"\1 out of \2", text)
    text = re.sub(r"(?<![\w.,/])((?:19|20)\d\d)/(\d\d|(?:19|20)\d\d)(?![\w/]|[.,]\d)", _year_span, text)
    text = re.sub(rf"\b({COUNTED_STEPS})\s(\d{{1,3}})/(\d{{1,3}})(?![\w/]|[.,]\d|\s?(?:{UNIT}|{PER_WORDS}|of)\b)",
                  lambda m: f"{m.group(1)} {m.group(2)} of {m.group(3)}" if int(m.group(2)) <= int(m.group(3))
                  else m.group(0), text)
    text = re.sub(r"(?:(?<![\w.,/])([1-9]\d?|0)\s)?(?<![\w.,/])(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)", slashed, text)
    text = re.sub(rf"(?<![\w.,/])({NUMBER})\s?/\s?({NUMBER})(?![\w/]|[.,]\d)", r"\1 over \2", text)
    return re.sub(rf"(?<![\w.,:])(\d+):({NUMBER})(?!\w|[.,:]\d)", r"\1 to \2", text)


#: Words before "2/3" that make it the second of three: "page 2/3", "dose 1/3", "step 1/4".
COUNTED_STEPS = (r"[Pp]age|[Ss]tep|[Dd]ose|[Pp]art|[Qq]uestion|[Ii]njection|[Vv]accination|[Vv]isit|[Ss]lide|"
                 r"[Cc]ycle|[Ss]ession|[Tt]reatment")
#: A plural word after "2/3": the figures count things, so the slash is not a fraction of one.
PLURAL_AFTER = re.compile(r"\s?(?!(?:is|was|has|this|thus|as|us|its|yes|plus)\b)[a-z]*[a-rt-z]s\b")


def _year_span(match: re.Match) -> str:
    """ "2020/21", "2023/2024": a season or a financial year, "2020 to 21", never a fraction."""
    first, second = int(match.group(1)), match.group(2)
    following = (first + 1) % 100 if len(second) == 2 else first + 1
    return f"{match.group(1)} to {second}" if int(second) == following else match.group(0)


def clinical_durations(text: str, locale: Locale) -> str:
    """ "for 5/7", "in 3/12", "for 2/52": days, months and weeks as clinicians write them
    (after "for", "in", "within", "after", "over"). Never a fraction ("five sevenths") or
    "seven days out of seven": said "over", which keeps both figures and claims neither."""
    return re.sub(r"(\b(?:[Ff]or|[Ii]n|[Ww]ithin|[Aa]fter|[Oo]ver|next)\s)(\d{1,2})/(7|52|12)"
                  r"(?![\w/]|[.,]\d|\s(?:of|out)\b)", r"\1\2 over \3", text)


SCORE_WORDS = re.compile(r"\b(?:score|scored|rate|rated|rating|pain|scale)\b", re.I)


def _a(said: str, numerator: int) -> str:
    """ "one half" -> "a half" after "and": "one and a half"."""
    return "a " + said.split(" ", 1)[1] if numerator == 1 else said


def percentages(text: str, locale: Locale) -> str:
    text = re.sub(rf"({NUMBER})\s?%\s?[-–—]\s?({NUMBER})\s?%", r"\1 to \2 percent", text)
    text = re.sub(rf"({NUMBER})\s?%(?=[^\W\d_])", r"\1 percent ", text)  # "0.1%w/w"
    text = re.sub(rf"({NUMBER})\s?%", r"\1 percent", text)
    return re.sub(rf"({NUMBER})\s?‰", r"\1 per mille", text)
