"""What every importer shares: collecting sections and blocks into a Document,
joining wrapped lines, and the checks behind the editor's warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..content import INTRODUCTION, Block, Document, Section, SourceError, tidy, unique_slugs

#: Glyphs that open a list item in leaflets: the common bullets, dashes and
#: arrows, and the private-use bullets Word's Symbol and Wingdings fonts leave in PDFs.
BULLET_GLYPHS = "●•◦▪■□▫○◆◇►▸▶➢➤➔✓✔❖⁃‣∙·*+-–—\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8"
#: A bullet glyph (ASCII ones followed by a space), or a number or letter with "." or ")"
#: and a space: "1. ", "2) ", "(a) ". "e.g." and "-5" at a line's start open no item.
BULLET = re.compile(rf"^\s*(?:[{re.escape(BULLET_GLYPHS.replace('*+-', ''))}]\s*(?=\S)"
                    rf"|[*+\-]\s+|\(?(\d{{1,3}}|[a-z])[.)]\s+)")
SENTENCE_END = tuple(".!?:;")
#: Dashes open a list item only where a block starts (see the PDF reader): inside
#: running text a line may wrap just before one ("aged 2 / – 5 years").
DASHES = "-–—"
MAX_HEADING_WORDS = 12

#: Parts before a line-end hyphen that are prefixes kept with their hyphen
#: ("anti-/inflammatory", "x-/ray", "over-/the-counter"), whatever else the leaflet spells.
KEPT_PREFIXES = frozenset("""
    a e i x anti non pre post co self over under ex re de semi multi inter intra sub super
    ultra mid part half all well ill low high short long cross counter out in on up
""".split())
#: Endings that are no word on their own: a word broken before one of them joins
#: ("treat-/ment", "feel-/ing"), unless the part before is a prefix kept above.
SUFFIXES = frozenset("""
    ing ings ment ments tion tions sion sions ness ly ed er ers est ity ities ance ances ence
    ences able ible ful less ous ive ives al ally ism ist ists ise ised ize ized ial ular
""".split())
#: Words after "pre-" at a line end that show a hyphen held over ("pre- and post-operative").
CONJUNCTIONS = frozenset("and or to nor".split())
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


class MissingExtra(SourceError):
    """A library for this format is not installed; the message names the extra."""


def require(module: str, path, kind: str):
    """Import ``module`` or refuse in one line naming the extra that brings it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise missing_extra(path, kind) from None


def missing_extra(path, kind: str) -> MissingExtra:
    """The one line for ``path``, of ``kind``, whose libraries are not installed."""
    return MissingExtra(f"{path}: reading {kind} needs the 'import' extra: pip install 'audioguide[import]'")


def known_words(texts) -> set[str]:
    """Every word of ``texts``, lowercased: what the leaflet spells elsewhere."""
    words: set[str] = set()
    for text in texts:
        words.update(word.lower() for word in WORD.findall(text))
    return words


def join_broken_word(first: str, second: str, words: set[str]) -> str:
    """Join a word broken at a line end as "first-" + "second" (``first`` ends with the hyphen).

    The hyphen is kept unless the leaflet shows it is only a line break. In order:
    a soft hyphen joins; a hyphen held over ("pre-" + "and") keeps its space; a
    number on either side ("COVID-" + "19"), a part that already holds a hyphen
    ("over-the-" + "counter"), a short or known prefix ("anti-", "x-", "self-")
    or a capital after the hyphen keeps it; the joined word spelled elsewhere in
    the leaflet joins; an ending that is no word on its own ("treat-" + "ment")
    joins; anything else keeps the hyphen, which never changes the words.
    """
    stem = first[:-1]
    if first.endswith("\u00ad"):
        return stem + second
    if second.lower().rstrip(".,;:!?") in CONJUNCTIONS:
        return f"{first} {second}"
    head = WORD.findall(stem)
    tail = WORD.findall(second)
    if (not head or not tail or not stem[-1:].isalpha() or not second[:1].isalpha()
            or "-" in stem or not second[0].islower()):
        return first + second
    part = head[-1]
    if len(part) <= 2 or part.lower() in KEPT_PREFIXES:
        return first + second
    joined = (part + tail[0]).lower()
    if joined in words or tail[0].lower() in SUFFIXES:
        return stem + second
    return first + second


