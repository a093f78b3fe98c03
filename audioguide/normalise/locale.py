"""The reader's locale: which conventions a leaflet's figures follow.

Two English locales are known. They differ in the order of a numeric date
(03/04/2024 is the 3rd of April in en-GB, March the 4th in en-US), the
spelling of metric units (millilitre, millimetre / milliliter, millimeter),
the word for a zero digit in a phone number ("oh" / "zero"), and whether a
number says "and" after the hundreds ("one hundred and twenty" /
"one hundred twenty"). Other English regions that write the day first
(en-AU, en-IE, en-NZ, en-ZA, en-IN...) are read with the en-GB rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    tag: str  # "en-GB" or "en-US"
    day_first: bool  # numeric dates: 03/04/2024 is the 3rd of April
    metric_spelling: str  # "re" (litre, metre) or "er" (liter, meter)
    zero_digit: str  # a zero read on its own, as in a phone number
    hundreds_and: bool  # "one hundred and twenty"

    def __str__(self) -> str:
        return self.tag


EN_GB = Locale("en-GB", day_first=True, metric_spelling="re", zero_digit="oh", hundreds_and=True)
EN_US = Locale("en-US", day_first=False, metric_spelling="er", zero_digit="zero", hundreds_and=False)
LOCALES = {"en-gb": EN_GB, "en-us": EN_US}
#: English-speaking regions that write dates day first and spell "litre": read with en-GB rules.
DAY_FIRST_REGIONS = ("gb", "uk", "au", "ie", "nz", "za", "in", "sg", "hk", "mt", "jm", "ng", "ke", "pk")
#: Tags accepted where a language is given: a region, or plain "en" (then inferred).
KNOWN_TAGS = ("en", "en-GB", "en-US")

#: Signs a leaflet was written for the United Kingdom: pounds and pence, the
#: 999 and 111 services, 0800/0808 helplines, the NHS and A&E.
BRITISH_SIGNS = re.compile(
    r"£|\b\d+p\b|(?<!\d)(?:999|111)(?!\d)|(?<!\d)0(?:800|808|300|845)(?!\d)|\bNHS\b|\bA&E\b|\bGP\b")


def locale_for(tag: str | None, text: str = "") -> Locale:
    """The locale a tag names ("en-GB", "en_us"); for plain "en", "" or None, the
    one the text's own conventions point to (British signs mean en-GB, else en-US)."""
    key = (tag or "").strip().replace("_", "-").lower()
    if key in LOCALES:
        return LOCALES[key]
    if key.startswith("en-") and key.split("-")[1] in DAY_FIRST_REGIONS:
        return EN_GB  # "en-AU": dates day first, metric spellings, as in Britain
    return EN_GB if BRITISH_SIGNS.search(text) else EN_US


def is_english(tag: str) -> bool:
    """Whether a language tag names English ("en", "en-AU", "EN_gb") or names nothing."""
    key = (tag or "").strip().replace("_", "-").lower()
    return key in ("", "und") or key == "en" or key.startswith("en-")


def is_known_tag(tag: str) -> bool:
    key = tag.strip().replace("_", "-").lower()
    return key == "en" or key in LOCALES


def canonical_tag(tag: str) -> str:
    """ "en_gb" -> "en-GB"; "EN" -> "en". Unknown tags are returned as given."""
    key = tag.strip().replace("_", "-").lower()
    return LOCALES[key].tag if key in LOCALES else ("en" if key == "en" else tag)
