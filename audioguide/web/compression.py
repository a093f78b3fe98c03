"""gzip for text responses: pages, CSS, JS, captions, JSON, the feed.

A response is compressed when the client accepts gzip, its type is text,
JSON, XML or JavaScript, it is a whole 200 (never a byte range: a range
names bytes of the file as stored) and it is not audio. The compressed
variant gets its own ETag (the file's tag with ``-gzip``), so a cache never
takes one variant's bytes for the other's, and ``Vary: Accept-Encoding``
tells shared caches to keep them apart. The static export writes the same
variants once, as ``.gz`` files beside the originals (``precompress``).
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from pathlib import Path
from threading import Lock

from flask import Blueprint, Response, request

bp = Blueprint("compression", __name__)

#: Below this a gzip header and footer would cost more than they save.
MINIMUM = 256
#: Media files above this go uncompressed rather than read whole into memory.
MAXIMUM = 8 << 20
#: zlib's own default: on a 15 kB player page level 9 took longer for 0.1 % fewer
#: bytes. The static export, written once, uses ``BEST``.
LEVEL = 6
BEST = 9
SUFFIXES = (".html", ".css", ".js", ".vtt", ".json", ".xml", ".webmanifest", ".txt", ".m3u", ".svg", ".opml")
_TAG_SUFFIX = "-gzip"


def compressible(mimetype: str) -> bool:
    """Text, JSON, XML and JavaScript; never audio, images or archives."""
    return (mimetype.startswith("text/") or mimetype.endswith(("+json", "+xml"))
            or mimetype in ("application/json", "application/javascript", "application/xml"))


def gzipped(data: bytes, level: int = LEVEL) -> bytes:
    """Deterministic gzip (no time stamp, no name): the same input, the same bytes."""
    return gzip.compress(data, compresslevel=level, mtime=0)


class _Cache:
    """Compressed bodies of responses with a strong ETag (assets, media), by path and tag: they never change."""

    def __init__(self, size: int = 64):
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, tag: str, data: bytes) -> bytes:
        with self._lock:
            if tag in self._items:
                self._items.move_to_end(tag)
                return self._items[tag]
        body = gzipped(data)
        with self._lock:
            self._items[tag] = body
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return body


_cache = _Cache()


class PageCache:
    """Pages as rendered, kept gzipped, by whatever names one exactly (a guide's
    snapshot, the chapter, the address the site is served at), up to ``limit``
    bytes, the least recently used dropped first. A chapter page is the same
    for every listener who asks for it plainly, and rendering it costs more
    than everything else a request does.

    Each kept page has an ETag made once, when it is kept (``-gzip`` on the
    compressed variant, as ``compress`` does): a browser that asks again with
    it gets a 304 without the page being read or decompressed."""

    def __init__(self, limit: int = 32 << 20):
        self._items: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._limit = limit
        self._size = 0
        self._lock = Lock()

    def page(self, key: tuple, render) -> Response:
        """The page ``key`` names, made by ``render()`` (text) the first time."""
        with self._lock:
            kept = self._items.get(key)
            if kept is not None:
                self._items.move_to_end(key)
        if kept is None:
            body = gzipped(render().encode())
            kept = (body, hashlib.sha256(body).hexdigest()[:20])
            with self._lock:
                if key not in self._items:
                    self._items[key] = kept
                    self._size += len(body)
                while self._size > self._limit and self._items:
                    self._size -= len(self._items.popitem(last=False)[1][0])
        body, tag = kept
        compressed = _accepts_gzip()
        if compressed:
            tag += _TAG_SUFFIX
        if request.if_none_match.contains_weak(tag):
            response = Response(status=304, content_type="text/html; charset=utf-8")
        elif compressed:
            response = Response(body, content_type="text/html; charset=utf-8", headers={"Content-Encoding": "gzip"})
        else:
            response = Response(gzip.decompress(body), content_type="text/html; charset=utf-8")
        response.set_etag(tag)
        return response


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


@bp.after_app_request
def compress(response: Response) -> Response:
    if not compressible(response.mimetype or ""):
        return response
    response.vary.add("Accept-Encoding")
    if (request.method != "GET" or response.status_code != 200 or "Content-Encoding" in response.headers
            or "Content-Range" in response.headers or request.headers.get("Range") or not _accepts_gzip()):
        return response
    length = response.headers.get("Content-Length")
    if response.direct_passthrough and length is not None and int(length) > MAXIMUM:
        return response
    response.direct_passthrough = False
    data = response.get_data()  # a media file's body is read here, whole
    if len(data) < MINIMUM:
        return response
    tag, weak = response.get_etag()
    if tag:
        tag = tag + _TAG_SUFFIX
        body = _cache.get(request.path + tag, data) if not weak else gzipped(data)  # a tag is per URL
        response.set_etag(tag, weak=weak)
        if request.if_none_match.contains_weak(tag):
            response.status_code = 304
            response.set_data(b"")
            response.headers.pop("Content-Length", None)
            return response
    else:
        body = gzipped(data)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)  # ranges of the gzip bytes are not offered
    return response


def precompress(paths: list[Path]) -> list[Path]:
    """Write ``name.gz`` beside each text file worth compressing; returns the files written.

    For static servers that send a ready ``.gz`` to clients that accept it
    (nginx ``gzip_static on;``, Caddy ``precompressed gzip``).
    """
    written = []
    for path in paths:
        if path.suffix not in SUFFIXES:
            continue
        data = path.read_bytes()
        if len(data) < MINIMUM:
            continue
        target = path.with_name(path.name + ".gz")
        target.write_bytes(gzipped(data, BEST))
        written.append(target)
    return written
