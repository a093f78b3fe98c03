"""Figures as words: cardinals, decimals, digits one by one, ordinals, years, Roman numerals.

Every other rule says its figures through these functions, so a figure is
read the same way everywhere. Decimals are read digit by digit after
"point" ("one point five zero"), so no digit is ever rounded away.
"""

from __future__ import annotations

import re

from num2words import num2words

from .locale import EN_US, Locale

#: A figure as written: thousands with commas ("10,000"), or digits with an optional decimal part.
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def cardinal(value: int, locale: Locale = EN_US) -> str:
    """123 -> "one hundred and twenty-three" (en-GB) or "one hundred twenty-three" (en-US)."""
    words = num2words(value)
    if not locale.hundreds_and:
        words = words.replace(" and ", " ")
    return words.replace(",", "")


def digits(text: str, locale: Locale = EN_US) -> str:
    """Each digit on its own: "020" -> "oh two oh" (en-GB) or "zero two zero" (en-US)."""
    return " ".join(locale.zero_digit if d == "0" else DIGIT_WORDS[int(d)] for d in text if d.isdigit())


def number(token: str, locale: Locale = EN_US, *, years: bool = True) -> str:
    """A written figure as words: "10,000", "1.50", "2019" (a year, said as one), "007"."""
    plain = token.replace(",", "")
    if "." in plain:
        whole, fraction = plain.split(".", 1)
        whole_words = cardinal(int(whole), locale) if whole else locale.zero_digit
        if whole == "0" and locale.tag == "en-GB":
            whole_words = "nought"
        return f"{whole_words} point {' '.join(DIGIT_WORDS[int(d)] for d in fraction)}"
    if len(plain) > 1 and plain.startswith("0"):
        return digits(plain, locale)  # "007", "05": the zeros are said, never dropped
    value = int(plain)
    if years and "," not in token and is_year(plain):
        return year(value, locale)
    if len(plain) > 15:
        return digits(plain, locale)
    return cardinal(value, locale)


def is_year(plain: str) -> bool:
    value = int(plain)
    return len(plain) == 4 and 1100 <= value <= 2099 and value % 1000 >= 10


def year(value: int, locale: Locale = EN_US) -> str:
    """1998 -> "nineteen ninety-eight", 2019 -> "twenty nineteen", 2005 -> "two thousand and five"."""
    if 2000 <= value <= 2009:
        return cardinal(value, locale)
    if value % 100 == 0:
        return f"{cardinal(value // 100, locale)} hundred"
    if value % 100 < 10:
        return f"{cardinal(value // 100, locale)} oh {cardinal(value % 100, locale)}"
    return f"{cardinal(value // 100, locale)} {cardinal(value % 100, locale)}"


def ordinal(value: int, locale: Locale = EN_US) -> str:
    words = num2words(value, to="ordinal")
    return words if locale.hundreds_and else words.replace(" and ", " ")


def plural_tens(words: str) -> str:
    """ "nineteen ninety" -> "nineteen nineties" (a decade)."""
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
ROMAN_NUMERAL = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"


def roman_value(text: str) -> int | None:
    """ "IV" -> 4; None for what is not a well-formed numeral from 1 to 39."""
    if not text or not re.fullmatch(ROMAN_NUMERAL, text):
        return None
    total = 0
    for index, letter in enumerate(text):
        value = ROMAN[letter]
        following = ROMAN[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total or None


#: Words after which a Roman numeral counts something: "type II", "stage IV".
ROMAN_CONTEXT = r"[Tt]ype|[Ss]tage|[Gg]rade|[Cc]lass|[Pp]hase|[Ll]evel|[Pp]art|[Ff]actor|[Cc]hapter"


def roman_numerals(text: str, locale: Locale) -> str:
    def say(match: re.Match) -> str:
        value = roman_value(match.group(2))
        return f"{match.group(1)} {cardinal(value, locale)}" if value else match.group(0)

    return re.sub(rf"\b({ROMAN_CONTEXT})\s+([IVX]+)\b(?![-'’]?\w)", say, text)


def ordinals(text: str, locale: Locale) -> str:
    def say(match: re.Match) -> str:
        value = int(match.group(1))
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10 if value % 100 not in (11, 12, 13) else 0, "th")
        if match.group(2).lower() != suffix:
            return match.group(0)
        return ordinal(value, locale)

    return re.sub(r"(?<![\d.,])(\d+)(st|nd|rd|th|ST|ND|RD|TH)\b", say, text)


