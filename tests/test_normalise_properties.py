"""A figure is never lost or changed: the property, checked under hypothesis.

Definition. From a text we recover its *figure string*: every number in it,
in order, as digits, concatenated. In the written sentence the numbers are
the runs of digits (any script), vulgar fractions (½ is "1" "2"), month
names (March is "3") and Roman numerals after "type", "stage" and the like
(II is "2"). In the spoken sentence they are the number words: "one hundred
and twenty" is "120", "twenty nineteen" is "20" "19", "oh eight hundred" is
"0" "800", "nine o'clock" is "9" "00", "two thirds" is "2" "3", "a half" is
"1" "2", ordinals and month names as their numbers. The normaliser must give
a spoken sentence whose figure string equals the written one's, for any
text. Because the strings are compared whole, a dropped, added, changed or
reordered digit fails, including a dropped leading zero in "0800" or "007".

Where a reader rightly leaves out a written zero, the written side is
brought to what is said before comparing, and only there: the leading zero
of a clock hour ("09:30" is "nine thirty"), the ":00" of a time with a m or
p m ("10:00 pm" is "ten p m"), zero pounds and the leading zero of pence or
cents ("£0.05" is "five pence", "£9.00" is "nine pounds"), and the leading
zero of a numeric date's day and month ("12-03-2024" too); footnote markers ("2[3]") are not
said, and a leading decimal point is said with a zero (".5" is "0.5"); an ISO date (2024-03-05) is read in
the locale's order.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from audioguide.normalise import EN_GB, EN_US, normalise
from audioguide.normalise.abbreviations import frequencies
from audioguide.normalise.fractions import VULGAR
from audioguide.normalise.marks import BRACKET_MARKER, LEADING_POINT
from audioguide.normalise.numbers import ROMAN_CONTEXT, roman_value
from audioguide.normalise.times import MONTHS
from audioguide.normalise.units import POWER_OF_TEN

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
SMALL |= {"oh": 0, "nought": 0}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
        if w != "_"}
TENS_PLURAL = {w[:-1] + "ies": v for w, v in TENS.items()} | {"tens": 10}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
SCALES |= {word + "s": value for word, value in SCALES.items()}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
            "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
            "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
            "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90}
ORDINAL_SCALES = {"hundredth": 100, "thousandth": 1000, "millionth": 10**6}
FRACTIONS = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4} | {
    w + "s": v for w, v in ORDINALS.items() if v > 2}
MONTH_NUMBERS = {m.lower(): i for i, m in enumerate(MONTHS, start=1)} | {
    m[:3].lower(): i for i, m in enumerate(MONTHS, start=1) if m != "May"} | {"sept": 9}
ZEROS = {"zero", "oh", "nought"}


def figures_of_words(tokens: list[str]) -> str:
    """Number words (and digit tokens, kept as written) to a figure string."""
    out: list[str] = []
    total = segment = 0
    last = None  # kind of the last word of the number being read
    open_number = False

    def flush():
        nonlocal total, segment, last, open_number
        if open_number:
            out.append(str(total + segment))
        total = segment = 0
        last = None
        open_number = False

    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token.isdigit():
            flush()
            if following in SCALES and not token.startswith("0"):
                total, last, open_number = int(token), "digits", True
            else:
                out.append(token)
            continue
        if token == "o" and following == "clock":
            flush()
            out.append("00")
            continue
        if token in ZEROS:
            flush()
            out.append("0")
            continue
        if token == "a" and (following in FRACTIONS or ORDINALS.get(following, 0) > 2):
            flush()
            out.append("1")
            continue
        if token == "and" and last in ("scale", "digits") and (following in SMALL or following in TENS
                                                               or following in ORDINALS):
            continue
        if token == "seconds" or token == "second" and open_number and last in ("unit", "teen"):
            flush()  # "one second": the unit of time, not a figure
            continue
        if token in SMALL:
            value = SMALL[token]
            if open_number and last == "tens" and segment % 10 == 0 and 1 <= value <= 9:
                segment += value
                last = "unit"
            elif open_number and last in ("scale", "digits") and segment == 0 or \
                    open_number and last == "scale" and segment % 100 == 0 and value < 100:
                segment += value
                last = "unit" if value < 10 else "teen"
            else:
                flush()
                segment, last, open_number = value, "unit" if value < 10 else "teen", True
        elif token in TENS:
            value = TENS[token]
            if open_number and last == "scale" and segment % 100 == 0:
                segment += value
            else:
                flush()
                segment, open_number = value, True
            last = "tens"
        elif token in SCALES:
            scale = SCALES[token]
            if not open_number:
                out.append(str(scale))
                continue
            if scale == 100 and segment:
                segment *= 100
            elif segment:
                total, segment = total + segment * scale, 0
            else:
                total *= scale
            last = "scale"
        elif token in ORDINALS or token in ORDINAL_SCALES:
            if token in ORDINAL_SCALES and open_number:
                scale = ORDINAL_SCALES[token]
                if scale == 100 and segment:
                    segment *= 100
                elif segment:
                    total, segment = total + segment * scale, 0
                else:
                    total *= scale
                flush()
                continue
            value = ORDINALS.get(token, ORDINAL_SCALES.get(token))
            if open_number and ((last == "tens" and value < 10) or (last in ("scale",) and value < 100)):
                segment += value
                flush()
            else:
                flush()
                out.append(str(value))
        elif token in FRACTIONS:
            flush()
            out.append(str(FRACTIONS[token]))
        elif token in TENS_PLURAL:
            value = TENS_PLURAL[token]
            if open_number and last in ("scale",):
                segment += value
                flush()
            else:
                flush()
                out.append(str(value))
        elif token in MONTH_NUMBERS and previous != "the" or token in MONTH_NUMBERS and following:
            flush()
            out.append(str(MONTH_NUMBERS[token]))
        else:
            flush()
    flush()
    return "".join(out)


def tokens_of(text: str) -> list[str]:
    text = re.sub(r"(?<=ty)-(?=[a-z])", " ", text.lower())  # "twenty-four" is one number
    return re.findall(r"[a-z]+|\d+|[,;:.!?-]", text)  # a colon is a pause, as a comma is


def spoken_figures(spoken: str) -> str:
    return figures_of_words(tokens_of(spoken))


def written_figures(written: str, locale) -> str:
    written = frequencies(written)  # "500 mg tds": "three times a day" is said, and counts its three
    text = "".join(str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in written)
    text = re.sub(rf"\b({ROMAN_CONTEXT})\s+([IVX]+)\b(?![-'’]?\w)",
                  lambda m: f"{m.group(1)} {roman_value(m.group(2)) or m.group(2)}", text)
    # Footnote markers ("2[3] tablets") are not said; a leading point is said with its zero (".5" is "0.5").
    text = BRACKET_MARKER.sub("", text)
    text = LEADING_POINT.sub("0.", text)
    # Vulgar fractions after that: ".¼" has no leading point before a figure.
    text = "".join(" ".join(map(str, VULGAR[ch])) + " " if ch in VULGAR else ch for ch in text)
    # A power of ten's superscript exponent ("10⁹") is said as a figure.
    text = POWER_OF_TEN.sub(lambda m: m.group(0).replace(m.group("superscript") or "", " " + (
        m.group("superscript") or "").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789 "))), text)
    # Zeros a reader rightly leaves out (see the module's docstring).
    text = re.sub(r"(?<![\d.:])0([1-9])(?=[:.]\d\d(?!\d))", r"\1", text)
    text = re.sub(r"(?<![\d.:])(1[0-2]|0?[1-9])[:.]00(?=\s?[AaPp]\.?\s?[Mm](?![A-Za-z]))", r"\1", text)

    def money(match: re.Match) -> str:
        units, hundredths = match.group(2), match.group(3)
        said = [] if units == "0" and hundredths != "00" else [units]
        if hundredths != "00":
            said.append(hundredths.lstrip("0"))
        return match.group(1) + " ".join(said) + " "

    text = re.sub(r"([£$€])\s?(\d+)\.(\d\d)(?!\d)", money, text)

    def numeric_date(match: re.Match) -> str:
        first, second = int(match.group(1)), int(match.group(2))
        if not (1 <= first <= 12 and 1 <= second <= 31 or 1 <= second <= 12 and 1 <= first <= 31):
            return match.group(0)  # not a date in either order
        return f"{first}/{second}/{match.group(3)}"

    text = re.sub(r"(?<![\w/.,])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\w/]|\.\d)", numeric_date, text)
    text = re.sub(r"(?<![\w/.,-])(\d{1,2})-(\d{1,2})-(\d{4})(?![\w/-]|[.,]\d)", numeric_date, text)

    def iso(match: re.Match) -> str:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        return f"{day} {month} {year}" if locale.day_first else f"{month} {day} {year}"

    text = re.sub(r"(?<![\w/.])(\d{4})-(\d{2})-(\d{2})(?![\w/-])", iso, text)
    text = re.sub(r"(?<![\w/.,:-])0([1-9])/((?:19|20)\d\d)(?![\w/]|[.,]\d)", r"\1/\2", text)  # "06/2025"
    return figures_of_words(tokens_of(text))


def assert_figures_kept(written: str, locale) -> None:
    spoken = normalise(written, locale)
    assert spoken_figures(spoken) == written_figures(written, locale), (written, spoken)


# What a leaflet's figures look like, with random values.
D = st.integers
FIGURES = st.one_of(
    st.builds(lambda n: f"{n}", D(0, 10**12)),
    st.builds(lambda n: f"{n:,}", D(1000, 10**9)),
    st.builds(lambda a, b: f"{a}.{b}", D(0, 999), st.from_regex(r"\d{1,4}", fullmatch=True)),
    st.builds(lambda a, b, c: f"0{a} {b} {c}", st.sampled_from(["800", "808", "20", "300", "1632", "7700"]),
              st.from_regex(r"\d{3,4}", fullmatch=True), st.from_regex(r"\d{3,4}", fullmatch=True)),
    st.builds(lambda a, b, c: f"{a}-{b}-{c}", st.from_regex(r"[2-9]\d\d", fullmatch=True),
              st.from_regex(r"\d{3}", fullmatch=True), st.from_regex(r"\d{4}", fullmatch=True)),
    st.builds(lambda b: f"1-800-{b}", st.from_regex(r"\d{3}-\d{4}", fullmatch=True)),
    st.sampled_from(["999", "911", "111", "112", "000", "24/7", "A&E", "NHS 111", "+44 20 7946 0000"]),
    st.builds(lambda s, a: f"{s}{a}", st.sampled_from("£$€"), st.one_of(
        D(0, 100000).map(str), st.builds(lambda a, b: f"{a}.{b:02d}", D(0, 999), D(0, 99)))),
    st.builds(lambda n: f"{n}p", D(1, 99)),
    st.builds(lambda n, u: f"{n} {u}", st.one_of(D(0, 5000).map(str), st.just("1"), st.just("0.5")),
              st.sampled_from(["mg", "ml", "mcg", "µg", "g", "kg", "mL", "L", "mmol/L", "IU", "units",
                               "mmHg", "cm", "mm", "hrs", "mins", "wks", "yrs", "mg/kg", "mg/kg/day",
                               "times/day", "mg/5 ml", "%", "°C", "°F", "bpm"])),
    st.builds(lambda a, b, sep: f"{a}{sep}{b}", D(0, 200), D(0, 200), st.sampled_from(["-", "–", " to ", "/", ":"])),
    st.builds(lambda h, m, mer: f"{h}:{m:02d}{mer}", D(0, 23), D(0, 59), st.sampled_from(["", "am", " pm", " p.m."])),
    st.builds(lambda h, m: f"{h:02d}:{m:02d}", D(0, 23), D(0, 59)),
    st.builds(lambda h, mer: f"{h}{mer}", D(1, 12), st.sampled_from(["am", "pm", " a.m."])),
    st.builds(lambda a, b: f"{a}am–{b}pm", D(1, 12), D(1, 12)),
    st.builds(lambda d, m, y: f"{d:02d}/{m:02d}/{y}", D(1, 28), D(1, 12), D(1950, 2040)),
    st.builds(lambda d, m, y: f"{y}-{m:02d}-{d:02d}", D(1, 28), D(1, 12), D(1950, 2040)),
    st.builds(lambda d, m, y: f"{d} {m} {y}", D(1, 28), st.sampled_from(MONTHS), D(1100, 2099)),
    st.builds(lambda d, m: f"{m} {d}", D(1, 31), st.sampled_from(MONTHS)),
    st.builds(lambda n: f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}", D(1, 1000)),
    st.builds(lambda n: f"{n}0s", D(110, 209)),
    st.builds(lambda a, b: f"{a}/{b}", D(1, 9), D(2, 10)),
    st.sampled_from(list(VULGAR)),
    st.builds(lambda n, f: f"{n}{f}", D(1, 9), st.sampled_from(list(VULGAR))),
    st.builds(lambda a, b: f"{a} in {b}", D(1, 10), D(2, 1000)),
    st.builds(lambda w, r: f"{w} {r}", st.sampled_from(["type", "stage", "Grade", "phase"]),
              st.sampled_from(["I", "II", "III", "IV", "V", "IX", "XII"])),
    st.sampled_from(["B12", "D3", "DYT1", "COVID-19", "H1N1", "HbA1c", "SARS-CoV-2", "Q10", "3D", "007"]),
    st.builds(lambda s, n: f"{s} {n}", st.sampled_from(["≥", "≤", "<", ">", "~", "±", "×"]), D(0, 500)),
    st.builds(lambda n: f"www.example{n}.org/page/{n}", D(0, 99)),
    st.builds(lambda n: f"team{n}@example.co.uk", D(0, 99)),
    st.builds(lambda a, b: f"{a}/{b} mmHg", D(80, 200), D(40, 120)),
)
WORDS = st.one_of(
    st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    st.sampled_from(["Call", "Take", "the", "a", "and", "or", "at", "on", "every", "(", ")", ",", "e.g.",
                     "Dr", "No.", "approx.", "max.", "min.", "vitamin", "type", "dose", "Mon–Fri",
                     "(see page", "(a blood thinner)", "(often called", "MRI", "GP", "-", "/"]),
)
SENTENCES = st.builds(
    lambda parts, end: " ".join(parts) + end,
    st.lists(st.one_of(FIGURES, WORDS), min_size=1, max_size=12),
    st.sampled_from([".", "", "!", "?", ":"]),
)
LOCALES = st.sampled_from([EN_GB, EN_US])


@SETTINGS
@given(SENTENCES, LOCALES)
@example("Call 0800 123 4567 or 999, 9am–5pm, £9.05, 03/04/2024.", EN_GB)
@example("Take 5 mg/5 ml 3 times/day at 09:30 and 10:00 pm; type II; ½ tablet.", EN_US)
@example("01/01/1950 / 1.", EN_GB)
@example("50 ≥ 1 ½.", EN_GB)
@example("1950 < 100 020 0000 000.", EN_GB)
@example("1,000 and 1.", EN_GB)
@example("Take 1,5 mg at 21.30, 08.00-21.30 7/7; text 85258 or call 116 123 by 12-03-2024.", EN_GB)
@example("Take .5 mg, ½-1 tablet, 2[3] tablets, 1:10,000, 555-1234, 1250 mg.", EN_US)
def test_every_figure_of_a_leaflet_sentence_is_spoken(sentence, locale):
    assert_figures_kept(sentence, locale)


@SETTINGS
@given(st.text(max_size=300), LOCALES)
def test_every_figure_of_any_text_is_spoken(text, locale):
    assert_figures_kept(text, locale)


def test_the_check_catches_a_dropped_or_changed_digit():
    """The property is not vacuous: a spoken form that loses or changes one digit fails it."""
    written = "Call 0800 123 4567 or take 120 mg at 9:30."
    spoken = normalise(written, EN_GB)
    assert spoken_figures(spoken) == written_figures(written, EN_GB) == "0800123456712093" + "0"
    for wrong in (spoken.replace("oh eight hundred", "eight hundred"),
                  spoken.replace("one hundred and twenty", "one hundred and two"),
                  spoken.replace("four five six seven", "four five seven"),
                  spoken.replace("nine thirty", "nine three")):
        assert wrong != spoken
        assert spoken_figures(wrong) != written_figures(written, EN_GB), wrong
