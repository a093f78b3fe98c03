"""What the app knows about the guide it serves, loaded once per app."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

import audioguide
from audioguide.manifest import ChapterEntry, FileRef, Manifest, ManifestError, load_manifest

STATIC_FILES = ("player.css", "player.js", "offline.js")


def find_static_dir() -> Path:
    """Locate ``static/``: inside the installed package first, then the source tree."""
    package = Path(audioguide.__path__[0])  # works with or without __init__.py
    for candidate in (package / "static", package.parent / "static"):
        if (candidate / "player.js").is_file():
            return candidate
    raise FileNotFoundError(f"no static/ folder with player.js near {package}")


def is_safe_relative(path: str) -> bool:
    """A manifest path must be a plain relative path that stays inside the build."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def file_version(data: bytes) -> str:
    """The short content hash put in asset URLs as ``?v=``."""
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass(frozen=True)
class Site:
    build_dir: Path
    manifest: Manifest
    files: dict[str, FileRef]  # the only servable media, by relative path
    static_dir: Path
    static_versions: dict[str, str]

    @classmethod
    def load(cls, build_dir: Path, *, static_dir: str | Path | None = None) -> "Site":
        manifest = load_manifest(build_dir)
        files = manifest.files()
        unsafe = [path for path in files if not is_safe_relative(path)]
        if unsafe:
            raise ManifestError(f"{build_dir}: manifest lists unsafe paths: {unsafe}")
        if not manifest.chapters:
            raise ManifestError(f"{build_dir}: manifest has no chapters")
        static = Path(static_dir) if static_dir else find_static_dir()
        versions = {name: file_version((static / name).read_bytes()) for name in STATIC_FILES}
        return cls(build_dir.resolve(), manifest, files, static, versions)

    def chapter_by_stem(self, stem: str) -> ChapterEntry | None:
        for chapter in self.manifest.chapters:
            if chapter.file_stem == stem:
                return chapter
        return None


def current_site() -> Site:
    return current_app.extensions["audioguide"]
