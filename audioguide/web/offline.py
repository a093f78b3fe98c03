"""Offline listening: the service worker and the web app manifest.

The worker is served from the site root so its scope covers every guide
page; it answers only for what the listener chose to save (see
``static/sw.js``). The manifest lets a phone add the guide to its home
screen, opening on the guide's first chapter.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from .assets import asset_response
from .site import guide_manifest

bp = Blueprint("offline", __name__)

#: Colours of the low-glare dark theme, so an installed guide opens without a flash.
BACKGROUND = "#16181c"


@bp.route("/sw.js")
def service_worker():
    response = asset_response("sw.js")
    # A browser checks the worker for updates itself; never let a cache pin an old one.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/guides/<slug>/manifest.webmanifest")
def web_manifest(slug: str):
    manifest = guide_manifest(slug)
    start = url_for("pages.guide", slug=slug)
    response = jsonify({
        "name": f"{manifest.title} audio guide",
        "short_name": manifest.title[:12],
        "lang": manifest.language,
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": BACKGROUND,
    })
    response.content_type = "application/manifest+json"
    return response
