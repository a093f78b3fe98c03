"""A PDF leaflet as a Document, read from its text layer with pdfplumber.

- The body size is the font size most of the running text is set in (plain,
  long lines). The title is the largest text on the first page (lines of it
  in a row are one title); a line set larger than the body, or a short line
  wholly in bold at the body size that does not run on into more bold text,
  is a heading.
- Running headers and footers are dropped: text in the top or bottom 15 % of
  the page that comes back in the same margin on at least half of the pages
  (two at least), with page numbers counted as equal; and a "3", "Page 3",
  "3 of 8" or "3/8" that is the outermost line of a margin and the page's own
  number (or follows the pages' sequence). Any other number there is text. Small print in a margin that repetition cannot
  judge (above the title, or on a one-page leaflet) is dropped with a warning.
- Lines are joined into paragraphs while the gap between them is the usual
  line gap; a paragraph goes on across a page or column break unless it ended
  a sentence. A hyphen at a line end is kept or joined by
  ``common.join_broken_word``'s rule ("treat-/ment" -> "treatment", but
  "anti-/inflammatory" stays "anti-inflammatory").
- A line that starts with a bullet (any common glyph, or "1." / "a)") opens a
  list item; lines indented under it continue the item. A dash opens one only
  where a block starts or at a list's indent; elsewhere the line goes on with
  the text above, its dash kept ("aged 2 / – 5 years").
- Where a stretch of a page has a gutter down the middle (no line crosses
  it, wrapped text on both sides), the left column is read before the right
  one; short cells either side (a table of opening hours) are read across.
- Rotated text is left out with a warning (it has no place in the reading
  order), and so is a page that is only an image; a PDF with no text at all
  is refused as a scan.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..content import Document, SourceError, tidy
from .common import BULLET, DASHES, SENTENCE_END, DocumentBuilder, join_lines, known_words, \
    reads_like_body_text, require
from .pdf_layout import (Line, body_size, boilerplate_keys, drop_small_margin_text, in_margin,
                         margin_key, page_number_lines, physical_lines, reading_order)

FIGURE_SIZE = 72.0  # an image at least an inch each way is a figure, not a rule or a dot


def _open(data: bytes, path: Path):
    pdfplumber = require("pdfplumber", path, "PDF leaflets")
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    # Blank or NUL padding after the end marker (some servers and scanners add it) is allowed.
    if b"%%EOF" not in data.rstrip(b"\x00\t\n\x0c\r ")[-2048:]:
        raise SourceError(f"{path}: damaged or truncated PDF (its end is missing)")
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds on a damaged file; pdfplumber wraps them
        causes = [error, *error.args, error.__cause__, error.__context__]
        if any(isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) for cause in causes):
            raise SourceError(f"{path}: the PDF is encrypted and needs a password: "
                              "save a copy without a password and read that") from None
        raise SourceError(f"{path}: damaged PDF that cannot be read ({_reason(error)})") from None


def _page_words(pdf, path: Path, builder: DocumentBuilder):
    """Each page's upright words, its height and width; rotated text is told, not read."""
    pages = []
    try:
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
            upright = [word for word in words if word.get("upright", True)]
            if len(upright) < len(words):
                sideways = tidy("".join(c["text"] for c in page.chars if not c.get("upright", True)))
                builder.warn(f"page {number}", f"rotated text '{sideways[:60]}' could not be placed "
                                               "in reading order and is left out")
            figures = [image for image in page.images
                       if image["width"] >= FIGURE_SIZE and image["height"] >= FIGURE_SIZE]
            if upright and figures:
                builder.warn(f"page {number}", f"{len(figures)} picture(s) with no text description "
                             "read aloud: describe in the text what a listener needs from them")
            pages.append((number, upright, float(page.height), float(page.width), bool(page.images)))
            page.close()  # pdfplumber keeps every page's objects otherwise
    except Exception as error:
        raise SourceError(f"{path}: damaged PDF that cannot be read ({_reason(error)})") from None
    return pages


def _reason(error: Exception) -> str:
    """The first line of pdfminer's own words, or the name of what it raised."""
    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    text = str(cause).strip().splitlines()[0][:80] if str(cause).strip() else ""
    return text or type(cause).__name__


def _language(pdf) -> str:
    try:
        from pdfminer.pdftypes import resolve1

        language = resolve1(pdf.doc.catalog.get("Lang"))
        return language.decode("latin-1") if isinstance(language, bytes) else str(language or "")
    except Exception:  # an odd catalog: the language is only a nicety
        return ""


def read_pdf(data: bytes, path: Path) -> Document:
    builder = DocumentBuilder(str(path))
    with _open(data, path) as pdf:
        pages = _page_words(pdf, path, builder)
        builder.language = _language(pdf)
    if not any(words for _, words, _, _, _ in pages):
        if any(has_images for *_, has_images in pages):
            raise SourceError(f"{path}: the PDF has no text layer (a scanned image?): "
                              "run it through text recognition (OCR) first")
        raise SourceError(f"{path}: the PDF has no text in it")
    for number, words, _, _, has_images in pages:
        if not words and has_images:
            builder.warn(f"page {number}", "no text layer (a scanned page?): it is left out")
    physical = [(physical_lines(words, number), height) for number, words, height, _, _ in pages]
    boilerplate = boilerplate_keys(physical)
    numbers = page_number_lines(physical)
    kept = [[line for line in lines if id(line) not in numbers
             and not (in_margin(line, height) and margin_key(line, height) in boilerplate)]
            for lines, height in physical]
    drop_small_margin_text(kept, [height for _, height in physical], builder)
    stream: list[tuple[Line, bool]] = []
    for lines, (_, _, _, width, _) in zip(kept, pages):
        for index, (line, new_column) in enumerate(reading_order(lines, width)):
            stream.append((line, new_column or index == 0))
    if not stream:
        raise SourceError(f"{path}: the PDF has no text but its running headers and footers")
    _Assembler(builder, stream).run()
    return builder.document()


