"""What the app knows about the guide it serves: a snapshot of one build.

A snapshot is the manifest plus every file it lists, opened once and checked
against the manifest's size and sha256. An assembled download (the full guide, a ZIP,
the EPUB) is read from its description and the snapshot's open files it names,
each checked against the manifest like any other. Responses read from those
open files, so a rebuild that renames new files into place underneath a running
server never mixes versions: requests keep getting the old, whole files
until the new manifest appears (the build writes it last), and then the
next request loads a new snapshot and gets the new ones.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, g

import audioguide
from audioguide.assembled import MAX_DESCRIPTION_BYTES, Assembled, AssembledError, Reader
from audioguide.files import plain_relative
from audioguide.manifest import MANIFEST_NAME, ChapterEntry, FileRef, Manifest, ManifestError, load_manifest

from .staticfiles import load_assets

log = logging.getLogger(__name__)


def find_static_dir() -> Path:
    """Locate ``static/``: inside the installed package first, then the source tree."""
    package = Path(audioguide.__path__[0])  # works with or without __init__.py
    for candidate in (package / "static", package.parent / "static"):
        if (candidate / "player.css").is_file():
            return candidate
    raise FileNotFoundError(f"no static/ folder with player.css near {package}")


def version_of(sha256: str) -> str:
    """The short content hash put in asset and media URLs as ``?v=``."""
    return sha256[:12]


def cache_control(requested: str | None, current: str) -> str:
    """A URL naming the current content (``?v=``) may be cached for good: the
    bytes behind it never change. A bare or stale one revalidates, so a
    rebuilt guide is never served from a stale cache."""
    return "public, max-age=31536000, immutable" if requested == current else "no-cache"


class OpenFile:
    """A file held open for as long as a snapshot or a response uses it."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY)
        info = os.fstat(self.fd)
        self.size = info.st_size
        self.identity = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)

    def read(self, offset: int, length: int) -> bytes:
        return os.pread(self.fd, length, offset)

    def chunks(self, size: int = 1 << 20):
        """The whole file, a chunk at a time, by offset: other readers are not disturbed."""
        offset = 0
        while chunk := self.read(offset, size):
            yield chunk
            offset += len(chunk)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()

    def __del__(self):
        fd, self.fd = getattr(self, "fd", -1), -1
        if fd >= 0:
            os.close(fd)


def manifest_stamp(path: Path) -> tuple[int, int, int]:
    """Changes whenever the build renames a new manifest (or library.json) into place."""
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns, info.st_size


@dataclass(frozen=True)
class StaticAssets:
    """The player's own CSS and JS, minified once: they do not change with the build."""

    directory: Path
    data: dict[str, bytes]  # by file name
    versions: dict[str, str]

    @classmethod
    def load(cls, static_dir: str | Path | None = None) -> "StaticAssets":
        directory = Path(static_dir) if static_dir else find_static_dir()
        return cls(directory, *load_assets(directory))  # see staticfiles.py


@dataclass(frozen=True)
class Site:
    build_dir: Path
    manifest: Manifest
    files: dict[str, FileRef]  # the only servable media, by relative path
    opened: dict[str, OpenFile | Reader]  # those whose bytes match the manifest
    static: StaticAssets
    stamp: tuple[int, int, int]
    #: Every file on disk the manifest lists (assembled files' descriptions too), and
    #: those opened and checked, which ``opened`` reads from.
    disk: dict[str, FileRef]
    held: dict[str, OpenFile]

    @classmethod
    def load(cls, build_dir: Path, static: StaticAssets, previous: "Site | None" = None,
             *, slug: str | None = None) -> "Site":
        """A snapshot of ``build_dir``; files unchanged since ``previous`` are not hashed again.

        ``slug``: the name the guide is served under when it is not the guide's
        own (a library serves each guide under its folder's name).
        """
        build_dir = Path(build_dir).resolve()
        try:
            stamp = manifest_stamp(build_dir / MANIFEST_NAME)
        except OSError:
            stamp = (0, 0, 0)  # load_manifest below says what is wrong
        manifest = load_manifest(build_dir)
        if slug is not None and manifest.slug != slug:
            manifest = dataclasses.replace(manifest, slug=slug)
        files = {ref.path: ref for ref in manifest.published()}
        disk = manifest.files()
        unsafe = sorted(path for path in {*files, *disk} if not plain_relative(path))
        if unsafe:
            raise ManifestError(f"{build_dir}: manifest lists unsafe paths: {unsafe}")
        if not manifest.chapters:
            raise ManifestError(f"{build_dir}: manifest has no chapters")
        known = {}
        if previous is not None and previous.build_dir == build_dir:
            known = {relative: (previous.disk[relative], handle) for relative, handle in previous.held.items()}
        held = _open_listed(build_dir, disk, known)
        opened: dict[str, OpenFile | Reader] = {}
        for relative, ref in files.items():
            if ref.parts is None and relative in held:
                opened[relative] = held[relative]
            elif ref.parts is not None and (reader := _assembled(build_dir, ref, disk, held)):
                opened[relative] = reader
        return cls(build_dir, manifest, files, opened, static, stamp, disk, held)

    def chapter_by_stem(self, stem: str) -> ChapterEntry | None:
        for chapter in self.manifest.chapters:
            if chapter.file_stem == stem:
                return chapter
        return None


