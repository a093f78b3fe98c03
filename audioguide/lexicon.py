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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


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

    def merged(self, other: "Lexicon") -> "Lexicon":
        """This lexicon with ``other``'s entries taking precedence."""
        overridden = {entry.written.lower() for entry in other.entries}
        kept = tuple(e for e in self.entries if e.written.lower() not in overridden)
        return Lexicon(kept + other.entries)


def _line_of_key(text: str, key: str) -> int:
    pattern = re.compile(rf"^\s*(?:\[words\.)?[\"']?{re.escape(key)}[\"']?\s*[=\]]", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def load_lexicon(path: Path) -> Lexicon:
    """Read a TOML lexicon; every problem is reported with the file, line and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: no such lexicon file") from None
    except UnicodeDecodeError:
        raise LexiconError(f"{path}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{path}: invalid TOML: {error}") from None
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise LexiconError(f"{path}:{_line_of_key(text, 'words')}: key 'words' must be a table")
    entries = []
    for written, value in words.items():
        line = _line_of_key(text, written)
        where = f"{path}:{line}: key 'words.{written}'"
        if not re.fullmatch(r"[\w'’.-]+(?: [\w'’.-]+)*", written):
            raise LexiconError(f"{where}: a written form must be a word or words")
        if isinstance(value, str):
            spoken, by_engine = value, {}
        elif isinstance(value, dict) and isinstance(value.get("spoken"), str):
            spoken = value["spoken"]
            by_engine = {k: v for k, v in value.items() if k != "spoken"}
            if not all(isinstance(v, str) for v in by_engine.values()):
                raise LexiconError(f"{where}: engine overrides must be strings")
        else:
            raise LexiconError(
                f"{where}: must be a string or a table with a 'spoken' string"
            )
        if not spoken.strip():
            raise LexiconError(f"{where}: the spoken form is empty")
        entries.append(Entry(written, spoken, by_engine))
    return Lexicon(tuple(entries))
