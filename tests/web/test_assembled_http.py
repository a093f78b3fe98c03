"""The assembled downloads (the guide's ZIP, the EPUB) served like real files: the
same bytes as written out, whole or by any range (across the parts they are made
of), with their ETag, and never from a file the snapshot did not check."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import zipfile
from io import BytesIO

import pytest

from audioguide.assembled import Assembled
from audioguide.web import create_app

from ..archives import materialised


@pytest.fixture(scope="module")
def downloads(built_guide, manifest):
    """(URL, ref, the bytes written out) of each assembled download."""
    refs = [manifest.downloads["zip"], manifest.formats["epub"].download]
    return [(f"/guides/{manifest.slug}/media/{ref.path}", ref, materialised(built_guide, ref).read_bytes())
            for ref in refs]


def _boundaries(build_dir, ref) -> list[int]:
    assembled = Assembled.parse((build_dir / ref.parts.path).read_bytes())
    offsets, offset = [], 0
    for part in assembled.parts:
        offset += part.size if hasattr(part, "size") else len(part)
        offsets.append(offset)
    return offsets


def test_a_whole_download_is_the_written_out_file(client, downloads):
    for url, ref, whole in downloads:
        response = client.get(url)
        assert response.status_code == 200 and response.data == whole
        assert response.headers["Content-Length"] == str(len(whole)) == str(ref.bytes)
        assert response.headers["ETag"] == f'"{ref.sha256}"' and response.headers["Accept-Ranges"] == "bytes"
        assert zipfile.ZipFile(BytesIO(response.data)).testzip() is None
        head = client.head(url)
        assert head.status_code == 200 and head.data == b"" and head.headers["Content-Length"] == str(len(whole))


def test_ranges_across_the_parts_give_the_same_bytes(client, built_guide, downloads):
    rng = random.Random(3)
    for url, ref, whole in downloads:
        size = len(whole)
        spans = [(edge + shift, edge + shift + length) for edge in _boundaries(built_guide, ref)[:-1]
                 for shift in (-3, -1, 0) for length in (0, 1, 2, 5000)]
        spans += [(a, a + rng.randrange(300_000)) for a in (rng.randrange(size) for _ in range(60))]
        for first, last in spans:
            last = min(last, size - 1)
            response = client.get(url, headers={"Range": f"bytes={first}-{last}"})
            assert response.status_code == 206, (first, last)
            assert response.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
            assert response.data == whole[first:last + 1], (first, last)
        tail = client.get(url, headers={"Range": "bytes=-700"})
        assert tail.status_code == 206 and tail.data == whole[-700:]
        open_ended = client.get(url, headers={"Range": f"bytes={size - 10}-"})
        assert open_ended.data == whole[-10:]


def test_conditions_and_the_download_name(client, downloads):
    for url, ref, whole in downloads:
        tag = f'"{ref.sha256}"'
        assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
        same = client.get(url, headers={"Range": "bytes=10-19", "If-Range": tag})
        assert same.status_code == 206 and same.data == whole[10:20]
        stale = client.get(url, headers={"Range": "bytes=10-19", "If-Range": '"older"'})
        assert stale.status_code == 200 and stale.data == whole
        beyond = client.get(url, headers={"Range": f"bytes={len(whole)}-"})
        assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(whole)}"
        named = client.get(url + "?download=1")
        assert named.headers["Content-Disposition"] == f'attachment; filename="{ref.path.split("/")[-1]}"'


def test_descriptions_are_not_served(client, manifest, downloads):
    for _, ref, _ in downloads:
        assert client.get(f"/guides/{manifest.slug}/media/{ref.parts.path}").status_code == 404


def test_a_rebuild_mid_response_does_not_mix_versions(built_guide, tmp_path):
    """A chapter replaced (renamed in, as a build does) while a ZIP is being sent:
    the response goes on with the snapshot's files, and says nothing new until the
    next manifest."""
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    app = create_app(build_dir)
    manifest = app.extensions["audioguide"].current().manifest
    ref = manifest.downloads["zip"]
    whole = materialised(build_dir, ref).read_bytes()
    with app.test_client() as client:
        response = client.get(f"/guides/{manifest.slug}/media/{ref.path}", buffered=False)
        chunks = response.response
        first = next(chunks)
        audio = build_dir / manifest.chapters[2].audio.path
        replacement = audio.with_name("replacement.tmp")
        replacement.write_bytes(b"\xff" * audio.stat().st_size)
        replacement.replace(audio)
        assert first + b"".join(chunks) == whole
        response.close()


@pytest.mark.parametrize("hostile", ["../../../etc/passwd", "/etc/passwd", "manifest.json"])
def test_a_description_naming_a_file_outside_what_is_listed_is_not_served(built_guide, tmp_path, hostile):
    """A tampered description (with a manifest that vouches for it) gets a 404, never a
    traceback, and never reads a file outside the build or one the manifest does not list."""
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    data = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    ref = data["downloads"]["zip"]
    description = (build_dir / ref["parts"]["path"]).read_bytes()
    head, _, blob = description.partition(b"\n")[2].partition(b"\n")
    parts = json.loads(head)
    first = next(i for i, part in enumerate(parts["parts"]) if isinstance(part, list))
    parts["parts"][first][0] = hostile
    tampered = b"audioguide-assembled 1\n" + json.dumps(parts).encode() + b"\n" + blob
    (build_dir / ref["parts"]["path"]).write_bytes(tampered)
    digest = hashlib.sha256(tampered).hexdigest()
    ref["sha256"] = ref["parts"]["sha256"] = digest
    ref["parts"]["bytes"] = len(tampered)
    (build_dir / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    client = create_app(build_dir).test_client()
    response = client.get(f"/guides/{data['slug']}/media/{ref['path']}")
    assert response.status_code == 404 and b"Traceback" not in response.data
    assert client.get(f"/guides/{data['slug']}/").status_code == 200  # the rest of the guide is served
