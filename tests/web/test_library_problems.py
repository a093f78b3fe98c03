"""A library whose build could not make every guide (``problems`` in library.json):
listeners never see a broken or half-built guide, and the editor is told, one
line per leaflet naming it and the problem, when ``serve`` starts, when the
library is built again under it, and by ``export``."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from audioguide.cli import main as cli
from audioguide.library import build_library
from audioguide.web import create_app
from audioguide.web.catalog import load_library
from tests.library_helper import BROKEN, LEAFLETS

from .test_serve import stop


def copy_of(library_dir: Path, into: Path) -> Path:
    """The shared library, copied to be changed (the fixture's must stay as it is)."""
    return Path(shutil.copytree(library_dir, into / "library", symlinks=True))


def broken_source(library_dir: Path) -> str:
    (problem,) = load_library(library_dir).problems
    assert problem.source.endswith(BROKEN[0])
    return problem.source


def test_the_home_page_shows_listeners_only_the_guides_built_whole(library_dir, tmp_path):
    library = copy_of(library_dir, tmp_path)
    # What a build that stopped half-way leaves: a folder with a manifest and none of its files,
    # under the broken leaflet's slug; library.json does not list it.
    half = library / Path(BROKEN[0]).stem
    half.mkdir()
    shutil.copy(library / "taking-warfarin-safely" / "manifest.json", half / "manifest.json")
    client = create_app(library, config={"TESTING": True}).test_client()
    home = client.get("/")
    page = home.get_data(as_text=True)
    assert home.status_code == 200
    assert "4 guides" in page and len(re.findall(r'<a class="guide-link"', page)) == len(LEAFLETS)
    source = broken_source(library)
    for told in (Path(source).name, Path(source).stem, "could not", "problem", "not a PDF"):
        assert told not in page, told  # listeners are not told of the editor's problems
    for path in ("/guides/broken/", "/guides/broken/01-what-warfarin-does/",
                 "/guides/broken/media/manifest.json", "/guides/broken/feed.xml"):
        assert client.get(path).status_code == 404, path
    opml = client.get("/guides.opml").get_data(as_text=True)
    index = client.get("/search-index.json").get_json()
    assert "/guides/broken/" not in opml and "broken" not in {guide["slug"] for guide in index["guides"]}


def test_serve_tells_the_editor_one_line_per_problem_as_it_starts(library_dir):
    source = broken_source(library_dir)
    process = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", str(library_dir), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith(f"Serving {len(LEAFLETS)} audio guides at http://127.0.0.1:")
    finally:
        stderr = stop(process)
    told = [line for line in stderr.splitlines() if line.startswith("audioguide: warning: ")]
    assert len(told) == 1, stderr
    assert told[0].startswith(f"audioguide: warning: {source}: ") and told[0].endswith("; not served"), told
    assert "PDF" in told[0], told  # the problem itself, as the build said it


def test_export_leaves_the_problems_out_and_says_so(library_dir, tmp_path):
    source = broken_source(library_dir)
    result = CliRunner().invoke(cli, ["export", str(library_dir), "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Exported ")
    assert result.stderr.splitlines() == [f"audioguide: warning: {line}" for line in
                                          create_app(library_dir).extensions["audioguide"].shelf().problem_lines()]
    assert result.stderr.startswith(f"audioguide: warning: {source}: ")
    assert not (tmp_path / "site" / "guides" / "broken").exists()
    assert sorted(p.name for p in (tmp_path / "site" / "guides").iterdir()) == sorted(Path(n).stem for n in LEAFLETS)


def test_a_leaflet_broken_after_a_good_build_keeps_its_whole_guide_and_the_editor_is_told(
        tmp_path, segment_cache, caplog):
    sources, library = tmp_path / "sources", tmp_path / "library"
    sources.mkdir()
    name = "taking-warfarin-safely.txt"
    (sources / name).write_text(LEAFLETS[name], encoding="utf-8")

    def build():
        return build_library([sources], library, configure=lambda guide: replace(guide, formats=("mp3",)),
                             cache=segment_cache, workers=1)

    assert build().problems == ()
    app = create_app(library, config={"TESTING": True})
    live, client = app.extensions["audioguide"], app.test_client()
    assert live.shelf().problem_lines() == []
    before = client.get("/guides/taking-warfarin-safely/").get_data(as_text=True)
    (sources / name).write_text("", encoding="utf-8")  # the leaflet is emptied by mistake
    (problem,) = build().problems
    with caplog.at_level(logging.WARNING, logger="audioguide.web.library"):
        lines = live.shelf().problem_lines()  # the server reloads library.json at the next request
        page = client.get("/guides/taking-warfarin-safely/")
    assert lines == [f"{problem.message}; its guide of an earlier build is served"]
    assert lines[0].startswith(str(sources / name) + ":")
    assert [record.getMessage() for record in caplog.records] == lines  # logged once, as the library changed
    assert page.status_code == 200 and page.get_data(as_text=True) == before  # the whole guide, as it was
    assert "1 guide," in client.get("/").get_data(as_text=True)