def _open_listed(build_dir: Path, files: dict[str, FileRef],
                 known: dict[str, tuple[FileRef, OpenFile]]) -> dict[str, OpenFile]:
    """Open every listed file whose bytes are the ones the manifest describes.

    A missing or different file is left out (it answers 404) and logged:
    serving it would send bytes the manifest, the ETag and the page do not
    describe. A file ``known`` from the last snapshot with the same entry in
    the manifest, and still the same file on disk, is not read again (a
    rebuild that changed one chapter would otherwise hash the whole guide).
    """
    opened = {}
    for relative, ref in files.items():
        path = build_dir / relative
        try:
            if not path.resolve().is_relative_to(build_dir) or not path.is_file():
                raise FileNotFoundError(relative)
            handle = OpenFile(path)
        except OSError:
            log.warning("%s: listed in the manifest but missing", path)
            continue
        earlier_ref, earlier = known.get(relative, (None, None))
        if earlier is not None and earlier_ref == ref and earlier.identity == handle.identity:
            opened[relative] = earlier
            continue
        if handle.size != ref.bytes or handle.sha256() != ref.sha256:
            log.warning("%s: does not match the manifest; not served", path)
            continue
        opened[relative] = handle
    return opened


def _assembled(build_dir: Path, ref: FileRef, disk: dict[str, FileRef],
               held: dict[str, OpenFile]) -> Reader | None:
    """A reader of the assembled file ``ref`` over the snapshot's open files, when its
    description (itself checked) names only files of this build, each as the manifest
    lists it (size and sha256); else None, and it answers 404 (logged)."""
    description = held.get(ref.parts.path)
    if description is None:
        return None  # already logged as missing
    try:
        if ref.sha256 != ref.parts.sha256 or description.size > MAX_DESCRIPTION_BYTES:
            raise AssembledError("the manifest's entry does not name its description")
        assembled = Assembled.parse(description.read(0, description.size))
        sources = {}
        for part in assembled.files():
            listed = disk.get(part.path)
            if not plain_relative(part.path) or listed is None or listed.path == ref.parts.path \
                    or (listed.bytes, listed.sha256) != (part.size, part.sha256) or part.path not in held:
                raise AssembledError(f"part {part.path[:200]!r} is not a file of this build as listed")
            sources[part.path] = held[part.path]
        if assembled.size != ref.bytes:
            raise AssembledError(f"is {assembled.size} bytes, not the {ref.bytes} the manifest says")
        return Reader(assembled, sources)
    except AssembledError as error:
        log.warning("%s: %s; not served", build_dir / ref.path, error)
        return None


class LiveSite:
    """The current snapshot of a build directory, renewed when its manifest changes.

    Checking costs one ``stat`` per request. One thread loads a new snapshot
    while the others go on with the old one; a snapshot that fails to load (a
    newer schema, a file that cannot be read) leaves the old one in place.
    """

    def __init__(self, build_dir: Path, *, static_dir: str | Path | None = None,
                 static: StaticAssets | None = None, slug: str | None = None):
        self._build_dir = Path(build_dir)
        self._static = static or StaticAssets.load(static_dir)
        self._slug = slug
        self._site = Site.load(self._build_dir, self._static, slug=slug)
        self._loading = threading.Lock()
        self._failed: tuple[int, int, int] | None = None

    def current(self) -> Site:
        site = self._site
        try:
            stamp = manifest_stamp(site.build_dir / MANIFEST_NAME)
        except OSError:
            return site
        if stamp not in (site.stamp, self._failed) and self._loading.acquire(blocking=False):
            try:
                if self._site.stamp != stamp:
                    self._site = Site.load(self._build_dir, self._static, previous=self._site,
                                           slug=self._slug)
            except (ManifestError, OSError) as error:
                self._failed = stamp  # tried once; the next build gets a new stamp
                log.warning("kept the previous build: %s", error)
            finally:
                self._loading.release()
        return self._site

    @property
    def static(self) -> StaticAssets:
        return self._static


def guide_manifest(slug: str) -> Manifest:
    """The manifest of the guide a URL names; any other slug is a 404."""
    site = current_site()
    if site is None or slug != site.manifest.slug:
        abort(404)
    return site.manifest


def current_site() -> Site | None:
    """The snapshot this request uses from start to end, even if a rebuild lands meanwhile.

    Serving a library, the snapshot of the guide the request's address names,
    and None when it names none (the library's own pages, an unknown guide).
    """
    if "audioguide_site" not in g:
        g.audioguide_site = current_app.extensions["audioguide"].current()
    return g.audioguide_site


def current_static() -> StaticAssets:
    """The player's CSS and JS: one set for a guide or a whole library."""
    return current_app.extensions["audioguide"].static
