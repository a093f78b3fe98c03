"""A saved web page as a Document: only the page's main content.

The furniture no leaflet holds is taken away first (``html_page``); then
trafilatura finds the main content and leaves out what else surrounds it.
If it keeps no headings, or leaves out a number that the page's main
content holds, the cleaned main content is read whole instead.
What is kept: headings (the first <h1>, else the page's <title>, names the
guide; later headings open sections), paragraphs, lists and tables (read
row by row, with a warning).

- ``<abbr title="magnetic resonance imaging">MRI</abbr>``: the first use in
  the main text is written "MRI (magnetic resonance imaging)", which the
  listener hears as the acronym and its expansion; later uses stay "MRI".
- An image with alt text is read as a paragraph "Picture: <alt text>."; an
  image with no alt attribute is a warning (alt="" marks a decorative image,
  which is passed over in silence).
- ``<html lang>`` gives Document.language.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..content import Document, SourceError, table_blocks, tidy
from .common import DocumentBuilder, reads_like_body_text, require
from .html_page import FURNITURE_TAGS, as_extracted, page_facts

FURNITURE = "|".join(f".//{tag}" for tag in FURNITURE_TAGS)
#: Elements whose children are read one by one, as the blocks they are.
CONTAINERS = ("div", "section", "article", "main", "quote")


class _Expander:
    """Writes each abbreviation's expansion after its first use in the main text."""

    def __init__(self, abbreviations: dict[str, str]):
        self.pending = dict(abbreviations)

    def __call__(self, text: str) -> str:
        for written in list(self.pending):
            match = re.search(rf"(?<!\w){re.escape(written)}(?!\w)", text)
            if match:
                expansion = self.pending.pop(written)
                if text[match.end():match.end() + len(expansion) + 2].lower() != f" ({expansion.lower()}":
                    text = f"{text[:match.end()]} ({expansion}){text[match.end():]}"
        return text


