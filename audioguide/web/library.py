"""Serving a library: every guide under ``/guides/<slug>/``, and a home page
listing them A to Z with a search across all of them.

Each guide is served exactly as a single guide is (the same blueprints): the
library only chooses, per request, which guide's snapshot the request uses,
by the ``slug`` in its address. A guide's snapshot is loaded (its files
opened and checked) the first time it is asked for, or by ``warm()``, which
``serve`` runs in a thread as it starts, so a large library is served at
once; the search index, which needs every guide's text, is built once from
the manifests.

``library.json`` is watched like a guide's manifest: when the library is
built again, the next request loads the new list and index, and the others
go on with the old ones meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, has_request_context, render_template, request
from markupsafe import Markup

from audioguide.manifest import ManifestError, load_manifest

from .catalog import LIBRARY_NAME, OPML, SEARCH_INDEX, Library, LibraryEntry, load_library
from .feed import feed_base_url
from .finder import QUERY_LIMIT, Finder, GuideText, fold, index_data
from .site import LiveSite, Site, StaticAssets, manifest_stamp as _stamp, version_of

log = logging.getLogger(__name__)

bp = Blueprint("library", __name__)


def _letter(title: str) -> str:
    """The A-to-Z group of a title: its first letter without accents, else '#'."""
    first = fold(title)[1:2].upper()  # after the space fold puts before each word
    return first if "A" <= first <= "Z" else "#"


@dataclass(frozen=True)
class Shelf:
    """One reading of the library: its list, the guides that loaded, and their index."""

    library: Library
    guides: tuple[LibraryEntry, ...]  # those whose manifest could be read, A to Z by title
    finder: Finder
    stamp: tuple[int, int, int]
    slugs: frozenset[str]  # those guides' slugs

    @classmethod
    def load(cls, root: Path) -> "Shelf":
        try:
            stamp = _stamp(root / LIBRARY_NAME)
        except OSError:
            stamp = (0, 0, 0)  # load_library says what is wrong
        library = load_library(root)
        readable, texts = [], []
        for entry in library.guides:
            if not own_folder(root, entry.slug):
                log.warning("%s: not served: its folder is a link out of the library", entry.slug)
                continue
            try:
                manifest = load_manifest(root / entry.slug)
            except ManifestError as error:
                log.warning("%s: not served: %s", entry.slug, error)
                continue
            readable.append(entry)
            texts.append(GuideText.of(entry.slug, manifest))
        # A to Z, then titles that start otherwise (with a figure): the home page's order.
        order = sorted(range(len(readable)), key=lambda i: (_letter(texts[i].title) == "#",
                                                            texts[i].folded_title, readable[i].slug))
        return cls(library, tuple(readable[i] for i in order), Finder([texts[i] for i in order]), stamp,
                   frozenset(entry.slug for entry in readable))

    def problem_lines(self) -> list[str]:
        """For the editor (the console, never the home page): one line per leaflet the
        last library build could not build, naming it and the problem, and whether its
        guide of an earlier build is served in its place (never a half-built one)."""
        served = {entry.source for entry in self.guides}
        lines = []
        for problem in self.library.problems:
            line = problem.message if problem.source in problem.message else f"{problem.source}: {problem.message}"
            lines.append(f"{line}; {'its guide of an earlier build is served' if problem.source in served else 'not served'}")
        return lines

    def groups(self) -> list[tuple[str, list[LibraryEntry]]]:
        """The guides by first letter, A to Z, then '#' for titles starting otherwise."""
        groups: dict[str, list[LibraryEntry]] = {}
        for entry in self.guides:
            groups.setdefault(_letter(entry.title), []).append(entry)
        return sorted(groups.items(), key=lambda kv: (kv[0] == "#", kv[0]))


def own_folder(root: Path, slug: str) -> bool:
    """The guide's folder is the library's own: not a link (to a folder outside the
    library, whose files would then be served). ``root`` is resolved."""
    return os.path.realpath(root / slug) == str(root / slug)


class LiveLibrary:
    """The library's current list and index, and a live snapshot per guide served."""

    def __init__(self, root: Path, *, static_dir: str | Path | None = None):
        self.root = Path(root).resolve()
        self.static = StaticAssets.load(static_dir)
        self._shelf = Shelf.load(self.root)
        self._sites: dict[str, LiveSite] = {}
        self._opening: dict[str, threading.Lock] = {}  # one per guide: guides load side by side
        self._locks = threading.Lock()
        self._loading = threading.Lock()
        self._failed: tuple[int, int, int] | None = None
        # Made once per reading of the library, by the address the site lives at:
        self._index: dict[tuple, tuple[bytes, str]] = {}  # the browser's search index, and its tag
        self._lists: dict[tuple, Markup] = {}  # the home page's A-to-Z list

    def shelf(self) -> Shelf:
        """The current list, reloaded when ``library.json`` changed (one ``stat``).

        Within a request, the reading it first got: the list, the guide it serves and
        the pages it renders all come from one reading, for one ``stat``.
        """
        if has_request_context():
            if "audioguide_shelf" not in g:
                g.audioguide_shelf = self._read_shelf()
            return g.audioguide_shelf
        return self._read_shelf()

    def _read_shelf(self) -> Shelf:
        shelf = self._shelf
        try:
            stamp = _stamp(self.root / LIBRARY_NAME)
        except OSError:
            return shelf
        if stamp not in (shelf.stamp, self._failed) and self._loading.acquire(blocking=False):
            try:
                if self._shelf.stamp != stamp:
                    self._shelf = Shelf.load(self.root)
                    for line in self._shelf.problem_lines():  # the library was built again
                        log.warning("%s", line)
                    self._index, self._lists = {}, {}
                    kept = self._shelf.slugs  # a guide no longer listed lets its files go
                    self._sites = {slug: live for slug, live in self._sites.items() if slug in kept}
            except (ManifestError, OSError) as error:
                self._failed = stamp
                log.warning("kept the previous library: %s", error)
            finally:
                self._loading.release()
        return self._shelf

    def guide(self, slug: str) -> Site | None:
        """The current snapshot of the guide served as ``slug``; None if there is none."""
        if slug not in self.shelf().slugs:
            return None  # never a guide the library does not list now, even one served before
        live = self._sites.get(slug)
        if live is None:
            with self._locks:
                opening = self._opening.setdefault(slug, threading.Lock())
            with opening:
                live = self._sites.get(slug)
                if live is None:
                    if not own_folder(self.root, slug):
                        log.warning("%s: not served: its folder is a link out of the library", slug)
                        return None
                    try:
                        live = LiveSite(self.root / slug, static=self.static, slug=slug)
                    except (ManifestError, OSError) as error:
                        log.warning("%s: not served: %s", slug, error)
                        return None
                    self._sites[slug] = live
        return live.current()

    def warm(self) -> int:
        """Load every guide's snapshot now (its files opened and checked), so that no
        listener waits for it later; returns how many loaded. For a server's start."""
        return sum(self.guide(entry.slug) is not None for entry in self.shelf().guides)

    def current(self) -> Site | None:
        """The snapshot of the guide this request's address names (see ``current_site``)."""
        slug = (request.view_args or {}).get("slug")
        return self.guide(slug) if isinstance(slug, str) else None

    def shelf_html(self, render) -> Markup:
        """The home page's A-to-Z list, rendered once by ``render()``."""
        # Keyed by the reading of library.json it was asked under: one rendered while the
        # library is reloaded is filed under the old reading, where nobody asks again.
        key = (request.script_root, self.shelf().stamp)
        html = self._lists.get(key)
        if html is None:
            html = self._lists[key] = Markup(render())
        return html

    def index_json(self, guide_url, chapter_url) -> tuple[bytes, str]:
        """The browser's search index and its ETag, made once per address the site is served at
        (hashing a few megabytes for every request that fetches it would cost more than sending it)."""
        shelf = self.shelf()
        key = (request.script_root, shelf.stamp)  # made from exactly this reading of the library
        made = self._index.get(key)
        if made is None:
            data = json.dumps(index_data(shelf.finder, guide_url, chapter_url),
                              ensure_ascii=False, separators=(",", ":")).encode()
            made = self._index[key] = (data, version_of(hashlib.sha256(data).hexdigest()))
        return made


