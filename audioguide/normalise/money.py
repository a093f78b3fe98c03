"""Money: "£9.90" -> "nine pounds and ninety pence", "$20" -> "twenty dollars", "50p" -> "fifty pence".

The currency is said after the amount, as people say it; pence and cents
are said with their own word, never as a decimal. "£2.5 million" keeps its
decimal ("two point five million pounds").
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import NUMBER, cardinal, number

#: Symbol -> (one, many, one hundredth, hundredths).
CURRENCIES = {
    "£": ("pound", "pounds", "penny", "pence"),
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
}
SCALES = r"million|billion|thousand|m|bn|k"
_SCALE_WORDS = {"m": "million", "bn": "billion", "k": "thousand"}


def say_amount(symbol: str, amount: str, scale: str | None, locale: Locale) -> str:
    one, many, cent, cents = CURRENCIES[symbol]
    plain = amount.replace(",", "")
    if scale:
        return f"{number(amount, locale, years=False)} {_SCALE_WORDS.get(scale, scale)} {many}"
    whole, _, fraction = plain.partition(".")
    if fraction and len(fraction) != 2:
        return f"{number(amount, locale, years=False)} {many}"
    units = int(whole) if whole else 0
    hundredths = int(fraction) if fraction else 0
    parts = []
    if units or not hundredths:
        parts.append(f"{cardinal(units, locale)} {one if units == 1 else many}")
    if hundredths:
        parts.append(f"{cardinal(hundredths, locale)} {cent if hundredths == 1 else cents}")
    return " and ".join(parts)


def money(text: str, locale: Locale) -> str:
    def say(match: re.Match) -> str:
        return f" {say_amount(match.group(1), match.group(2), match.group(3), locale)} "

    # "£1–2", "$5-$10": a range of amounts, each said with its currency; a scale after the
    # second is the first's too ("£3-4 million" is three to four million, not three pounds).
    text = re.sub(rf"([£$€])\s?({NUMBER})\s?[-–—]\s?[£$€]?({NUMBER})(?:\s?({SCALES})\b)?",
                  lambda m: (f"{m.group(1)}{m.group(2)}{m.group(4) or ''} to "
                             f"{m.group(1)}{m.group(3)}{m.group(4) or ''}"), text)
    text = re.sub(rf"([£$€])\s?({NUMBER})(?:\s?({SCALES})\b)?", say, text)
    # Pence and cents written after the figure: "50p", "99c", "20¢".
    text = re.sub(r"(?<![\w.,])(\d+)p\b", lambda m: f"{cardinal(int(m.group(1)), locale)} "
                  f"{'penny' if m.group(1) == '1' else 'pence'}", text)
    return re.sub(r"(?<![\w.,])(\d+)(?:c\b|¢)", lambda m: f"{cardinal(int(m.group(1)), locale)} "
                  f"{'cent' if m.group(1) == '1' else 'cents'}", text)
