"""The small pure pieces of the web side: formatting, transcript grouping,
download labels, path safety, finding static/, the stylesheet's palettes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audioguide.manifest import FileRef, TimedSegment
from audioguide.web import find_static_dir
from audioguide.web.formatting import clock, human_size, short_duration, spoken_duration, whole_seconds
from audioguide.web.pages import download_label, transcript_blocks
from audioguide.files import plain_relative as is_safe_relative


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "0:00"), (999, "0:00"), (70_000, "1:10"), (200_000, "3:20"), (3_723_000, "1:02:03")],
)
def test_clock(ms, text):
    assert clock(ms) == text


def test_totals_round_half_up_like_javascript():
    assert whole_seconds(44_500) == 45 and whole_seconds(44_499) == 44
    assert clock(44_976, rounded=True) == "0:45" and short_duration(44_976) == "45 s"


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "0 seconds"), (1_000, "1 second"), (70_000, "1 minute 10 seconds"),
     (200_000, "3 minutes 20 seconds"), (120_000, "2 minutes"), (3_601_000, "1 hour 1 second")],
)
def test_spoken_duration(ms, text):
    assert spoken_duration(ms) == text


@pytest.mark.parametrize(("ms", "text"), [(14_480, "14 s"), (60_000, "1 min"), (99_596, "1 min 40 s")])
def test_short_duration(ms, text):
    assert short_duration(ms) == text


@pytest.mark.parametrize(
    ("size", "text"), [(148, "148 bytes"), (1_386, "1.4 KB"), (362_048, "362 KB"), (1_910_874, "1.9 MB")]
)
def test_human_size(size, text):
    assert human_size(size) == text


def seg(kind, paragraph, item=0, written="x"):
    return TimedSegment(kind, written, written, 0, 1, paragraph, item)


def test_transcript_groups_paragraphs_lists_and_items():
    segments = (
        seg("title", 0, written="Chapter 2. Symptoms"),
        seg("sentence", 1, written="Dystonia varies."),
        seg("sentence", 1, written="Contractions might:"),
        seg("list_item", 2, 1, "Begin in one area."),
        seg("list_item", 2, 1, "Often the neck."),
        seg("list_item", 2, 2, "Occur in an action."),
        seg("sentence", 3, written="Areas include:"),
        seg("list_item", 4, 1, "Eyelids."),
    )
    blocks = transcript_blocks(segments)
    assert [b.kind for b in blocks] == ["title", "paragraph", "list", "paragraph", "list"]
    assert [s.written for s in blocks[1].lines] == ["Dystonia varies.", "Contractions might:"]
    assert [[s.written for s in item] for item in blocks[2].items] == [
        ["Begin in one area.", "Often the neck."],
        ["Occur in an action."],
    ]
    assert [[s.written for s in item] for item in blocks[4].items] == [["Eyelids."]]


def test_download_labels_by_key_then_type():
    ref = lambda mime: FileRef("downloads/x", 1, "0" * 64, mime)  # noqa: E731
    assert download_label("full_guide", ref("audio/mpeg")) == "Whole guide as one MP3"
    assert download_label("zip", ref("application/zip")) == "All chapters as a ZIP file"
    assert download_label("podcast", ref("application/rss+xml; charset=utf-8")) == "Podcast feed (RSS)"
    assert download_label("something_new", ref("application/octet-stream")) == "Something new"


@pytest.mark.parametrize("path", ["audio/01-overview.mp3", "text/a b.txt", "downloads/guide.zip"])
def test_safe_paths(path):
    assert is_safe_relative(path)


@pytest.mark.parametrize(
    "path", ["", "../x", "audio/../../x", "/etc/passwd", "audio\\x.mp3", "a\x00b", "./audio/x.mp3"]
)
def test_unsafe_paths(path):
    assert not is_safe_relative(path)


def test_static_dir_is_found_in_the_source_tree():
    static = find_static_dir()
    assert (static / "player" / "main.js").is_file() and (static / "player.css").is_file()


def test_templates_and_static_stay_free_of_inline_code():
    here = Path(__file__).resolve().parents[2]
    for template in (here / "audioguide" / "web" / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<style" not in text and " style=" not in text, template
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template
