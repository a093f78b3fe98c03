"""Parsing leaflets: the built-in guide's exact chapters, plain-text quirks, Markdown, bad input."""

from __future__ import annotations

import re

import pytest

from audioguide.content import SourceError, parse_file, parse_markdown, parse_text, slugify
from audioguide.guides import builtin_guide_dir

DYSTONIA = builtin_guide_dir() / "dystonia.txt"
CHAPTERS = ["Overview", "Symptoms", "When to see a doctor", "Causes", "Complications"]


def body_words(source_text: str) -> str:
    """The leaflet's prose as one string: title, headings and bullet glyphs removed."""
    lines = [line.strip() for line in source_text.splitlines()]
    kept = [line for line in lines if line and line not in CHAPTERS + ["Dystonia"]]
    return re.sub(r"\s+", " ", re.sub(r"^[●•]\s*", "", "\n".join(kept), flags=re.M)).strip()


def test_builtin_guide_has_exactly_its_five_chapters():
    document = parse_file(DYSTONIA)
    assert document.title == "Dystonia"
    assert [section.title for section in document.sections] == CHAPTERS
    assert [section.slug for section in document.sections] == [
        "overview", "symptoms", "when-to-see-a-doctor", "causes", "complications"]


def test_builtin_guide_keeps_every_word_of_the_source_once_and_in_order():
    document = parse_file(DYSTONIA)
    texts = [text for section in document.sections for block in section.blocks for text in block.texts]
    assert " ".join(texts) == body_words(DYSTONIA.read_text(encoding="utf-8"))


def test_builtin_guide_lists_and_wrapped_items():
    symptoms = parse_file(DYSTONIA).sections[1]
    kinds = [block.kind for block in symptoms.blocks]
    assert kinds == ["paragraph", "list", "paragraph", "list"]
    first_list, body_areas = symptoms.blocks[1], symptoms.blocks[3]
    assert len(first_list.texts) == 4
    assert first_list.texts[0].endswith("tends to remain focal or segmental.")
    assert len(body_areas.texts) == 5
    causes = parse_file(DYSTONIA).sections[3]
    assert causes.blocks[-1].texts[6] == (
        "Brain tumor or certain disorders that develop in some people with cancer "
        "(paraneoplastic syndromes)")


def test_plain_text_quirks_crlf_trailing_spaces_and_bullet_glyphs():
    text = (
        "My leaflet  \r\n   \r\nFirst part \r\n\r\nA paragraph that is\r\nhard wrapped.  \r\n\r\n"
        "• one\r\n- two\r\n* three\r\n  continued\r\n\r\n● four\r\n"
    ).replace("\r\n", "\n")
    document = parse_text(text)
    assert document.title == "My leaflet"
    (section,) = document.sections
    assert section.blocks[0].texts == ("A paragraph that is hard wrapped.",)
    assert section.blocks[1].texts == ("one", "two", "three continued", "four")


def test_markdown_headings_lists_and_emphasis_dropped():
    document = parse_markdown(
        "# Guide title\n\nIntro line.\n\n## First *part*\n\nSome **bold** and `code` text.\n\n"
        "1. one\n2. two with [a link](http://example.org)\n   - nested\n\n## Second\n\nEnd.\n"
    )
    assert document.title == "Guide title"
    assert [s.title for s in document.sections] == ["Introduction", "First part", "Second"]
    assert document.sections[0].blocks[0].texts == ("Intro line.",)
    first = document.sections[1]
    assert first.blocks[0].texts == ("Some bold and code text.",)
    assert first.blocks[1].texts == ("one", "two with a link", "nested")


def test_same_titles_get_distinct_slugs():
    document = parse_text("T\n\nNotes\n\nOne.\n\nNotes\n\nTwo.\n")
    assert [s.slug for s in document.sections] == ["notes", "notes-2"]


def test_slugs_are_ascii_and_safe():
    assert slugify("Über <script> & Co / ..") == "uber-script-co"
    assert slugify("!!!") == "section"