def join_lines(lines: list[str], words: set[str]) -> str:
    """The lines of one paragraph as one text, with broken words joined again."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if text.endswith(("-", "\u00ad")) and text[-2:-1].isalnum() and line[:1].isalnum():
            last_space = text.rfind(" ") + 1
            first_word = line.split(" ", 1)
            word = join_broken_word(text[last_space:], first_word[0], words)
            text = text[:last_space] + word + (" " + first_word[1] if len(first_word) > 1 else "")
        else:
            text = f"{text} {line}" if text else line
    return tidy(text)


def reads_like_body_text(heading: str) -> bool:
    """A heading that is a long sentence is probably body text set in a heading's style."""
    return len(heading.split()) > MAX_HEADING_WORDS or heading.rstrip().endswith((".", "!", ";"))


@dataclass
class DocumentBuilder:
    """Sections and blocks collected in reading order, then checked into a Document."""

    source: str
    title: str = ""
    language: str = ""
    warnings: list[str] = field(default_factory=list)
    sections: list[tuple[str, str, list[Block]]] = field(default_factory=list)  # title, where, blocks

    def warn(self, where: str, message: str) -> None:
        line = f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}"
        if line not in self.warnings:
            self.warnings.append(line)

    def heading(self, text: str, where: str = "") -> None:
        text = tidy(text)
        if text:
            self.sections.append((text, where, []))

    def _blocks(self, where: str) -> list[Block]:
        if not self.sections:
            self.sections.append((INTRODUCTION, where, []))
        return self.sections[-1][2]

    def paragraph(self, text: str, where: str = "") -> None:
        text = tidy(text)
        if text:
            self._blocks(where).append(Block("paragraph", (text,)))

    def blocks(self, blocks: list[Block], where: str = "") -> None:
        self._blocks(where).extend(blocks)

    def list_item(self, text: str, ordered: bool = False, where: str = "", new_list: bool = False) -> None:
        """An item, added to the list just before it unless ``new_list`` (or a paragraph came between)."""
        text = tidy(text)
        if not text:
            return
        blocks = self._blocks(where)
        if blocks and blocks[-1].kind == "list" and not new_list:
            previous = blocks[-1]
            blocks[-1] = Block("list", previous.texts + (text,), previous.line, previous.ordered)
        else:
            blocks.append(Block("list", (text,), 0, ordered))

    def document(self) -> Document:
        if not self.title:
            for index, (heading, _, blocks) in enumerate(self.sections):
                if heading != INTRODUCTION:  # no title of its own: the first heading names the guide
                    self.title = heading
                    if not blocks:
                        del self.sections[index]
                    break
        if not self.title:
            raise SourceError(f"{self.source}: the leaflet has no title (no title or heading was found)")
        sections = [(title, where, blocks) for title, where, blocks in self.sections
                    if blocks or title != INTRODUCTION]
        # A heading with nothing under it (above a sub-heading, or at the end) is still text
        # of the leaflet: it is read as a paragraph of the section before, or (before any
        # text) of the first section after, and told.
        previous, waiting = None, []
        for title, where, blocks in sections:
            if blocks:
                blocks[:0] = [paragraph for paragraph, _, _ in waiting]
                for _, empty, empty_where in waiting:
                    self.warn(empty_where, f"heading '{empty}' has no text under it: it is read "
                                           f"as text at the start of '{title}'")
                previous, waiting = (title, blocks), []
                continue
            paragraph = Block("paragraph", (title if title.endswith(SENTENCE_END) else f"{title}.",))
            if previous is None:
                waiting.append((paragraph, title, where))
            else:
                previous[1].append(paragraph)
                self.warn(where, f"heading '{title}' has no text under it: it is read as text "
                                 f"at the end of '{previous[0]}'")
        sections = [section for section in sections if section[2]]
        if not sections or [title for title, _, _ in sections] == [INTRODUCTION]:
            raise SourceError(f"{self.source}: no sections: the leaflet has no headings above its text")
        slugs = unique_slugs([title for title, _, _ in sections])
        return Document(
            title=tidy(self.title),
            sections=tuple(Section(title, slug, tuple(blocks))
                           for (title, _, blocks), slug in zip(sections, slugs)),
            source=self.source,
            language=self.language,
            warnings=tuple(self.warnings),
        )
