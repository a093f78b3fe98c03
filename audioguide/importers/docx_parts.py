"""Where a Word file's text is: its main part (found through the package's
relationships), the body's paragraphs and tables in order with content
controls opened and text boxes read after the paragraph that anchors them,
a paragraph's own text, and a table's rows with each merged cell once."""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

from ..content import tidy

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_BOX = f"{W}txbxContent"
#: The relationship that names a package's main part (transitional and strict OOXML).
OFFICE_DOCUMENT = "/officeDocument"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
#: What a run's children say: text, a tab or break as a space, a hyphen Word draws.
RUN_TEXT = {f"{W}t": None, f"{W}tab": " ", f"{W}br": " ", f"{W}cr": " ", f"{W}noBreakHyphen": "-",
            f"{W}ptab": " "}


def main_part(archive: zipfile.ZipFile) -> str | None:
    """The name of the package's main document part, as its _rels/.rels names it
    (word/document.xml in files Word writes, but any name is allowed)."""
    try:
        root = etree.fromstring(archive.read("_rels/.rels"))
    except (KeyError, etree.XMLSyntaxError, ValueError):
        return None
    names = set(archive.namelist())
    for relationship in root.iter(RELATIONSHIPS):
        if (relationship.get("Type") or "").endswith(OFFICE_DOCUMENT):
            target = posixpath.normpath((relationship.get("Target") or "").lstrip("/"))
            return target if target in names else None
    return None


def word_part(archive: zipfile.ZipFile) -> str | None:
    """The main part's name if its content type ([Content_Types].xml) is a Word document's."""
    name = main_part(archive)
    if name is None:
        return None
    try:
        types = etree.fromstring(archive.read("[Content_Types].xml"))
    except (KeyError, etree.XMLSyntaxError, ValueError):
        return None
    for override in types.iter("{http://schemas.openxmlformats.org/package/2006/content-types}Override"):
        if (override.get("PartName") or "").lstrip("/") == name:
            return name if "wordprocessingml" in (override.get("ContentType") or "") else None
    return None


def _skipped(node, top) -> bool:
    """Inside a text box or a fallback drawing below ``top``: read elsewhere, or a copy."""
    for parent in node.iterancestors():
        if parent is top:
            return False
        if parent.tag in (TEXT_BOX, FALLBACK):
            return True
    return False


def _outside_text_box(node, top) -> bool:
    return not _skipped(node, top)


def _text(p) -> str:
    """A paragraph's text, runs in content controls, hyperlinks and tracked insertions
    included; deleted text and the text of its text boxes (read on their own) left out."""
    parts = []
    for node in p.iter(*RUN_TEXT):
        if _skipped(node, p):
            continue
        said = RUN_TEXT[node.tag]
        if said is None:
            parts.append(node.text or "")
        elif node.tag != f"{W}br" or node.get(f"{W}type") not in ("page", "column"):
            parts.append(said)
        else:
            parts.append(" ")
    return tidy("".join(parts))


def _text_boxes(p):
    """The text boxes anchored in paragraph ``p`` (each once: not the fallback copy)."""
    return [box for box in p.iter(TEXT_BOX) if not _skipped(box, p)]


def _content(element, document):
    """The paragraphs (python-docx Paragraph) and tables (Table) of a body, a content
    control or a text box, in reading order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parent = document._body
    for child in element:
        if child.tag == f"{W}p":
            yield Paragraph(child, parent)
            for box in _text_boxes(child):
                yield from _content(box, document)
        elif child.tag == f"{W}tbl":
            yield Table(child, parent)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            yield from _content(child, document)


def _rows(table) -> list[list[str]]:
    """Each row's cells' text, a cell merged across columns said once (in its first column)."""
    rows = []
    for row in table.rows:
        seen, cells = set(), []
        for cell in row.cells:
            cells.append("" if cell._tc in seen else _cell_text(cell._tc))
            seen.add(cell._tc)
        rows.append(cells)
    return rows


def _cell_text(element) -> str:
    """All of a cell's text: its paragraphs, text boxes, content controls and the tables
    inside it (their cells and rows set apart by semicolons)."""
    parts = []
    for child in element:
        if child.tag == f"{W}p":
            parts.append(_text(child))
            parts.extend(_cell_text(box) for box in _text_boxes(child))
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                if next(row.iterancestors(f"{W}tbl")) is child:
                    cells = [_cell_text(cell) for cell in row if cell.tag == f"{W}tc"]
                    parts.append("; ".join(cell for cell in cells if cell))
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            parts.append(_cell_text(child))
    return tidy("; ".join(part for part in parts if part)
                .replace(".; ", ". ").replace("!; ", "! ").replace("?; ", "? "))