def decades(text: str, locale: Locale) -> str:
    """ "1990s" -> "nineteen nineties", "the 60s" -> "the sixties"."""

    def say(match: re.Match) -> str:
        figure = match.group(1).lstrip("'’")
        if len(figure) == 4:
            return plural_tens(year(int(figure), locale))
        return plural_tens(cardinal(int(figure), locale))

    return re.sub(r"(?<![\w.,])((?:1[1-9]|20)\d0|['’]?[1-9]0)['’]?s\b", say, text)


#: Words after a figure that make it an amount of medicine, which is never negative:
#: "Under 6 months -1 ml", "Adults: -2 tablets" use the dash as a separator.
DOSE_WORDS = re.compile(
    r"\s?(?:(?:milli|micro|nano|kilo)?grams?|(?:milli|deci)?lit(?:re|er)s?|(?:international )?units?|"
    r"millimoles?|drops?|sprays?|puffs?|tablets?|capsules?|doses?|sachets?|applications?|patch(?:es)?|"
    r"injections?|spoonfuls?|lozenges?|vials?|ampoules?|inhalations?)\b")


#: Words after a figure that make it a measured amount, never a year.
MEASURE_WORDS = re.compile(
    DOSE_WORDS.pattern[:-3] + r"|percent|per mille|degrees|(?:milli|centi|kilo)?met(?:re|er)s?|"
    r"square|cubic|(?:kilo)?calories|pounds|ounces|stones?|miles|beats|steps|times)\b")


def negatives(text: str, locale: Locale) -> str:
    """ "-5" after a space or an opening bracket -> "minus five" ("-5 degrees", "= -2", "a score
    of -3"); a dash before a dose ("Adults: -2 tablets") is a pause, not a sign."""

    def say(match: re.Match) -> str:
        spoken = number(match.group(1), locale, years=False)
        before = match.string[:match.start()].rstrip()
        if DOSE_WORDS.match(match.string, match.end()) and not before.endswith(("=", "±")):
            return f"{', ' if before and before[-1].isalnum() else ' '}{spoken} "
        return f"minus {spoken} "

    return re.sub(rf"(?:(?<=^)|(?<=[\s(]))[-−–]({NUMBER})(?![\d])", say, text)


def plain_numbers(text: str, locale: Locale) -> str:
    """Every figure left, as words. Long runs (seven digits or more, no commas)
    are references or phone numbers: said digit by digit."""

    def say(match: re.Match) -> str:
        token = match.group(0)
        source = match.string
        # "1250 mg", "1100 to 1250 mg": an amount, not a year.
        measured = bool(MEASURE_WORDS.match(source, match.end()) or re.match(
            rf"\s(?:to|or|and)\s(?:{NUMBER}){MEASURE_WORDS.pattern}", source[match.end():]))
        spoken = digits(token, locale) if re.fullmatch(r"\d{7,}", token) else number(token, locale, years=not measured)
        before = " " if match.start() and source[match.start() - 1].isalpha() else ""
        after = " " if match.end() < len(source) and source[match.end()].isalpha() else ""
        return f"{before}{spoken}{after}"

    # "Version 2.1.3": each part a number, "two point one point three".
    text = re.sub(r"(?<![\w.,])\d+(?:\.\d+){2,}(?![\w]|[.,]\d)",
                  lambda m: " point ".join(number(part, locale, years=False) for part in m.group(0).split(".")), text)
    text = re.sub(r"(?<=\d)[-–:](?=\d)", ", ", separate_figures(text))  # "12-34-56": a code, not a range
    return re.sub(NUMBER, say, text)


