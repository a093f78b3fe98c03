"""What `audioguide script` says for whole leaflets: the built-in guide and a
Markdown leaflet full of doses, phones, times, asides, a table, front matter,
<b> tags and rules. Nothing that is not a word reaches the engine."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.build import script_for
from audioguide.cli import main
from audioguide.guides import GuideError, load_guide, with_overrides
from audioguide.lexicon import Lexicon
from audioguide.normalise.asides import DESCRIPTION_OPENERS, initials

DOSES = Path(__file__).parent / "data" / "doses.md"
HEADACHES = Path(__file__).parent / "data" / "headaches.md"
#: Number words may repeat: "nine nine nine" (999), "oh oh" (007), "twenty twenty-four" (2024).
NUMBER_WORDS = {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                "eighty", "ninety"}
#: Letters spelled one by one may repeat too: "W W W".
NOT_A_WORD_TWICE = re.compile(r"\b(\w+)\s+\1\b", re.I)


def doubled_words(spoken: str) -> list[str]:
    return [m.group(1) for m in NOT_A_WORD_TWICE.finditer(spoken)
            if m.group(1).lower() not in NUMBER_WORDS and len(m.group(1)) > 1]


def check_script(script) -> None:
    for segment in script.segments:
        spoken = segment.spoken
        assert re.search(r"[^\W_]", spoken), segment
        assert not doubled_words(spoken), (doubled_words(spoken), segment)
        assert not re.search(r"[()\[\]{}<>]", spoken), segment
        assert not re.search(r"[/\\|@#*_~^=+×±≥≤%°£$€&]", spoken), segment
        assert "called called" not in spoken
        for match in re.finditer(r"\bcalled ([\w' -]+)", spoken):
            following = match.group(1).split()
            # Never "called" before a description ("a blood thinner") or an acronym's expansion.
            assert following[0].lower() not in DESCRIPTION_OPENERS, segment
            before = re.findall(r"\b[A-Z](?: [A-Z])+\b", spoken[:match.start()])
            if before:
                letters = before[-1].replace(" ", "")
                assert initials(" ".join(following)) [:len(letters)] != letters, segment


@pytest.mark.parametrize("source", [None, DOSES, HEADACHES], ids=["builtin", "doses", "headaches"])
def test_scripts_say_no_bracket_symbol_slash_or_word_twice(source):
    check_script(script_for(load_guide(source)))


def test_the_builtin_guide_keeps_its_chapters_and_asides():
    script = script_for(load_guide())
    assert [c.title for c in script.chapters] == [
        "Overview", "Symptoms", "When to see a doctor", "Causes", "Complications"]
    spoken = {s.written: s.spoken for s in script.segments}
    assert "one part of your body, called focal distonia, two or more adjacent parts, called segmental " \
           "distonia, or all parts of your body, called general distonia." in " ".join(spoken.values())
    assert script.language == "en-US"  # nothing British in it


def test_the_doses_leaflet_reads_every_dose_phone_time_and_aside():
    # Without the shipped pronunciation lexicon: this is about figures and asides, not respellings.
    script = script_for(replace(load_guide(DOSES), lexicon=Lexicon()))
    assert script.language == "en-GB"  # from its front matter
    assert script.title == "Children's paracetamol: doses and help"
    said = {s.written: s.spoken for s in script.segments}
    text = " ".join(said.values())
    assert said["Give the dose with a 5 ml spoon or an oral syringe (a plastic tube that measures "
                "liquid medicine)."] == ("Give the dose with a five millilitre spoon or an oral syringe, "
                                         "a plastic tube that measures liquid medicine.")
    assert said["The liquid holds 120 mg/5 ml."] == (
        "The liquid holds one hundred and twenty milligrams per five millilitres.")
    assert said["For advice, call NHS 111 or the helpline on 0800 123 4567, Mon–Fri, 9am–5pm."] == (
        "For advice, call N H S one one one or the helpline on oh eight hundred, one two three, "
        "four five six seven, Monday to Friday, nine AM to five PM.")
    assert said["Botulinum toxin (often called \"botox\") is not used for this."] == (
        "Botulinum toxin, often called botox, is not used for this.")
    assert said["Take warfarin (a blood thinner) only as your GP says."] == (
        "Take warfarin, a blood thinner, only as your G P says.")
    assert said["A magnetic resonance imaging (MRI) scan is not needed."] == (
        "A magnetic resonance imaging, or M R I, scan is not needed.")
    assert "Call nine nine nine or go to A-and-E, short for accident and emergency, at once" in text
    # The table is read row by row; front matter, tags, rules and footnote markers are not read.
    assert said["Age: 3-6 months."] == "Age: three to six months."
    assert said["Weight: 10 kg."] == "Weight: ten kilograms."
    for markup in ("---", "***", "___", "<b>", "title:", "language", "[^1]", "sup", "author", "|"):
        assert markup not in text and all(markup not in s.written for s in script.segments), markup
    assert "Read this leaflet before you give any dose." in said


def test_language_comes_from_the_option_then_guide_toml_then_the_leaflet(tmp_path):
    leaflet = tmp_path / "leaflet.md"
    leaflet.write_text("# Dates\n\n## When\n\nCome on 03/04/2024 at 9am.\n", encoding="utf-8")
    said = lambda guide: script_for(guide).segments[-1].spoken  # noqa: E731
    assert said(load_guide(leaflet)) == "Come on March fourth, twenty twenty-four at nine AM."
    assert said(with_overrides(load_guide(leaflet), language="en-GB")) == (
        "Come on the third of April, twenty twenty-four at nine AM.")
    # A pound sign is British: en-GB is inferred when nothing is declared.
    leaflet.write_text("# Dates\n\n## When\n\nCome on 03/04/2024; it costs £5.\n", encoding="utf-8")
    assert said(load_guide(leaflet)).startswith("Come on the third of April")
    # guide.toml's language wins over the leaflet's own signs; plain "en" lets them decide.
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nlanguage = "en-US"\n',
                                         encoding="utf-8")
    assert load_guide(tmp_path).language == "en-US"
    assert said(load_guide(tmp_path)).startswith("Come on March fourth")
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nlanguage = "en"\n',
                                         encoding="utf-8")
    assert said(load_guide(tmp_path)).startswith("Come on the third of April")


def test_the_language_option_and_a_bad_language(tmp_path):
    leaflet = tmp_path / "leaflet.md"
    leaflet.write_text("# Dates\n\n## When\n\nCome on 03/04/2024.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["script", str(leaflet), "--language", "en-GB"])
    assert result.exit_code == 0, result.output
    assert "spoken: Come on the third of April, twenty twenty-four." in result.output
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nlanguage = "fr"\n',
                                         encoding="utf-8")
    with pytest.raises(GuideError, match=r"guide.toml:3: key 'guide.language': must be one of en, en-GB"):
        load_guide(tmp_path)
    result = CliRunner().invoke(main, ["script", str(tmp_path)])
    assert result.exit_code == 2 and "guide.language" in result.output
