"""Phone numbers and emergency numbers, read digit by digit in the leaflet's groups.

Conventions (the same for every leaflet):

- Emergency and service numbers standing alone (999, 911, 111, 112, 000)
  are said digit by digit: "nine nine nine", "one one one".
- A phone number is read group by group as written (spaces, dashes, dots
  and brackets mark the groups), each group digit by digit, the groups
  separated by commas so the voice pauses where the eye would.
- A zero is "oh" in en-GB and "zero" in en-US.
- A group "0800", "0300" or "0500" is said as people say it: "oh eight
  hundred", "oh three hundred" (other groups, "0808" among them, digit by
  digit); a US "800" group is "eight hundred" ("one, eight hundred, ...").
- "000" (Australia's emergency number) is "zero zero zero" in every locale.
- "+44" is "plus four four"; a UK number written "(0)" keeps its zero.
- Without separators, a number is grouped by the locale: UK numbers
  starting 02 as 3-4-4, 0800/0808/03/0845/0870 as 4-3-4, others 5-6;
  US numbers as 3-3-4 (with a leading 1 on its own).
"""

from __future__ import annotations

import re

from .locale import Locale
from .numbers import DIGIT_WORDS, VULGAR_CHARACTERS, digits
from .units import PER_WORDS, UNIT

EMERGENCY = ("999", "911", "111", "112", "000")
#: A group of a phone number: digits, optionally in brackets.
_GROUP = r"\(?\+?\d+\)?"
#: A written phone number: 2 to 5 groups split by a space, dash or dot, 9 to 15 digits in all.
PHONE = re.compile(rf"(?<![\w.,/:£$€])(?:\+\d{{1,3}}[ .-]?)?(?:\(0\)[ ]?)?{_GROUP}(?:[ .-]{_GROUP}){{1,4}}(?![\w/:]|[.,-]\d)")
#: A number that is a phone number even without separators: starts with 0, 10 or 11 digits.
BARE_PHONE = re.compile(r"(?<![\w.,/£$€:])(\+?0\d{9,10}|\+\d{10,13}|1?[2-9]\d{9})(?![\w/:]|[.,]\d)")
EMERGENCY_NUMBER = re.compile(
    r"(?<![\w.,/£$€-])(999|911|111|112|000)(?![\w/%°]|[.,]\d|\s?(?:mg|ml|g|kg|people|patients|cases)\b)")


def say_group(group: str, locale: Locale) -> str:
    """One group of a phone number said aloud."""
    plus = "plus " if group.startswith("+") else ""
    bare = re.sub(r"\D", "", group)
    if bare in ("0800", "0300", "0500"):
        return plus + f"{locale.zero_digit} {digits(bare[1], locale)} hundred"
    if bare == "800":
        return plus + "eight hundred"
    return plus + digits(bare, locale)


def _groups(bare: str, locale: Locale) -> list[str]:
    """A number written without separators, split the way the locale writes it."""
    if bare.startswith("+"):
        code = "+1" if bare.startswith("+1") else bare[:3]
        rest = bare[len(code):]
        return [code] + [rest[i:i + 4] for i in range(0, len(rest), 4)]
    if bare.startswith("02"):
        sizes = (3, 4, 4)
    elif bare.startswith(("0800", "0808", "03", "0845", "0870")):
        sizes = (4, 3, 4)
    elif len(bare) == 11 and bare.startswith("1"):
        sizes = (1, 3, 3, 4)
    elif len(bare) == 10 and not bare.startswith("0"):
        sizes = (3, 3, 4)
    else:
        sizes = (5, 6)
    groups, start = [], 0
    for size in sizes:
        if start < len(bare):
            groups.append(bare[start:start + size])
            start += size
    if start < len(bare):
        groups[-1] += bare[start:]
    return groups


def say_phone(written: str, locale: Locale) -> str:
    groups = re.findall(r"\+?\d+", written.replace("(0)", " 0 "))
    if len(groups) == 1:
        groups = _groups(groups[0], locale)
    return ", ".join(say_group(group, locale) for group in groups)


def _is_phone(candidate: str) -> bool:
    """Only what is shaped like a phone number: a "+" or bracket, a UK number
    starting with 0, or the US shapes 3-3-4 and 1-3-3-4."""
    if re.search(r"\d{4}-\d\d-\d\d|\d[./]\d\d?[./]\d", candidate):
        return False  # a date
    groups = re.findall(r"\d+", candidate)
    if not 9 <= sum(len(group) for group in groups) <= 15:
        return False
    if candidate.startswith(("+", "(")):
        return True
    if groups[0].startswith("0") and len(groups[0]) >= 3 or groups[0] == "00":  # "00 44 20 ...": abroad
        return True
    sizes = [len(group) for group in groups]
    return sizes == [3, 3, 4] or (sizes == [1, 3, 3, 4] and groups[0] == "1")


#: Europe's free helplines, "116 123" (Samaritans), "116 111", "116 117": a service number.
SERVICE_116 = re.compile(r"(?<![\w.,/£$€+-])116\s?(\d{3})(?![\w/%°]|[.,]\d)")
#: A text-message short code, "Text SHOUT to 85258", "text 61016": said digit by digit.
SHORT_CODE = re.compile(r"(\b[Tt]ext(?:ing)?\s(?:[A-Z]{2,}\s|\"[A-Z]{2,}\"\s|'[A-Z]{2,}'\s)?(?:to\s|on\s)?)"
                        r"([1-9]\d{3,5})(?![\w/%°]|[.,]\d|[ -]\d)")


