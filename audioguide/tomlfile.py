"""Read a small TOML file (guide.toml, a lexicon) and say where each key is written.

TOML parsers give values, not lines; an editor fixing a file needs the line,
so every problem is reported as ``file:line: key 'table.key': problem``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .files import read_regular

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

Key = tuple[str, ...]
#: A guide.toml or a lexicon is a few kB; a larger one is not a settings file.
MAX_TOML_BYTES = 1 << 20


def _split_key(text: str) -> Key | None:
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


def _keys_by_line(text: str) -> list[tuple[int, Key]]:
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


def dotted(key: Key) -> str:
    return ".".join(key)


class TomlFile:
    """A TOML file's path, its parsed data and the line of every key in it."""

    def __init__(self, path: Path, text: str, data: dict):
        self.path, self.data = path, data
        self._keys = _keys_by_line(text)

    @classmethod
    def read(cls, path: Path, error: type[Exception], what: str) -> "TomlFile":
        """Parse ``path``; any problem raises ``error`` with a one-line message naming it."""
        path = Path(path)
        data = read_regular(path, MAX_TOML_BYTES, error, what)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise error(f"{path}: not UTF-8 text") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as problem:
            raise error(_syntax_error(path, _keys_by_line(text), problem)) from None
        return cls(path, text, data)

    def line_of(self, key: Key) -> int:
        """The line ``key`` is written on. A key never written whole is found by
        its first member (``a.b = 1`` makes table ``a``) or its nearest parent
        (an inline table's member); else line 1."""
        inside = next((number for number, found in self._keys if found[:len(key)] == key), 0)
        while key and not inside:
            key = key[:-1]
            inside = next((number for number, found in self._keys if found == key), 0)
        return inside or 1

    def where(self, key: Key) -> str:
        """``file:line: key 'a.b'``, the start of a message about ``key``."""
        return f"{self.path}:{self.line_of(key)}: key '{dotted(key)}'"


def _syntax_error(path: Path, keys: list[tuple[int, Key]], error: Exception) -> str:
    message = str(error)
    located = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)", message)
    if not located:
        return f"{path}: invalid TOML: {message}"
    line = int(located.group(1) or max((number for number, _ in keys), default=1))
    key = next((found for number, found in keys if number == line), None)
    if not key:  # tomllib's message already says where
        return f"{path}: invalid TOML: {message}"
    problem = message[:located.start()] + message[located.end():]
    return f"{path}:{line}: key '{dotted(key)}': invalid TOML: {problem}"
