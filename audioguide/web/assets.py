"""The player's own CSS and JS, minified once when a build is loaded."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from .site import cache_control, current_static

bp = Blueprint("assets", __name__)

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def asset_response(name: str) -> Response:
    """One asset with its content-hash ETag, answering If-None-Match with 304."""
    static = current_static()
    data = static.data.get(name)
    if data is None:
        abort(404)
    response = Response(data, content_type=TYPES[name[name.rfind("."):]])
    response.set_etag(static.versions[name])
    return response.make_conditional(request)


@bp.route("/static/<path:name>")
def static(name: str):
    response = asset_response(name)
    response.headers["Cache-Control"] = cache_control(request.args.get("v"),
                                                      current_static().versions[name])
    return response
