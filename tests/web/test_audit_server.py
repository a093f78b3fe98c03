"""The server shows only files of its build folder (or its library's), and the
export writes only into its own folder, whatever links are found in them.

One tiny real build (a few sentences) is served from a library made of it by
hand: a guide's folder in a library that is a link out of the library must not
be served, nor exported.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

import pytest

from audioguide.build import build_guide
from audioguide.guides import load_guide
from audioguide.library_manifest import LIBRARY_NAME, Library, entry_for
from audioguide.manifest import load_manifest
from audioguide.speech import SegmentCache
from audioguide.web import create_app
from audioguide.web.catalog import LibraryError, load_library
from audioguide.web.export import export_site

LEAFLET = "Tiny leaflet\n\nDoses\n\nTake one tablet a day.\n\nHelp\n\nCall your doctor if you feel unwell.\n"


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "tiny.txt").write_text(LEAFLET, encoding="utf-8")
    guide = dataclasses.replace(load_guide(folder / "tiny.txt"), formats=("mp3",))
    return build_guide(guide, folder / "out", cache=SegmentCache(folder / "cache"), workers=1).build_dir


@pytest.fixture()
def library_with_a_link_out(tiny_build, tmp_path) -> Path:
    """A library of two guides: "tiny", its own folder, and "linked", a link to a build
    outside the library (a folder of someone else's that holds a manifest)."""
    library = tmp_path / "library"
    library.mkdir()
    shutil.copytree(tiny_build, library / "tiny")
    outside = shutil.copytree(tiny_build, tmp_path / "outside")
    os.symlink(outside, library / "linked")
    entries = [entry_for(library / "tiny", "tiny.txt"),
               dataclasses.replace(entry_for(library / "linked", "other.txt"), slug="linked")]
    (library / LIBRARY_NAME).write_text(Library(tuple(entries)).to_json(), encoding="utf-8")
    return library


def test_a_library_never_serves_a_guide_folder_linked_out_of_it(library_with_a_link_out):
    client = create_app(library_with_a_link_out).test_client()
    audio = load_manifest(library_with_a_link_out / "tiny").chapters[0].audio.path
    assert client.get(f"/guides/tiny/media/{audio}").status_code == 200
    for path in ("/guides/linked/", f"/guides/linked/media/{audio}", "/guides/linked/feed.xml"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"Traceback" not in response.data
    assert b"/guides/linked/" not in client.get("/").data


def test_a_library_export_leaves_out_a_guide_folder_linked_out_of_it(library_with_a_link_out, tmp_path):
    site = tmp_path / "site"
    export_site(library_with_a_link_out, site)
    assert (site / "guides" / "tiny" / "index.html").is_file()
    assert not (site / "guides" / "linked").exists()


def test_a_library_slug_with_a_line_break_is_refused(library_with_a_link_out):
    path = library_with_a_link_out / LIBRARY_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["guides"][0]["slug"] = "linked\n"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LibraryError, match="is not a plain name"):
        load_library(library_with_a_link_out)


def test_an_export_never_writes_through_a_link_at_its_working_name(tiny_build, tmp_path):
    """The export is written into ``.SITE.export-PID`` beside the site, then renamed:
    a link planted at that name must not take the export's files elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("mine", encoding="utf-8")
    site = tmp_path / "site"
    os.symlink(elsewhere, tmp_path / f".site.export-{os.getpid()}")
    export_site(tiny_build, site)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["index.html"]
    assert (elsewhere / "index.html").read_text(encoding="utf-8") == "mine"
    assert (site / "index.html").is_file() and not site.is_symlink()
