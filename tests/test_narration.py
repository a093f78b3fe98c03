"""Narration: sentences, chapter titles, list items, pauses, spoken versus written forms."""

from __future__ import annotations

import pytest

from audioguide.content import parse_file, parse_text
from audioguide.guides import builtin_guide_dir, load_guide
from audioguide.lexicon import Entry, Lexicon, LexiconError, load_lexicon
from audioguide.narration import LONGEST_SENTENCE_CHARS, Pauses, narrate, split_sentences


def test_sentences_split_but_abbreviations_and_initials_stay_whole():
    text = "See Dr. Smith, e.g. on Monday. It helps! Does it? Yes. J. R. Tolkien wrote books."
    assert split_sentences(text) == [
        "See Dr. Smith, e.g. on Monday.", "It helps!", "Does it?", "Yes.",
        "J. R. Tolkien wrote books.",
    ]


def test_a_very_long_sentence_is_split_for_breath_and_loses_nothing():
    sentence = ", ".join(["word after word after word"] * 40) + "."
    parts = split_sentences(sentence)
    assert len(parts) > 1
    assert all(len(part) <= LONGEST_SENTENCE_CHARS for part in parts)
    assert " ".join(parts) == sentence
    unpunctuated = "x" * 10_000
    assert "".join(split_sentences(unpunctuated)) == unpunctuated


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


def test_list_items_are_their_own_segments_with_a_longer_pause():
    pauses = Pauses()
    document = parse_text("T\n\nPart\n\nIt might:\n\n● Begin early. Or late.\n\n● Stop\n\nAfter.\n")
    segments = narrate(document, pauses=pauses).chapters[0].segments
    kinds = [(s.kind, s.written, s.item, s.pause_after_ms) for s in segments[2:]]
    assert kinds == [
        ("sentence", "It might:", 0, pauses.after_paragraph),
        ("list_item", "Begin early.", 1, pauses.between_sentences),
        ("list_item", "Or late.", 1, pauses.after_list_item),
        ("list_item", "Stop", 2, pauses.after_paragraph),
        ("sentence", "After.", 0, pauses.after_paragraph),
    ]
    # the colon that introduces the list is spoken as the end of a sentence
    assert segments[2].spoken == "It might."


def test_written_form_is_the_source_and_spoken_form_is_respelled():
    guide = load_guide()
    script = narrate(parse_file(guide.source), guide.lexicon)
    sentence = next(s for s in script.segments if "(blepharospasms)" in s.written)
    assert "blefferoh-spazzums" in sentence.spoken
    assert "(" not in sentence.spoken and ")" not in sentence.spoken
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
