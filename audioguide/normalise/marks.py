"""What is written but not said, and figures written short, made ready for the rules.

- HTML tags: only real ones ("<b>", "<a href=...>", a known element name in
  proper tag syntax) are dropped; "<6 months or >12 years" is text, read
  later as comparisons.
- Footnote markers: "[3]" straight after a word, a figure, "%" or
  punctuation ("2[3] tablets", "12.5%[4]"); superscript figures after a word,
  "%" or punctuation ("mg¹", "10%²"), but not powers after m, cm, mm or km
  ("m²" is "square metres", "1.73m²" too); the marks † and ‡ anywhere, and * or § that end
  a word or figure ("5 mL†", "risk*").
- A leading decimal point: ".5" is written "0.5" so it is said "nought point
  five" (en-GB) or "zero point five" (en-US), never glued to the word before.
"""

from __future__ import annotations

import re

from ..markup import TAG_PATTERN

TAG = re.compile(TAG_PATTERN, re.I)
BRACKET_MARKER = re.compile(r"(?<=[\w%.,;:!?)\]])\[\d{1,3}\](?!\()")
SUPERSCRIPT_MARKER = re.compile(r"(?<=[A-Za-z%.,;:!?)\]])(?<!(?<![A-Za-z])[ckm]m)(?<!(?<![A-Za-z])m)"
                                r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
SIGN_MARKER = re.compile(r"[†‡]|(?<=[\w%.)])[*§]+(?![\w(])")
LEADING_POINT = re.compile(r"(?<![\w.,])\.(?=\d)")


def unsaid_marks(text: str) -> str:
    text = TAG.sub(" ", text)  # "<b>word</b>": an HTML tag is never said
    text = BRACKET_MARKER.sub("", text)
    text = SUPERSCRIPT_MARKER.sub("", text)
    return SIGN_MARKER.sub("", text)


def leading_points(text: str) -> str:
    """ ".5" -> "0.5": the figure is said whole, with its point."""
    return LEADING_POINT.sub("0.", text)
