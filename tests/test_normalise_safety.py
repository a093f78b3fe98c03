"""Readings where a slip would change a dose, an age limit or a number: checked one by one."""

from __future__ import annotations

import pytest

from audioguide.content import parse_markdown
from audioguide.normalise import EN_GB, EN_US, normalise


@pytest.mark.parametrize("written", ["Take .5 mg.", "Give .25 ml.", "(.5 mg)", "Use .75% cream."])
@pytest.mark.parametrize("locale", [EN_GB, EN_US])
def test_a_leading_decimal_point_is_said_with_its_zero_and_never_glued(written, locale):
    spoken = normalise(written, locale)
    zero = "nought" if locale is EN_GB else "zero"
    assert f"{zero} point " in spoken, spoken
    assert not any(f"{word}.{digit}" in spoken for word in ("Take", "Give", "Use") for digit in "57"), spoken


@pytest.mark.parametrize("written, spoken", [
    ("Not for children <6 months or >12 years.", "less than six months or more than twelve years"),
    ("Not for children <six months or >twelve years.", "less than six months or more than twelve years"),
    ("Keep <b>away</b> from <i>children</i>.", "Keep away from children."),
])
def test_only_real_html_tags_are_dropped(written, spoken):
    assert spoken in normalise(written, EN_GB)


def test_markdown_keeps_text_between_angle_brackets_that_is_not_a_tag():
    document = parse_markdown("# Guide\n\n## Dosing\n\nNot for children <six months or >twelve years. Use <b>only</b> this.\n")
    text = document.sections[0].blocks[0].texts[0]
    assert "<six months or >twelve years" in text and "<b>" not in text and "only" in text, document


@pytest.mark.parametrize("written", ["½", "1½", "¾", "2", "1.5"])
@pytest.mark.parametrize("dash", ["-", "–", " – ", "—"])
def test_a_range_may_start_with_a_fraction_and_is_never_minus(written, dash):
    spoken = normalise(f"Take {written}{dash}3 tablets.", EN_GB)
    assert "minus" not in spoken and " to three tablets" in spoken, spoken


@pytest.mark.parametrize("written", ["Adults: -2 tablets.", "Under 6 months -1 ml.", "Children 6 to 12 - 1 tablet.",
                                     "Age 12+ -2 puffs.", "Then -10 mg daily."])
def test_a_dash_before_a_dose_is_never_minus(written):
    assert "minus" not in normalise(written, EN_GB)


@pytest.mark.parametrize("written", ["1:10,000", "1:1,000", "1:10.5"])
def test_a_ratio_with_a_thousands_comma_or_a_point_is_not_a_time(written):
    spoken = normalise(f"Use a {written} solution.", EN_US)
    assert spoken.startswith("Use a one to ") and "oh" not in spoken, spoken


@pytest.mark.parametrize("value", [1100, 1250, 1500, 1998, 2000, 2019, 2099])
@pytest.mark.parametrize("unit", ["mg", "units", "mL", "micrograms", "tablets", "%"])
def test_a_four_digit_amount_before_a_unit_is_never_read_as_a_year(value, unit):
    from audioguide.normalise.numbers import cardinal
    assert cardinal(value, EN_GB) in normalise(f"Take {value} {unit} daily.", EN_GB)


@pytest.mark.parametrize("written", ["555-1234", "123-4567", "876-5432"])
def test_a_seven_digit_local_number_is_said_digit_by_digit_not_as_a_range(written):
    spoken = normalise(f"Call {written} now.", EN_US)
    assert " to " not in spoken and "thousand" not in spoken and "hundred" not in spoken, spoken


def test_an_abbreviation_after_an_opening_bracket_does_not_end_the_sentence():
    from audioguide.normalise.sentences import split_sentences
    assert split_sentences("Call the ward (ext. 245) today. Then rest.") == [
        "Call the ward (ext. 245) today.", "Then rest."]


@pytest.mark.parametrize("tag", ["en-AU", "en-IE", "en-NZ", "en-ZA", "en-IN", "en_au"])
def test_day_first_english_regions_are_read_with_british_rules(tag):
    from audioguide.narration import narrate
    document = parse_markdown(f"---\nlanguage: {tag}\n---\n# Guide\n\n## When\n\nCome on 03/04/2024 with 5 ml.\n")
    script = narrate(document)
    assert script.language == "en-GB" and not script.warnings
    spoken = " ".join(segment.spoken for segment in script.segments)
    assert "the third of April" in spoken and "millilitres" in spoken, spoken


@pytest.mark.parametrize("tag", ["fr", "de-DE", "es-MX"])
def test_a_leaflet_in_another_language_gets_an_editor_warning(tag):
    from audioguide.narration import narrate
    document = parse_markdown(f"---\nlanguage: {tag}\n---\n# Guide\n\n## Quand\n\nPrenez 5 ml.\n", "notice.md")
    warnings = narrate(document).warnings
    assert len(warnings) == 1 and warnings[0].startswith(f"notice.md: language '{tag}' is not English"), warnings
    assert not narrate(parse_markdown("# Guide\n\n## Dose\n\nTake 5 ml.\n")).warnings
