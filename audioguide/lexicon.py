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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .speech.base import ENGINES

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

#: Characters an engine would read aloud instead of obeying (espeak-ng's
#: ``[[phonemes]]`` and SSML are not interpreted through pyttsx3).
NOT_SPOKEN = set("[]<>{}\\|`")


class LexiconError(ValueError):
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

    def respell(self, text: str, engine: str = "pyttsx3") -> str:
        """Replace whole words, case-insensitively, longest entries first."""
        if not self.entries:
            return text
        table = {entry.written.lower(): entry.spoken_for(engine) for entry in self.entries}
        return self._pattern().sub(lambda match: table[match.group(0).lower()], text)

    def _pattern(self) -> re.Pattern:
        words = sorted((entry.written for entry in self.entries), key=len, reverse=True)
        alternatives = "|".join(re.escape(word) for word in words)
        return re.compile(rf"(?<![\w'’])(?:{alternatives})(?![\w'’])", re.IGNORECASE)

    def covers(self, word: str) -> bool:
        """Whether ``word`` (any case) has an entry."""
        return word.lower() in {entry.written.lower() for entry in self.entries}

    def merged(self, other: "Lexicon") -> "Lexicon":
        """This lexicon with ``other``'s entries taking precedence."""
        overridden = {entry.written.lower() for entry in other.entries}
        kept = tuple(e for e in self.entries if e.written.lower() not in overridden)
        return Lexicon(kept + other.entries)


# --- where a key is written: TOML parsers give values, not lines ------------------------


def _split_key(text: str) -> tuple[str, ...] | None:
    """``a."b c".d`` -> ("a", "b c", "d"); None when ``text`` is not a TOML key."""
    parts, rest = [], text.strip()
    while True:
        bare = re.match(r"[A-Za-z0-9_-]+", rest)
        quoted = re.match(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'', rest)
        if quoted:
            parts.append(quoted.group(1) if quoted.group(1) is not None else quoted.group(2))
            rest = rest[quoted.end():].lstrip()
        elif bare:
            parts.append(bare.group(0))
            rest = rest[bare.end():].lstrip()
        else:
            return None
        if not rest:
            return tuple(parts)
        if rest[0] != ".":
            return None
        rest = rest[1:].lstrip()


def _key_before_equals(line: str) -> str | None:
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:index]
        elif char == "#":
            return None
    return None


def _keys_by_line(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """(line, full dotted key) for every table header and key/value line."""
    found, table = [], ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[([^\[\]]+)\]\s*(?:#.*)?$", line)
        if header:
            table = _split_key(header.group(1)) or ()
            found.append((number, table))
            continue
        key_text = _key_before_equals(line)
        key = _split_key(key_text) if key_text is not None else None
        if key:
            found.append((number, table + key))
    return found


def _line_of(keys: list[tuple[int, tuple[str, ...]]], key: tuple[str, ...]) -> int:
    return next((number for number, found in keys if found == key), 0)


def _key_on_line(keys: list[tuple[int, tuple[str, ...]]], line: int) -> tuple[str, ...] | None:
    return next((found for number, found in keys if number == line), None)


def _dotted(key: tuple[str, ...]) -> str:
    return ".".join(key)


# --- loading ----------------------------------------------------------------------------


def load_lexicon(path: Path) -> Lexicon:
    """Read a TOML lexicon; every problem is reported with the file, line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: no such lexicon file") from None
    except IsADirectoryError:
        raise LexiconError(f"{path}: is a folder, not a lexicon file") from None
    except UnicodeDecodeError:
        raise LexiconError(f"{path}: not UTF-8 text") from None
    keys = _keys_by_line(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(_syntax_error(path, keys, error)) from None

    def fail(key: tuple[str, ...], problem: str) -> LexiconError:
        return LexiconError(f"{path}:{_line_of(keys, key) or 1}: key '{_dotted(key)}': {problem}")

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
                            f"(on line {_line_of(keys, ('words', seen[written.lower()]))}); "
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
                if name not in ENGINES:
                    raise fail(key + (name,), f"unknown engine (an entry holds 'spoken' and "
                                              f"overrides for: {', '.join(ENGINES)})")
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


def _syntax_error(path: Path, keys, error: Exception) -> str:
    message = str(error)
    located = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)", message)
    if not located:
        return f"{path}: invalid TOML: {message}"
    line = int(located.group(1) or max((number for number, _ in keys), default=1))
    key = _key_on_line(keys, line)
    if not key:  # tomllib's message already says where
        return f"{path}: invalid TOML: {message}"
    problem = message[:located.start()] + message[located.end():]
    return f"{path}:{line}: key '{_dotted(key)}': invalid TOML: {problem}"
