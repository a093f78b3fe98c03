"""Audio, captions, transcripts and downloads: only files the manifest lists.

Range handling follows RFC 9110 section 14 by hand because Werkzeug's
``make_conditional`` answers a multi-range or malformed ``Range`` with 416,
where the RFC says such a header is ignored (a full 200) unless no range can
be satisfied at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, abort, request

from audioguide.assembled import Reader
from audioguide.manifest import FileRef

from .site import OpenFile, cache_control, current_site, version_of

bp = Blueprint("media", __name__)

CHUNK = 64 * 1024
_RANGE_SPEC = re.compile(r"^([0-9]*)-([0-9]*)$")
#: More digits than any file size has: such a position is past every file's end
#: (and Python will not turn thousands of digits into a number anyway).
_MAX_DIGITS = 18


def _position(digits: str) -> int:
    return int(digits) if len(digits.lstrip("0")) <= _MAX_DIGITS else 10 ** _MAX_DIGITS


def media_version(ref: FileRef) -> str:
    return version_of(ref.sha256)


@bp.route("/guides/<slug>/media/<path:path>", methods=["GET", "HEAD"])
def media(slug: str, path: str):
    site = current_site()
    if site is None or slug != site.manifest.slug:
        abort(404)
    ref = site.files.get(path)
    opened = site.opened.get(path)
    if ref is None or opened is None:
        abort(404)
    return _respond(ref, opened)


def _respond(ref: FileRef, opened: OpenFile | Reader) -> Response:
    size = opened.size
    etag = f'"{ref.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control(request.args.get("v"), media_version(ref)),
    }
    if request.args.get("download"):
        name = Path(ref.path).name
        headers["Content-Disposition"] = f'attachment; filename="{name}"'

    if_match = request.headers.get("If-Match")
    if if_match is not None and not _etag_matches(if_match, ref.sha256, weak=False):
        return Response(status=412, headers=headers)
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and _etag_matches(if_none_match, ref.sha256, weak=True):
        return Response(status=304, headers=headers)

    span = _requested_span(size, ref.sha256)
    if span == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{size}"
        return Response(status=416, headers=headers)
    start, end = span if span else (0, size - 1)
    length = end - start + 1 if size else 0
    response = Response(
        _read(opened, start, length) if request.method == "GET" else b"",
        status=206 if span else 200,
        headers=headers,
        mimetype=None,
        content_type=_content_type(ref.mime),
        direct_passthrough=True,
    )
    response.headers["Content-Length"] = str(length)
    if span:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _content_type(mime: str) -> str:
    if mime.startswith("text/") and "charset" not in mime:
        return f"{mime}; charset=utf-8"
    return mime


def _etag_matches(header: str, sha256: str, *, weak: bool) -> bool:
    """Whether the header's tags name this file: If-None-Match compares weakly
    (a ``W/`` tag matches), If-Match strongly (it never does), RFC 9110 8.8.3.2."""
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            if not weak:
                continue
            tag = tag[2:]
        if tag.strip('"') == sha256:
            return True
    return False


def _requested_span(size: int, sha256: str):
    """One (first, last) byte span, None for "send it all", or "unsatisfiable"."""
    header = request.headers.get("Range")
    if request.method != "GET" or not header:
        return None  # RFC 9110 14.2: range handling is defined for GET only
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != f'"{sha256}"':
        return None  # the client's copy is stale or named by date: send it all
    unit, _, specs = header.partition("=")
    if unit.strip().lower() != "bytes" or not specs.strip():
        return None
    spans = []
    for spec in specs.split(","):
        match = _RANGE_SPEC.match(spec.strip())
        if not match or match.groups() == ("", ""):
            return None  # malformed: ignore the header
        first, last = match.groups()
        if first == "":  # suffix: the last N bytes
            if _position(last) > 0 and size > 0:
                spans.append((max(size - _position(last), 0), size - 1))
            continue
        if last != "" and _position(last) < _position(first):
            return None  # invalid range-spec: ignore the header
        if _position(first) < size:
            spans.append((_position(first), min(_position(last), size - 1) if last else size - 1))
    if not spans:
        return "unsatisfiable"
    if len(spans) > 1:
        return None  # allowed by RFC 9110: answer several ranges with the whole file
    return spans[0]


def _read(opened: OpenFile | Reader, start: int, length: int) -> Iterator[bytes]:
    """The bytes of the snapshot's open file (or of an assembled file, read from the
    snapshot's open files): a rebuild cannot change them mid-response."""
    while length > 0:
        chunk = opened.read(start, min(CHUNK, length))
        if not chunk:
            break
        start += len(chunk)
        length -= len(chunk)
        yield chunk
