"""Find a guide and its settings: a leaflet file, or a folder with ``guide.toml``.

A guide folder keeps everything an editor changes together: the leaflet,
its pronunciation lexicon and its voice settings. The built-in dystonia
guide is one such folder, shipped inside the package.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Callable

from .content import DEFAULT_MAX_BYTES, SourceError, slugify
from .errors import UserError
from .formats import DEFAULT_FORMATS, FormatsError, parse_formats
from .lexicon import Lexicon, LexiconError, load_lexicon, medical_lexicon
from .normalise.locale import KNOWN_TAGS, canonical_tag, is_known_tag
from .speech import SpeechError, VoiceSettings, engine_kind
from .speech.base import RATE_RANGE
from .tomlfile import TomlFile

BUILTIN_GUIDE = "dystonia"
CONFIG_NAME = "guide.toml"

#: Keys allowed in guide.toml, with the type each must have.
GUIDE_KEYS = {"source": str, "slug": str, "language": str, "author": str, "lexicon": str,
              "max_source_bytes": int, "formats": list}
VOICE_KEYS = {"engine": str, "voice": str, "rate": int, "volume": (int, float)}


class GuideError(UserError, ValueError):
    """guide.toml is malformed; the message names the file, line and key."""


@dataclass(frozen=True)
class Guide:
    source: Path
    slug: str
    language: str = "en"
    author: str = "audioguide"
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    #: The shipped medical lexicon with the guide's own merged over it.
    lexicon: Lexicon = field(default_factory=medical_lexicon)
    lexicon_path: Path | None = None
    #: Larger leaflets are refused before they are read (a 5,000-word leaflet is ~30 kB).
    max_source_bytes: int = DEFAULT_MAX_BYTES
    formats: tuple[str, ...] = DEFAULT_FORMATS  # "mp3", "epub", "daisy", "m4b"


def builtin_guide_dir() -> Path:
    return Path(str(files("audioguide") / "guides" / BUILTIN_GUIDE))


def _checked(file: TomlFile, section: str, allowed: dict) -> dict:
    table = file.data.get(section, {})
    if not isinstance(table, dict):
        raise GuideError(f"{file.path}:{file.line_of((section,))}: [{section}] must be a table")
    for key, value in table.items():
        where = file.where((section, key))
        if key not in allowed:
            raise GuideError(f"{where}: unknown key (known: {', '.join(allowed)})")
        if not isinstance(value, allowed[key]) or isinstance(value, bool):
            kind = {str: "a string", int: "a whole number", list: "a list"}.get(allowed[key], "a number")
            raise GuideError(f"{where}: must be {kind}")
    return table


def _inside_guide(file: TomlFile, folder: Path, key: tuple[str, str], name: str) -> Path:
    """``name`` in the guide folder: a guide.toml may name only files inside its own
    folder (a shared guide must not read, and publish, a file from elsewhere),
    and only regular files (a device or a pipe would be read for ever)."""
    target = folder / name
    try:
        Path(os.path.realpath(target)).relative_to(os.path.realpath(folder))
    except ValueError:
        raise GuideError(f"{file.where(key)}: {name!r} is outside the guide folder; "
                         "keep the guide's files inside it") from None
    if target.exists() and not target.is_file():
        raise GuideError(f"{file.where(key)}: {name!r} is not a regular file")
    return target


def load_guide(path: Path | None = None) -> Guide:
    """Load a guide from a folder with guide.toml, or wrap a bare leaflet file.

    With no path, the built-in dystonia guide.
    """
    path = Path(path) if path else builtin_guide_dir()
    if path.is_file():
        return Guide(source=path, slug=slugify(path.stem))
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    config_path = path / CONFIG_NAME
    if not config_path.is_file():
        raise GuideError(f"{path}: a guide folder needs a {CONFIG_NAME}")
    file = TomlFile.read(config_path, GuideError, "guide settings file")
    guide = _checked(file, "guide", GUIDE_KEYS)
    voice = _checked(file, "voice", VOICE_KEYS)
    unknown = set(file.data) - {"guide", "voice"}
    if unknown:
        key = sorted(unknown)[0]
        raise GuideError(f"{file.path}:{file.line_of((key,))}: unknown table or key '{key}'")
    if guide.get("max_source_bytes", 1) < 1:
        raise GuideError(f"{file.where(('guide', 'max_source_bytes'))}: must be at least 1")
    if "language" in guide and not is_known_tag(guide["language"]):
        raise GuideError(f"{file.where(('guide', 'language'))}: must be one of {', '.join(KNOWN_TAGS)} "
                         "('en' lets the leaflet's own conventions decide)")
    if "source" not in guide:
        raise GuideError(f"{config_path}:1: key 'guide.source' is missing (the leaflet's file name)")
    source = _inside_guide(file, path, ("guide", "source"), guide["source"])
    try:
        settings = VoiceSettings(**voice)
    except SpeechError as error:
        raise GuideError(f"{config_path}: [voice] {error}") from None
    formats = DEFAULT_FORMATS
    if "formats" in guide:
        where = file.where(("guide", "formats"))
        if not all(isinstance(name, str) for name in guide["formats"]):
            raise GuideError(f"{where}: must be a list of strings, like [\"mp3\", \"epub\"]")
        try:
            formats = parse_formats(guide["formats"], where)
        except FormatsError as error:
            raise GuideError(str(error)) from None
    lexicon_path = None
    if "lexicon" in guide:
        lexicon_path = _inside_guide(file, path, ("guide", "lexicon"), guide["lexicon"])
    lexicon = medical_lexicon().merged(load_lexicon(lexicon_path) if lexicon_path else Lexicon())
    return Guide(
        source=source,
        slug=slugify(guide.get("slug", path.name)),
        language=canonical_tag(guide.get("language", "en")),
        author=guide.get("author", "audioguide"),
        voice=settings,
        lexicon=lexicon,
        lexicon_path=lexicon_path,
        max_source_bytes=guide.get("max_source_bytes", DEFAULT_MAX_BYTES),
        formats=formats,
    )


def carried_rate(rate: int, old_default: int, new_default: int) -> int:
    """A rate chosen for one engine, for another: as much faster or slower than the new
    engine's default as it was than the old one's (within the rates any voice accepts)."""
    return min(max(round(rate * new_default / old_default), RATE_RANGE[0]), RATE_RANGE[1])


def _warn(line: str) -> None:
    logging.getLogger(__name__).warning("%s", line)


def with_overrides(
    guide: Guide, *, lexicon_path: Path | None = None, max_source_bytes: int | None = None,
    formats: str | None = None, language: str | None = None, warn: Callable[[str], None] = _warn, **voice
) -> Guide:
    """The guide with command-line choices (voice, rate, volume, engine, lexicon, language) applied.

    A new engine without a new voice gets that engine's default voice: the
    guide's voice id belongs to the guide's engine. Without a new rate it gets
    its default rate too, or, when the guide chose a rate of its own, that
    rate carried over (``carried_rate``), said in one line to ``warn``: every
    engine takes words per minute, but each says them at its own pace.
    """
    chosen = {key: value for key, value in voice.items() if value is not None}
    engine = chosen.get("engine", guide.voice.engine)
    if engine != guide.voice.engine:
        chosen.setdefault("voice", None)
        old, new = engine_kind(guide.voice.engine), engine_kind(engine)
        if "rate" not in chosen and guide.voice.rate == old.default_rate:
            chosen["rate"] = new.default_rate
        elif "rate" not in chosen:
            chosen["rate"] = carried_rate(guide.voice.rate, old.default_rate, new.default_rate)
            settings = guide.source.parent / CONFIG_NAME
            warn(f"{settings if settings.is_file() else guide.source}: rate {guide.voice.rate} was chosen for "
                 f"{old.name} (default {old.default_rate}); {new.name} speaks at {chosen['rate']}, as fast against "
                 f"its default of {new.default_rate}; --rate chooses another")
    if chosen:
        guide = replace(guide, voice=replace(guide.voice, **chosen))
    if max_source_bytes:
        guide = replace(guide, max_source_bytes=max_source_bytes)
    if formats:
        guide = replace(guide, formats=parse_formats(formats))
    if language:
        guide = replace(guide, language=canonical_tag(language))
    if lexicon_path:
        guide = replace(guide, lexicon=guide.lexicon.merged(load_lexicon(lexicon_path)),
                        lexicon_path=lexicon_path)
    return guide


__all__ = ["Guide", "GuideError", "LexiconError", "load_guide", "with_overrides", "builtin_guide_dir"]
