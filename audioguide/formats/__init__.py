"""Talking-book formats of a built guide, written from its manifest's timings.

- ``epub``: EPUB 3 with Media Overlays (text and the chapter MP3s in sync);
- ``daisy``: DAISY 2.02, full text and full audio, as a folder and a ZIP;
- ``m4b``: one AAC audiobook with chapters, encoded from the mastered audio.

``mp3`` (the chapters, the full guide and the ZIP) is always made: the player
and every other format are built from it. A format is written again only when
its fingerprint (everything it holds) changed or one of its files is missing.
The EPUB and DAISY's ZIP are assembled files (formats/archive.py): a build
writes their descriptions, and they are put together when read or exported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from ..errors import UserError
from ..manifest import FileRef, FormatEntry, Manifest
from ..publish import file_ref
from .archive import write_archive
from .daisy import write_daisy
from .epub import assemble_epub

FORMATS = ("mp3", "epub", "daisy", "m4b")
DEFAULT_FORMATS = ("mp3", "epub")
#: Bump when a writer changes what it writes, so no older file is reused.
FORMATS_VERSION = 3  # 3: the EPUB and DAISY's ZIP are assembled


class FormatsError(UserError, ValueError):
    """An unknown format was asked for."""


def parse_formats(names: Iterable[str] | str, where: str = "--formats") -> tuple[str, ...]:
    """The formats asked for, in the canonical order, always with ``mp3``."""
    if isinstance(names, str):
        names = names.split(",")
    chosen = {name.strip().lower() for name in names if name.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown:
        raise FormatsError(f"{where}: unknown format '{unknown[0]}' (known: {', '.join(FORMATS)})")
    return tuple(name for name in FORMATS if name in chosen or name == "mp3")


def fingerprint(name: str, manifest: Manifest) -> str:
    """Everything the format's files hold: text, timings, audio, tags and the build date."""
    parts = [FORMATS_VERSION, name, manifest.slug, manifest.title, manifest.author, manifest.language,
             manifest.voice, [[c.number, c.slug, c.title, c.duration_ms, c.audio.path, c.audio.sha256,
                               [[s.kind, s.written, s.start_ms, s.end_ms, s.paragraph, s.item]
                                for s in c.segments]] for c in manifest.chapters]]
    if name in ("epub", "daisy"):
        parts.append(manifest.built_at)  # dcterms:modified, dc:date
    if name == "m4b":  # the gain and limiter its audio is mastered with
        parts.append([[c.gain_aim_lufs, c.limiter_ceiling_dbfs] for c in manifest.chapters])
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _present(build_dir: Path, ref: FileRef) -> bool:
    ref = ref.on_disk  # an assembled file: its description
    try:
        return (build_dir / ref.path).stat().st_size == ref.bytes
    except OSError:
        return False


def write_format(name: str, manifest: Manifest, build_dir: Path,
                 pcm: Callable[[int], Iterable[bytes]]) -> FormatEntry:
    """Write one format of the guide built in ``build_dir`` and describe its files."""
    downloads = build_dir / "downloads"
    slug = manifest.slug
    files: list[FileRef] = []
    if name == "epub":
        download = assemble_epub(manifest, build_dir, downloads / f"{slug}.epub")
    elif name == "daisy":
        folder = build_dir / "daisy"
        files = [file_ref(build_dir, path) for path in write_daisy(manifest, build_dir, folder)]
        download = write_archive(build_dir, downloads / f"{slug}-daisy.zip",
                                 [(f"{slug}-daisy/{Path(ref.path).name}", ref) for ref in files])
    elif name == "m4b":
        # Imported here: it loads numpy and the audio stage, which loading a guide's
        # settings (and so every command's start) does not otherwise need.
        from .m4b import write_m4b

        target = downloads / f"{slug}.m4b"
        write_m4b(manifest, build_dir, target, pcm)
        download = file_ref(build_dir, target, crc32=False)
    else:
        raise FormatsError(f"no writer for format '{name}'")
    return FormatEntry(download, tuple(files), fingerprint(name, manifest))


def publish_formats(manifest: Manifest, build_dir: Path, wanted: Iterable[str],
                    previous: Manifest | None, pcm: Callable[[int], Iterable[bytes]],
                    whole: Callable[[FileRef], bool] | None = None) -> Manifest:
    """The manifest with its ``formats``: each wanted format reused from ``previous``
    when nothing it holds changed and its files are all there, else written again.
    ``pcm(index)`` gives chapter ``index``'s mastered audio (only the M4B needs it);
    ``whole(ref)`` says a file is there and whole (default: at its size only)."""
    whole = whole or (lambda ref: _present(build_dir, ref))
    formats: dict[str, FormatEntry] = {}
    for name in wanted:
        if name == "mp3":
            continue
        old = previous.formats.get(name) if previous else None
        if old and old.fingerprint == fingerprint(name, manifest) and all(
                whole(ref) for ref in (old.download, *old.files)):
            formats[name] = old
        else:
            formats[name] = write_format(name, manifest, build_dir, pcm)
    return replace(manifest, formats=formats)


__all__ = ["FORMATS", "DEFAULT_FORMATS", "FormatsError", "parse_formats", "publish_formats", "write_format"]
