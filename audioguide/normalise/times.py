"""Times, dates, days and ranges of them, in the leaflet's locale.

Times: "9am" -> "nine AM", "9.30am" -> "nine thirty AM" (written "AM" and
"PM" because an engine reads "a m" as the article "a"), "09:30" -> "nine
thirty", "9:00" -> "nine o'clock", "17:00" -> "seventeen hundred", "7:05" ->
"seven oh five". Dates: "3 March 2024" -> "the third of March, twenty
twenty-four" (en-GB) and "March 3, 2024" -> "March third, twenty
twenty-four"; numeric dates follow the locale's order (03/04/2024 is the
third of April in en-GB, March fourth in en-US; 13/01/1950 can only be
the thirteenth of January, and is said so, day first, in both). Ranges: "Mon–Fri, 9am–5pm"
-> "Monday to Friday, nine AM to five PM"; "4-6 hours" -> "four to six hours".
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import MEASURE_WORDS, NUMBER, VULGAR_CHARACTERS, cardinal, ordinal, year
from .units import COUNTED_PEOPLE, PER_WORDS, UNIT
from .fractions import SCORE_WORDS

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"Sept": "September"}
MONTH = r"(?:" + "|".join(MONTHS) + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DAY_ABBREVIATIONS = {"Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday",
                      "Thu": "Thursday", "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday",
                      "Sat": "Saturday", "Sun": "Sunday"}
DAY = r"(?:" + "|".join(DAYS) + r"|(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?)"
DASH = r"\s?[-–—]\s?"
MERIDIEM = r"(?:[AaPp]\.?\s?[Mm]\.?(?![A-Za-z]))"
#: A clock time: "9am", "9 a.m.", "9.30pm", "09:30", "17:00".
TIME = rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?\s?{MERIDIEM}|\d{{1,2}}:\d{{2}}(?!\d|[:.,]\d))"

#: Fractions often meant, even after "on" or a day's name, when a word follows ("on 1/2 strength").
COMMON_FRACTIONS = {("1", "2"), ("1", "3"), ("2", "3"), ("1", "4"), ("3", "4")}


def month_name(written: str) -> str:
    return _MONTH_ABBREVIATIONS.get(written.rstrip("."), written.rstrip("."))


def day_name(written: str) -> str:
    return _DAY_ABBREVIATIONS.get(written.rstrip("."), written.rstrip("."))


def say_time(written: str, locale: Locale) -> str:
    match = re.fullmatch(rf"(\d{{1,2}})(?:[:.](\d{{2}}))?\s?({MERIDIEM})?", written.strip())
    if not match:
        return written
    hours, minutes, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if minutes > 59 or hours > 24 or (meridiem and not 0 < hours <= 12):
        return written
    hour_words = cardinal(hours, locale)
    if hours == 0:  # "00:30" -> "zero zero thirty": every zero said
        hour_words = " ".join("zero" for _ in match.group(1))
    if minutes == 0:
        if meridiem:
            spoken = hour_words
        elif hours == 0:
            spoken = f"{hour_words} zero zero"
        elif hours > 12:
            spoken = f"{hour_words} hundred"
        else:
            spoken = f"{hour_words} o'clock"
    elif minutes < 10:
        spoken = f"{hour_words} oh {cardinal(minutes, locale)}"
    else:
        spoken = f"{hour_words} {cardinal(minutes, locale)}"
    if meridiem:  # "AM", "PM": engines read "a m" as the article "a" and "m"
        spoken += f" {meridiem[0].upper()}M"
    return spoken


def times(text: str, locale: Locale) -> str:
    """Clock times, and ranges of them ("9am–5pm", "9am to 5.30pm")."""
    text = re.sub(rf"(?<![\w.:£$€])({TIME}){DASH}({TIME})(?!\w|[:.,]\d)",
                  lambda m: f"{say_time(m.group(1), locale)} to {say_time(m.group(2), locale)}", text)
    # "9-5pm": the first time takes the second's a m or p m only in speech, never in figures.
    text = re.sub(rf"(?<![\w.:£$€])(\d{{1,2}}(?:[:.]\d{{2}})?){DASH}({TIME})(?!\w|[:.,]\d)",
                  lambda m: f"{say_time(m.group(1), locale) if ':' in m.group(1) else cardinal(int(m.group(1).split('.')[0]), locale) + _minutes(m.group(1), locale)} to {say_time(m.group(2), locale)}",
                  text)
    # "9:30-5": a clock time, then the hour it runs to; never "nine thirty-five".
    def time_to_hour(match: re.Match) -> str:
        said = say_time(match.group(1), locale)
        if said == match.group(1) or _ratio_before(text, match.start(), match.group(1)):
            return match.group(0)
        return f"{said} to {cardinal(int(match.group(2)), locale)}"

    text = re.sub(rf"(?<![\w.:£$€])(\d{{1,2}}:\d{{2}}){DASH}(1?\d|2[0-4])(?![\w:]|[.,]\d)", time_to_hour, text)

    def single(match: re.Match) -> str:
        if ":" in match.group(1) and not re.search(MERIDIEM, match.group(1)) and \
                _ratio_before(text, match.start(), match.group(1)):
            return match.group(0)  # "dilute 1:10": a ratio, said later
        return say_time(match.group(1), locale)

    text = re.sub(rf"(?<![\w.:£$€])({TIME})(?!\w|[:.,]\d)", single, text)
    # "at 9.30", "14.00 hrs": a dotted time, said only where it can be nothing else.
    text = re.sub(r"(?<![\w.,])([0-2]\d\.[0-5]\d)\s?hrs\b(?!\s?(?:a|per|each)\b)",
                  lambda m: _dotted(m, locale, "hours"), text)
    def at(match: re.Match) -> str:
        if AMOUNT_WORDS.search(text[max(0, match.start() - 40):match.start()]):
            return match.group(0)  # "keep your INR at 2.50": a level, not a time
        return match.group(1) + _dotted(match, locale, "", group=2)

    text = re.sub(rf"(?<=\b(?:at|At|AT))(\s)(\d{{1,2}}\.[0-5][05])(?![\w%°‰]|[.,]\d|\s?(?:{UNIT}|{PER_WORDS})\b)",
                  at, text)
    return four_digit_times(twenty_four_hour(text, locale), locale)


#: A dotted time that can only be a clock time on the 24-hour clock: "21.30", "08.00".
_DOTTED_24 = r"(?:1[3-9]|2[0-3]|0\d)\.[0-5]\d"
_DOTTED = r"(?:[01]?\d|2[0-3])\.[0-5]\d"


def twenty_four_hour(text: str, locale: Locale) -> str:
    """ "until 21.30", "08.00-21.30", "8.30 to 21.30": British 24-hour times, said as times
    ("twenty-one thirty", "eight o'clock"), unless a unit follows or words before make
    the figure a level or a price ("costs 21.30")."""
    after = rf"(?![\w%°‰]|[.,]\d|\s?(?:{UNIT}|{PER_WORDS})\b)"

    def say(written: str) -> str:
        return _dotted(re.match(r"(.*)", written), locale, "")

    def pair(match: re.Match) -> str:
        if AMOUNT_WORDS.search(text[max(0, match.start() - 40):match.start()]):
            return match.group(0)
        return f"{say(match.group(1))} to {say(match.group(2))}"

    text = re.sub(rf"(?<![\w.,:£$€])({_DOTTED_24}|{_DOTTED})(?:{DASH}|\sto\s)({_DOTTED_24}|{_DOTTED}){after}",
                  lambda m: pair(m) if re.fullmatch(_DOTTED_24, m.group(1)) or re.fullmatch(_DOTTED_24, m.group(2))
                  else m.group(0), text)

    def single(match: re.Match) -> str:
        if AMOUNT_WORDS.search(text[max(0, match.start() - 40):match.start()]):
            return match.group(0)
        return say(match.group(1))

    return re.sub(rf"(?<![\w.,:£$€-])({_DOTTED_24}){after}", single, text)


#: A time written in four figures, "0900", "1730", "2200", and its "hrs" if written.
_HHMM = r"([01]\d|2[0-3])([0-5]\d)"
_HHMM_SUFFIX = r"(\s?(?:hrs|hours|h)\b)?"


def say_hhmm(hours: str, minutes: str, locale: Locale) -> str:
    """ "0900" -> "oh nine hundred", "2200" -> "twenty-two hundred", "0830" -> "oh eight thirty"."""
    if hours == "00":
        said = f"{locale.zero_digit} {locale.zero_digit}"
    else:
        said = (f"{locale.zero_digit} " if hours.startswith("0") else "") + cardinal(int(hours), locale)
    value = int(minutes)
    if value == 0:
        return f"{said} hundred"
    return f"{said} {'oh ' if value < 10 else ''}{cardinal(value, locale)}"


def four_digit_times(text: str, locale: Locale) -> str:
    """ "Open 0900-1700", "at 2200", "from 0800 hrs": times on the 24-hour clock in four
    figures, said as times, never as amounts ("two thousand two hundred") or a string of
    digits. A range needs a leading zero or "hrs"; a single time, "at" before it or one of
    those; a unit or a counted thing after it keeps it an amount."""
    amount = rf"(?![\w%°‰]|[.,]\d|\s?(?:{UNIT}|{PER_WORDS}|{COUNTED_PEOPLE}|feet|ft|per|in|out|of)\b|{MEASURE_WORDS.pattern})"

    def pair(match: re.Match) -> str:
        if not (match.group(1).startswith("0") or match.group(3).startswith("0") or match.group(5)):
            return match.group(0)
        hours = " hours" if match.group(5) else ""
        return f"{say_hhmm(match.group(1), match.group(2), locale)} to {say_hhmm(match.group(3), match.group(4), locale)}{hours}"

    text = re.sub(rf"(?<![\w.,:/£$€-]){_HHMM}\s?[-–—]\s?{_HHMM}{_HHMM_SUFFIX}{amount}", pair, text)

    def single(match: re.Match) -> str:
        if not (match.group(1).lower() == "at " or match.group(2).startswith("0") or match.group(4)):
            return match.group(0)
        return match.group(1) + say_hhmm(match.group(2), match.group(3), locale) + (" hours" if match.group(4) else "")

    return re.sub(rf"\b((?:[Aa]t|[Ff]rom|[Uu]ntil|till|[Bb]y|[Bb]efore|[Aa]fter|to)\s){_HHMM}{_HHMM_SUFFIX}{amount}",
                  single, text)


#: Words before "at 2.50" that make it an amount: a level, a price, a reading, not a time.
AMOUNT_WORDS = re.compile(r"\b(?:INR|level|levels|reading|readings|value|score|rate|rates|cost|costs|price|priced|"
                          r"kept|keep|stay|stays|set|dose|doses|sugar|glucose|pressure|weight|temperature|look|see|"
                          r"page|table|figure|row|version|total|average|pound|pounds|dollars?|euros?)\b[^.;]*$", re.I)


def _dotted(match: re.Match, locale: Locale, suffix: str, group: int = 1) -> str:
    hours, minutes = (int(part) for part in match.group(group).split("."))
    if hours > 24 or minutes > 59:
        return match.group(0) if group == 1 else match.group(group)
    if minutes == 0 and (hours > 12 or suffix):
        return f"{cardinal(hours, locale)} hundred {suffix}".strip()  # "14.00 hrs": "fourteen hundred hours"
    return say_time(f"{hours}:{minutes:02d}", locale)


#: Words before "1:10" that make it a ratio, not a time ("dilute the concentrate 1:10")...
RATIO_WORDS = re.compile(r"\b(?:dilute|diluted|dilution|ratio|strength|concentration|mix|mixed|odds)\b[^.;|]*$", re.I)
#: ...unless what they name is a meeting of people: "Strength and balance class 1:30",
#: "Mix and Match group 1:30" are times.
MEETING_WORDS = re.compile(r"\b(?:clinic|clinics|class|classes|group|groups|training|session|sessions|team|service"
                           r"|cafe|café|club|appointment|appointments|meeting|meetings|drop-in)\b", re.I)
#: Right before "1:50", the words that make it odds: "NNT 1:50" (the number needed to treat),
#: "the risk is about 1:50". A bare "risk" or "chance" names slots too ("Falls risk: 1:30",
#: "last chance 1:45"), so only "risk is", "risk of", "risk was" count.
ODDS_BEFORE = re.compile(r"(?:\b(?:NNT|NNH|needed to (?:treat|harm))(?:\s+(?:is|was|of))?|\brisk\s+(?:is|was|of))"
                         r"(?:\s+(?:about|around|roughly|approximately|only|just))?[\s:=|]*$", re.I)
#: Odds written before what they are the odds of: "a 1:10 chance of side effects".
ODDS_AFTER = re.compile(r"\s+(?:chance|risk|odds)\b", re.I)
#: A figure right after a word that only a time follows is a time ("mix 1:4, wait until 2:30").
TIME_BEFORE = re.compile(r"\b(?:at|from|until|till|by|before|after|around|within|time:)\s*$", re.I)
#: ...and so is one that is a length of time ("1:30 hours")...
HOURS_AFTER = re.compile(r"\s?(?:hrs?|hours|h)\b")
#: ...and odds never begin a run of times or hours ("risk 1:30 to 3:00", "best chance 1:30-3",
#: "1:15 or 2:30"); a run of odds ("1:50 to 1:100") is not one.
TIMES_AFTER = re.compile(r"\s*(?:to|and|or|until|till|,|[-–—])\s*(?!1:\d{3})\d{1,2}(?:[:.]\d{2}(?!\d)|(?![\d:.]))")


def _ratio_before(text: str, start: int, figure: str) -> bool:
    """Whether the "1:10" (``figure``) at ``start`` is a ratio by the words around it.
    A ratio shaped like a clock time is one to something ("1:10", never "10:30"), and
    never "1:00" or "1:05"; in doubt, the figure is a time, as it was before any of this."""
    before, end = text[max(0, start - 30):start], start + len(figure)
    if not figure.startswith("1:") or re.search(r":0\d$", figure) or TIME_BEFORE.search(before) \
            or HOURS_AFTER.match(text, end):
        return False  # "Mix and Match 10:30", "1:00", "until 1:30", "1:30 hours": times
    ratio = RATIO_WORDS.search(before)
    if ratio and not MEETING_WORDS.search(before[ratio.start():]):
        return True
    return bool(ODDS_BEFORE.search(before) or ODDS_AFTER.match(text, end)) and not TIMES_AFTER.match(text, end)


def _minutes(written: str, locale: Locale) -> str:
    if "." not in written:
        return ""
    minutes = int(written.split(".")[1])
    return f" oh {cardinal(minutes, locale)}" if minutes < 10 else f" {cardinal(minutes, locale)}"


def say_date(day: int, month: int, year_text: str | None, locale: Locale, *, day_first: bool) -> str:
    name = MONTHS[month - 1]
    said_year = f", {say_year(year_text, locale)}" if year_text else ""
    if day_first:
        return f"the {ordinal(day, locale)} of {name}{said_year}"
    return f"{name} {ordinal(day, locale)}{said_year}"


def say_year(written: str, locale: Locale) -> str:
    value = int(written)
    return year(value, locale) if len(written) == 4 and value >= 1100 else cardinal(value, locale)


#: Words after a capitalised "May" that make it the verb (title case: "Children Under 5 May Need...").
MAY_AS_VERB = re.compile(r"\s(?:be|need|have|get|not|also|want|feel|take|develop|experience|cause|help|become|"
                         r"notice|find|require|benefit|occur|happen|seem|look|start|stop|go|come|catch|suffer|"
                         r"show|lose|gain|use|qualify|still|only|well|then|even|already)\b", re.I)


def dates(text: str, locale: Locale) -> str:
    """Dates with month names in either order, and numeric dates in the locale's order."""

    def numeric(match: re.Match) -> str:
        return _day_month(int(match.group(1)), int(match.group(2)), locale, match.group(0), match.group(3))

    def iso(match: re.Match) -> str:
        year_text, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group(0)
        return say_date(day, month, year_text, locale, day_first=locale.day_first)

    def day_month(match: re.Match) -> str:
        day = int(match.group(1))
        if not 1 <= day <= 31 or match.group(2) == "May" and not match.group(3) and \
                MAY_AS_VERB.match(match.string, match.end()):
            return match.group(0)  # "Children under 5 May need...": the verb, not the month
        month = MONTHS.index(month_name(match.group(2))) + 1
        said = say_date(day, month, match.group(3), locale, day_first=True)
        if re.search(r"\bthe\s+$", match.string[:match.start()], re.I):
            said = said.removeprefix("the ")  # "the 3rd of June": one "the"
        return said

    def month_day(match: re.Match) -> str:
        day = int(match.group(2))
        if not 1 <= day <= 31:
            return match.group(0)
        month = MONTHS.index(month_name(match.group(1))) + 1
        return say_date(day, month, match.group(3), locale, day_first=False)

    text = re.sub(r"(?<![\w/.])(\d{4})-(\d{2})-(\d{2})(?![\w/-])", iso, text)
    text = re.sub(r"(?<![\w/.,])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\w/]|\.\d)", numeric, text)
    # "On 3/4", "Sat 2/3": a day and a month with no year, where a word before says it is a date;
    # never a common fraction before what it measures ("on 1/2 strength", "Fri 1/2 price"), nor
    # a score out of ten in a sentence about scores ("pain was on 7/10").
    def day_month_after(match: re.Match) -> str:
        day, month = match.group(2), match.group(3)
        if (day, month) in COMMON_FRACTIONS and re.match(r"\s?[^\W\d_]", match.string[match.end():]) or (
                month == "10" and SCORE_WORDS.search(match.string)):
            return match.group(0)
        return match.group(1) + _day_month(int(day), int(month), locale, match.group(0)[len(match.group(1)):])

    text = re.sub(rf"(\b(?:[Oo]n|{DAY})\s)(\d{{1,2}})/(\d{{1,2}})"
                  rf"(?![\w/]|[.,]\d|\s?(?:{UNIT}|{PER_WORDS}|{COUNTED_PEOPLE}|of|[a-z]*[a-rt-z]s)\b)",
                  day_month_after, text)
    # "12-03-2024": with a four-digit year, dashes too (never "12-03-24", which could be a range).
    text = re.sub(r"(?<![\w/.,-])(\d{1,2})-(\d{1,2})-(\d{4})(?![\w/-]|[.,]\d)", numeric, text)
    # "1st–7th March", "1-7 March", "March 1–7": a range of days in one month.
    text = re.sub(rf"(?<![\w.,:/-])(\d{{1,2}})(?:st|nd|rd|th)?{DASH}(\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?({MONTH})\b"
                  r"(?<!May)",  # "Aged 5-11 May need it": "May" alone may be a verb
                  lambda m: _day_range(m, int(m.group(1)), int(m.group(2)), m.group(3), locale, day_first=True), text)
    text = re.sub(rf"\b({MONTH})\s(\d{{1,2}})(?:st|nd|rd|th)?{DASH}(\d{{1,2}})(?:st|nd|rd|th)?(?![\w:/-]|[.,]\d|\s?(?:{UNIT}|{PER_WORDS})\b)",
                  lambda m: _day_range(m, int(m.group(2)), int(m.group(3)), m.group(1), locale, day_first=False), text)
    text = re.sub(rf"(?<![\w.,:/-])(\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?({MONTH})(?:,?\s([1-9]\d{{3}}))?(?![\w])", day_month, text)
    text = re.sub(rf"\b({MONTH})\s(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s?([1-9]\d{{3}}))?(?![\w:.]|\.\d)", month_day, text)
    # "Use by 06/2025", "Expires 12/2024": a month and a year, never "twelve over twenty twenty-four".
    # The month is written with a leading zero, or a word before says it is a date: "11/2000" and
    # "1/2000" alone are ratios ("the risk is 11/2000"), never November.
    def month_year(match: re.Match) -> str:
        if not match.group(1).startswith("0") and not re.search(r"\b(?:[Ee]xp(?:iry|ires|ired)?|[Uu]se by|[Bb]est before|[Uu]ntil|"
                                                    r"[Ff]rom|[Ss]ince|[Dd]ated?|[Bb]y|[Ii]n)\W*$",
                                                    match.string[:match.start()]):
            return match.group(0)
        return f"{MONTHS[int(match.group(1)) - 1]} {say_year(match.group(2), locale)}"

    text = re.sub(rf"(?<![\w/.,:-])(0[1-9]|1[0-2]|[1-9])/((?:19|20)\d\d)"
                  rf"(?![\w/]|[.,]\d|\s(?:of|in|[a-z]*[a-rt-z]s|{COUNTED_PEOPLE})\b)", month_year, text)
    # A month and a year alone: "March 2024" -> "March twenty twenty-four".
    return re.sub(rf"\b({MONTH})\s(\d{{4}})\b", lambda m: f"{month_name(m.group(1))} {say_year(m.group(2), locale)}", text)


