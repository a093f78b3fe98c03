"""A library exported as one static site, served by Python's plain file server
(no audioguide code answers): the home page, every guide, the feeds, an OPML
list of them, gzip copies, and the search working in Chromium from the
static index, fetched only when the search box is used."""

from __future__ import annotations

import gzip
import json
import xml.etree.ElementTree as ET
from urllib.request import urlopen

import feedparser
import pytest
from click.testing import CliRunner

from audioguide.cli import main as cli
from audioguide.manifest import load_manifest
from audioguide.web.catalog import load_library
from audioguide.web.export import ExportError, export_site

from .support import AXE_OPTIONS, free_port, plain_file_server

SENTENCE = "Keep your yellow anticoagulant book with you at every appointment."


@pytest.fixture(scope="module")
def exported_library(library_dir, tmp_path_factory):
    port = free_port()
    site = tmp_path_factory.mktemp("library-export") / "site"
    base = f"http://127.0.0.1:{port}/"
    result = CliRunner().invoke(cli, ["export", str(library_dir), "-o", str(site), "--base-url", base])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Exported ")
    with plain_file_server(site, port):
        yield base, site


def test_export_holds_the_home_page_every_guide_and_feed_and_an_opml(exported_library, library_dir):
    base, site = exported_library
    library = load_library(library_dir)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="library-search"' in home and 'hidden>' in home.split('id="library-search"')[1].split("<label")[0]
    outlines = ET.parse(site / "guides.opml").getroot().findall("./body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [f"{base}guides/{slug}/feed.xml" for slug in (
        "eczema-in-children", "taking-warfarin-safely", "using-an-asthma-inhaler", "24-hour-urine-collection")]
    for entry in library.guides:
        guide = site / "guides" / entry.slug
        manifest = load_manifest(library_dir / entry.slug)
        assert f'href="/guides/{entry.slug}/"' in home
        assert (guide / "index.html").is_file()
        for chapter in manifest.chapters:
            assert (guide / chapter.file_stem / "index.html").is_file()
        for ref in manifest.published():  # the assembled ZIP and EPUB written out as files
            assert (guide / "media" / ref.path).stat().st_size == ref.bytes
        assert not list(guide.rglob("*.parts"))
        feed = feedparser.parse((guide / "feed.xml").read_bytes())
        assert not feed.bozo and feed.feed.title == entry.title
        enclosures = [link.href for item in feed.entries for link in item.links if link.rel == "enclosure"]
        assert enclosures and all(href.startswith(f"{base}guides/{entry.slug}/media/") for href in enclosures)
        with urlopen(enclosures[0]) as response:
            assert response.status == 200
    index = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    assert any(s[2] == SENTENCE for guide in index["guides"] for s in guide["sentences"])
    for name in ("index.html", "search-index.json", "guides.opml"):
        assert gzip.decompress((site / f"{name}.gz").read_bytes()) == (site / name).read_bytes()


def test_search_in_the_export_works_in_chromium_and_fetches_the_index_only_when_used(
        browser, axe, exported_library):
    base, _ = exported_library
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        fetched, errors = [], []
        page.on("request", lambda request: fetched.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/")
        page.wait_for_selector("#library-search:not([hidden])")  # the script offers the box
        assert not any("search-index.json" in url for url in fetched)
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()
        page.fill("#library-q", "anticoagulant book")
        page.wait_for_selector("#library-results .place")
        assert any(url.endswith("/search-index.json") for url in fetched)
        assert page.locator("#library-results .guide-link .name").all_inner_texts() == ["Taking warfarin safely"]
        place = page.locator("#library-results .place").first
        assert SENTENCE in place.inner_text()
        place.click()
        page.wait_for_url("**/guides/taking-warfarin-safely/02-*/?t=*")
        assert SENTENCE in page.inner_text("#transcript-body")
        page.goto("/?q=inhaler")  # a shared search address: the script answers it
        page.wait_for_selector("#library-results .guide-link")
        assert page.locator("#library-results .guide-link .name").all_inner_texts() == ["Using an asthma inhaler"]
        assert errors == []
    finally:
        context.close()


def test_without_javascript_the_export_is_the_a_to_z_list(browser, exported_library):
    base, _ = exported_library
    context = browser.new_context(base_url=base, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        assert not page.locator("#library-search").is_visible()  # no box that cannot answer
        page.click("text=Taking warfarin safely")
        page.wait_for_url("**/guides/taking-warfarin-safely/")
        assert page.locator("audio").count() == 1
    finally:
        context.close()


def test_a_library_export_replaces_only_an_earlier_export(library_dir, tmp_path):
    site = tmp_path / "site"
    first = export_site(library_dir, site)
    assert first.pages == 1 + sum(1 + entry.chapters for entry in load_library(library_dir).guides)
    export_site(library_dir, site)  # an earlier export is replaced
    (site / "guides" / "mine.txt").write_text("a file of mine")
    with pytest.raises(ExportError, match="mine.txt"):
        export_site(library_dir, site)
    assert (site / "guides" / "mine.txt").read_text() == "a file of mine"
