"""Web addresses and e-mail addresses, said as a person reads them out.

"www.nhs.uk/conditions" -> "w w w dot n h s dot u k slash conditions";
"help@nhs.net" -> "help at n h s dot net". "https://" is not said. Parts of
three letters or fewer without a vowel (and "www", "nhs", "uk") are
spelled; figures are said digit by digit; a hyphen is "dash", "_"
"underscore". A full stop ending the sentence stays a full stop.
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import digits

TLDS = r"com|org|net|uk|gov|nhs|edu|co|us|eu|ie|au|ca|nz"
URL = re.compile(
    rf"\b(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]"
    rf"|\b(?:[A-Za-z0-9-]+\.)+(?:{TLDS})\b(?:/[^\s<>()\[\]\"']*[^\s<>()\[\]\"'.,;:!?])?/?")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b")
SPELLED = {"www", "nhs", "uk", "bbc", "who", "cdc", "nih", "us", "eu", "ie", "html", "htm", "pdf", "ac"}
SAID_AS_WORDS = {"gov": "gov", "com": "com", "org": "org", "net": "net", "info": "info", "co": "co"}
SYMBOLS = {".": "dot", "/": "slash", "-": "dash", "_": "underscore", "@": "at", "?": "question mark",
           "=": "equals", "&": "and", "#": "hash", "~": "tilde", ":": "colon", "+": "plus", "%": "percent"}


def say_part(part: str, locale: Locale) -> str:
    """One run of letters or digits in an address."""
    if part.isdigit():
        return digits(part, locale)
    lower = part.lower()
    if lower in SAID_AS_WORDS:
        return SAID_AS_WORDS[lower]
    if lower in SPELLED or (len(part) <= 4 and not re.search(r"[aeiouy]", lower)):
        return " ".join(part.upper())
    return part


def say_address(address: str, locale: Locale) -> str:
    address = re.sub(r"^https?://", "", address).rstrip("/")  # a closing slash says nothing
    words = []
    for piece in re.findall(r"[A-Za-z]+|\d+|[^A-Za-z\d]", address):
        if piece in SYMBOLS:
            words.append(SYMBOLS[piece])
        elif re.fullmatch(r"[A-Za-z]+|\d+", piece):
            words.append(say_part(piece, locale))
    return " ".join(words)


def addresses(text: str, locale: Locale) -> str:
    text = EMAIL.sub(lambda m: say_address(m.group(0), locale), text)
    # A figure after an address gets a pause: ".../page/1 2nd" is not "one second".
    return URL.sub(lambda m: say_address(m.group(0), locale) + ("," if re.match(r"\s+\d", text[m.end():]) else ""),
                   text)
