"""Real PDF, Word and web-page leaflets, made here, read into the same Document
the text parser makes: chapters exactly the headings, every sentence once,
none of the page furniture, and the editor's warnings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pathlib import Path

from audioguide.content import Document
from audioguide.importers import load_document
from audioguide.importers.common import join_broken_word, join_lines
from audioguide.lexicon import Lexicon
from audioguide.manifest import load_manifest
from audioguide.narration import narrate

from .importer_leaflets import (BOILERPLATE, CHAPTERS, DOCX_SENTENCES, HTML_SENTENCES, SENTENCES, TITLE,
                                write_docx, write_html, write_pdf)

HEADINGS = [title for title, _ in CHAPTERS]
LEAFLETS = {
    "leaflet.pdf": (write_pdf, SENTENCES),
    "leaflet.docx": (write_docx, DOCX_SENTENCES),
    "leaflet.html": (write_html, HTML_SENTENCES),
}


def transcript(document: Document) -> list[str]:
    """Every sentence and list item the listener hears, in order (titles aside)."""
    script = narrate(document, Lexicon())
    return [segment.written for segment in script.segments if segment.kind != "title"]


def all_text(document: Document) -> str:
    script = narrate(document, Lexicon())
    return "\n".join([document.title] + [f"{s.written}\n{s.spoken}" for s in script.segments])


@pytest.mark.parametrize("name", LEAFLETS)
def test_a_leaflet_is_read_to_its_headings_and_every_sentence_once(tmp_path, name):
    write, sentences = LEAFLETS[name]
    document = load_document(write(tmp_path / name))
    assert document.title == TITLE
    assert [section.title for section in document.sections] == HEADINGS
    assert transcript(document) == sentences
    text = all_text(document)
    for furniture in BOILERPLATE:
        assert furniture not in text, furniture


def test_the_pdf_keeps_its_lists_and_joins_what_breaks_split(tmp_path):
    document = load_document(write_pdf(tmp_path / "leaflet.pdf"))
    treatment = document.sections[1]
    assert [block.kind for block in treatment.blocks] == ["paragraph", "list"]
    assert len(treatment.blocks[1].texts) == 3
    diary = document.sections[0].blocks[1].texts[0]  # runs from page 1 on to page 2
    assert diary.startswith("Keep a headache diary") and diary.endswith("look for triggers.")
    # The two columns of page 2 are read left, then right: two paragraphs in that order.
    lifestyle = [block.texts[0] for block in document.sections[2].blocks]
    assert lifestyle[0].startswith("Regular meals") and lifestyle[1].startswith("Gentle exercise")
    assert document.warnings == ()


def test_a_broken_word_joins_unless_the_hyphen_is_real():
    words = {"headache", "well-being"}
    assert join_broken_word("head-", "ache", words) == "headache"  # spelled so elsewhere
    assert join_broken_word("treat-", "ment", set()) == "treatment"  # a word broken to fit the line
    assert join_broken_word("follow-", "up", set()) == "follow-up"  # a compound's usual end
    assert join_broken_word("well-", "being", words) == "well-being"  # spelled so elsewhere
    assert join_broken_word("non-", "NHS", set()) == "non-NHS"
    assert join_broken_word("COVID-", "19", set()) == "COVID-19"
    assert join_lines(["A strong head-", "ache, then a follow-", "up visit."], words) == \
        "A strong headache, then a follow-up visit."


def test_the_web_page_gives_its_language_and_warns_of_an_undescribed_image(tmp_path):
    document = load_document(write_html(tmp_path / "leaflet.html"))
    assert document.language == "en-GB"
    assert document.warnings == (
        f'{tmp_path / "leaflet.html"}: <img src="logo-strip.png">: an image without a text '
        "description (alt): describe it in the text if it shows something the listener needs",)


def test_the_word_file_warns_of_its_table_and_of_a_heading_without_a_heading_style(tmp_path):
    import docx

    path = write_docx(tmp_path / "leaflet.docx")
    document = docx.Document(str(path))
    document.add_paragraph().add_run("Looks like a heading").bold = True
    document.add_paragraph("And its text.")
    document.save(str(path))
    warnings = load_document(path).warnings
    assert warnings[0] == (f"{path}: table 1 under 'When to get help': a table, read row by row "
                           "as 'Heading: cell.' sentences (check it reads well)")
    assert warnings[1].startswith(f"{path}: paragraph ") and "'Looks like a heading' looks like a heading " \
        "but has the 'Normal' style: it is read as text" in warnings[1]
    assert len(warnings) == 2


def test_a_file_named_for_no_format_is_read_by_what_it_holds(tmp_path):
    saved = tmp_path / "leaflet.download"
    saved.write_bytes(write_pdf(tmp_path / "leaflet.pdf").read_bytes())
    assert [section.title for section in load_document(saved).sections] == HEADINGS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True, text=True,
                          timeout=900)


def test_script_shows_an_editor_what_was_recovered_as_text_and_as_json(tmp_path):
    path = write_docx(tmp_path / "leaflet.docx")
    shown = run("script", str(path))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"# {TITLE}\n")
    assert "\n## 4. When to get help\n" in shown.stdout
    assert "[list_item] Ibuprofen, 400 mg with food." in shown.stdout
    assert shown.stderr.splitlines() == [f"audioguide: warning: {path}: table 1 under 'When to get help': "
                                         "a table, read row by row as 'Heading: cell.' sentences "
                                         "(check it reads well)"]
    data = json.loads(run("script", "--json", str(path)).stdout)
    assert data["title"] == TITLE and data["source"] == str(path)
    assert [chapter["title"] for chapter in data["chapters"]] == HEADINGS
    written = [s["written"] for c in data["chapters"] for s in c["segments"] if s["kind"] != "title"]
    assert written == DOCX_SENTENCES
    assert len(data["warnings"]) == 1


@pytest.mark.slow
def test_audioguide_build_leaflet_pdf_makes_a_guide_of_its_chapters(tmp_path):
    path = write_pdf(tmp_path / "leaflet.pdf")
    result = run("build", str(path), "-o", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "cache"),
                 "-q")
    assert result.returncode == 0, result.stderr
    manifest = load_manifest(tmp_path / "out")
    assert manifest.title == TITLE
    assert [chapter.title for chapter in manifest.chapters] == HEADINGS
    heard = [s.written for chapter in manifest.chapters for s in chapter.segments if s.kind != "title"]
    assert heard == SENTENCES
    said = " ".join(s.spoken for chapter in manifest.chapters for s in chapter.segments)
    for furniture in BOILERPLATE:
        assert furniture not in said
    for chapter in manifest.chapters:  # real audio for every chapter, as long as its segments say
        assert chapter.audio.bytes > 1000 and chapter.segments[-1].end_ms <= chapter.duration_ms
        assert (tmp_path / "out" / chapter.audio.path).stat().st_size == chapter.audio.bytes


def test_a_guide_folder_may_name_a_web_page_as_its_source(tmp_path):
    write_html(tmp_path / "leaflet.html")
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.html"\n', encoding="utf-8")
    result = run("script", "--json", str(tmp_path))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["language"] == "en-GB"
    assert [chapter["title"] for chapter in data["chapters"]] == HEADINGS


def test_a_heading_that_reads_like_body_text_is_told_to_the_editor(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><body><main><h1>Title</h1><h2>Part one</h2><p>Text of part one.</p>"
                    "<h2>This heading is a whole sentence that somebody set in a heading style.</h2>"
                    "<p>More text.</p></main></body></html>", encoding="utf-8")
    assert load_document(path).warnings == (
        f"{path}: <h2> 'This heading is a whole sentence that somebody set in a head': "
        "a heading that reads like body text (check it is meant as a heading)",)


def test_a_pdf_tells_of_a_picture_and_of_text_it_cannot_place(tmp_path):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "poster.pdf"
    canvas = Canvas(str(path))
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawString(72, 760, "Poster title")
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(72, 730, "What to do")
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 710, "Wash your hands often.")
    canvas.drawImage(ImageReader(Image.new("RGB", (200, 200), "grey")), 72, 400, width=150, height=150)
    canvas.saveState()
    canvas.translate(560, 300)
    canvas.rotate(90)
    canvas.drawString(0, 0, "Printed sideways")
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    document = load_document(path)
    assert transcript(document) == ["Wash your hands often."]
    assert document.warnings == (
        f"{path}: page 1: rotated text 'Printed sideways' could not be placed in reading order "
        "and is left out",
        f"{path}: page 1: 1 picture(s) with no text description read aloud: describe in the text "
        "what a listener needs from them",
    )


def test_a_one_page_pdf_leaves_out_its_small_print_in_the_margins_and_says_so(tmp_path):
    """One page cannot show a header by repetition: small margin text is left out, and told."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "one.pdf"
    canvas = Canvas(str(path))
    for font, size, y, text in [("Helvetica", 8, 800, "Northfield Hospital NHS Trust"),
                                ("Helvetica-Bold", 20, 740, "Hand washing"),
                                ("Helvetica-Bold", 14, 710, "How to wash"),
                                ("Helvetica", 11, 690, "Use soap and warm water for twenty seconds."),
                                ("Helvetica", 11, 675, "Dry your hands well."),
                                ("Helvetica", 8, 40, "Ref NHT-7, review 2027")]:
        canvas.setFont(font, size)
        canvas.drawString(72, y, text)
    canvas.showPage()
    canvas.save()
    document = load_document(path)
    assert document.title == "Hand washing"
    assert [section.title for section in document.sections] == ["How to wash"]
    assert transcript(document) == ["Use soap and warm water for twenty seconds.", "Dry your hands well."]
    assert document.warnings == tuple(
        f"{path}: page 1: '{text}' is small print in the page margin, taken for a header or footer "
        "and left out" for text in ("Northfield Hospital NHS Trust", "Ref NHT-7, review 2027"))


