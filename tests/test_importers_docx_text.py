"""Word leaflets whose text a reader could lose or say twice: tables inside
cells, merged cells, text boxes, content controls, a main part under another
name, and a hostile numbering reference."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from audioguide.content import SourceError
from audioguide.importers import load_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _text(document) -> str:
    return " ".join(text for section in document.sections for block in section.blocks for text in block.texts)


def _start(title: str, heading: str):
    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    document.add_heading(heading, 1)
    return document


def _save(document, path: Path) -> Path:
    document.save(path)
    return path


def test_a_table_in_a_cell_is_read_and_a_merged_cell_once(tmp_path):
    document = _start("Tables", "Doses")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Day", "Dose"
    table.cell(1, 0).text = "Monday"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "Take 5 mg", "with food"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Stop on Friday."
    text = _text(load_document(_save(document, tmp_path / "nested.docx")))
    assert "Day: Monday. Dose: Take 5 mg; with food." in text
    assert text.count("Stop on Friday.") == 1


def _text_box(paragraph, text: str) -> None:
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(f"""<w:r xmlns:w="{W_NS}"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
  xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor><wp:extent cx="100" cy="100"/><wp:docPr id="5" name="Text Box 5"/><a:graphic>
<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>
<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData>
</a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""))


def test_text_boxes_and_content_controls_are_read_once_and_not_taken_for_pictures(tmp_path):
    from docx.oxml import parse_xml

    document = _start("Box", "Advice")
    _text_box(document.add_paragraph("Body text here."), "In an emergency call 999.")
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(
        f'<w:sdt xmlns:w="{W_NS}"><w:sdtContent><w:p><w:r><w:t>Take 2 tablets with water.</w:t></w:r>'
        "</w:p></w:sdtContent></w:sdt>"))
    paragraph = document.add_paragraph("Ring ")
    paragraph._p.append(parse_xml(f'<w:sdt xmlns:w="{W_NS}"><w:sdtContent><w:r><w:t>0300 123 4567</w:t>'
                                  "</w:r></w:sdtContent></w:sdt>"))
    paragraph.add_run(" for advice.")
    read = load_document(_save(document, tmp_path / "boxes.docx"))
    text = _text(read)
    assert text.count("In an emergency call 999.") == 1
    assert "Body text here. In an emergency call 999. Take 2 tablets with water." in text
    assert "Ring 0300 123 4567 for advice." in text
    assert not any("image" in warning for warning in read.warnings)


def test_a_hostile_numbering_reference_is_read_without_a_traceback(tmp_path):
    from docx.oxml import parse_xml

    document = _start("Num", "Steps")
    paragraph = document.add_paragraph("First step here.", style="List Number")
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0\'"/><w:numId w:val="1\'"/></w:numPr>'))
    read = load_document(_save(document, tmp_path / "numid.docx"))
    assert read.sections[0].blocks[0].texts == ("First step here.",)


def test_a_main_part_under_another_name_is_found_through_the_relationships(tmp_path):
    document = _start("Renamed", "Part")
    document.add_paragraph("Take 1 tablet a day.")
    original = _save(document, tmp_path / "made.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            name = item.filename
            if name == "word/document.xml":
                name = "word/main.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/main.xml.rels"
            elif name in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"/word/document.xml", b"/word/main.xml").replace(
                    b"word/document.xml", b"word/main.xml")
            target.writestr(name, data)
    path = tmp_path / "renamed.docx"
    path.write_bytes(buffer.getvalue())
    assert load_document(path).title == "Renamed"
    unnamed = tmp_path / "renamed"
    unnamed.write_bytes(buffer.getvalue())
    assert load_document(unnamed).title == "Renamed"


def test_an_unforeseen_failure_inside_a_reader_is_one_line_naming_the_file(tmp_path, monkeypatch):
    import audioguide.importers.docx as reader

    def broken(*_):
        raise ValueError("something deep inside the file")

    monkeypatch.setattr(reader, "_looks_like_heading", broken)
    document = _start("Fails", "Part")
    document.add_paragraph("Some text.")
    path = _save(document, tmp_path / "fails.docx")
    with pytest.raises(SourceError) as raised:
        load_document(path)
    assert str(raised.value) == (f"{path}: a Word document that cannot be read "
                                 "(ValueError: something deep inside the file)")
    assert isinstance(raised.value.__cause__, ValueError)  # kept for whoever debugs it


def test_script_reads_a_word_file_with_a_quote_in_its_numbering(tmp_path):
    from docx.oxml import parse_xml

    document = _start("Num", "Steps")
    paragraph = document.add_paragraph("First step here.", style="List Number")
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/><w:numId w:val="1\'"/></w:numPr>'))
    path = _save(document, tmp_path / "numid.docx")
    result = subprocess.run([sys.executable, "-m", "audioguide", "script", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "First step here." in result.stdout