class _Assembler:
    """Turns the ordered lines into title, headings, paragraphs and list items."""

    def __init__(self, builder: DocumentBuilder, stream: list[tuple[Line, bool]]):
        self.builder, self.stream = builder, stream
        self.body = body_size([line for line, _ in stream])
        first_page = [line for line, _ in stream if line.page == stream[0][0].page]
        self.title_size = max(line.size for line in first_page)
        gaps = [line.top - previous.bottom
                for (previous, _), (line, jump) in zip(stream, stream[1:])
                if not jump and line.size == self.body == previous.size and line.top > previous.bottom]
        # The usual gap between the lines of a paragraph: most line pairs are in paragraphs,
        # so the low end of the gaps (a tenth of the way up), not the median, which a short
        # leaflet of one-line paragraphs would set at the paragraph gap.
        self.line_gap = sorted(gaps)[len(gaps) // 10] if gaps else self.body * 0.4
        self.words = known_words(line.text for line, _ in stream)
        self.kind = ""  # what is being collected: "title", "heading", "paragraph", "item"
        self.parts: list[str] = []
        self.previous: Line | None = None
        self.item_x = 0.0
        self.block_x = 0.0  # where the paragraph being collected starts
        self.ordered = False
        self.where = ""

    def _heading_like(self, line: Line, following: tuple[Line, bool] | None) -> bool:
        """Larger than the body text; or a short line wholly in bold at the body size
        that does not run on into more bold text (a bold warning wrapped over lines)."""
        if line.size >= self.body + 1.5:
            return True
        text = line.text
        if not (line.bold and len(text.split()) <= 12 and not text.endswith(SENTENCE_END)
                and text[:1].isupper() and not BULLET.match(text)):
            return False
        if following is None:
            return True
        after, jump = following
        runs_on = (after.bold and abs(after.size - line.size) < 0.5
                   and (jump or after.top - line.bottom <= self.line_gap + 0.4 * self.body))
        return not runs_on

    def flush(self) -> None:
        kind, text, where = self.kind, join_lines(self.parts, self.words), self.where
        self.parts, self.kind = [], ""
        if not text:
            return
        if kind == "title":
            self.builder.title = text
        elif kind == "heading":
            if reads_like_body_text(text):
                self.builder.warn(where, f"'{text[:60]}' is set like a heading but reads like body "
                                         "text: it is read as text")
                self.builder.paragraph(text)
            else:
                self.builder.heading(text, where)
        elif kind == "item":
            self.builder.list_item(text, self.ordered)
        else:
            self.builder.paragraph(text)

    def run(self) -> None:
        for index, (line, jump) in enumerate(self.stream):
            following = self.stream[index + 1] if index + 1 < len(self.stream) else None
            self.line(line, jump, following)
        self.flush()

    def line(self, line: Line, jump: bool, following: tuple[Line, bool] | None) -> None:
        previous, self.previous = self.previous, line
        text = line.text
        gap = line.top - previous.bottom if previous and not jump else 0.0
        new_block = gap > self.line_gap + 0.4 * self.body
        bullet = BULLET.match(text)
        if bullet and text[:1] in DASHES and self._runs_on(line, new_block, jump):
            bullet = None  # "aged 2 / – 5 years": a wrapped line, its dash kept
        if self.kind == "title" and line.size == self.title_size and not (new_block or jump):
            self.parts.append(text)  # a title wrapped over lines
            return
        if (not self.builder.title and self.kind != "title" and line.page == self.stream[0][0].page
                and line.size == self.title_size and line.size > self.body):
            self.flush()
            self.kind, self.where = "title", f"page {line.page}"
            self.parts.append(text)
            return
        if self._heading_like(line, following) and not bullet:
            same = (self.kind == "heading" and previous is not None and not new_block
                    and abs(previous.size - line.size) < 0.5)
            if not same:
                self.flush()
                self.kind, self.where = "heading", f"page {line.page}"
            self.parts.append(text)
            return
        if bullet:
            self.flush()
            self.kind, self.where = "item", f"page {line.page}"
            self.ordered = bool(bullet.group(1))
            rest = text[bullet.end():]
            self.item_x = next((w["x0"] for w in sorted(line.words, key=lambda w: w["x0"])
                                if rest.startswith(w["text"]) or w["text"].endswith(rest[:1])),
                               line.x0)
            self.parts.append(rest)
            return
        ended = bool(self.parts) and self.parts[-1].rstrip().endswith(tuple(".!?:"))
        if self.kind == "item":
            if not new_block and not (jump and ended) and line.x0 >= self.item_x - 3:
                self.parts.append(text)
                return
        elif self.kind == "paragraph" and not new_block and not (jump and ended):
            self.parts.append(text)
            return
        self.flush()
        self.kind, self.where, self.block_x = "paragraph", f"page {line.page}", line.x0
        self.parts.append(text)

    def _runs_on(self, line: Line, new_block: bool, jump: bool) -> bool:
        """A line starting with a dash goes on with the paragraph or item above unless it
        starts a block (a gap, a page or column jump, or the text above ended a sentence)
        or sits at a list's indent (further in than the paragraph, or at the item's bullet)."""
        if self.kind not in ("paragraph", "item") or not self.parts or new_block or jump:
            return False
        if self.parts[-1].rstrip().endswith(SENTENCE_END):
            return False
        if self.kind == "item":
            return line.x0 >= self.item_x - 3
        return line.x0 <= self.block_x + 3
