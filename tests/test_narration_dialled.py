"""A number read digit by digit starts after a breath; a chapter's number is followed by a colon."""

from audioguide.narration import Pauses, breath_groups, narrate
from audioguide.content import parse_file


def test_a_breath_comes_before_an_emergency_number_read_digit_by_digit():
    spoken = "If you are worried at any time, call nine nine nine."
    assert breath_groups(spoken) == ["If you are worried at any time, call", "nine nine nine."]


def test_every_number_read_digit_by_digit_gets_its_breath_and_no_word_is_lost():
    spoken = "Call nine nine nine now, or one one one if it is not urgent."
    groups = breath_groups(spoken)
    assert groups == ["Call", "nine nine nine now, or", "one one one if it is not urgent."]
    assert " ".join(groups) == spoken


def test_no_breath_inside_a_number_or_before_ordinary_counts():
    helpline = "Call the helpline on oh three hundred, two two two, five eight oh oh, on weekdays."
    assert breath_groups(helpline) == [helpline]
    for spoken in ("Nine nine nine is the number to call.", "Take one to two puffs.",
                   "Take one or two tablets, three times a day."):
        assert breath_groups(spoken) == [spoken]


def test_a_long_sentence_with_a_dialled_number_is_still_cut_at_its_clauses():
    spoken = ("If your lips turn blue, you cannot speak in full sentences, your reliever does not help "
              "after ten puffs, or you are frightened and alone at home, stop what you are doing and "
              "call nine nine nine at once.")
    groups = breath_groups(spoken)
    assert groups[-1] == "nine nine nine at once."
    assert groups[-2].endswith("call")
    assert " ".join(groups) == spoken


def test_the_chapter_number_is_said_apart_from_its_title_with_a_colon(tmp_path):
    leaflet = tmp_path / "leaflet.md"
    leaflet.write_text("# Asthma\n\n## An asthma attack\n\nCall 999.\n", encoding="utf-8")
    from audioguide.lexicon import Lexicon

    chapter = narrate(parse_file(leaflet), Lexicon()).chapters[0]
    title = [segment for segment in chapter.segments if segment.kind == "title"][-1]
    assert title.written == "Chapter 1. An asthma attack"
    assert title.spoken == "Chapter 1: An asthma attack."
    sentence = chapter.segments[-1]
    assert sentence.written == "Call 999."
    assert breath_groups(sentence.spoken) == ["Call", "nine nine nine."]
    assert Pauses().breath > 0
