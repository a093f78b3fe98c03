"""A real build (real engine, real ffmpeg) of a leaflet full of markup: a *** line,
an HTML table, <b> tags and front matter build without error, and none of the
markup is spoken or shown."""

from __future__ import annotations

import pytest

from audioguide.build import build_guide
from audioguide.guides import load_guide
from audioguide.manifest import load_manifest

LEAFLET = """---
title: Hay fever
language: en-GB
---

Hay fever is an allergy to <b>pollen</b>.

***

## Treatment

Take 10 mg of cetirizine once a day.

<table>
  <tr><th>Age</th><th>Dose</th></tr>
  <tr><td>6-12 years</td><td>5 mg</td></tr>
</table>

---

Call 111 if it is <i>not</i> getting better.

___
"""


@pytest.mark.slow
def test_a_leaflet_full_of_markup_builds_and_says_none_of_it(tmp_path, segment_cache):
    source = tmp_path / "hay-fever.md"
    source.write_text(LEAFLET, encoding="utf-8")
    result = build_guide(load_guide(source), tmp_path / "build", cache=segment_cache)
    manifest = load_manifest(result.build_dir)
    assert manifest.title == "Hay fever"
    segments = [segment for chapter in manifest.chapters for segment in chapter.segments]
    assert all(segment.end_ms > segment.start_ms for segment in segments)
    spoken = " ".join(segment.spoken for segment in segments)
    written = " ".join(segment.written for segment in segments)
    for markup in ("<", ">", "***", "---", "___", "title", "language", "en-GB", "|"):
        assert markup not in spoken and markup not in written, markup
    assert "Hay fever is an allergy to pollen." in written
    assert "Age: six to twelve years. Dose: five milligrams." in spoken
    assert "Call one one one if it is not getting better." in spoken
    transcripts = " ".join((result.build_dir / c.transcript.path).read_text(encoding="utf-8")
                           for c in manifest.chapters)
    assert "<b>" not in transcripts and "***" not in transcripts


@pytest.mark.slow
def test_a_plain_text_leaflet_with_rule_lines_builds(tmp_path, segment_cache):
    source = tmp_path / "hay-fever.txt"
    source.write_text("Hay fever\n\nTreatment\n\nTake 10 mg a day.\n\n***\n\n---\n\nCall 111.\n\n"
                      "* * *\n", encoding="utf-8")
    result = build_guide(load_guide(source), tmp_path / "build", cache=segment_cache)
    spoken = [segment.spoken for chapter in load_manifest(result.build_dir).chapters
              for segment in chapter.segments]
    assert spoken[-2:] == ["Take ten milligrams a day.", "Call one one one."]