@pytest.mark.parametrize("content, message", [
    (b"", "file is empty"),
    (b"  \n \n\t\n", "file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not a text file"),
    (b"Title\n\nHeading\n\ncaf\xe9 au lait.\n", "leaflet.txt:5: not UTF-8 text"),
    (b"Just a title\n\nAnd one sentence of text.\n", "no sections"),
    (b"Title\n\nHeading one\n\nHeading two\n\nText.\n", "heading 'Heading one' has no text"),
])
def test_bad_input_names_the_file_and_the_problem(tmp_path, content, message):
    path = tmp_path / "leaflet.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        parse_file(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        parse_file(tmp_path / "nope.txt")


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "leaflet.txt"
    path.write_bytes("Title\n\nPart\n\nCafé.\n".encode("utf-16"))
    assert parse_file(path).sections[0].blocks[0].texts == ("Café.",)


# Markup is never read out ------------------------------------------------------------


def test_markdown_front_matter_gives_title_and_language_and_is_not_read():
    document = parse_markdown(
        '---\ntitle: "Asthma: your inhaler"\nlanguage: en-GB\ntags: [a, b]\n---\n\n'
        "## Using it\n\nShake it first.\n")
    assert document.title == "Asthma: your inhaler"
    assert document.language == "en-GB"
    assert [s.title for s in document.sections] == ["Using it"]
    assert document.sections[0].blocks[0].texts == ("Shake it first.",)


def test_inline_html_keeps_its_words_and_html_tables_are_read_row_by_row():
    document = parse_markdown(
        "# T\n\n## Doses\n\nGive <b>one</b> dose<br>a day.<sup>2</sup>\n\n"
        "<table>\n<tr><th>Age</th><th>Dose</th></tr>\n<tr><td>2 to 5</td><td><i>5 ml</i></td></tr>\n"
        "</table>\n\n<!-- a note for editors -->\n\n<div>Kept <em>text</em>.</div>\n")
    texts = [text for block in document.sections[0].blocks for text in block.texts]
    assert texts == ["Give one dose a day.", "Age: 2 to 5. Dose: 5 ml.", "Kept text."]


def test_markdown_tables_are_read_through_table_blocks():
    document = parse_markdown(
        "# T\n\n## Doses\n\n| Age | Dose |\n|---|---|\n| 2-5 years | 5 ml |\n| | 10 ml |\n\nAfter.\n")
    texts = [text for block in document.sections[0].blocks for text in block.texts]
    assert texts == ["Age: 2-5 years. Dose: 5 ml.", "Dose: 10 ml.", "After."]


@pytest.mark.parametrize("rule", ["***", "---", "___", "* * *", "- - -"])
def test_horizontal_rules_separate_and_say_nothing(rule):
    for parse, text in ((parse_markdown, f"# T\n\n## Part\n\nOne.\n\n{rule}\n\nTwo.\n"),
                        (parse_text, f"T\n\nPart\n\nOne.\n\n{rule}\n\nTwo.\n")):
        document = parse(text)
        texts = [text for block in document.sections[0].blocks for text in block.texts]
        assert texts == ["One.", "Two."], (parse, rule)


def test_footnote_markers_are_dropped_and_the_note_kept():
    document = parse_markdown("# T\n\n## Part\n\nIt is rare.[^1] Very rare¹.\n\n[^1]: One in a million.\n")
    texts = [text for block in document.sections[0].blocks for text in block.texts]
    assert texts == ["It is rare. Very rare.", "One in a million."]
    # A power after a unit is not a footnote marker.
    plain = parse_text("T\n\nPart\n\nAn area of 2 m² in 2020¹.\n")
    assert plain.sections[0].blocks[0].texts == ("An area of 2 m² in 2020¹.",)


def test_plain_text_skips_lines_with_nothing_to_say_and_keeps_its_own_words():
    document = parse_text("T\n\nPart\n\nA <b>bold</b> word.\n\n● —\n● Item.\n\n#####\n\nEnd.\n")
    texts = [text for block in document.sections[0].blocks for text in block.texts]
    # In plain text "<b>" is the leaflet's own text, shown as written; the spoken form drops it.
    assert texts == ["A <b>bold</b> word.", "Item.", "End."]
