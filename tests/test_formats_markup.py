"""The formats' XML and tags from awkward guides: no author, markup characters in the
text, and characters XML 1.0 cannot carry. Every document must still parse."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from audioguide.formats import daisy, epub, m4b
from audioguide.guides import GuideError, load_guide
from audioguide.manifest import ChapterEntry, FileRef, Manifest, TimedSegment

DC = "{http://purl.org/dc/elements/1.1/}"
HOSTILE = "Q&A <b>bold</b> \"double\" 'single' ]]> &amp; \ufffe\uffff\ufdd0\U0001fffe\x01\ud800 end"
KEPT = "Q&A <b>bold</b> \"double\" 'single' ]]> &amp; end"


def _manifest(author: str = "", text: str = HOSTILE) -> Manifest:
    ref = FileRef("audio/01-q-a.mp3", 1, "0" * 64, "audio/mpeg")
    segments = (TimedSegment("title", text, "x", 500, 1500, 0, 0),
                TimedSegment("sentence", f"Fish {text} chips.", "x", 1600, 2500, 1, 0),
                TimedSegment("list_item", f"An item {text}", "x", 2600, 3000, 2, 1),
                TimedSegment("sentence", "After the list.", "x", 3100, 3500, 3, 0))
    chapter = ChapterEntry(1, "q-a", text, 4000, ref, ref, ref, segments)
    return Manifest("s", text, "en-GB", "espeak-ng", "v", 170, (chapter,), author=author,
                    built_at="2026-12-01T10:00:00+00:00")


def _documents(manifest: Manifest) -> dict[str, str]:
    chapter = manifest.chapters[0]
    return {"package": epub.package(manifest), "nav": epub.navigation(manifest),
            "content": epub.content_document(manifest, chapter), "overlay": epub.overlay(chapter),
            "ncc": daisy.ncc(manifest, 4), "daisy content": daisy.content(manifest),
            "daisy smil": daisy.smil(manifest, chapter, 0)}


@pytest.mark.parametrize("name", list(_documents(_manifest())))
def test_every_document_parses_and_keeps_the_text_but_what_xml_forbids(name):
    text = _documents(_manifest())[name]
    root = ElementTree.fromstring(text.encode("utf-8"))  # surrogates cannot even be encoded
    everything = " ".join([*root.itertext(), *(v for e in root.iter() for v in e.attrib.values())])
    if name != "overlay":  # the overlay holds references only
        assert KEPT in everything
    for char in "\ufffe\uffff\ufdd0\U0001fffe\x01\ud800":
        assert char not in text


def test_no_author_leaves_creator_and_artist_out():
    documents = _documents(_manifest(author="", text="Plain"))
    package = ElementTree.fromstring(documents["package"])
    assert package.find(f".//{DC}creator") is None and package.find(f".//{DC}title").text == "Plain"
    assert 'name="dc:creator"' not in documents["ncc"] and 'name="dc:publisher"' not in documents["ncc"]
    assert "artist" not in m4b.ffmetadata(_manifest(author="", text="Plain"), [(0, 4000, "Plain")])
    named = _documents(_manifest(author="NHS & Co", text="Plain"))
    assert ElementTree.fromstring(named["package"]).find(f".//{DC}creator").text == "NHS & Co"
    assert 'name="dc:creator" content="NHS &amp; Co"' in named["ncc"]


def test_an_empty_language_in_guide_toml_is_refused(tmp_path):
    (tmp_path / "leaflet.md").write_text("# Title\n\nText.\n", encoding="utf-8")
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nlanguage = " "\n', encoding="utf-8")
    with pytest.raises(GuideError, match=r"guide\.toml:3: key 'guide\.language': must be one of") as caught:
        load_guide(tmp_path)
    assert "\n" not in str(caught.value)
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nauthor = ""\n', encoding="utf-8")
    assert load_guide(tmp_path).author == ""
