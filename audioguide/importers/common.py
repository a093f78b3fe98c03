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
MAX_HEADING_WORDS = 12

#: Words that follow a real hyphen at a line end ("follow-up", "long-term"),
#: so "follow-" + "up" keeps its hyphen when the leaflet does not say otherwise.
COMPOUND_ENDS = frozenset("""
    up down in out on off over back by to term based related free friendly old year years day days
    time times care being like known made sized size level wide specific dependent aged born one
    two three four five six seven eight nine ten hand handed month months week weeks hour hours
""".split())
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


class MissingExtra(SourceError):
    """A library for this format is not installed; the message names the extra."""


def require(module: str, path, kind: str):
    """Import ``module`` or refuse in one line naming the extra that brings it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"{path}: reading {kind} needs the 'import' extra: pip install 'audioguide[import]'"
        ) from None


def known_words(texts) -> set[str]:
    """Every word of ``texts``, lowercased: what the leaflet spells elsewhere."""
    words: set[str] = set()
    for text in texts:
        words.update(word.lower() for word in WORD.findall(text))
    return words


def join_broken_word(first: str, second: str, words: set[str]) -> str:
    """Join a word broken at a line end as "first-" + "second" (``first`` ends with the hyphen).

    The rule, in order: a soft hyphen always joins; the joined word spelled
    elsewhere in the leaflet joins; the hyphenated word spelled elsewhere keeps
    its hyphen; a capital or digit after the hyphen ("non-\\nNHS", "COVID-\\n19")
    keeps it; a common second half of a compound ("follow-\\nup", "long-\\nterm")
    keeps it; anything else is a word broken to fit the line, and joins.
    """
    stem = first[:-1]
    if first.endswith("\u00ad"):
        return stem + second
    head = WORD.findall(stem)
    tail = WORD.findall(second)
    if not head or not tail or not stem[-1:].isalpha():
        return first + second
    joined = (head[-1] + tail[0]).lower()
    hyphened = f"{head[-1]}-{tail[0]}".lower()
    if joined in words:
        return stem + second
    if hyphened in words or not second[0].islower():
        return first + second
    if tail[0].lower() in COMPOUND_ENDS:
        return first + second
    return stem + second


def join_lines(lines: list[str], words: set[str]) -> str:
    """The lines of one paragraph as one text, with broken words joined again."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if text.endswith(("-", "\u00ad")) and text[-2:-1].isalpha() and line[:1].isalpha():
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
        for title, where, blocks in sections:
            if not blocks:  # a heading straight above a sub-heading, say: left out, and told
                self.warn(where, f"heading '{title}' has no text under it and is left out")
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
