"""Leaflet phrases once spoken with a different meaning than written, each checked exactly.

Each case is (locale, written, spoken): a time, a dose, a phone number or a
unit that a rule used to misread (a range heard as one time, a power of ten
heard as a plain figure, square metres heard as metres...).
"""

from __future__ import annotations

import pytest

from audioguide.normalise import normalise

CASES = [
    # A clock time, then the hour it runs to: not "nine thirty-five" (9:35).
    ("en-GB", "Open 9:30-5.", "Open nine thirty to five."),
    ("en-GB", "Open 9:30 - 5 daily.", "Open nine thirty to five daily."),
    ("en-US", "Hours 8:30–4 weekdays.", "Hours eight thirty to four weekdays."),
]


@pytest.mark.parametrize("locale, written, spoken", CASES, ids=[f"{c[0]}-{c[1][:40]}" for c in CASES])
def test_written_is_spoken_with_its_meaning(locale, written, spoken):
    assert normalise(written, locale) == spoken