def allow_open_files() -> int:
    """Let this process hold as many open files as the system allows it: a guide's
    snapshot keeps each of its files open (a library of 500 guides, thousands).
    Returns the limit now in force."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 1 << 20, hard))
        except (ValueError, OSError):
            return soft
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def live_library() -> LiveLibrary:
    return current_app.extensions["audioguide"]


# The addresses url_for("pages.guide") and url_for("pages.chapter") give, put
# together directly: a search page names hundreds, and url_for costs more than
# the search itself.
def _guide_url(slug: str) -> str:
    return f"{request.script_root}/guides/{quote(slug, safe='')}/"


def _chapter_url(slug: str, stem: str) -> str:
    return f"{request.script_root}/guides/{quote(slug, safe='')}/{quote(stem, safe='')}/"


def home():
    """The home page: the search box, what it found (``?q=``), and every guide A to Z."""
    live = live_library()
    shelf = live.shelf()
    query = request.args.get("q", "")[:QUERY_LIMIT].strip()
    static = current_app.config.get("AUDIOGUIDE_STATIC_EXPORT", False)
    if query and not static:
        # What was found, and a way to the whole list (a long page to send for each search);
        # the same search asked again (a popular word) is answered from the pages kept.
        key = ("search", live.root, shelf.stamp, query, request.script_root)
        return current_app.extensions["audioguide_pages"].page(key, lambda: render_template(
            "library.html", shelf=shelf, query=query, found=shelf.finder.find(query),
            static_site=static, guide_url=_guide_url, chapter_url=_chapter_url))

    def render() -> str:
        listed = live.shelf_html(lambda: render_template("_shelf.html", shelf=shelf, guide_url=_guide_url))
        return render_template("library.html", shelf=shelf, query=query, shelf_html=listed, found=None,
                               static_site=static, guide_url=_guide_url, chapter_url=_chapter_url)

    # The same for everyone until the library is built again.
    key = ("library", live.root, shelf.stamp, static, request.script_root)
    return current_app.extensions["audioguide_pages"].page(key, render)


@bp.route("/" + SEARCH_INDEX)
def search_index():
    """What the page's script searches in; fetched only when the search box is used."""
    live = live_library()
    data, tag = live.index_json(_guide_url, _chapter_url)
    response = Response(data, content_type="application/json; charset=utf-8")
    response.set_etag(tag)
    return response.make_conditional(request)


def opml(shelf: Shelf, feed_url) -> str:
    """An OPML list of every guide's podcast feed, for podcast apps to subscribe to all at once."""
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Audio guides"
    body = ET.SubElement(root, "body")
    for entry in shelf.guides:
        ET.SubElement(body, "outline", {"type": "rss", "text": entry.title, "title": entry.title,
                                        "xmlUrl": feed_url(entry.slug), "language": entry.language})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@bp.route("/" + OPML)
def guides_opml():
    body = opml(live_library().shelf(), lambda slug: feed_base_url(slug) + "feed.xml")
    response = Response(body, content_type="text/x-opml; charset=utf-8")
    if not current_app.config.get("AUDIOGUIDE_BASE_URL"):
        response.vary.add("Host")
    return response


@bp.app_context_processor
def library_links() -> dict:
    return {"library_home": f"{request.script_root}/"}  # url_for("pages.index"), on every page
