"""Units and doses, "per" readings and "A/B unit" readings.

"500 mg" -> "500 milligrams", "1 ml" -> "1 millilitre" (en-GB) or
"milliliter" (en-US), "a 5 ml spoon" -> "a 5 millilitre spoon" (a
measurement used as an adjective is singular), "10 mg/kg" -> "10 milligrams
per kilogram", "5 mg/5 ml" -> "5 milligrams per 5 millilitres", "3
times/day" -> "3 times a day", "120/80 mmHg" -> "120 over 80 millimetres of
mercury", "24/7" -> "twenty-four seven". Figures are left for the number rules.
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import NUMBER

#: Written unit -> (singular, plural); "{re}" is "re" or "er" by locale (litre/liter).
UNITS = {
    "mg": ("milligram", "milligrams"), "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"), "μg": ("microgram", "micrograms"),
    "ug": ("microgram", "micrograms"), "ng": ("nanogram", "nanograms"),
    "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"),
    "ml": ("millilit{re}", "millilit{re}s"), "mL": ("millilit{re}", "millilit{re}s"),
    "dl": ("decilit{re}", "decilit{re}s"), "dL": ("decilit{re}", "decilit{re}s"),
    "l": ("lit{re}", "lit{re}s"), "L": ("lit{re}", "lit{re}s"),
    "mmol": ("millimole", "millimoles"), "mol": ("mole", "moles"),
    "IU": ("international unit", "international units"),
    "mmHg": ("millimet{re} of mercury", "millimet{re}s of mercury"),
    "mm Hg": ("millimet{re} of mercury", "millimet{re}s of mercury"),
    "mm": ("millimet{re}", "millimet{re}s"), "cm": ("centimet{re}", "centimet{re}s"),
    "km": ("kilomet{re}", "kilomet{re}s"), "m": ("met{re}", "met{re}s"),
    "hrs": ("hour", "hours"), "hr": ("hour", "hours"), "h": ("hour", "hours"),
    "mins": ("minute", "minutes"), "min": ("minute", "minutes"),
    "secs": ("second", "seconds"), "sec": ("second", "seconds"),
    "wks": ("week", "weeks"), "wk": ("week", "weeks"),
    "yrs": ("year", "years"), "yr": ("year", "years"),
    "kcal": ("kilocalorie", "kilocalories"), "lbs": ("pound", "pounds"), "lb": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "bpm": ("beat per minute", "beats per minute"),
    "mph": ("mile per hour", "miles per hour"),
    "m²": ("square met{re}", "square met{re}s"), "m2": ("square met{re}", "square met{re}s"),
    "cm²": ("square centimet{re}", "square centimet{re}s"),
    "tsp": ("teaspoon", "teaspoons"), "tbsp": ("tablespoon", "tablespoons"),
    "µmol": ("micromole", "micromoles"), "μmol": ("micromole", "micromoles"), "umol": ("micromole", "micromoles"),
    "nmol": ("nanomole", "nanomoles"), "pmol": ("picomole", "picomoles"),
    "mls": ("millilit{re}", "millilit{re}s"), "mgs": ("milligram", "milligrams"), "kgs": ("kilogram", "kilograms"),
    "mm²": ("square millimet{re}", "square millimet{re}s"), "km²": ("square kilomet{re}", "square kilomet{re}s"),
}
#: Words that can follow "per" or a slash after a unit: "mg/day", "times/week".
PERIODS = {"day": "day", "d": "day", "week": "week", "wk": "week", "month": "month", "year": "year",
           "hour": "hour", "hr": "hour", "h": "hour", "min": "minute", "minute": "minute",
           "dose": "dose", "night": "night", "meal": "meal", "kg": "kilogram", "L": "lit{re}",
           "l": "lit{re}", "ml": "millilit{re}", "mL": "millilit{re}", "dL": "decilit{re}",
           "dl": "decilit{re}", "m²": "square met{re}", "m2": "square met{re}", "mol": "mole",
           "mmol": "millimole"}
SPELLED_UNITS = "|".join(sorted({re.escape(word.format(re=spelling)) for pair in UNITS.values() for word in pair
                                 for spelling in ("re", "er")}, key=len, reverse=True))
UNIT = "|".join(re.escape(unit) for unit in sorted(UNITS, key=len, reverse=True))
PERIOD = "|".join(re.escape(word) for word in sorted(PERIODS, key=len, reverse=True))
#: Counted things that take "a day" rather than "per day" after a slash: "3 times/day".
COUNTS = r"times|tablets?|capsules?|doses?|puffs?|drops?|sachets?|spoonfuls?|glasses|cups?|units?|portions?|meals?"


def spelled(words: str, locale: Locale) -> str:
    return words.replace("{re}", locale.metric_spelling)


def _per(rest: str, locale: Locale) -> str:
    """ "/kg/day" -> " per kilogram per day"; "/5 ml" -> " per 5 millilitres"."""
    spoken = ""
    for match in re.finditer(rf"/\s?(?:({NUMBER})\s?({UNIT})|({PERIOD}))", rest):
        if match.group(1):
            figure, unit = match.group(1), match.group(2)
            one, many = UNITS[unit]
            spoken += f" per {figure} {spelled(one if figure == '1' else many, locale)}"
        else:
            spoken += f" per {spelled(PERIODS[match.group(3)], locale)}"
    return spoken


#: Counted things after "2m", "250k": people and the things done for them.
COUNTED_PEOPLE = (r"(?:people|adults|children|patients|cases|deaths|users|women|men|babies|prescriptions|"
                  r"appointments|visits|doses|vaccinations|jabs|households|smokers|carers|workers|calls|"
                  r"admissions|operations|tests|items|infections|births|pregnancies)")
_SCALES = {"m": "million", "bn": "billion", "k": "thousand"}


def decimal_commas(text: str, locale: Locale) -> str:
    """ "1,5 mg", "0,1%", "37,5°C": a decimal comma, as some leaflets write it; said as written,
    "one comma five milligrams", never guessed into a point, run together as "fifteen" or
    split into two figures ("nought, one percent" would sound like one percent)."""
    return re.sub(rf"(?<![\w.,])(\d+),(\d{{1,2}})(?=\s?(?:[%‰°º]|(?:{UNIT})(?!\w)))", r"\1 comma \2", text)


def units(text: str, locale: Locale) -> str:
    per_part = rf"(?:/\s?(?:(?:{NUMBER})\s?(?:{UNIT})|(?:{PERIOD}))(?!\w))*"

    def say(match: re.Match) -> str:
        article, figure, unit, per, stop = (match.group("article") or "", match.group("figure"),
                                            match.group("unit"), match.group("per"), match.group("stop"))
        one, many = UNITS[unit]
        # "1/2 tsp": the unit of a small fraction under one is singular ("one half teaspoon");
        # "one 5/10 mg tablet" is two strengths, not half a milligram: its plural unit makes
        # fractions.py say "five over ten".
        fraction = re.search(r"(?<![\d.,/])(?<!\d\s)(\d{1,2})/$", match.string[:match.start("figure")])
        singular = figure == "1" or bool(article) or bool(
            fraction and int(fraction.group(1)) < float(figure.replace(",", "")) <= 4)
        if re.match(rf"/\s?(?:{NUMBER})\s?{re.escape(unit)}(?!\w)", per):
            # "200mg/400mg": two strengths, not a rate. A pause, not "or": the two may be
            # the strengths on offer (ibuprofen) or both in one tablet (co-codamol 30mg/500mg).
            return f"{article}{figure} {spelled(many, locale)}, " + units(per.lstrip("/ "), locale) + (stop or "")
        spoken = f"{article}{figure} {spelled(one if singular else many, locale)}{_per(per, locale)}"
        return spoken + (stop or "")

    text = decimal_commas(text, locale)
    # "q4h", "q4-6h": every 4 hours, every 4 to 6 hours (a prescriber's shorthand).
    text = re.sub(r"\bq\.?\s?(\d{1,2})(?:\s?[-–]\s?(\d{1,2}))?\s?(?:h|hr|hrs|hours?)\b(\.?)",
                  lambda m: f"every {m.group(1)}{' to ' + m.group(2) if m.group(2) else ''} "
                  f"{'hour' if m.group(1) == '1' and not m.group(2) else 'hours'}", text)
    # "2m people", "250k adults": a count of millions or thousands, not metres.
    text = re.sub(rf"(?<![\w.,])({NUMBER})\s?(m|bn|k)\s(?={COUNTED_PEOPLE}\b)",
                  lambda m: f"{m.group(1)} {_SCALES[m.group(2)]} ", text)
    # A full stop after an abbreviated unit is kept only where it ends the text:
    # "for 20 min. on most days" has no stop to say.
    text = re.sub(
        rf"(?P<article>\b[Aa]n?\s(?:{NUMBER}\s?(?:[×x]|by)\s?)?)?(?<![\w.,])(?P<figure>{NUMBER})(?:\s?|-(?=[^\W\d]))(?P<unit>{UNIT})(?P<per>{per_part})"
        rf"(?:(?P<stop>\.)(?=\s*$)|\.(?=\s[a-z])|(?![\w/]))",
        say, text)
    text = re.sub(rf"({NUMBER})\s?[×x]\s?/\s?(day|week|month|night)\b", r"\1 times a \2", text)
    # "3 times/day", "2 tablets/dose" -> "a day", "per dose".
    text = re.sub(rf"\b({COUNTS})\s?/\s?(day|week|month|year|night|dose|hour)\b",
                  lambda m: f"{m.group(1)} {'a' if m.group(2) != 'hour' else 'an'} {m.group(2)}"
                  if m.group(2) != "dose" else f"{m.group(1)} per dose", text)
    text = re.sub(rf"(?<![\w.,/])({NUMBER})\s?/\s?(day|week|month|night)\b", r"\1 a \2", text)  # "max 8/day"
    text = per_slashes(text, locale)
    # "5mg-10mg", "2°C-8°C": a range, each end with its unit.
    text = re.sub(rf"\b({SPELLED_UNITS}|Celsius|Fahrenheit|percent)\s?[-–]\s?(?=-?{NUMBER}\s?[^\W\d])", r"\1 to ", text)
    # "6 months–17 years": ages, each end with its unit ("Under 6 months -1 ml" is an age, then a dose).
    text = re.sub(rf"\b(months?|days?)\s?[-–]\s?(?=(?:{NUMBER})\s?(?:years?|months?|weeks?|days?)\b)", r"\1 to ", text)
    # A unit with no figure: "mg/kg", "mmol/L".
    return re.sub(rf"(?<![\w/])({UNIT})((?:/\s?(?:{PERIOD}))+)(?![\w/])",
                  lambda m: spelled(UNITS[m.group(1)][1], locale) + _per(m.group(2), locale), text)


#: Spelled-out units and counted things after which a slash is "per":
#: "10 micrograms/kg/day", "1 drop/eye", "Max 8 tablets/24 hours".
PER_WORDS = (r"(?:(?:milli|micro|nano|kilo)?grams?|(?:milli|deci)?lit(?:re|er)s?|(?:international )?units?|"
             r"millimoles?|drops?|sprays?|puffs?|tablets?|capsules?|doses?|sachets?|applications?|"
             r"patch(?:es)?|pessar(?:y|ies)|suppositor(?:y|ies)|injections?|spoonfuls?|lozenges?|pastilles?|"
             r"inhalations?|vials?|ampoules?|times|cells|copies|breaths|beats)")


def per_slashes(text: str, locale: Locale) -> str:
    """After a figure and a unit or a counted thing, "/X" is "per X": "2 sprays/nostril" ->
    "2 sprays per nostril", "100 units/mL" -> "100 units per millilitre"; "1% w/w" is
    "weight for weight", "w/v" "weight in volume", "v/v" "volume in volume"."""
    text = re.sub(r"(?<![\w/])([wv])/([wv])(?![\w/])",
                  lambda m: {"w": "weight", "v": "volume"}[m.group(1)]
                  + (" for " if m.group(1) == m.group(2) else " in ") + {"w": "weight", "v": "volume"}[m.group(2)],
                  text)

    def per(match: re.Match) -> str:
        parts = re.split(r"\s?/\s?", match.group(2).lstrip())
        return match.group(1) + "".join(" per " + _unit_word(part, locale) for part in parts if part)

    text = re.sub(rf"(?<![\w.,])((?:{NUMBER})\s?(?:{PER_WORDS}|{UNIT}))((?:\s?/\s?(?:(?:{NUMBER})\s?)?[A-Za-z]+[²2]?)+)(?![\w/])",
                  per, text)
    return text


def _unit_word(written: str, locale: Locale) -> str:
    """ "mL" -> "millilitre", "24 hours" stays, "eye" stays."""
    match = re.fullmatch(rf"({NUMBER})?\s?({UNIT})", written)
    if not match:
        return written
    one, many = UNITS[match.group(2)]
    if match.group(1):
        return f"{match.group(1)} {spelled(one if match.group(1) == '1' else many, locale)}"
    return spelled(PERIODS.get(match.group(2), one), locale)


def readings(text: str, locale: Locale) -> str:
    """ "120/80 mmHg" -> "120 over 80 mmHg"; "24/7" -> "twenty-four seven"; other "A/B" figures: "A over B"."""
    text = re.sub(r"(?<![\w/.])24\s?/\s?7(?![\w/]|\.\d)", "twenty-four seven", text)
    # "open 7/7": every day of the week, not a fraction (both sevens said).
    text = re.sub(r"(?<![\w/.])7\s?/\s?7(?![\w/]|\.\d)", "seven days out of seven", text)
    return re.sub(r"(?<![\w/.,])(\d{2,3})\s?/\s?(\d{2,3})(?=\s?(?:mmHg|mm\sHg)\b|\s(?:or|and)\s(?:above|below|higher|lower|more|less))",
                  r"\1 over \2", text)


def temperatures(text: str, locale: Locale) -> str:
    def say(match: re.Match) -> str:
        scale = "Celsius" if match.group(2).upper() == "C" else "Fahrenheit"
        return f"{match.group(1)} {'degree' if match.group(1) == '1' else 'degrees'} {scale}"

    def bare(match: re.Match) -> str:  # "38C", "100.4F": a body temperature without its degree sign
        value = float(match.group(1))
        plausible = 30 <= value <= 45 if match.group(2) == "C" else 90 <= value <= 110
        return say(match) if plausible else match.group(0)

    text = re.sub(rf"(-?{NUMBER})\s?[°º]\s?([CcFf])\b", say, text)
    text = re.sub(r"(?<![\w.,])(\d{2,3}(?:\.\d)?)\s?([CF])\b", bare, text)
    return re.sub(rf"({NUMBER})\s?[°º](?![CcFf])", lambda m: f"{m.group(1)} degrees", text)



_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
#: "10⁹", "10^9", "10^-3", "10⁻³", with the figure it multiplies ("1.5 x ") and a "per" after it ("/L").
POWER_OF_TEN = re.compile(
    rf"(?:(?<![\w.,])(?P<figure>{NUMBER})\s?[×x]\s?)?(?<![\w.,])10(?:\s?\^\s?(?P<caret>-?\d+)"
    rf"|(?P<superscript>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))(?P<per>(?:/\s?(?:{PERIOD}))*)(?![\w/])")


def powers(text: str, locale: Locale) -> str:
    """ "10⁹/L", "1.5 x 10^9/L": a power of ten is said "ten to the power of nine", never
    "ten" with its exponent dropped or read as another figure; the "×" before it is
    "times" (not "by", as in a size) and a slash after it is "per"."""

    def say(match: re.Match) -> str:
        exponent = (match.group("caret") or match.group("superscript")).translate(_SUPERSCRIPTS)
        sign = "minus " if exponent.startswith("-") else ""
        times = f"{match.group('figure')} times " if match.group("figure") else ""
        return f"{times}10 to the power of {sign}{exponent.lstrip('-')}{_per(match.group('per'), locale)}"

    return POWER_OF_TEN.sub(say, text)