VULGAR_CHARACTERS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞⅐⅑⅒"
#: The end of a written figure, the space after it, and the start of the next figure.
_FIGURE_THEN_FIGURE = re.compile(
    rf"(?:\d[s%]?|\d°[CFcf]?|[{VULGAR_CHARACTERS}])([ \t]+|[ \t]*(?:[()\[\]{{}}<>|\\\"“”*_#~^`]"
    # any other sign an engine says nothing for ("20¿1"): a pause, or the figures run together
    rf"|[^\w\s.,:;!?/%°'’+\-–—−£$€&@=×±≥≤≈∼→‰])+[ \t]*)"
    rf"(?=[£$€]?\d|[{VULGAR_CHARACTERS}])")


def spaced_thousands(text: str, locale: Locale = EN_US) -> str:
    """ "10 000 units": thousands set apart by spaces, before a unit, are one amount ("10,000");
    never after a colon or a slash: "08:00 500 mg" is a time, then a dose; "1/2 100 mg
    tablet" is half of a 100 mg tablet, not "one over two thousand one hundred"."""
    text = re.sub(r"(?<![\d.,:/])(?<!\d\s)\d{1,3}(?:[ ]\d{3})+(?=\s?(?:mg|mcg|µg|micrograms?|milligrams?|"
                  r"g|grams?|kg|ml|mL|L|IU|mmol|units?|international|doses?|people|patients|steps)\b)",
                  lambda m: m.group(0).replace(" ", ","), text)
    # Whole thousands anywhere: "1 in 10 000", "£10 000", "10 000 children" are ten thousand,
    # never "ten, zero zero zero" (or "ten pounds, zero zero zero"); but never a number to
    # call: "116 000" is a helpline, and so is any figure after "call", "dial", "us on"...
    def thousands(match: re.Match) -> str:
        if match.group(0).startswith("116 ") or _DIALLED.search(match.string[:match.start()]):
            return match.group(0)
        return match.group(0).replace(" ", ",")

    return re.sub(r"(?<![\d.,:/])(?<!\d\s)(?<![\d.,:/][£$€])[1-9]\d{0,2}(?:[ ]000)+(?!\d|[ .,]\d)",
                  thousands, text)


#: Words after which a figure is a number to call, not an amount.
#: "on" alone is not one: "based on 10 000 cases" is ten thousand; "call us on", "the line on" are.
_DIALLED = re.compile(r"\b(?:[Cc]all|[Dd]ial|[Rr]ing|[Tt]ext|[Pp]hone|[Tt]el|[Ff]ax|[Hh]elpline|[Ll]ine|"
                      r"(?:us|line|number|[Hh]elpline)\s+on)\W*$")


def separate_figures(text: str, locale: Locale = EN_US) -> str:
    """Two figures side by side get a pause, or "1950 999" would sound like one
    number ("nineteen fifty nine nine nine"), "90 1" like ninety-one and "1950 £1"
    like nineteen fifty-one pounds. A whole number before a fraction ("1 1/2",
    "1 ½") is one amount and stays together."""

    def apart(match: re.Match) -> str:
        before = re.search(r"\S*$", match.string[:match.start(1)]).group(0)
        after = match.string[match.end():]
        if re.fullmatch(r"[1-9]\d?|0", before) and re.match(rf"\d{{1,2}}/\d{{1,2}}(?![\d/])|[{VULGAR_CHARACTERS}]", after):
            return match.group(0)
        gap = match.group(1)
        return match.group(0)[:match.start(1) - match.start()] + ("," + gap if gap.strip() else ", ")

    text = _FIGURE_THEN_FIGURE.sub(apart, text)
    # "500 and 1" must not sound like "five hundred and one" (501).
    return re.sub(r"(?<![\d.,])((?:\d{1,3}(?:,\d{3})+|\d+)(?<=00)s?)(\s+and\s+)(?=\d)", r"\1,\2", text)
