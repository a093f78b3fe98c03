"""The podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces.

One item per chapter, then one for the whole guide as a single MP3 carrying
its JSON chapters, so podcast apps show both the parts and a chapter list.
Built with ElementTree, so every title and text is escaped for XML.
"""

from __future__ import annotations

import ipaddress
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from email.utils import format_datetime

from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, request

from ..manifest import FileRef, Manifest
from .site import guide_manifest

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)
ET.register_namespace("atom", ATOM)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _published(manifest: Manifest) -> str:
    try:
        moment = datetime.fromisoformat(manifest.built_at)
    except ValueError:
        moment = datetime(2020, 1, 1, tzinfo=timezone.utc)
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def podcast_feed(manifest: Manifest, base_url: str) -> str:
    """The feed XML; ``base_url`` is the guide's absolute URL ending in '/'."""

    def url(ref: FileRef) -> str:
        return f"{base_url}media/{ref.path}"

    rss = ET.Element("rss", {"version": "2.0"})
    channel = _add(rss, "channel")
    _add(channel, "title", manifest.title)
    _add(channel, "link", base_url)
    _add(channel, "description", f"{manifest.title}: an audio guide in {len(manifest.chapters)} chapters.")
    _add(channel, "language", manifest.language)
    _add(channel, "pubDate", _published(manifest))
    _add(channel, f"{{{ATOM}}}link", href=f"{base_url}feed.xml", rel="self", type="application/rss+xml")
    _add(channel, f"{{{ITUNES}}}author", manifest.author)
    _add(channel, f"{{{ITUNES}}}summary", f"{manifest.title}: an audio guide.")
    _add(channel, f"{{{ITUNES}}}type", "serial")
    _add(channel, f"{{{ITUNES}}}explicit", "false")
    ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": "Health & Fitness"})

    for chapter in manifest.chapters:
        item = _add(channel, "item")
        _add(item, "title", f"{chapter.number}. {chapter.title}")
        _add(item, "description", " ".join(s.written for s in chapter.segments if s.kind != "title"))
        _add(item, "guid", f"{manifest.slug}-{chapter.file_stem}-{chapter.audio.sha256[:12]}",
             isPermaLink="false")
        _add(item, "pubDate", _published(manifest))
        _add(item, "enclosure", url=url(chapter.audio), length=str(chapter.audio.bytes),
             type="audio/mpeg")
        _add(item, f"{{{ITUNES}}}duration", str(round(chapter.duration_ms / 1000)))
        _add(item, f"{{{ITUNES}}}episode", str(chapter.number))
        _add(item, f"{{{PODCAST}}}transcript", url=url(chapter.captions), type="text/vtt")
        _add(item, f"{{{PODCAST}}}transcript", url=url(chapter.transcript), type="text/plain")

    full = manifest.downloads.get("full_guide")
    if full:
        item = _add(channel, "item")
        _add(item, "title", f"{manifest.title}: the whole guide")
        _add(item, "description", "Every chapter in one file, with a chapter list.")
        _add(item, "guid", f"{manifest.slug}-full-guide-{full.sha256[:12]}", isPermaLink="false")
        _add(item, "pubDate", _published(manifest))
        _add(item, "enclosure", url=url(full), length=str(full.bytes), type="audio/mpeg")
        _add(item, f"{{{ITUNES}}}duration", str(round(manifest.duration_ms / 1000)))
        chapters = manifest.downloads.get("chapters_json")
        if chapters:
            _add(item, f"{{{PODCAST}}}chapters", url=url(chapters), type="application/json+chapters")
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


# The route ---------------------------------------------------------------------

bp = Blueprint("feed", __name__)


def feed_base_url(slug: str) -> str:
    """The guide's absolute URL, ending in '/'.

    From the configured public address when there is one (``serve
    --base-url``): behind a proxy, and against a forged Host header, the
    request's own address would put the wrong links into podcast apps.
    """
    root = current_app.config.get("AUDIOGUIDE_BASE_URL")
    if not root:
        # No public address given: the request's own is trusted only from this machine
        # (a Host header is the client's to forge; it must not reach a podcast app).
        if not _is_loopback(request.host):
            abort(404, "the podcast feed needs the public address: start 'serve' with --base-url")
        root = request.url_root
    return f"{root.rstrip('/')}/guides/{slug}/"


def _is_loopback(host: str) -> bool:
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@bp.route("/guides/<slug>/feed.xml")
def feed(slug: str):
    manifest = guide_manifest(slug)
    body = podcast_feed(manifest, feed_base_url(slug))
    response = Response(body, content_type="application/rss+xml; charset=utf-8")
    if not current_app.config.get("AUDIOGUIDE_BASE_URL"):
        response.vary.add("Host")  # its links were made from the request's Host
    return response