def _text(element, skip=("graphic", "list", "table")) -> str:
    """An element's text without that of the nested images, lists and tables."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in skip:
            parts.append(_text(child, skip))
        parts.append(child.tail or "")
    return tidy(" ".join(parts))


def read_html(data: bytes, path: Path) -> Document:
    trafilatura = require("trafilatura", path, "web pages")
    require("lxml_html_clean", path, "web pages")
    builder = DocumentBuilder(str(path))
    language, page_title, abbreviations, page = page_facts(data, path, builder.warn)
    extracted = trafilatura.bare_extraction(
        page, output_format="python", include_images=True, include_tables=True,
        include_formatting=False, include_links=False, include_comments=False,
        favor_precision=True, deduplicate=False, with_metadata=False, as_dict=False,
    )
    body = getattr(extracted, "body", None) if extracted is not None else None
    if body is not None and body.tag in FURNITURE_TAGS:
        body = None
    for furniture in body.xpath(FURNITURE) if body is not None else ():
        furniture.getparent().remove(furniture)  # what a fallback extraction may still carry
    if body is None or not tidy(" ".join(body.itertext())):
        raise SourceError(f"{path}: no main content found: the page holds only navigation, "
                          "banners or scripts")
    content = page.find(".//main") if page.find(".//main") is not None else page.find(".//article")
    content = content if content is not None else page.find("body")
    if content is not None and (not any(True for _ in body.iter("head"))
                                or _numbers(content.itertext()) - _numbers(body.itertext())):
        # The extractor kept no headings (a page saved from Word, a pandoc page with its title
        # in a header) or left out a number of the main content (a list in a table cell):
        # its choice cannot be trusted, so the cleaned page's main content is read whole.
        body = as_extracted(content)
    builder.language = language
    _Reader(builder, _Expander(abbreviations)).read(body)
    builder.title = builder.title or page_title  # neither: the first heading names the guide
    return builder.document()


class _Reader:
    def __init__(self, builder: DocumentBuilder, expand: _Expander):
        self.builder, self.expand = builder, expand
        self.tables = 0

    def read(self, body) -> None:
        for element in body:
            self.element(element)

    def element(self, element) -> None:
        builder = self.builder
        if element.tag == "head":
            level = element.get("rend", "h2")
            text = _text(element)
            if level == "h1" and not builder.title and not builder.sections:
                builder.title = text
                return
            if reads_like_body_text(text):
                builder.warn(f"<{level}> '{text[:60]}'", "a heading that reads like body text "
                             "(check it is meant as a heading)")
            builder.heading(text, f"<{level}>")
        elif element.tag == "list":
            self.list(element)
        elif element.tag == "table":
            self.table(element)
        elif element.tag == "graphic":
            self.image(element)
        elif element.tag in CONTAINERS:
            self.container(element)
        else:  # p, code...
            text = _text(element)
            if text:
                builder.paragraph(self.expand(text))
            for child in element.iter("graphic", "list", "table"):
                if child is not element:
                    self.element(child)

    def container(self, element) -> None:
        """A div or section: its loose text as paragraphs, its children as what they are."""
        loose = [element.text or ""]
        for child in element:
            if child.tag in CONTAINERS or child.tag in ("head", "list", "table", "graphic", "p"):
                self.paragraph(" ".join(loose))
                loose = []
                self.element(child)
            else:
                loose.append(_text(child) if isinstance(child.tag, str) else "")
            loose.append(child.tail or "")
        self.paragraph(" ".join(loose))

    def paragraph(self, text: str) -> None:
        text = tidy(text)
        if text:
            self.builder.paragraph(self.expand(text))

    def list(self, element) -> None:
        ordered = element.get("rend") == "ol"
        new_list = True
        for item in element.iter("item"):
            pictures = [_picture(graphic) for graphic in item.iter("graphic") if _owner(graphic) is item]
            tables = [_cell_text(table) for table in item.iter("table") if _owner(table) is item]
            text = tidy(" ".join([*filter(None, pictures), _text(item), *tables]))
            if text:
                self.builder.list_item(self.expand(text), ordered, new_list=new_list)
                new_list = False

    def table(self, element) -> None:
        self.tables += 1
        own_rows = [row for row in element.iter("row") if _owner(row, ("table",)) is element]
        rows = [[_cell_text(cell) for cell in row.iter("cell") if _owner(cell, ("table",)) is element]
                for row in own_rows]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        first = own_rows[0]
        has_header = any(cell.get("role") == "head" for cell in first.iter("cell"))
        header, body = (rows[0], rows[1:]) if has_header and len(rows) > 1 else ([], rows)
        body = [[self.expand(cell) for cell in row] for row in body]
        self.builder.blocks(table_blocks(header, body))
        named = f"'{header[0]}'" if header and header[0] else f"number {self.tables}"
        self.builder.warn(f"<table> {named}", "a table, read row by row as 'Heading: cell.' "
                          "sentences (check it reads well)")

    def image(self, element) -> None:
        picture = _picture(element)
        if picture:
            self.builder.paragraph(picture)
        elif element.get("alt") is None:
            self.builder.warn(f"<img src=\"{element.get('src', '')}\">",
                              "an image without a text description (alt): describe it in the text "
                              "if it shows something the listener needs")


def _numbers(texts) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", " ".join(texts)))


def _picture(graphic) -> str:
    alt = tidy(graphic.get("alt") or graphic.get("title") or "")
    return f"Picture: {alt}" + ("" if alt.endswith((".", "!", "?")) else ".") if alt else ""


def _owner(element, kinds=("item", "table")):
    """The nearest list item or table around ``element``: the one that reads it."""
    return next((parent for parent in element.iterancestors() if parent.tag in kinds), None)


def _cell_text(element) -> str:
    """All the text of a table cell (or of a table inside an item), lists, inner tables
    and pictures' descriptions included, each item or cell a phrase of its own."""
    parts = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node is not element and node.tag in ("item", "cell", "row", "p", "head"):
            parts.append(";")
        if node.tag == "graphic" and _picture(node):
            parts.append(_picture(node))
        parts.append(node.text or "")
        if node is not element:
            parts.append(node.tail or "")
    text = tidy(" ".join(parts))
    text = re.sub(r"\s*;(\s*;)*", ";", text).strip("; ")
    return re.sub(r"([.!?]);", r"\1", text)
