"""Where the text of a PDF page sits: words into lines, running headers and
footers found by repetition, small print in the margins, two columns put in
reading order, and the body text's size. (The rules are in ``pdf``'s docstring.)"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from ..content import tidy

MARGIN_BAND = 0.15  # the top and bottom share of a page where running headers and footers live
PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
UNKNOWN_GLYPH = re.compile(r"\(cid:\d+\)\s*")
MIN_GUTTER = 12.0  # points of blank space down the middle that separate two columns


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    words: list = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(word["x0"] for word in self.words)

    @property
    def x1(self) -> float:
        return max(word["x1"] for word in self.words)

    @property
    def text(self) -> str:
        text = tidy(" ".join(word["text"] for word in sorted(self.words, key=lambda w: w["x0"])))
        # A glyph with no known character (pdfminer writes "(cid:127)"): at a line's
        # start it is a bullet drawn in a symbol font; elsewhere it cannot be said.
        text = UNKNOWN_GLYPH.sub("\u2022 ", text, count=1) if UNKNOWN_GLYPH.match(text) else text
        return tidy(UNKNOWN_GLYPH.sub("", text))

    @property
    def size(self) -> float:
        sizes = Counter()
        for word in self.words:
            sizes[round(word["size"], 1)] += len(word["text"])
        return sizes.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return all(BOLD.search(word.get("fontname", "")) for word in self.words)


def physical_lines(words: list, page: int) -> list[Line]:
    """Words grouped into lines by their position down the page, across the whole width."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if lines and abs(lines[-1].bottom - word["bottom"]) <= 2.5:
            lines[-1].words.append(word)
            lines[-1].top = min(lines[-1].top, word["top"])
        else:
            lines.append(Line(page, word["top"], word["bottom"], [word]))
    return lines


def boilerplate_keys(pages: list[tuple[list[Line], float]]) -> set[tuple[str, bool]]:
    """Texts (with digits as '#') that come back in the same margin of most pages."""
    seen: dict[tuple[str, bool], set[int]] = {}
    for lines, height in pages:
        for line in lines:
            if in_margin(line, height):
                seen.setdefault(margin_key(line, height), set()).add(line.page)
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, on in seen.items() if len(on) >= needed}


def margin_key(line: Line, height: float) -> tuple[str, bool]:
    """The line's text with any number as '#', and whether it is in the top margin."""
    return re.sub(r"\d+", "#", line.text.lower()), line.bottom < height * MARGIN_BAND


def page_number_lines(pages: list[tuple[list[Line], float]]) -> set[int]:
    """The ids of the lines that number their page: the outermost line of the top or
    bottom margin, shaped like a page number ("3", "Page 3", "3 of 8"), whose number is
    the page's own or follows the same sequence on another page (a leaflet numbered
    from 5 on). Any other number in a margin is text ("call the ward on / 111")."""
    found: list[tuple[Line, int]] = []
    for lines, height in pages:
        top = [line for line in lines if line.bottom < height * MARGIN_BAND]
        bottom = [line for line in lines if line.top > height * (1 - MARGIN_BAND) and line not in top]
        for outer in (min(top, key=lambda line: line.top, default=None),
                      max(bottom, key=lambda line: line.bottom, default=None)):
            if outer is not None and PAGE_NUMBER.match(outer.text):
                found.append((outer, int(re.search(r"\d+", outer.text).group())))
    offsets = Counter(number - line.page for line, number in found)
    return {id(line) for line, number in found if number == line.page or offsets[number - line.page] >= 2}


def in_margin(line: Line, height: float) -> bool:
    return line.bottom < height * MARGIN_BAND or line.top > height * (1 - MARGIN_BAND)


def reading_order(lines: list[Line], width: float) -> list[tuple[Line, bool]]:
    """Lines in reading order, each with True when it starts a new column."""
    middle = width / 2
    ordered: list[tuple[Line, bool]] = []
    region: list[tuple[str, Line, Line]] = []  # side, the part on that side, the whole line

    def close_region():
        if _two_columns(region, middle):
            for number, side in enumerate(("left", "right")):
                part = [line for where, line, _ in region if where == side]
                ordered.extend((line, number == 1 and index == 0) for index, line in enumerate(part))
        else:  # short lines with a gap, as in a table of opening hours: read across
            whole = []
            for _, _, line in region:
                if not whole or whole[-1] is not line:
                    whole.append(line)
            ordered.extend((line, False) for line in whole)
        region.clear()

    for line in lines:
        words = sorted(line.words, key=lambda w: w["x0"])
        left = [w for w in words if w["x1"] <= middle]
        right = [w for w in words if w["x0"] >= middle]
        if len(left) + len(right) < len(words):  # a word crosses the middle: one column here
            close_region()
            ordered.append((line, False))
            continue
        gap = (min(w["x0"] for w in right) - max(w["x1"] for w in left)) if left and right else width
        if gap < MIN_GUTTER:  # a full-width line whose space falls on the middle
            close_region()
            ordered.append((line, False))
            continue
        for side, part in (("left", left), ("right", right)):
            if part:
                region.append((side, Line(line.page, min(w["top"] for w in part),
                                          max(w["bottom"] for w in part), part), line))
    close_region()
    return ordered


def _two_columns(region: list[tuple[str, Line, Line]], middle: float) -> bool:
    """Text on both sides of the middle, at least two lines each, the left lines running
    most of the way to the middle as wrapped text does (a table's short cells do not)."""
    left = [part for side, part, _ in region if side == "left"]
    right = [part for side, part, _ in region if side == "right"]
    if len(left) < 2 or len(right) < 2:
        return False
    start = min(part.x0 for part in left)
    return median(part.x1 for part in left) - start >= 0.6 * (middle - start)


def body_size(lines: list[Line]) -> float:
    """The size most of the running text is set in: lines not wholly bold, longer lines
    counting for more (a title and headings are bold or short; paragraphs are neither)."""
    plain = [line for line in lines if not line.bold] or lines
    sizes = Counter()
    for line in plain:
        text = line.text
        sizes[line.size] += len(text) * len(text.split())
    return sizes.most_common(1)[0][0]


def drop_small_margin_text(pages: list[list[Line]], heights: list[float], builder) -> None:
    """Small print in the margins that repetition cannot show to be a running header or
    footer: above the title on the first page, and anywhere in a one-page leaflet's
    margins. Left out, each with a warning, so an editor can check it."""
    if not pages[0]:
        return
    body = body_size([line for lines in pages for line in lines])
    title = max(pages[0], key=lambda line: line.size)
    for number, (lines, height) in enumerate(zip(pages, heights)):
        for line in list(lines):
            above_title = number == 0 and line.bottom <= title.top
            if (in_margin(line, height) and line.size < body - 0.5
                    and (above_title or len(pages) == 1)):
                lines.remove(line)
                builder.warn(f"page {line.page}", f"'{line.text[:60]}' is small print in the page "
                             "margin, taken for a header or footer and left out")
