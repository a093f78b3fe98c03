"""Narration: sentences, titles, lists and the rules that make the spoken form easy to follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audioguide.content import parse_file, parse_text
from audioguide.guides import builtin_guide_dir, load_guide
from audioguide.lexicon import Entry, Lexicon, LexiconError, load_lexicon
from audioguide.narration import (
    BREATH_WORDS, LONGEST_SENTENCE_CHARS, Pauses, breath_groups, narrate, speakable, split_sentences,
)

HEADACHES = Path(__file__).parent / "data" / "headaches.md"


def say(text: str) -> str:
    return speakable(text, Lexicon(), "pyttsx3")


def spoken_by_written(script) -> dict[str, str]:
    return {segment.written: segment.spoken for segment in script.segments}


# Sentences ------------------------------------------------------------------------


def test_sentences_split_but_abbreviations_and_initials_stay_whole():
    text = "See Dr. Smith, e.g. on Monday. It helps! Does it? Yes. J. R. Tolkien wrote books."
    assert split_sentences(text) == [
        "See Dr. Smith, e.g. on Monday.", "It helps!", "Does it?", "Yes.",
        "J. R. Tolkien wrote books.",
    ]


@pytest.mark.parametrize("text, sentences", [
    ("Made in the U.S. by a small firm. It works.", ["Made in the U.S. by a small firm.", "It works."]),
    ("It takes approx. 10 days. Then rest.", ["It takes approx. 10 days.", "Then rest."]),
    ("See leaflet No. 5 for more. Ask us.", ["See leaflet No. 5 for more.", "Ask us."]),
    ("Take vitamin B. It helps.", ["Take vitamin B.", "It helps."]),
    ("You may have hepatitis C. Ask your GP.", ["You may have hepatitis C.", "Ask your GP."]),
    ("Drink 1.5 L a day. Eat well.", ["Drink 1.5 L a day.", "Eat well."]),
    ("Go to www.nhs.uk/Conditions. It has more.", ["Go to www.nhs.uk/Conditions.", "It has more."]),
    ("Costs incl. VAT are £5. Pay here.", ["Costs incl. VAT are £5.", "Pay here."]),
    ("Walk for 20 min. on most days.", ["Walk for 20 min. on most days."]),
])
def test_sentences_do_not_break_at_abbreviations_initialisms_decimals_or_addresses(text, sentences):
    assert split_sentences(text) == sentences


def test_no_stray_stop_is_spoken_mid_sentence():
    assert say("Walk for 20 min. on most days.") == "Walk for twenty minutes on most days."
    assert say("It takes approx. 10 days.") == "It takes approximately ten days."
    assert say("Pay incl. tax.") == "Pay including tax."
    assert say("Made in the U.S. by hand.") == "Made in the U S by hand."
    assert say("A <b>bold</b> word and <br/> a line.") == "A bold word and a line."


def test_a_sentence_with_nothing_to_say_joins_its_neighbour_and_never_reaches_the_engine():
    document = parse_text("T\n\nPart\n\nOne. — . Two.\n\n● * *\n● Item.\n")
    segments = narrate(document).chapters[0].segments
    assert all(re.search(r"[^\W_]", s.spoken) for s in segments)
    assert [s.written for s in segments[2:]] == ["One. — .", "Two.", "Item."]


def test_a_very_long_sentence_is_split_for_the_transcript_and_loses_nothing():
    sentence = ", ".join(["word after word after word"] * 40) + "."
    parts = split_sentences(sentence)
    assert len(parts) > 1
    assert all(len(part) <= LONGEST_SENTENCE_CHARS for part in parts)
    assert " ".join(parts) == sentence
    unpunctuated = "x" * 10_000
    assert "".join(split_sentences(unpunctuated)) == unpunctuated


def test_a_sentence_over_35_words_is_spoken_in_breaths_at_clause_boundaries():
    sentence = ("About one in four adults has a headache every week, and half of them say stress "
                "or poor sleep is the cause, so the advice is to drink water, to keep a regular "
                "bedtime, to eat at regular times and to walk outdoors on most days of the week.")
    assert len(sentence.split()) > BREATH_WORDS
    groups = breath_groups(sentence)
    assert len(groups) >= 2
    assert " ".join(groups) == sentence
    assert all(len(group.split()) <= BREATH_WORDS for group in groups)
    assert all(group.endswith((",", ".")) for group in groups), groups  # cut after a clause
    assert breath_groups("Short and sweet.") == ["Short and sweet."]


# Chapters and lists -----------------------------------------------------------------


def test_builtin_guide_script_chapters_open_with_their_titles():
    guide = load_guide()
    script = narrate(parse_file(guide.source), guide.lexicon)
    assert [c.title for c in script.chapters] == [
        "Overview", "Symptoms", "When to see a doctor", "Causes", "Complications"]
    first = script.chapters[0].segments
    assert (first[0].kind, first[0].written) == ("title", "Dystonia")
    assert (first[1].kind, first[1].written) == ("title", "Chapter 1. Overview")
    second = script.chapters[1].segments[0]
    assert (second.kind, second.spoken) == ("title", "Chapter 2. Symptoms.")


def test_list_items_are_their_own_segments_with_a_longer_pause_and_the_last_is_marked():
    pauses = Pauses()
    document = parse_text(
        "T\n\nPart\n\nIt might:\n\n● Begin early in the day for most people. Or late.\n\n"
        "● Stop\n\nAfter.\n")
    segments = narrate(document, pauses=pauses).chapters[0].segments
    kinds = [(s.kind, s.written, s.item, s.pause_after_ms) for s in segments[2:]]
    assert kinds == [
        ("sentence", "It might:", 0, pauses.after_paragraph),
        ("list_item", "Begin early in the day for most people.", 1, pauses.between_sentences),
        ("list_item", "Or late.", 1, pauses.after_list_item),
        ("list_item", "Stop", 2, pauses.after_paragraph),
        ("sentence", "After.", 0, pauses.after_paragraph),
    ]
    assert segments[5].spoken == "And finally, stop"


def test_label_style_items_open_with_the_label_as_its_own_phrase():
    guide = load_guide()
    spoken = spoken_by_written(narrate(parse_file(guide.source), guide.lexicon))
    assert spoken["Neck (cervical dystonia)."] == "Neck, cervical distonia."
    assert spoken["Eyelids."] == "Eyelids."
    segments = narrate(parse_file(guide.source), guide.lexicon).chapters[1].segments
    neck = next(s for s in segments if s.written == "Neck (cervical dystonia).")
    assert neck.pause_after_ms == Pauses().after_label


def test_long_lists_after_a_colon_are_announced_with_their_length():
    guide = load_guide()
    spoken = spoken_by_written(narrate(parse_file(guide.source), guide.lexicon))
    intro = "Dystonia also can be a symptom of another disease or condition, including:"
    assert spoken[intro].endswith("including: There are ten of them.")
    assert spoken["Reactions to certain medications or heavy metal poisoning"].startswith(
        "And finally, reactions")
    # Four items or fewer: no count.
    assert spoken["Muscle contractions might:"] == "Muscle contractions might:"


def test_parentheses_become_spoken_asides():
    assert say("one part of your body (focal dystonia), two or more") == (
        "one part of your body, called focal dystonia, two or more")
    assert say("Keep a diary (e.g. the time and dose).") == (
        "Keep a diary, for example the time and dose.")
    assert "(" not in say("Rest (as much as you can when the pain is bad) and drink.")


@pytest.mark.parametrize("written, spoken", [
    ("An MRI (magnetic resonance imaging) scan.", "An M R I, short for magnetic resonance imaging, scan."),
    ("Deep brain stimulation (DBS) helps.", "Deep brain stimulation, or D B S, helps."),
    ("Botulinum toxin (often called \"botox\") helps.", "Botulinum toxin, often called botox, helps."),
    ("A toxin called (often called botox) X.", "A toxin called, often called botox, X."),
    ("Take warfarin (a blood thinner).", "Take warfarin, a blood thinner."),
    ("Foods (for example cheese) matter.", "Foods, for example cheese, matter."),
    ("It is shown below (see page 4).", "It is shown below, see page four."),
    ("A nerve cell (neuron) fires.", "A nerve cell, called neuron, fires."),
])
def test_an_aside_is_said_by_what_it_is(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize("written, spoken", [
    ("See Dr. Patel, e.g. on Monday, i.e. soon, etc.", "See Doctor Patel, for example on Monday, that is soon, et cetera."),
    ("Tea vs coffee & cake, and/or water.", "Tea versus coffee and cake, and or water."),
    ("Take 500 mg with 1 ml, or 2 g/day.", "Take five hundred milligrams with one milliliter, or two grams per day."),
    ("A fever of 38°C or 100.4°F.", "A fever of thirty-eight degrees Celsius or one hundred point four degrees Fahrenheit."),
    ("About 50% of 10,000 adults.", "About fifty percent of ten thousand adults."),
    ("Wait 4-6 hours.", "Wait four to six hours."),
    ("The 1st and 22nd dose.", "The first and twenty-second dose."),
    ("Since 2019 and in 1998.", "Since twenty nineteen and in nineteen ninety-eight."),
    ("At 8:30 am, 10:00 pm and 9:00.", "At eight thirty AM, ten PM and nine o'clock."),
    ("At 7:05.", "At seven oh five."),
])
def test_abbreviations_symbols_numbers_and_times_read_correctly(written, spoken):
    assert say(written) == spoken


def test_rules_hold_on_a_second_leaflet_in_markdown():
    document = parse_file(HEADACHES)
    script = narrate(document)
    assert [c.title for c in script.chapters] == [
        "Introduction", "When to get help", "Taking painkillers", "Good habits"]
    spoken = spoken_by_written(script)
    assert spoken["Call your GP or Dr. Patel (your practice nurse) if a headache lasts more than 3 days."] == (
        "Call your G P or Doctor Patel, your practice nurse, if a headache lasts more than three days.")
    assert spoken["Follow these steps:"] == "Follow these steps: There are six of them."
    assert spoken["Take 500 mg of paracetamol with water."] == (
        "Number one. Take five hundred milligrams of paracetamol with water.")
    assert spoken["Wait 4-6 hours before the next dose."] == (
        "Number two. Wait four to six hours before the next dose.")
    assert spoken["Do not take more than 4 g in 24 hours (8 tablets)."] == (
        "Number three. Do not take more than four grams in twenty-four hours, eight tablets.")
    assert spoken["Take the 1st dose at 8:30 am and the last before 10:00 pm."] == (
        "And finally, number six. Take the first dose at eight thirty AM and the last before ten PM.")
    habits = script.chapters[-1].segments
    long_one = next(s for s in habits if s.written.startswith("Since 2019"))
    assert len(breath_groups(long_one.spoken)) >= 2
    # The transcript is the source, sentence for sentence.
    written = [s.written for s in script.segments if s.kind != "title"]
    source_sentences = [
        sentence for section in document.sections for block in section.blocks
        for text in block.texts for sentence in split_sentences(text)]
    assert written == source_sentences


def test_builtin_script_written_forms_equal_the_source_sentences():
    guide = load_guide()
    document = parse_file(guide.source)
    script = narrate(document, guide.lexicon)
    written = [s.written for s in script.segments if s.kind != "title"]
    assert written == [
        sentence for section in document.sections for block in section.blocks
        for text in block.texts for sentence in split_sentences(text)]
    for segment in script.segments:
        assert "(" not in segment.spoken and ")" not in segment.spoken


# Lexicon -------------------------------------------------------------------------


def test_written_form_is_the_source_and_spoken_form_is_respelled():
    guide = load_guide()
    script = narrate(parse_file(guide.source), guide.lexicon)
    sentence = next(s for s in script.segments if "(blepharospasms)" in s.written)
    assert "blefferoh-spazzums" in sentence.spoken
    assert "(blepharospasms)" in sentence.written


def test_lexicon_matches_whole_words_case_insensitively_and_per_engine():
    lexicon = Lexicon((Entry("dystonia", "distonia", {"piper": "dystonia"}), Entry("AB", "ay bee")))
    assert lexicon.respell("Dystonia, dystonias and DYSTONIA.") == "distonia, dystonias and distonia."
    assert lexicon.respell("dystonia", engine="piper") == "dystonia"
    assert lexicon.respell("ABC AB") == "ABC ay bee"


def test_builtin_lexicon_covers_the_hard_words():
    lexicon = load_lexicon(builtin_guide_dir() / "lexicon.toml")
    written = {entry.written.lower() for entry in lexicon.entries}
    assert {"dystonia", "blepharospasm", "blepharospasms", "oromandibular", "paraneoplastic",
            "encephalitis", "huntington's"} <= written


@pytest.mark.parametrize("toml, message", [
    ('[words]\nfine = "ok"\nbad = 3\n', "lexicon.toml:3: key 'words.bad': must be a string"),
    ('[words]\n"two  spaces" = "x"\n', "key 'words.two  spaces': a written form must be a word"),
    ('[words]\nempty = " "\n', "lexicon.toml:2: key 'words.empty': the spoken form is empty"),
    ('[words\n', "lexicon.toml: invalid TOML"),
])
def test_malformed_lexicon_names_file_line_and_key(tmp_path, toml, message):
    path = tmp_path / "lexicon.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        load_lexicon(path)
    assert message in str(caught.value)


def test_lexicon_entries_with_digits_or_dots_apply_and_rules_leave_respellings_alone():
    lexicon = Lexicon((Entry("COVID-19", "co-vid nineteen"), Entry("e.g.", "for example"),
                       Entry("B12", "vitamin B twelve"), Entry("dystonia", "diss-TOE-nee-uh")))
    spoken = speakable("After COVID-19, e.g. low B12 (dystonia) may return.", lexicon, "pyttsx3")
    assert spoken == ("After co-vid nineteen, for example low vitamin B twelve, "
                      "called diss-TOE-nee-uh, may return.")
    # A private-use character in the leaflet cannot pass for a held respelling.
    assert speakable("Odd \ue000 text.", lexicon, "pyttsx3") == "Odd text."
    # Rules that look at the letters around a word still see letters.
    names = Lexicon((Entry("ataxia", "uh-TAX-ee-uh"), Entry("Marsden", "MARZ-den"), *lexicon.entries))
    # (a slash between words is a pause: only pairs like "he/she" are read "or")
    assert speakable("Dystonia/ataxia is rare, see Dr. Marsden.", names, "pyttsx3") == (
        "diss-TOE-nee-uh, uh-TAX-ee-uh is rare, see Doctor MARZ-den.")
