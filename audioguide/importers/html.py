"""A saved web page as a Document: only the page's main content.

trafilatura finds the main content and leaves out navigation, cookie
banners, breadcrumbs, search forms, "related" asides, footers and scripts.
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

#: A page's furniture, never its content.
FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")
FURNITURE = "|".join(f".//{tag}" for tag in FURNITURE_TAGS)
#: Cookie banners, breadcrumbs and the landmarks a page's furniture is marked with;
#: trafilatura leaves most of them out, but not a cookie banner made of plain <div>s.
CLUTTER = ("//*[@role='navigation' or @role='search' or @role='banner' or @role='contentinfo' "
           "or @role='complementary' or @role='dialog' or @aria-modal='true']"
           " | //*[re:test(concat(' ', @id, ' ', @class), 'cookie|consent|gdpr|breadcrumb', 'i')]"
           " | //header[not(ancestor::article or ancestor::main)]"  # an article's own header holds its <h1>
           " | " + " | ".join(f"//{tag}" for tag in FURNITURE_TAGS if tag != "header"))
#: " | Site name", " - Site name" after a page's <title>.
SITE_SUFFIX = re.compile(r"\s+[|\-–—:]\s+[^|\-–—:]+$")


def _page_facts(data: bytes, path: Path):
    """The page's language, its <title>, its abbreviations (written form -> expansion) and
    the page itself without the furniture that no main content ever holds."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except Exception:  # lxml's ParserError, or a page of nothing but white space
        raise SourceError(f"{path}: no main content found: the page cannot be read as HTML") from None
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    title = tidy(" ".join(root.xpath("//title//text()")))
    abbreviations: dict[str, str] = {}
    for abbr in root.iter("abbr", "acronym"):
        written, expansion = tidy(abbr.text_content()), tidy(abbr.get("title") or "")
        if written and expansion and expansion.lower() != written.lower():
            abbreviations.setdefault(written, expansion)
    for element in root.xpath(CLUTTER, namespaces={"re": "http://exslt.org/regular-expressions"}):
        if element.getparent() is not None:
            element.getparent().remove(element)
    for header in root.xpath("//header"):  # an article's own header: its title, kept as content
        header.tag = "div"
    return tidy(language), SITE_SUFFIX.sub("", title), abbreviations, root


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
    language, page_title, abbreviations, page = _page_facts(data, path)
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
    builder = DocumentBuilder(str(path), language=language)
    _Reader(builder, _Expander(abbreviations)).read(body)
    builder.title = builder.title or page_title  # neither: the first heading names the guide
    return builder.document()


class _Reader:
    def __init__(self, builder: DocumentBuilder, expand: _Expander):
        self.builder, self.expand = builder, expand
        self.tables = self.images = 0

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
        else:  # p, quote, code, div...
            text = _text(element)
            if text:
                builder.paragraph(self.expand(text))
            for child in element.iter("graphic", "list", "table"):
                if child is not element:
                    self.element(child)

    def list(self, element) -> None:
        ordered = element.get("rend") == "ol"
        new_list = True
        for item in element.iter("item"):
            text = _text(item)
            if text:
                self.builder.list_item(self.expand(text), ordered, new_list=new_list)
                new_list = False

    def table(self, element) -> None:
        self.tables += 1
        rows = [[_text(cell) for cell in row.iter("cell")] for row in element.iter("row")]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        first = next(element.iter("row"))
        has_header = any(cell.get("role") == "head" for cell in first.iter("cell"))
        header, body = (rows[0], rows[1:]) if has_header and len(rows) > 1 else ([], rows)
        body = [[self.expand(cell) for cell in row] for row in body]
        self.builder.blocks(table_blocks(header, body))
        named = f"'{header[0]}'" if header and header[0] else f"number {self.tables}"
        self.builder.warn(f"<table> {named}", "a table, read row by row as 'Heading: cell.' "
                          "sentences (check it reads well)")

    def image(self, element) -> None:
        self.images += 1
        alt = tidy(element.get("alt") or element.get("title") or "")
        if alt:
            self.builder.paragraph(f"Picture: {alt}" + ("" if alt.endswith((".", "!", "?")) else "."))
        elif element.get("alt") is None:
            self.builder.warn(f"<img src=\"{element.get('src', '')}\">",
                              "an image without a text description (alt): describe it in the text "
                              "if it shows something the listener needs")