def _day_range(match: re.Match, first: int, last: int, month: str, locale: Locale, *, day_first: bool) -> str:
    if not 1 <= first < last <= 31:
        return match.group(0)
    name = month_name(month)
    if day_first:
        return f"the {ordinal(first, locale)} to the {ordinal(last, locale)} of {name}"
    return f"{name} {ordinal(first, locale)} to {ordinal(last, locale)}"


def _day_month(first: int, second: int, locale: Locale, written: str, year_text: str | None = None) -> str:
    """Two figures of a date (and its year, if written) in the locale's order, or ``written``
    when they cannot be one."""
    day_first = locale.day_first
    if not (1 <= (second if day_first else first) <= 12 and 1 <= (first if day_first else second) <= 31):
        day_first = not day_first  # 13/01/1950 and 13/4 can only be the 13th, in any locale
    day, month = (first, second) if day_first else (second, first)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return written
    return say_date(day, month, year_text, locale, day_first=day_first)


def days(text: str, locale: Locale) -> str:
    """Ranges of days, "Mon–Fri" -> "Monday to Friday"; short day names in lists of days."""
    text = re.sub(rf"\b({DAY}){DASH}({DAY})(?![\w])",
                  lambda m: f"{day_name(m.group(1))} to {day_name(m.group(2))}", text)
    return re.sub(rf"\b(Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?(?=,?\s(?:{DAY}|and\s{DAY}|\d|{'|'.join(DAYS)}))",
                  lambda m: day_name(m.group(1)), text)


