"""The downloads a build assembles (the guide's ZIP, the EPUB, DAISY's ZIP), as
a listener gets them: written out as ordinary files, or as the server sends them."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from audioguide.formats.archive import materialise_download
from audioguide.manifest import FileRef

_FOLDER = Path(tempfile.gettempdir()) / f"audioguide-test-downloads-{os.getpid()}"
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)  # written out for this test run only


def materialised(build_dir: Path, ref: FileRef) -> Path:
    """The download ``ref`` of the build in ``build_dir`` as an ordinary file, written
    outside the build (once for each content) and checked against the manifest's size."""
    target = _FOLDER / ref.sha256[:16] / Path(ref.path).name
    if not target.is_file():
        materialise_download(build_dir, ref, target)
    assert target.stat().st_size == ref.bytes
    return target


def served(build_dir: Path, ref: FileRef, slug: str) -> bytes:
    """The download as the player's server sends it (one GET, the whole file)."""
    from audioguide.web import create_app

    response = create_app(build_dir).test_client().get(f"/guides/{slug}/media/{ref.path}")
    assert response.status_code == 200 and int(response.headers["Content-Length"]) == ref.bytes
    return response.data
