"""A library served over HTTP (Flask's test client): the home page, search
without JavaScript, every guide under /guides/<slug>/ as a single guide is
served, and what must not be reachable."""

from __future__ import annotations

import gzip
import json
import re
import time

import pytest

from audioguide.manifest import load_manifest
from audioguide.web import create_app
from audioguide.web.catalog import LibraryError, load_library
from audioguide.web.finder import Finder, GuideText

SENTENCE = "Keep your yellow anticoagulant book with you at every appointment."


@pytest.fixture(scope="module")
def library_app(library_dir):
    return create_app(library_dir, config={"TESTING": True})


@pytest.fixture()
def lib(library_app):
    return library_app.test_client()


@pytest.fixture(scope="module")
def library(library_dir):
    return load_library(library_dir)


def test_home_lists_every_guide_a_to_z_with_its_facts(lib, library):
    response = lib.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    titles = re.findall(r'<span class="name"[^>]*>([^<]+)</span>', page)
    assert titles == ["Éczema in children", "Taking warfarin safely", "Using an asthma inhaler",
                      "24 hour urine collection"]  # accents ignored; a figure goes after Z
    assert re.findall(r'<h3 id="letter-(\w+)"', page) == ["E", "T", "U", "other"]
    for entry in library.guides:
        assert f'href="/guides/{entry.slug}/"' in page
    asthma = library.guide("using-an-asthma-inhaler")
    assert asthma.language == "en-GB"
    item = re.search(r'<a class="guide-link" href="/guides/using-an-asthma-inhaler/">.*?</a>', page).group(0)
    assert "2 chapters" in item and "en-GB" in item and 'lang="en-GB"' in item
    assert "Content-Security-Policy" in response.headers
    assert 'id="library-results"' in page and "No guide" not in page


def test_search_without_javascript_finds_a_sentence_of_a_transcript(lib):
    response = lib.get("/?q=yellow+ANTICOAGULANT")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 guide found for “yellow ANTICOAGULANT”" in page
    assert '<a class="big-link" href="/">All guides, A to Z</a>' in page  # the list is one link away
    found = page.split('id="library-results"')[1].split('class="shelf"')[0]
    assert "Taking warfarin safely" in found and "asthma" not in found
    assert f"“{SENTENCE}”" in found
    link = re.search(r'href="(/guides/taking-warfarin-safely/02-[\w-]+/)\?t=([\d.]+)#player"', found)
    assert link, found
    chapter = lib.get(link.group(1) + "?t=" + link.group(2))
    assert chapter.status_code == 200 and SENTENCE in chapter.get_data(as_text=True)


def test_search_matches_titles_chapter_titles_accents_and_every_word(lib):
    def guides(query):
        page = lib.get("/", query_string={"q": query}).get_data(as_text=True)
        found = page.split('id="library-results"')[1].split('class="shelf"')[0]
        return re.findall(r'<span class="name"[^>]*>([^<]+)</span>', found)

    assert guides("inhaler") == ["Using an asthma inhaler"]
    assert guides("eczema") == ["Éczema in children"]  # accents do not count
    assert guides("breathing") == ["Using an asthma inhaler"]  # a chapter title
    assert guides("container clinic") == ["24 hour urine collection"]  # every word, anywhere
    assert guides("container warfarin") == []
    page = lib.get("/?q=zzzz").get_data(as_text=True)
    assert "No guide has “zzzz”" in page
    assert lib.get("/?q=" + "a" * 5000).status_code == 200  # a long query is cut, not refused


