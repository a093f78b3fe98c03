"""Parse a leaflet (plain text or Markdown) into a Document of Sections.

Leaflets arrive as hard-wrapped plain text copied from a web page or as
Markdown. Both become the same value: a title and ordered sections, each a
list of blocks (paragraphs and bulleted or numbered lists) whose sentences
the narration stage reads one by one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from markdown_it import MarkdownIt

from .errors import UserError
from .markup import (
    blank_rules, drop_footnote_markers, front_matter, has_words, html_block, inline_text, markdown_table,
)

#: Leaflets larger than this are refused: a 5,000-word leaflet is ~30 kB.
DEFAULT_MAX_BYTES = 2_000_000

BULLET = re.compile(r"^\s*(?:[●•◦▪■‣∙·*+\-–]|\d{1,3}[.)])\s+")
HEADING_END_PUNCTUATION = tuple(".,:;!?…)\"'”’")
MAX_HEADING_WORDS = 10


class SourceError(UserError, ValueError):
    """The leaflet cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Block:
    """A paragraph (one text) or a list (one text per item)."""

    kind: str  # "paragraph" or "list"
    texts: tuple[str, ...]
    line: int = 0  # where the block starts in the source, for error messages
    ordered: bool = False  # a numbered list


@dataclass(frozen=True)
class Section:
    title: str
    slug: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    source: str = ""  # the file it came from, for messages
    #: The leaflet's own language tag ("en-GB"), from front matter, <html lang>
    #: or document properties; "" when the source does not say.
    language: str = ""
    #: Things an editor can act on, one line each naming the file and the page,
    #: line or element: an image without a description, a table, a heading
    #: that looks like body text, text that could not be placed in reading order.
    warnings: tuple[str, ...] = ()


def table_blocks(header: list[str], rows: list[list[str]], line: int = 0) -> list[Block]:
    """A table read row by row: each body row becomes one paragraph of sentences.

    With a header row each cell is said with its column's heading, "Dose: 5 ml.
    Age: 2 to 5 years."; without one, the cells in order. Empty cells are
    skipped, and a row with no text gives no block. Every importer (Markdown,
    HTML, Word) reads tables through this one function, so a listener hears a
    table the same way whatever the leaflet's format.
    """
    blocks = []
    for row in rows:
        parts = []
        for index, cell in enumerate(row):
            cell = tidy(cell)
            if not cell:
                continue
            name = tidy(header[index]) if index < len(header) else ""
            text = f"{name.rstrip(':')}: {cell}" if name else cell
            parts.append(text if text.endswith((".", "!", "?")) else text + ".")
        if parts:
            blocks.append(Block("paragraph", (" ".join(parts),), line))
    return blocks