#: Three-digit lines said by name after "call", "dial", "text": 988 (the US crisis line) and the
#: N11 services ("dial 711" for relay, "call 211"); never an amount there.
SERVICE_AFTER_CALL = re.compile(
    r"(\b(?:[Cc]all|[Dd]ial|[Rr]ing|[Tt]ext|[Pp]hone)(?:\s(?:or|and)\s(?:call|dial|text|ring))?(?:\son)?\s)"
    r"([2-8]11|988)(?![\w/%°]|[.,]\d)")
#: A US toll-free number with letters: "1-800-273-TALK", "1-800-QUIT-NOW".
VANITY = re.compile(r"(?<![\w.,/-])(?:(1)[- ])?(8(?:00|88|77|66|55|44|33))[- ](\d{3}|[A-Z]{3,})[- ](\d{4}|[A-Z]{3,})(?![\w-])")


def _vanity(match: re.Match, locale: Locale) -> str:
    if not re.search(r"[A-Z]", match.group(3) + match.group(4)):
        return match.group(0)  # all figures: an ordinary phone number
    groups = [group for group in match.groups() if group]
    return ", ".join(group if group.isalpha() else say_group(group, locale) for group in groups)


def phones(text: str, locale: Locale) -> str:
    text = VANITY.sub(lambda m: _vanity(m, locale), text)
    text = SERVICE_AFTER_CALL.sub(lambda m: m.group(1) + digits(m.group(2), locale), text)
    text = SERVICE_116.sub(lambda m: _apart(m, f"{digits('116', locale)}, {digits(m.group(1), locale)}"), text)
    text = SHORT_CODE.sub(lambda m: m.group(1) + digits(m.group(2), locale), text)
    parts, position = [], 0
    match = PHONE.search(text)
    while match:
        candidate = _longest_phone(match.group(0))
        if candidate:
            end = match.start() + len(candidate)
            parts += [text[position:match.start()], _apart(match, say_phone(candidate, locale), end)]
            position = end
            match = PHONE.search(text, end)
        else:  # "0 1-800-...": try again from the next group
            match = PHONE.search(text, match.start() + len(re.match(r"\D*\d+", match.group(0)).group(0)))
    text = "".join(parts) + text[position:]
    text = BARE_PHONE.sub(lambda m: _apart(m, say_phone(m.group(0), locale)), text)
    text = LOCAL_PHONE.sub(lambda m: _local(m, locale), text)
    # "999/112": one service or the other.
    text = re.sub(r"(?<![\w.,/])(999|911|111|112|000)\s?/\s?(?=(?:999|911|111|112|000)(?![\w/]))", r"\1 or ", text)
    # "000" is "zero zero zero" everywhere: that is how the service is named.
    return EMERGENCY_NUMBER.sub(lambda m: _apart(m, " ".join(DIGIT_WORDS[int(d)] for d in m.group(1))), text)


#: A seven-digit local number, "555-1234": three digits, a hyphen, four digits, not an amount
#: ("250-1000 mg", "100-2000 people" are ranges, and so is any pair of round figures).
LOCAL_PHONE = re.compile(rf"(?<![\w.,/:£$€+-])([1-9]\d\d)-(\d{{4}})(?![\w/%°-]|[.,]\d|\s?(?:[%°‰]|(?:{UNIT}|{PER_WORDS}|"
                         r"people|patients|adults|children|babies|women|men|cases|deaths|steps|calories|words|"
                         r"years|months|weeks|days|hours|minutes|seconds|metres|meters|miles|feet)\b))")


def _local(match: re.Match, locale: Locale) -> str:
    first, second = match.group(1), match.group(2)
    if first.endswith("0") and second.endswith("0"):
        return match.group(0)  # "500-1000": a range of round figures
    return _apart(match, f"{digits(first, locale)}, {digits(second, locale)}")


def extensions(text: str, locale: Locale) -> str:
    """ "ext. 245" (once read "extension 245"), and "x245" straight after a phone number:
    an extension, said digit by digit."""
    text = re.sub(r"(?:(?<=[\s(])|^)(?:[Ee]xt\.?|[Ee]xtension)\s?(\d{2,5})(?!\w|[.,]\d|\s?[%°])",
                  lambda m: f"extension {digits(m.group(1), locale)}", text)

    def after_phone(match: re.Match) -> str:
        if not re.search(r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine),?\s$", text[:match.start()]):
            return match.group(0)
        return f"extension {digits(match.group(1), locale)}"

    return re.sub(r"(?<=\s)[xX]\.?\s?(\d{2,5})(?!\w|[.,]\d|\s?[%°])", after_phone, text)


def _longest_phone(candidate: str) -> str:
    """The longest run of the candidate's first groups that is a phone number, or ""."""
    ends = [m.end() for m in re.finditer(r"\d\)?", candidate) if m.end() == len(candidate)
            or not candidate[m.end()].isdigit()]
    for end in reversed(ends):  # a group left over must stand apart, not be joined by "-" or "."
        if (end == len(candidate) or candidate[end] == " ") and _is_phone(candidate[:end]):
            return candidate[:end]
    return ""


def _apart(match: re.Match, spoken: str, end: int | None = None) -> str:
    """A phone number next to another figure is set apart by pauses ("1950, nine nine nine")."""
    end = match.end() if end is None else end
    before = ", " if re.search(rf"(?:\d[s%]?|°[CFcf]?|[{VULGAR_CHARACTERS}])(?:\s|\s?[^\w\s.!?;:,]+\s?)*\s$",
                               match.string[:match.start()]) else ""
    after = "," if re.match(rf"(?:\s|\s?/\s?)+(?:[£$€]?\d|[{VULGAR_CHARACTERS}])", match.string[end:]) else ""
    return f"{before}{spoken}{after}"