def test_a_word_picture_is_read_by_its_description_or_warned_of(tmp_path):
    import docx
    from PIL import Image

    Image.new("RGB", (40, 40), "grey").save(tmp_path / "picture.png")
    document = docx.Document()
    document.add_heading("Hand washing", 0)
    document.add_heading("How to wash", 1)
    document.add_paragraph("Rub your palms together.")
    described = document.add_picture(str(tmp_path / "picture.png"))
    described._inline.docPr.set("descr", "Two hands under a running tap")
    document.add_picture(str(tmp_path / "picture.png"))
    document.save(str(tmp_path / "hands.docx"))
    read = load_document(tmp_path / "hands.docx")
    assert transcript(read) == ["Rub your palms together.", "Picture: Two hands under a running tap."]
    (warning,) = read.warnings
    assert warning.startswith(f"{tmp_path / 'hands.docx'}: paragraph 5 (Picture 2): an image without a "
                              "text description (alt text)")


def _draw_pdf(path: Path, lines: list[tuple[str, int, float, float, str]]) -> Path:
    """A one-page PDF of (font, size, x, y, text) lines."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path))
    for font, size, x, y, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return path


def test_a_pdf_table_of_short_cells_is_read_across_and_bold_text_over_lines_is_no_heading(tmp_path):
    path = _draw_pdf(tmp_path / "clinic.pdf", [
        ("Helvetica-Bold", 20, 72, 740, "Clinic times"),
        ("Helvetica-Bold", 14, 72, 700, "Opening hours"),
        ("Helvetica", 11, 72, 680, "Monday to Friday"), ("Helvetica", 11, 330, 680, "9am to 5pm."),
        ("Helvetica", 11, 72, 656, "Saturday"), ("Helvetica", 11, 330, 656, "10am to 1pm."),
        ("Helvetica", 11, 72, 632, "Sunday"), ("Helvetica", 11, 330, 632, "Closed."),
        ("Helvetica-Bold", 14, 72, 590, "Urgent help"),
        ("Helvetica-Bold", 11, 72, 570, "Call 999 at once if you have chest pain or"),
        ("Helvetica-Bold", 11, 72, 555, "find it hard to breathe."),
        ("Helvetica", 11, 72, 531, "e.g. when walking up stairs, or at rest."),
    ])
    document = load_document(path)
    assert [section.title for section in document.sections] == ["Opening hours", "Urgent help"]
    assert [block.texts for block in document.sections[0].blocks] == [
        ("Monday to Friday 9am to 5pm.",), ("Saturday 10am to 1pm.",), ("Sunday Closed.",)]
    assert [block.texts for block in document.sections[1].blocks] == [
        ("Call 999 at once if you have chest pain or find it hard to breathe.",),
        ("e.g. when walking up stairs, or at rest.",)]


def test_a_pdf_title_wrapped_over_two_lines_is_one_title_even_with_headings_of_its_size(tmp_path):
    path = _draw_pdf(tmp_path / "hip.pdf", [
        ("Helvetica-Bold", 18, 72, 760, "Caring for your"), ("Helvetica-Bold", 18, 72, 740, "new hip"),
        ("Helvetica-Bold", 18, 72, 700, "After surgery"), ("Helvetica", 11, 72, 680, "Rest for a week."),
        ("Helvetica-Bold", 18, 72, 640, "Exercise"), ("Helvetica", 11, 72, 620, "Walk every day."),
    ])
    document = load_document(path)
    assert document.title == "Caring for your new hip"
    assert [section.title for section in document.sections] == ["After surgery", "Exercise"]
    assert transcript(document) == ["Rest for a week.", "Walk every day."]


def test_word_numbered_and_bulleted_lists_are_told_apart_by_their_numbering(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Eye drops", 0)
    document.add_heading("How to use them", 1)
    for step in ["Wash your hands.", "Tilt your head back."]:
        document.add_paragraph(step, style="List Number")
    document.add_heading("What you need", 1)
    for thing in ["The drops.", "A mirror."]:
        document.add_paragraph(thing, style="List Bullet")
    document.save(str(tmp_path / "drops.docx"))
    read = load_document(tmp_path / "drops.docx")
    assert [(block.kind, block.ordered, block.texts) for section in read.sections
            for block in section.blocks] == [("list", True, ("Wash your hands.", "Tilt your head back.")),
                                             ("list", False, ("The drops.", "A mirror."))]
