"""The normaliser's specification: written -> spoken, case by case, by category.

Each row of tests/data/normalise_table.csv is one case, checked exactly: a
category, the locale (en-GB or en-US), what the leaflet says and what the
engine must be given.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from audioguide.normalise import EN_GB, EN_US, normalise

TABLE = Path(__file__).parent / "data" / "normalise_table.csv"
LOCALES = {"en-GB": EN_GB, "en-US": EN_US}


def cases() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


CASES = cases()
#: Every category the table must cover, with the fewest cases each may have.
CATEGORIES = {
    "emergency": 5, "phone": 8, "url": 4, "email": 3, "money": 8, "percent": 4, "fraction": 6,
    "ratio": 3, "reading": 5, "per": 8, "range": 8, "time": 10, "date": 10, "ordinal": 4,
    "symbol": 12, "unit": 15, "abbreviation": 15, "acronym": 8, "name": 6, "roman": 5, "aside": 10,
    "number": 5,
}


def test_the_table_has_at_least_200_cases_covering_every_category():
    counts = Counter(case["category"] for case in CASES)
    assert len(CASES) >= 200
    assert set(counts) == set(CATEGORIES)
    for category, fewest in CATEGORIES.items():
        assert counts[category] >= fewest, category
    written = [(case["locale"], case["written"]) for case in CASES]
    assert len(written) == len(set(written)), "a case is listed twice"


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{case['category']}-{case['locale']}-{case['written'][:40]}" for case in CASES])
def test_written_is_spoken_exactly(case):
    assert normalise(case["written"], LOCALES[case["locale"]]) == case["spoken"]


def test_a_locale_can_be_named_by_its_tag():
    assert normalise("On 03/04/2024.", "en-GB") == "On the third of April, twenty twenty-four."
    assert normalise("On 03/04/2024.", "en_us") == "On March fourth, twenty twenty-four."
    # Plain "en" (or nothing): the leaflet's own conventions decide.
    assert normalise("Call 0800 123 4567, on 03/04/2024.", "en").startswith("Call oh eight hundred")
    assert "March fourth" in normalise("On 03/04/2024, call 911.", "en")
