"""A rebuild under a running server: every response is one whole version, old or new."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from audioguide.build import build_guide
from audioguide.guides import builtin_guide_dir, load_guide
from audioguide.manifest import load_manifest
from audioguide.web import create_app


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture()
def live_build(built_guide, tmp_path):
    """A copy of the real build that this test may rebuild, and a guide folder to edit."""
    build_dir = tmp_path / "build"
    shutil.copytree(built_guide, build_dir)
    guide_dir = tmp_path / "guide"
    shutil.copytree(builtin_guide_dir(), guide_dir)
    return build_dir, guide_dir


def test_a_file_replaced_underneath_is_not_served_until_its_manifest_arrives(live_build):
    build_dir, _ = live_build
    app = create_app(build_dir)
    client = app.test_client()
    ref = load_manifest(build_dir).chapters[0].audio
    url = f"/guides/dystonia/media/{ref.path}"
    original = (build_dir / ref.path).read_bytes()

    stranger = build_dir / "audio" / ".other.tmp"
    stranger.write_bytes(original[::-1])  # same size, other bytes
    os.replace(stranger, build_dir / ref.path)
    response = client.get(url)
    assert response.status_code == 200
    assert sha256(response.data) == ref.sha256 == response.headers["ETag"].strip('"')

    # A server started now never serves bytes its manifest does not describe.
    fresh = create_app(build_dir).test_client()
    assert fresh.get(url).status_code == 404
    assert fresh.get(f"/guides/dystonia/media/{load_manifest(build_dir).chapters[1].audio.path}").status_code == 200


def test_after_a_rebuild_the_next_request_gets_the_new_guide_and_a_started_one_stays_old(
    live_build, segment_cache
):
    build_dir, guide_dir = live_build
    app = create_app(build_dir)
    client = app.test_client()
    old = load_manifest(build_dir).chapters[1]
    url = f"/guides/dystonia/media/{old.audio.path}"
    started = client.get(url, buffered=False)  # streaming, as a slow listener's would be
    first_chunk = next(started.response)

    source = guide_dir / "dystonia.txt"
    text = source.read_text(encoding="utf-8")
    assert "varying ways" in text
    source.write_text(text.replace("varying ways", "many different ways"), encoding="utf-8")
    build_guide(load_guide(guide_dir), build_dir, cache=segment_cache)
    new = load_manifest(build_dir).chapters[1]
    assert new.audio.sha256 != old.audio.sha256

    rest = b"".join(started.response)
    assert sha256(first_chunk + rest) == old.audio.sha256  # whole, and all old
    page = client.get(f"/guides/dystonia/{new.file_stem}/").get_data(as_text=True)
    assert "many different ways" in page and "varying ways" not in page
    response = client.get(url)
    assert sha256(response.data) == new.audio.sha256 == response.headers["ETag"].strip('"')
    assert app.extensions["audioguide"].current().manifest.chapters[1].audio.sha256 == new.audio.sha256


def test_a_manifest_that_fails_to_load_keeps_the_previous_build(live_build):
    build_dir, _ = live_build
    client = create_app(build_dir).test_client()
    (build_dir / "manifest.json").write_text('{"schema_version": 99}', encoding="utf-8")
    response = client.get("/guides/dystonia/")
    assert response.status_code == 200
    assert "Overview" in response.get_data(as_text=True)