def slugify(text: str) -> str:
    """A stable, ASCII, URL- and file-name-safe id: "When to see a doctor" -> "when-to-see-a-doctor"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "section"


def unique_slugs(titles: list[str]) -> list[str]:
    """Slugs for titles, made distinct with -2, -3... when two titles agree."""
    seen: dict[str, int] = {}
    slugs = []
    for title in titles:
        base = slugify(title)
        count = seen.get(base, 0) + 1
        seen[base] = count
        slugs.append(base if count == 1 else f"{base}-{count}")
    return slugs


#: Unicode's control characters (category Cc) but tab and newline.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def tidy(text: str) -> str:
    """Fold runs of white space and drop control characters a reader cannot hear."""
    text = CONTROL_CHARACTERS.sub("", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


def _looks_like_utf16(data: bytes) -> bool:
    """Text in UTF-16 has a zero in every other byte for Latin script."""
    sample = data[:4000]
    even, odd = sample[0::2], sample[1::2]
    return len(sample) >= 8 and (even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd))


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a leaflet's bytes, refusing a folder, a missing file or one over the size limit."""
    try:
        if path.is_dir():
            raise SourceError(f"{path}: is a directory, not a leaflet")
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(
                f"{path}: file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
                "(raise it with --max-source-bytes or max_source_bytes in guide.toml)"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except OSError as error:  # not a folder on the way, no permission, a device error
        raise SourceError(f"{path}: cannot be read ({error.strerror})") from None


def read_source(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a leaflet as text, refusing what is not text with a clear reason."""
    return decode_text(read_bytes(path, max_bytes), path)


def decode_text(data: bytes, path: Path) -> str:
    """A text leaflet's bytes as text (UTF-8, or UTF-16 with a byte-order mark)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    if b"\x00" in data and encoding != "utf-16":
        if _looks_like_utf16(data):
            raise SourceError(f"{path}: UTF-16 text without a byte-order mark "
                              "(save the file as UTF-8 and try again)")
        raise SourceError(f"{path}: binary data, not a text file")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            f"{path}:{line}: not UTF-8 text (save the file as UTF-8 and try again)"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SourceError(f"{path}: file is empty")
    return text


def parse_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Parse a .txt or .md leaflet; Markdown is chosen by the .md/.markdown suffix.

    PDF, web pages and Word files are read by ``importers.load_document``.
    """
    path = Path(path)
    return parse_text_source(path, read_source(path, max_bytes))


def parse_text_source(path: Path, text: str) -> Document:
    """Parse a text leaflet already read: Markdown for a .md/.markdown suffix, else plain text."""
    if path.suffix.lower() in (".md", ".markdown"):
        document = parse_markdown(text, source=str(path))
    else:
        document = parse_text(text, source=str(path))
    return document


# Plain text -------------------------------------------------------------------


def _blocks_of_lines(text: str) -> list[tuple[int, list[str]]]:
    """Split text into runs of non-blank lines, keeping each run's first line number."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if not line.strip():
            if current:
                runs.append((start, current))
                current = []
            continue
        if not current:
            start = number
        current.append(line.strip())
    if current:
        runs.append((start, current))
    return runs


def _looks_like_heading(lines: list[str]) -> bool:
    if len(lines) != 1:
        return False
    line = lines[0]
    words = line.split()
    return (
        len(words) <= MAX_HEADING_WORDS
        and not line.endswith(HEADING_END_PUNCTUATION)
        and not BULLET.match(line)
        and line[0].isalnum()
        and line[0] == line[0].upper()
    )


def _list_items(lines: list[str]) -> list[str]:
    """Join a run of lines into list items: a bullet opens an item, other lines continue it."""
    items: list[str] = []
    for line in lines:
        match = BULLET.match(line)
        if match:
            items.append(line[match.end():])
        elif items:
            items[-1] += " " + line
        else:
            items.append(line)
    return [tidy(item) for item in items if has_words(item)]


def parse_text(text: str, source: str = "<text>") -> Document:
    """Parse hard-wrapped plain text: first line the title, short unpunctuated lines headings.

    Lines that only draw a rule ("***", "---") separate blocks; footnote
    markers are dropped; a line with nothing to say is skipped. Anything that
    looks like HTML is the leaflet's own text here (the spoken form drops it).
    """
    text = drop_footnote_markers(blank_rules(text))
    runs = [(number, lines) for number, lines in _blocks_of_lines(text) if has_words(" ".join(lines))]
    if not runs:
        raise SourceError(f"{source}: file is empty")
    title_line, title_lines = runs[0]
    title = tidy(" ".join(title_lines))
    sections: list[tuple[str, int, list[Block]]] = []
    for line_number, lines in runs[1:]:
        if BULLET.match(lines[0]):
            items = _list_items(lines)
            if not items:
                continue
            blocks = _current_blocks(sections, line_number)
            if blocks and blocks[-1].kind == "list":
                previous = blocks[-1]
                blocks[-1] = Block("list", previous.texts + tuple(items), previous.line,
                                   previous.ordered)
            else:
                ordered = lines[0].lstrip()[0].isdigit()
                blocks.append(Block("list", tuple(items), line_number, ordered))
        elif _looks_like_heading(lines):
            sections.append((tidy(lines[0]), line_number, []))
        else:
            blocks = _current_blocks(sections, line_number)
            blocks.append(Block("paragraph", (tidy(" ".join(lines)),), line_number))
    return _document(title, title_line, sections, source)


INTRODUCTION = "Introduction"


def _current_blocks(sections: list[tuple[str, int, list[Block]]], line: int) -> list[Block]:
    """The blocks of the section being read; text before the first heading opens an introduction."""
    if not sections:
        sections.append((INTRODUCTION, line, []))
    return sections[-1][2]


def _document(
    title: str, title_line: int, sections: list[tuple[str, int, list[Block]]], source: str
) -> Document:
    if not title:
        raise SourceError(f"{source}:{title_line}: the guide has no title")
    if not sections or [heading for heading, _, _ in sections] == [INTRODUCTION]:
        raise SourceError(
            f"{source}: no sections: add heading lines (short lines with no end "
            "punctuation, or Markdown '#' headings) above the text"
        )
    for heading, line, blocks in sections:
        if not blocks:
            raise SourceError(f"{source}:{line}: heading '{heading}' has no text under it")
    slugs = unique_slugs([heading for heading, _, _ in sections])
    return Document(
        title=title,
        sections=tuple(
            Section(heading, slug, tuple(blocks))
            for (heading, _, blocks), slug in zip(sections, slugs)
        ),
        source=source,
    )


# Markdown ---------------------------------------------------------------------


def _inline_text(token) -> str:
    return tidy(inline_text(token))


def _html_blocks(html: str, line: int) -> list[Block]:
    """A block of HTML in Markdown: its tables read row by row, its other text as paragraphs."""
    blocks: list[Block] = []
    for part in html_block(html):
        if part[0] == "table":
            blocks += table_blocks(part[1], part[2], line)
        elif has_words(part[1]):
            blocks.append(Block("paragraph", (tidy(part[1]),), line))
    return blocks


#: Blocks inside blocks markdown-it follows (a list level takes two).
MAX_NESTING = 200


def parse_markdown(text: str, source: str = "<markdown>") -> Document:
    """Parse Markdown: the first '#' heading is the title, later headings open sections.

    YAML front matter gives the title (when there is no '#' title) and the
    language, and is not read out; tables are read row by row (table_blocks);
    inline HTML keeps its text, HTML blocks their text and tables; rules and
    footnote markers are dropped.
    """
    meta, text = front_matter(text)
    tokens = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table").parse(drop_footnote_markers(text))
    title = meta.get("title", "")
    title_line = 1
    skip_to = -1
    sections: list[tuple[str, int, list[Block]]] = []
    list_depth = 0
    items: list[str] = []
    list_line = 0
    ordered = False
    for index, token in enumerate(tokens):
        line = (token.map[0] + 1) if token.map else 0
        if index <= skip_to:
            continue
        if token.type == "heading_open":
            heading = _inline_text(tokens[index + 1])
            if not sections and token.tag == "h1" and (not title or heading == title):
                title, title_line = heading, line
            elif has_words(heading):
                sections.append((heading, line, []))
        elif token.type == "table_open":
            header, rows, skip_to = markdown_table(tokens, index, _inline_text)
            blocks = table_blocks(header, rows, line)
            if blocks:
                _current_blocks(sections, line).extend(blocks)
        elif token.type == "html_block" and not list_depth:
            blocks = _html_blocks(token.content, line)
            if blocks:
                _current_blocks(sections, line).extend(blocks)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0:
                items, list_line = [], line
                ordered = token.type == "ordered_list_open"
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            items = [item for item in items if item]
            if list_depth == 0 and items:
                _current_blocks(sections, list_line).append(
                    Block("list", tuple(items), list_line, ordered))
        elif token.type == "list_item_open":
            items.append("")  # nested items are read as items of their own
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            content = _inline_text(token)
            if not has_words(content):
                continue
            if list_depth:
                items[-1] = tidy(f"{items[-1]} {content}")
            else:
                _current_blocks(sections, line).append(Block("paragraph", (content,), line))
    if not title and sections:
        # No '# Title': the file's first heading names the guide.
        title, title_line, _ = sections[0]
        if not sections[0][2]:
            sections.pop(0)
    document = _document(title, title_line, sections, source)
    language = meta.get("language") or meta.get("lang") or ""
    return replace(document, language=language) if language else document
