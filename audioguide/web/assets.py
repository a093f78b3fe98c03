"""The player's own CSS and JS from ``static/``."""

from __future__ import annotations

from flask import Blueprint, request, send_from_directory

from .site import current_site

bp = Blueprint("assets", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"


@bp.route("/static/<path:name>")
def static(name: str):
    site = current_site()
    response = send_from_directory(site.static_dir, name, max_age=None)
    # Pages link assets as ?v=<content hash>; only a URL naming the current
    # content may be cached for good, anything else revalidates.
    if request.args.get("v") and request.args.get("v") == site.static_versions.get(name):
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response
