"""Written -> spoken text for patient information: ``normalise(text, locale)``.

Rule-based and offline. Each family of rules lives in its own module and is
applied in the order below, most specific first, so a phone number is read
as a phone number before anything could read it as an amount, and every
figure left at the end is said as a number. A figure is never dropped or
changed: every rule either says all of a figure's digits or leaves it for a
later rule (tests/test_normalise_properties.py checks this for any text).
"""

from __future__ import annotations

import re
import unicodedata

from . import abbreviations as _abbreviations
from . import asides as _asides
from . import fractions as _fractions
from . import marks as _marks
from . import money as _money
from . import numbers as _numbers
from . import phones as _phones
from . import symbols as _symbols
from . import times as _times
from . import units as _units
from . import web as _web
from .locale import EN_GB, EN_US, KNOWN_TAGS, Locale, canonical_tag, is_known_tag, locale_for

#: The rules, in the order they are applied.
RULES = (
    _web.addresses,
    _abbreviations.frequencies,
    _units.powers,
    _numbers.spaced_thousands,
    _phones.phones,
    _numbers.separate_figures,
    _asides.asides,
    _abbreviations.abbreviations,
    _phones.extensions,
    _units.decimal_commas,
    _money.money,
    _times.dates,
    _times.times,
    _times.days,
    _fractions.clinical_durations,
    _units.readings,
    _units.temperatures,
    _fractions.percentages,
    _times.ranges,
    _units.units,
    _fractions.fractions,
    _symbols.comparisons,
    _symbols.symbols,
    _numbers.roman_numerals,
    _numbers.decades,
    _numbers.ordinals,
    _abbreviations.names,
    _abbreviations.acronyms,
    _numbers.negatives,
    _numbers.plain_numbers,
    _symbols.leftovers,
)

#: Planes 15 and 16 are private use: no leaflet needs them, and they are kept
#: apart from the Basic Multilingual Plane's private-use characters, which
#: callers may use to hold text aside.
_SUPPLEMENTARY_PRIVATE = re.compile("[\U000f0000-\U0010ffff]")
_MIDDLE_DOT_POINT = re.compile(r"(?<=\d)[·∙](?=\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DASHES = str.maketrans({"\u2011": "-", "\u2010": "-", "\u2212": "-", "\u00a0": " ", "\u202f": " ",
                         "\u2009": " ", "\u2044": "/", "\u2215": "/"})



def _ascii_digits(text: str) -> str:
    """Digits of any script as ASCII digits, so each is said (and checked) as a figure."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def normalise(text: str, locale: Locale | str = EN_US) -> str:
    """The words an engine should say for ``text``, in ``locale`` ("en-GB", "en-US" or a Locale)."""
    if isinstance(locale, str):
        locale = locale_for(locale, text)
    text = _SUPPLEMENTARY_PRIVATE.sub("", _ascii_digits(text).translate(_DASHES))
    # "0·5 mg": a raised decimal point; "20\x1f1": two figures and a space, never "twenty one".
    text = _MIDDLE_DOT_POINT.sub(".", _CONTROL.sub(" ", text))
    text = _marks.leading_points(_marks.unsaid_marks(text))
    end = re.search(r"[.!?:]$", text.rstrip("\"'”’)] "))
    for rule in RULES:
        text = rule(text, locale)
    text = tidy_spoken(text)
    if end and text and not text.endswith((".", "!", "?", ":")):
        text += end.group(0)  # a rule that read "p.m." or "etc." as words keeps the sentence's end
    return text


def tidy_spoken(text: str) -> str:
    """One space between words, none before punctuation, no doubled or leading pauses."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r",\s*([.;:!?])", r"\1", text)
    text = re.sub(r"([.!?])\s*\.", r"\1", text)
    return text.strip(" ,;")


__all__ = ["normalise", "Locale", "EN_GB", "EN_US", "KNOWN_TAGS", "locale_for", "is_known_tag",
           "canonical_tag", "tidy_spoken"]
