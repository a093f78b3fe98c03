"""A Word (.docx) leaflet as a Document, read with python-docx.

The Title style names the guide (else the document's title property, else
the first heading); Heading 1-9 open sections; paragraphs in a List style or
with Word numbering are list items (ordered when the style says "Number").
Headers and footers are not part of the body and are never read. Content
controls (w:sdt) are read as the text they hold, and a text box's paragraphs
after the paragraph it is anchored in. A table is read row by row through
``content.table_blocks``, with a warning (a merged cell once per row, a
table inside a cell as part of that cell's text); a picture
with a description (alt text) is read as "Picture: ..."; one without is a
warning; a short, wholly bold paragraph in a body style is a warning (it
looks like a heading without the Heading style).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from ..content import Document, SourceError, table_blocks, tidy
from .common import SENTENCE_END, DocumentBuilder, reads_like_body_text, require
from .docx_parts import NS, TEXT_BOX, W, _content, _outside_text_box, _rows, _text, main_part

DOC_PROPERTIES = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


def _open(data: bytes, path: Path):
    docx = require("docx", path, "Word documents")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if main_part(archive) is None:
                raise SourceError(f"{path}: not a Word document (a ZIP archive with no main document part)")
            if archive.testzip() is not None:
                raise zipfile.BadZipFile
        return docx.Document(io.BytesIO(data))
    except SourceError:
        raise
    except Exception:  # BadZipFile, a broken XML part, a missing relationship...
        raise SourceError(f"{path}: damaged or truncated Word document (cannot be opened)") from None


def _style(paragraph) -> str:
    try:
        return paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return ""


def read_docx(data: bytes, path: Path) -> Document:
    document = _open(data, path)
    properties = document.core_properties
    builder = DocumentBuilder(str(path), language=tidy(properties.language or ""))
    tables = 0
    last_heading = ""
    for number, block in enumerate(_content(document.element.body, document), start=1):
        if hasattr(block, "rows"):  # a table
            tables += 1
            rows = [row for row in _rows(block) if any(row)]
            if rows:
                header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
                builder.blocks(table_blocks(header, body))
                under = f" under '{last_heading}'" if last_heading else ""
                builder.warn(f"table {tables}{under}", "a table, read row by row as 'Heading: cell.' "
                             "sentences (check it reads well)")
            continue
        style, text = _style(block), _text(block._p)
        where = f"paragraph {number}"
        _pictures(block, builder, where)
        if not text:
            continue
        if style == "Title" and not builder.title:
            builder.title = text
        elif style.startswith("Heading") or style == "Title":
            if reads_like_body_text(text):
                builder.warn(f"{where} ('{style}')", f"'{text[:60]}' is a heading that reads like "
                             "body text (check it is meant as a heading)")
            builder.heading(text, where)
            last_heading = text
        elif style.startswith("List") or _numbering(block) is not None:
            builder.list_item(text, ordered=_ordered(block, document, style))
        else:
            if _looks_like_heading(block, text):
                builder.warn(where, f"'{text[:60]}' looks like a heading but has the '{style}' "
                             "style: it is read as text (give it a Heading style to make it a chapter)")
            builder.paragraph(text)
    builder.title = builder.title or tidy(properties.title or "")
    return builder.document()


def _numbering(paragraph):
    """The paragraph's Word numbering (w:numPr), its own or its style's; None if it has none."""
    for properties in (paragraph._p.pPr, _style_properties(paragraph)):
        if properties is not None and properties.find(f"{W}numPr") is not None:
            return properties.find(f"{W}numPr")
    return None


def _style_properties(paragraph):
    try:
        return paragraph.style.element.find(f"{W}pPr") if paragraph.style is not None else None
    except (KeyError, ValueError):
        return None


def _ordered(paragraph, document, style: str) -> bool:
    """A numbered list item: its numbering's format at its level is not "bullet"
    (or, with no numbering to look up, its style's name says "Number")."""
    number = _numbering(paragraph)
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering = None
    if number is None or numbering is None:
        return "Number" in style
    num_id = number.find(f"{W}numId")
    level = number.find(f"{W}ilvl")
    num_id = num_id.get(f"{W}val") if num_id is not None else None
    level = level.get(f"{W}val") if level is not None else "0"
    # The file's values go in as XPath variables, never into the expression itself.
    formats = etree.ElementBase.xpath(
        numbering, "w:num[@w:numId=$num]/w:abstractNumId/@w:val", namespaces=NS,
        num=num_id) if num_id is not None else []
    if not formats:
        return "Number" in style
    found = etree.ElementBase.xpath(
        numbering, "w:abstractNum[@w:abstractNumId=$abstract]/w:lvl[@w:ilvl=$level]/w:numFmt/@w:val",
        namespaces=NS, abstract=formats[0], level=level)
    return bool(found) and found[0] not in ("bullet", "none")


def _looks_like_heading(paragraph, text: str) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return (bool(runs) and all(run.bold for run in runs) and len(text.split()) <= 10
            and not text.endswith(SENTENCE_END))


def _pictures(paragraph, builder: DocumentBuilder, where: str) -> None:
    """A picture's description read as "Picture: ..."; a picture with none, a warning.
    (A text box is a drawing too, but its text is read: it is no picture.)"""
    for properties in paragraph._p.iter(DOC_PROPERTIES):
        if not _outside_text_box(properties, paragraph._p):  # read with its text box's paragraph
            continue
        if any(True for _ in properties.getparent().iter(TEXT_BOX)):
            continue
        description = tidy(properties.get("descr") or "")
        if description:
            builder.paragraph(f"Picture: {description}"
                              + ("" if description.endswith((".", "!", "?")) else "."))
        else:
            name = properties.get("name") or "a picture"
            builder.warn(f"{where} ({name})", "an image without a text description (alt text): "
                         "describe it in the text if it shows something the listener needs")
