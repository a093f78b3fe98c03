"""Pronunciation lexicon: written words mapped to spoken respellings.

espeak-ng guesses medical words from their spelling and often guesses wrong.
We cannot pass it phonemes through pyttsx3 (they would be read aloud), so a
lexicon respells words in ordinary letters that every engine says right.
An entry may also override the respelling for one engine:

    [words]
    dystonia = "diss-TOE-nee-uh"

    [words.blepharospasm]
    spoken = "blefferoh-spazm"
    piper = "blepharospasm"   # the neural voice already says it well

``audioguide lexicon check`` shows the phonemes espeak-ng makes of each
respelling, so an editor can review them without building the guide.

A medical lexicon ships with the package (``medical_lexicon``) and applies to
every guide; a guide's own lexicon overrides it word by word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path

from .errors import UserError
from .speech.registry import engine_names
from .tomlfile import Key, TomlFile

#: Characters an engine would read aloud instead of obeying (espeak-ng's
#: ``[[phonemes]]`` and SSML are not interpreted through pyttsx3).
NOT_SPOKEN = set("[]<>{}\\|`")


class LexiconError(UserError, ValueError):
    """A lexicon file is malformed; the message names the file, line and key."""


@dataclass(frozen=True)
class Entry:
    written: str
    spoken: str
    by_engine: dict[str, str] = field(default_factory=dict)

    def spoken_for(self, engine: str) -> str:
        return self.by_engine.get(engine, self.spoken)


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...] = ()

    def respell(self, text: str, engine: str = "pyttsx3",
                mark: Callable[[str, str], str] | None = None) -> str:
        """Replace whole words, case-insensitively, longest entries first.

        A whole word starts where the character before is not a letter, digit,
        underscore or apostrophe, and ends where the character after is not one
        either; of the entries that fit there, the longest is taken. ``mark``, if
        given, is called with each word as written and its respelling, and its
        result put in the text instead (narration holds respellings aside this way).

        Matched by looking each candidate up in a dictionary rather than with one
        regular expression of every entry: that expression took 14 ms to compile for
        the shipped lexicon, once per guide, and Python's regular expressions try its
        alternatives one by one (44 ms over a 5,550-word leaflet, against 17 ms).
        """
        if not self.entries:
            return text
        table = self._table(engine)
        mark = mark or (lambda written, spoken: spoken)
        lengths, pieces, done = self._lengths, [], 0
        ends = {match.start() for match in _word_ends(text)}
        for start in _word_starts(text):
            position = start.start()
            if position < done:
                continue
            for length in lengths:
                end = position + length
                if end in ends:
                    written = text[position:end]
                    spoken = table.get(written.lower())
                    if spoken is not None:
                        pieces += [text[done:position], mark(written, spoken)]
                        done = end
                        break
        return "".join(pieces) + text[done:] if pieces else text

    def _table(self, engine: str) -> dict[str, str]:
        """Each written word (lower case) and its respelling for ``engine``, made once per engine."""
        if engine not in self._tables:
            self._tables[engine] = {entry.written.lower(): entry.spoken_for(engine) for entry in self.entries}
        return self._tables[engine]

    @cached_property
    def _tables(self) -> dict[str, dict[str, str]]:
        return {}

    @cached_property
    def _lengths(self) -> tuple[int, ...]:
        """The lengths of the written forms, longest first."""
        return tuple(sorted({len(entry.written) for entry in self.entries}, reverse=True))

    def covers(self, word: str) -> bool:
        """Whether ``word`` (any case) has an entry."""
        return word.lower() in self._written

    @cached_property
    def _written(self) -> frozenset[str]:
        return frozenset(entry.written.lower() for entry in self.entries)

    def merged(self, other: "Lexicon") -> "Lexicon":
        """This lexicon with ``other``'s entries taking precedence."""
        kept = tuple(e for e in self.entries if not other.covers(e.written))
        return Lexicon(kept + other.entries)


#: Where an entry may start: a character of a written form, after none that joins words.
_word_starts = re.compile(r"(?<![\w'’])[\w'’.-]").finditer
#: Where one may end: before a character that does not join words, or at the end.
_word_ends = re.compile(r"(?![\w'’])").finditer


# --- loading ----------------------------------------------------------------------------


def medical_lexicon_path() -> Path:
    """The medical lexicon shipped inside the package (audioguide/lexicons/medical.toml)."""
    return Path(str(files("audioguide") / "lexicons" / "medical.toml"))


@lru_cache(maxsize=1)
def medical_lexicon() -> Lexicon:
    """The shipped medical lexicon, which every guide starts from: a guide's own
    lexicon (and ``--lexicon``) is merged over it, word by word."""
    return load_lexicon(medical_lexicon_path())


def load_lexicon(path: Path) -> Lexicon:
    """Read a TOML lexicon; every problem is reported with the file, line and key."""
    file = TomlFile.read(path, LexiconError, "lexicon file")
    data = file.data

    def fail(key: Key, problem: str) -> LexiconError:
        return LexiconError(f"{file.where(key)}: {problem}")

    for name in data:
        if name != "words":
            raise fail((name,), "unknown table or key (a lexicon has one table, [words])")
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise fail(("words",), "must be a table of written word = spoken form")
    entries, seen = [], {}
    for written, value in words.items():
        key = ("words", written)
        if not re.fullmatch(r"[\w'’.-]+(?: [\w'’.-]+)*", written):
            raise fail(key, "a written form must be a word or words")
        if written.lower() in seen:
            raise fail(key, f"the same word as key 'words.{seen[written.lower()]}' "
                            f"(on line {file.line_of(('words', seen[written.lower()]))}); "
                            "entries ignore case")
        seen[written.lower()] = written
        if isinstance(value, str):
            spoken, by_engine = value, {}
        elif isinstance(value, dict):
            if not isinstance(value.get("spoken"), str):
                raise fail(key, "a table entry needs a 'spoken' string (the respelling for every engine)")
            spoken = value["spoken"]
            by_engine = {name: form for name, form in value.items() if name != "spoken"}
            for name, form in by_engine.items():
                if name not in engine_names():
                    raise fail(key + (name,), f"unknown engine (an entry holds 'spoken' and "
                                              f"overrides for: {', '.join(engine_names())})")
                if not isinstance(form, str):
                    raise fail(key + (name,), "an engine override must be a string")
        else:
            raise fail(key, "must be a string or a table with a 'spoken' string")
        for name, form in [("spoken", spoken), *by_engine.items()]:
            where = key if isinstance(value, str) else key + (name,)
            if not form.strip():
                raise fail(where, "the spoken form is empty")
            if NOT_SPOKEN & set(form):
                raise fail(where, "respell in ordinary letters: "
                                  f"{''.join(sorted(NOT_SPOKEN & set(form)))} would be read aloud")
        entries.append(Entry(written, spoken, by_engine))
    return Lexicon(tuple(entries))