#: A figure that can open or close a range: "4", "1.5", "½", "1½".
RANGE_END = rf"(?:(?:[1-9]\d?)?[{VULGAR_CHARACTERS}]|{NUMBER})"


def ranges(text: str, locale: Locale) -> str:
    """Number ranges with a hyphen or an en dash: "4-6 hours" -> "4 to 6 hours", "½-1 tablet"
    -> "½ to 1 tablet", "1st–3rd" -> "1st to 3rd" (figures said later). A figure that already
    ends a range ("6 to 12 - 1 tablet") does not open another: that dash is a pause."""

    def say(match: re.Match) -> str:
        if re.search(r"(?:(?<![Uu]p )\bto|\band|\bor|[-–—])\s*$", text[:match.start()]):  # "up to 3-4": a range
            return match.group(0)
        return f"{match.group(1)} to {match.group(2)}"

    text = re.sub(r"(?<![\w.,/:-])(\d+(?:st|nd|rd|th))\s?[-–—]\s?(\d+(?:st|nd|rd|th))\b", r"\1 to \2", text)
    # "-3–3", "-5–-10": an en dash after a negative figure is "to", never a pause between two values.
    text = re.sub(rf"(?:(?<=^)|(?<=[\s(]))(-(?:{NUMBER}))\s?–\s?(-?(?:{NUMBER}))(?![\d/-]|[.,:]\d)", r"\1 to \2", text)
    return re.sub(rf"(?<![\w.,/:-])({RANGE_END})(?:[-–—]|\s[-–—]|[-–—]\s|\s[-–—]\s)({RANGE_END})(?![\d/-]|[.,:]\d)",
                  say, text)