def test_a_query_is_escaped(lib):
    page = lib.get("/", query_string={"q": '<script>alert(1)</script>'}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_every_guide_is_served_as_a_single_guide_is(lib, library_dir, library):
    for entry in library.guides:
        manifest = load_manifest(library_dir / entry.slug)
        first = lib.get(f"/guides/{entry.slug}/")
        assert first.status_code == 200
        assert manifest.chapters[0].title in first.get_data(as_text=True)
        second = manifest.chapters[-1]
        page = lib.get(f"/guides/{entry.slug}/{second.file_stem}/").get_data(as_text=True)
        assert f'src="/guides/{entry.slug}/media/{second.audio.path}?v=' in page
        assert 'href="/"' in page  # back to the library
        audio = lib.get(f"/guides/{entry.slug}/media/{second.audio.path}", headers={"Range": "bytes=0-99"})
        assert audio.status_code == 206 and len(audio.data) == 100
        assert audio.headers["Content-Range"] == f"bytes 0-99/{second.audio.bytes}"
        feed = lib.get(f"/guides/{entry.slug}/feed.xml")
        assert feed.status_code == 200 and f"http://localhost/guides/{entry.slug}/media/" in feed.get_data(as_text=True)
        assert lib.get(f"/guides/{entry.slug}/manifest.webmanifest").status_code == 200


def test_a_guide_page_is_compressed_as_in_a_single_guide(lib):
    response = lib.get("/guides/taking-warfarin-safely/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Taking warfarin safely" in gzip.decompress(response.data).decode()
    home = lib.get("/", headers={"Accept-Encoding": "gzip"})
    assert home.headers["Content-Encoding"] == "gzip"


def test_one_guide_cannot_serve_anothers_files(lib, library_dir):
    warfarin = load_manifest(library_dir / "taking-warfarin-safely")
    path = warfarin.chapters[0].audio.path
    assert lib.get(f"/guides/taking-warfarin-safely/media/{path}").status_code == 200
    response = lib.get(f"/guides/using-an-asthma-inhaler/media/{path}")
    if warfarin.chapters[0].audio.path in load_manifest(library_dir / "using-an-asthma-inhaler").files():
        pytest.skip("both guides name their first chapter alike")
    assert response.status_code == 404


@pytest.mark.parametrize("path", [
    "/guides/no-such-guide/",
    "/guides/no-such-guide/media/audio/01-x.mp3",
    "/guides/taking-warfarin-safely/99-nothing/",
    "/guides/../library.json",
    "/guides/%2e%2e/library.json",
    "/guides/taking-warfarin-safely/media/../manifest.json",
    "/guides/taking-warfarin-safely/media/%2e%2e/%2e%2e/library.json",
    "/guides/taking-warfarin-safely/media//etc/passwd",
    "/library.json",
    "/taking-warfarin-safely/manifest.json",
    "/guides/taking-warfarin-safely/manifest.json",
    "/static/../library.json",
])
def test_unknown_addresses_and_traversal_are_404(lib, path):
    response = lib.get(path)
    assert response.status_code == 404, path
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Traceback" not in page


def test_a_404_outside_any_guide_leads_home(lib):
    page = lib.get("/no-such-page").get_data(as_text=True)
    assert '<a class="big-link" href="/">Go to the list of audio guides</a>' in page


def test_the_search_index_holds_every_sentence(lib, library):
    response = lib.get("/search-index.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.data)
    assert [guide["slug"] for guide in data["guides"]] == [
        "eczema-in-children", "taking-warfarin-safely", "using-an-asthma-inhaler", "24-hour-urine-collection"]
    warfarin = data["guides"][1]
    assert any(sentence[2] == SENTENCE for sentence in warfarin["sentences"])
    assert warfarin["url"] == "/guides/taking-warfarin-safely/"
    again = lib.get("/search-index.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_opml_lists_every_feed(lib, library):
    response = lib.get("/guides.opml")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for entry in library.guides:
        assert f'xmlUrl="http://localhost/guides/{entry.slug}/feed.xml"' in body


def test_a_library_reloads_when_its_list_changes(tmp_path, library_dir):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(library_dir, copy)
    client = create_app(copy).test_client()
    assert "Éczema in children" in client.get("/").get_data(as_text=True)
    assert client.get("/guides/eczema-in-children/").status_code == 200  # served, then no longer listed
    assert "1 guide found" in client.get("/?q=moisturiser").get_data(as_text=True)
    data = json.loads((copy / "library.json").read_text())
    data["guides"] = [g for g in data["guides"] if g["slug"] != "eczema-in-children"]
    time.sleep(0.01)
    (copy / "library.json.new").write_text(json.dumps(data))
    (copy / "library.json.new").replace(copy / "library.json")
    assert "Éczema in children" not in client.get("/").get_data(as_text=True)
    assert client.get("/guides/eczema-in-children/").status_code == 404
    assert "No guide has “moisturiser”" in client.get("/?q=moisturiser").get_data(as_text=True)


@pytest.mark.parametrize("content,message", [
    (None, "no such library manifest"),
    ("{", "unreadable library manifest"),
    ('{"version": 2, "guides": []}', "library version 2 is not supported"),
    ('{"version": 1, "guides": [{"slug": "x"}]}', "malformed library manifest"),
    ('{"version": 1, "guides": [{"slug": "../x", "title": "t", "language": "en", "chapters": 1, '
     '"duration_ms": 1, "updated": "", "manifest_sha256": "", "source": ""}]}', "is not a plain name"),
])
def test_a_bad_library_json_is_one_line(tmp_path, content, message):
    if content is not None:
        (tmp_path / "library.json").write_text(content)
    with pytest.raises(LibraryError) as caught:
        load_library(tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(tmp_path / "library.json") in str(caught.value)


def test_serve_of_a_bad_library_is_one_line_and_exit_2(tmp_path):
    import subprocess
    import sys

    (tmp_path / "library.json").write_text('{"version": 1, "guides": 3}')
    result = subprocess.run([sys.executable, "-m", "audioguide", "serve", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"audioguide: error: {tmp_path / 'library.json'}: malformed")
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_over_500_guides_lists_20_and_counts_all(library_dir, library):
    """(How fast it answers is measured by scripts/bench --library-load, not here.)"""
    finder = Finder([GuideText.of(f"g{n}", base_manifest_with(library_dir, library, n)) for n in range(500)])
    assert finder.find("guide 499").total == 1
    everywhere = finder.find("guide")
    assert everywhere.total == 500 and len(everywhere.hits) == 20
    yellow = finder.find("yellow book")
    assert yellow.total == 125 and all(len(hit.sentences) == 1 for hit in yellow.hits)


def base_manifest_with(library_dir, library, n):
    from dataclasses import replace

    manifest = load_manifest(library_dir / library.guides[n % len(library.guides)].slug)
    return replace(manifest, title=f"{manifest.title} guide {n}")


def test_serve_of_a_library_says_how_many_guides_and_serves_them(library_dir):
    import subprocess
    import sys
    from urllib.request import urlopen

    process = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", str(library_dir), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        address = re.search(r"(http://127\.0\.0\.1:\d+/)", line).group(1)
        assert line.startswith(f"Serving 4 audio guides at {address}")
        with urlopen(address + "?q=moisturiser") as response:
            assert "Éczema in children" in response.read().decode()
        with urlopen(address + "guides/using-an-asthma-inhaler/") as response:
            assert "Before you start" in response.read().decode()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "Traceback" not in stderr


def test_a_guide_whose_build_is_broken_is_left_out_and_the_rest_served(tmp_path, library_dir, caplog):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(library_dir, copy)
    (copy / "eczema-in-children" / "manifest.json").write_text("{not json")
    client = create_app(copy).test_client()
    home = client.get("/").get_data(as_text=True)
    assert "Éczema in children" not in home and "Taking warfarin safely" in home
    assert client.get("/guides/eczema-in-children/").status_code == 404
    assert client.get("/guides/taking-warfarin-safely/").status_code == 200
    assert any("eczema-in-children: not served" in record.getMessage() for record in caplog.records)


def test_a_library_rebuilt_while_its_search_index_is_made_serves_the_new_list(library_dir, tmp_path, monkeypatch):
    """The index made from the old list must not be kept for the new one."""
    import shutil

    import audioguide.web.library as serving

    copy = tmp_path / "library"
    shutil.copytree(library_dir, copy, symlinks=True)
    data = json.loads((copy / "library.json").read_text(encoding="utf-8"))
    kept = data["guides"][:1]
    made = serving.index_data

    def rebuilt_meanwhile(*args, **kwargs):
        answer = made(*args, **kwargs)
        (copy / "library.json").write_text(json.dumps({**data, "guides": kept}), encoding="utf-8")
        app.test_client().get("/")  # another request sees the new list
        return answer

    app = create_app(copy)
    monkeypatch.setattr(serving, "index_data", rebuilt_meanwhile)
    app.test_client().get("/search-index.json")
    monkeypatch.setattr(serving, "index_data", made)
    index = app.test_client().get("/search-index.json").get_data(as_text=True)
    assert [guide["slug"] for guide in kept] == [guide["slug"] for guide in data["guides"]
                                                 if f'/guides/{guide["slug"]}/' in index]
