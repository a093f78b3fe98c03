"""Markup that is never spoken: front matter, inline and block HTML, rules, footnote markers.

The text and Markdown parsers use these helpers so that what reaches a
listener is the leaflet's words only. Each helper keeps line numbers
intact (a removed line becomes a blank line), so error messages still
point at the right line of the source.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: A line that only draws a line: "***", "---", "___", "* * *", "===".
RULE_LINE = re.compile(r"^[ \t]*([-*_=~])(?:[ \t]*\1){2,}[ \t]*$")
#: The HTML elements a leaflet's markup may use. Only these are tags: "<six
#: months or >" is text (a comparison) and is read, never dropped.
HTML_ELEMENTS = (
    "a abbr address article aside audio b bdi bdo big blockquote body br button caption center cite code "
    "col colgroup dd del details dfn div dl dt em figcaption figure font footer form h1 h2 h3 h4 h5 h6 "
    "head header hr html i img input ins kbd label legend li link main mark meta nav noscript ol option p "
    "picture pre q rp rt ruby s samp script section select small source span strike strong style sub "
    "summary sup table tbody td template textarea tfoot th thead time title tr track tt u ul var video wbr"
).split()
#: An HTML tag with proper syntax: a known element name, then only attributes
#: (name, or name="value") up to the closing ">" (not "< 5" nor "<=", which are comparisons).
TAG_PATTERN = (r"</?(?:" + "|".join(sorted(HTML_ELEMENTS, key=len, reverse=True)) + r")"
               r"(?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>=`]+))?)*\s*/?>")
TAG = re.compile(TAG_PATTERN + r"|<!--.*?-->", re.S | re.I)
#: Footnote references: "[^1]", "[^note]".
FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\]")
FOOTNOTE_DEFINITION = re.compile(r"^(\s{0,3})\[\^[^\]\s]+\]:[ \t]?", re.M)
#: Superscript figures after a word or closing punctuation are footnote markers
#: ("dystonia¹", "risk.²"); after a unit ("m²", "cm³") they are powers and stay.
SUPERSCRIPT_MARKER = re.compile(r"(?:(?<=[A-Za-z]{3})|(?<=[.,;:!?)\]\"”’]))[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
SAYABLE = re.compile(r"[^\W_]")


def has_words(text: str) -> bool:
    """Whether there is anything to say: a letter or a figure."""
    return bool(SAYABLE.search(text))


#: A superscript footnote marker written in HTML: "<sup>1</sup>", "<sup>[2]</sup>", "<sup>*</sup>".
SUP_MARKER = re.compile(r"<sup>\s*\[?(?:\d{1,3}|[*†‡a-z])\]?\s*</sup>", re.I)


def drop_footnote_markers(text: str) -> str:
    text = SUP_MARKER.sub("", text)
    text = FOOTNOTE_DEFINITION.sub(r"\1", text)
    text = FOOTNOTE_REFERENCE.sub("", text)
    return SUPERSCRIPT_MARKER.sub("", text)


def strip_tags(text: str) -> str:
    """ "<b>word</b>" -> "word"; a line break tag is a space."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    return TAG.sub("", text)


def inline_text(token) -> str:
    """Text of a Markdown inline token with emphasis, links, code marks and HTML tags dropped."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or (
                child.type == "html_inline" and re.match(r"<br\b", child.content, re.I)):
            parts.append(" ")  # other inline HTML tags say nothing; the text between them stays
        elif child.type == "html_inline" and not TAG.fullmatch(child.content.strip()):
            parts.append(child.content)  # "<six months or >": not a tag, so it is read
        elif child.type == "image":
            parts.append(child.content)
    return FOOTNOTE_REFERENCE.sub("", "".join(parts))  # "[^1]" the inline parser left as text


def blank_rules(text: str) -> str:
    """Horizontal rules become blank lines (they separate, they say nothing)."""
    return "\n".join("" if RULE_LINE.match(line) else line for line in text.split("\n"))


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter's simple "key: value" lines, and the text with it blanked out.

    Only the leaflet's own top-level strings are read (title, language);
    nested values and lists are skipped. Quotes around a value are removed.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, text
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", line)
        if match and match.group(2) and not match.group(2).startswith(("[", "{", "|", ">")):
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[match.group(1).lower()] = value.strip()
    return meta, "\n" * end + "\n".join(lines[end:])


class _BlockReader(HTMLParser):
    """An HTML block's tables (header and rows of cell text) and its other text."""

    SKIPPED = {"script", "style", "head", "title", "template"}
    BREAKS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple] = []  # ("text", str) or ("table", header, rows)
        self._text: list[str] = []
        self._skipping = 0
        self._table: list[tuple[bool, list[str]]] | None = None
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag == "table":
            self._depth += 1
            if self._depth == 1:
                self._flush()
                self._table = []
        elif self._table is not None and self._depth == 1:
            if tag == "tr":
                self._table.append((False, []))
            elif tag in ("td", "th") and self._table:
                self._cell = []
                if tag == "th":
                    self._table[-1] = (True, self._table[-1][1])
        elif tag in self.BREAKS:
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "table":
            self._depth = max(0, self._depth - 1)
            if self._depth == 0 and self._table is not None:
                rows = [cells for _, cells in self._table if any(has_words(cell) for cell in cells)]
                header = []
                if self._table and self._table[0][0]:
                    header = self._table[0][1]
                    rows = rows[1:] if rows and rows[0] is self._table[0][1] else rows
                self.parts.append(("table", header, rows))
                self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self._table[-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag in self.BREAKS:
            self._text.append(" ")

    def handle_data(self, data):
        if self._skipping:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._table is None:
            self._text.append(data)

    def _flush(self):
        text = " ".join("".join(self._text).split())
        if has_words(text):
            self.parts.append(("text", text))
        self._text = []

    def close(self):
        super().close()
        self._flush()


def html_block(html: str) -> list[tuple]:
    """The tables and text of a block of HTML, in order: ("table", header, rows) or ("text", str)."""
    reader = _BlockReader()
    reader.feed(html)
    reader.close()
    return reader.parts


def markdown_table(tokens, start: int, inline_text) -> tuple[list[str], list[list[str]], int]:
    """A Markdown table's header cells and body rows (each cell through ``inline_text``),
    and the index of the table's closing token."""
    header: list[str] = []
    rows: list[list[str]] = []
    index = start
    in_head = False
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type == "inline":
            (header if in_head else rows[-1]).append(inline_text(token))
        index += 1
    return header, rows, index
