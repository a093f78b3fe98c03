"""The player pages: one server-rendered page per chapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from audioguide.manifest import ChapterEntry, FileRef, TimedSegment

from . import formatting, settings
from .media import media_version
from .staticfiles import module_names
from .site import current_site, current_static, guide_manifest

bp = Blueprint("pages", __name__)

for _name in ("clock", "spoken_duration", "short_duration", "human_size", "whole_seconds"):
    bp.add_app_template_filter(getattr(formatting, _name), _name)

# Whole-guide downloads, best known first: by the build's key, else by type.
DOWNLOAD_KEYS = {
    "full_guide": "Whole guide as one MP3",
    "zip": "All chapters as a ZIP file",
    "feed": "Podcast feed (RSS)",
    "playlist": "Playlist (M3U)",
    "chapters_vtt": "Chapter markers (WebVTT)",
    "chapters_json": "Chapter markers (JSON)",
}
DOWNLOAD_TYPES = {
    "audio/mpeg": "Whole guide as one MP3",
    "application/zip": "All chapters as a ZIP file",
    "application/rss+xml": "Podcast feed (RSS)",
    "audio/x-mpegurl": "Playlist (M3U)",
    "audio/mpegurl": "Playlist (M3U)",
}


#: A chapter's own downloads: (which file of the chapter, what it is).
CHAPTER_DOWNLOADS = (("audio", "MP3 audio"), ("captions", "Captions (WebVTT)"), ("transcript", "Transcript (text)"))
#: Longest search the transcript search reads; the rest is ignored.
QUERY_LIMIT = 100


@dataclass
class Block:
    """A run of transcript segments shown together: a title, a paragraph or a list."""

    kind: str  # "title", "paragraph" or "list"
    lines: list[TimedSegment] = field(default_factory=list)  # title, paragraph
    items: list[list[TimedSegment]] = field(default_factory=list)  # list: sentences per item


def transcript_blocks(segments: tuple[TimedSegment, ...]) -> list[Block]:
    """Group segments: same ``paragraph`` number = one block; list sentences by ``item``."""
    blocks: list[Block] = []
    previous: TimedSegment | None = None
    for segment in segments:
        kind = {"title": "title", "list_item": "list"}.get(segment.kind, "paragraph")
        same_group = previous is not None and previous.paragraph == segment.paragraph
        if not blocks or not same_group or blocks[-1].kind != kind:
            blocks.append(Block(kind))
        block = blocks[-1]
        if kind == "list":
            item = getattr(segment, "item", 0)
            if not block.items or item == 0 or getattr(previous, "item", 0) != item:
                block.items.append([])
            block.items[-1].append(segment)
        else:
            block.lines.append(segment)
        previous = segment
    return blocks


# The addresses of media.media and pages.chapter, put together here rather than
# by url_for: a page names dozens, and url_for was a quarter of its rendering.
def media_url(ref: FileRef, *, download: bool = False) -> str:
    slug = quote(current_site().manifest.slug, safe="")
    url = f"{request.script_root}/guides/{slug}/media/{quote(ref.path, safe='/')}?v={media_version(ref)}"
    return url + "&download=1" if download else url


def chapter_url(chapter: ChapterEntry) -> str:
    slug = quote(current_site().manifest.slug, safe="")
    return f"{request.script_root}/guides/{slug}/{quote(chapter.file_stem, safe='')}/"


def controls_html() -> Markup:
    """The player's rows of buttons, the same on every page: rendered once per app
    (two dozen macro calls were a fifth of a chapter page's rendering)."""
    kept = current_app.extensions.get("audioguide_controls")
    if kept is None:
        kept = current_app.extensions["audioguide_controls"] = Markup(render_template("_controls.html").rstrip("\n"))
    return kept


def asset_url(name: str) -> str:
    """The address url_for("assets.static", name=name, v=version) gives (every page names several)."""
    version = current_static().versions.get(name)
    url = f"{request.script_root}/static/{quote(name, safe='/')}"
    return url if version is None else f"{url}?v={quote(version, safe='')}"


def download_label(key: str, ref: FileRef) -> str:
    mime = ref.mime.split(";")[0].strip()
    label = DOWNLOAD_KEYS.get(key) or DOWNLOAD_TYPES.get(mime)
    return label or key.replace("_", " ").replace("-", " ").capitalize()


def chapter_downloads(chapter: ChapterEntry) -> list[tuple[FileRef, str]]:
    """The chapter's own files to download, each with what it is."""
    return [(getattr(chapter, attribute), label) for attribute, label in CHAPTER_DOWNLOADS
            if getattr(chapter, attribute, None) is not None]


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def search(entry: ChapterEntry, query: str) -> list[TimedSegment]:
    """The chapter's sentences that contain ``query`` (case and spacing ignored)."""
    sought = _words(query[:QUERY_LIMIT])
    return [segment for segment in entry.segments if sought and sought in _words(segment.written)]


def start_at() -> float | None:
    """``?t=`` from a search result without JavaScript: where the native player starts."""
    try:
        value = float(request.args.get("t", ""))
    except ValueError:
        return None
    return value if 0 <= value < 86400 else None


def guide_downloads() -> list[tuple[str, FileRef]]:
    """The manifest's extra downloads, the best known kinds first."""
    order = list(DOWNLOAD_KEYS)
    items = current_site().manifest.downloads.items()
    return sorted(items, key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


@bp.app_context_processor
def helpers():
    return {
        "site": current_site(),
        "media_url": media_url,
        "chapter_url": chapter_url,
        "asset_url": asset_url,
        "controls_html": controls_html,
        "download_label": download_label,
        "guide_downloads": guide_downloads,
        "chapter_downloads": chapter_downloads,
        "settings_json": settings.for_script(),
        "settings_groups": settings.fieldsets(),
        "modules": module_names(current_static().versions),
    }


@bp.route("/")
def index():
    return redirect(url_for("pages.guide", slug=current_site().manifest.slug))


@bp.route("/guides/<slug>/", strict_slashes=False)
def guide(slug: str):
    """The guide's front page is its first chapter."""
    manifest = guide_manifest(slug)
    return _render(manifest.chapters[0])


@bp.route("/guides/<slug>/dialogs.html")
def dialogs(slug: str):
    """Keyboard help and settings (the choices from ``settings.SETTINGS``): they need
    JavaScript, so the player fetches them when one is first opened."""
    guide_manifest(slug)
    return render_template("dialogs.html")


@bp.route("/guides/<slug>/<stem>/", strict_slashes=False)
def chapter(slug: str, stem: str):
    guide_manifest(slug)
    entry = current_site().chapter_by_stem(stem)
    if entry is None:
        abort(404)
    return _render(entry)


def _render(entry: ChapterEntry):
    site = current_site()
    chapters = site.manifest.chapters
    position = chapters.index(entry)
    previous = chapters[position - 1] if position > 0 else None
    following = chapters[position + 1] if position + 1 < len(chapters) else None
    query = request.args.get("q", "")[:QUERY_LIMIT].strip()
    start = start_at()

    def render() -> str:
        return render_template(
            "player.html",
            chapter=entry,
            position=position + 1,
            previous=previous,
            following=following,
            blocks=transcript_blocks(entry.segments),
            query=query,
            hits=search(entry, query) if query else [],
            start=start,
        )

    if query or start is not None:
        return render()
    # The plain page is the same for everyone until the guide is rebuilt (a new snapshot).
    key = (site.build_dir, site.stamp, site.manifest.slug, entry.file_stem, request.script_root)
    return current_app.extensions["audioguide_pages"].page(key, render)
