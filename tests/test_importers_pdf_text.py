"""PDF leaflets whose text a reader could lose or change: a dose range wrapped
before its dash, a phone number on a line of its own near the page's foot,
hyphens at line ends, and a file padded after its end marker."""

from __future__ import annotations

from pathlib import Path

from audioguide.importers import load_document
from audioguide.importers.common import join_lines


def _pdf(path: Path, lines: list[tuple[str, float, str, float]]) -> Path:
    """Each line: its text, font size, font and the y it sits at (from the page's foot)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4)
    for text, size, font, y in lines:
        canvas.setFont(font, size)
        canvas.drawString(72, y, text)
    canvas.showPage()
    canvas.save()
    return path


def _flowing(title: str, heading: str, body: list[str], top: float = 690.0):
    lines = [(title, 20, "Helvetica-Bold", top), (heading, 14, "Helvetica-Bold", top - 40)]
    lines += [(text, 11, "Helvetica", top - 60 - 14.3 * index) for index, text in enumerate(body)]
    return lines


def _text(document) -> str:
    return " ".join(text for section in document.sections for block in section.blocks for text in block.texts)


def test_a_line_wrapped_before_a_dash_goes_on_with_its_paragraph(tmp_path):
    path = _pdf(tmp_path / "dash.pdf", _flowing("Fever in children", "Doses", [
        "Give paracetamol liquid to children aged 2",
        "– 5 years: 5 ml up to four times a day. Never give more",
        "than four doses in 24 hours.",
    ]))
    document = load_document(path)
    assert [block.kind for block in document.sections[0].blocks] == ["paragraph"]
    assert "children aged 2 – 5 years: 5 ml up to four times a day." in _text(document)


def test_a_dash_after_a_sentence_still_opens_a_list(tmp_path):
    path = _pdf(tmp_path / "list.pdf", _flowing("Fever in children", "Signs", [
        "Call us if your child has:", "– a rash that does not fade", "– a stiff neck",
    ]))
    blocks = load_document(path).sections[0].blocks
    assert [block.kind for block in blocks] == ["paragraph", "list"]
    assert blocks[1].texts == ("a rash that does not fade", "a stiff neck")


def test_a_number_in_the_bottom_margin_is_kept_unless_it_numbers_the_page(tmp_path):
    lines = _flowing("Pain relief", "Doses", ["Take 1 g every six hours."])
    lines += [("If the pain gets worse call the ward on", 11, "Helvetica", 100),
              ("111", 11, "Helvetica", 85.7), ("or your GP the same day.", 11, "Helvetica", 71.4),
              ("1", 11, "Helvetica", 30)]
    document = load_document(_pdf(tmp_path / "footer.pdf", lines))
    text = _text(document)
    assert "call the ward on 111 or your GP the same day." in text
    assert not text.endswith(" 1") and " day. 1" not in text


def test_a_margin_number_that_is_not_the_pages_own_is_kept(tmp_path):
    lines = _flowing("Pain relief", "Doses", ["If the pain gets worse, call the ward on"])
    lines.append(("111", 11, "Helvetica", 30))  # outermost, shaped like a page number, but page 1
    assert "call the ward on 111" in _text(load_document(_pdf(tmp_path / "ward.pdf", lines)))


def test_hyphens_at_line_ends_keep_the_words_as_written(tmp_path):
    path = _pdf(tmp_path / "hyphens.pdf", _flowing("Pain relief", "Your medicines", [
        "You may be given an anti-",
        "inflammatory medicine, or a pain-",
        "killer. Tell us if you have had COVID-",
        "19 in the past four weeks or an x-",
        "ray of your chest. We use over-the-",
        "counter medicines before pre-",
        "and post-operative care, after treat-",
        "ment.",
    ]))
    text = _text(load_document(path))
    assert ("You may be given an anti-inflammatory medicine, or a pain-killer. Tell us if you have had "
            "COVID-19 in the past four weeks or an x-ray of your chest. We use over-the-counter "
            "medicines before pre- and post-operative care, after treatment.") in text


def test_join_lines_keeps_real_hyphens_and_joins_only_what_the_leaflet_shows_broken():
    words = {"painkiller", "headache"}
    assert join_lines(["an anti-", "inflammatory"], set()) == "an anti-inflammatory"
    assert join_lines(["an x-", "ray"], set()) == "an x-ray"
    assert join_lines(["over-the-", "counter medicines"], set()) == "over-the-counter medicines"
    assert join_lines(["pre-", "and post-operative"], set()) == "pre- and post-operative"
    assert join_lines(["had COVID-", "19 twice"], set()) == "had COVID-19 twice"
    assert join_lines(["aged 2-", "5 years"], set()) == "aged 2-5 years"
    assert join_lines(["a self-", "help group"], {"selfhelp"}) == "a self-help group"
    assert join_lines(["a pain-", "killer"], words) == "a painkiller"  # spelled so elsewhere
    assert join_lines(["a pain-", "killer"], set()) == "a pain-killer"  # not known: kept
    assert join_lines(["a strong head-", "ache"], words) == "a strong headache"
    assert join_lines(["after treat-", "ment"], set()) == "after treatment"  # no word on its own
    assert join_lines(["a follow-", "up visit"], set()) == "a follow-up visit"
    assert join_lines(["non-", "NHS care"], set()) == "non-NHS care"
    assert join_lines(["a hyphen\u00ad", "ated word"], set()) == "a hyphenated word"


def test_a_pdf_padded_after_its_end_marker_is_read(tmp_path):
    path = _pdf(tmp_path / "padded.pdf", _flowing("Pain relief", "Doses", ["Take 1 g every six hours."]))
    path.write_bytes(path.read_bytes() + b"\0" * 4096 + b"\r\n" * 600)
    assert "Take 1 g every six hours." in _text(load_document(path))


def test_a_heading_with_nothing_under_it_is_read_as_text_and_told(tmp_path):
    lines = _flowing("Pain relief after surgery", "Your medicines",
                     ["You may be given paracetamol after the operation."])
    lines.append(("If you are worried, call NHS 111", 16, "Helvetica-Bold", 560))
    document = load_document(_pdf(tmp_path / "last.pdf", lines))
    assert [section.title for section in document.sections] == ["Your medicines"]
    assert document.sections[0].blocks[-1].texts == ("If you are worried, call NHS 111.",)
    assert any("'If you are worried, call NHS 111' has no text under it" in warning
               for warning in document.warnings)


def test_headings_with_nothing_under_them_keep_their_order():
    from audioguide.importers.common import DocumentBuilder

    builder = DocumentBuilder("leaflet", title="Leaflet")
    builder.heading("Part one")
    builder.heading("Before you come")
    builder.heading("Food")
    builder.paragraph("Do not eat for 6 hours.")
    builder.heading("Part two")
    builder.heading("After")
    builder.paragraph("Rest for 2 days.")
    builder.heading("Call 111 if worried")
    document = builder.document()
    assert [section.title for section in document.sections] == ["Food", "After"]
    assert [block.texts[0] for block in document.sections[0].blocks] == [
        "Part one.", "Before you come.", "Do not eat for 6 hours.", "Part two."]
    assert [block.texts[0] for block in document.sections[1].blocks] == [
        "Rest for 2 days.", "Call 111 if worried."]
