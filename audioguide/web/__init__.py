"""The web player: a Flask application factory over one guide's build directory.

The web side knows the build only through ``manifest.json`` (see
``audioguide.manifest``); it never imports the synthesis code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .catalog import is_library
from .compression import PageCache
from .site import LiveSite, find_static_dir

__all__ = ["create_app", "find_static_dir"]


def create_app(build_dir: str | Path, *, config: Mapping[str, Any] | None = None) -> Flask:
    """Build the player app for the guide in ``build_dir``, or for every guide of
    the library there (a folder with ``library.json``).

    The manifest (or the library's) is read once here, so a broken build fails
    at start-up with a ``ManifestError`` instead of on the first request.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(
        AUDIOGUIDE_STATIC_DIR=None,  # None: find it next to the package
        AUDIOGUIDE_BASE_URL=None,  # the public address, for the feed's absolute links
    )
    if config:
        app.config.from_mapping(config)
    # "//" must not be merged into "/" and redirected: an absolute path after
    # /media/ should simply not match anything.
    app.url_map.merge_slashes = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.extensions["audioguide_pages"] = PageCache()
    library = is_library(Path(build_dir))
    if library:
        from .library import LiveLibrary

        app.extensions["audioguide"] = LiveLibrary(Path(build_dir), static_dir=app.config["AUDIOGUIDE_STATIC_DIR"])
    else:
        app.extensions["audioguide"] = LiveSite(
            Path(build_dir), static_dir=app.config["AUDIOGUIDE_STATIC_DIR"]
        )

    from . import assets, compression, errors, feed, media, offline, pages, security

    app.register_blueprint(security.bp)
    app.register_blueprint(errors.bp)
    app.register_blueprint(assets.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feed.bp)
    app.register_blueprint(offline.bp)
    app.register_blueprint(compression.bp)
    if library:
        from . import library as shelf

        app.register_blueprint(shelf.bp)
        app.view_functions["pages.index"] = shelf.home  # "/" lists the guides
    return app
