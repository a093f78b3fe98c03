"""A build from the very same inputs keeps the build as it is, without reading the
leaflet again, as long as every file it lists is still whole; anything else
(a changed setting, a damaged file, a record it cannot read) builds as usual."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

import audioguide.build as build_module
from audioguide.build import build_guide
from audioguide.buildfolder import INPUTS_NAME
from audioguide.guides import builtin_guide_dir, load_guide
from audioguide.manifest import load_manifest


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, segment_cache):
    """The built-in guide, with a word espeak-ng may not know, in a folder of its own,
    built once for the module: (its folder, its leaflet's text, the build folder, the result)."""
    root = tmp_path_factory.mktemp("unchanged")
    folder = root / "guide"
    shutil.copytree(builtin_guide_dir(), folder)
    source = folder / "dystonia.txt"
    text = source.read_text(encoding="utf-8") + "\nSome have spasmodic dysphonia.\n"
    source.write_text(text, encoding="utf-8")
    return folder, text, root / "out", build_guide(load_guide(folder), root / "out", cache=segment_cache)


@pytest.fixture()
def guide(first_build):
    """That guide, its leaflet as it was built; always in the same folder, which its build's
    inputs name (a test may change the leaflet: the next one gets it back)."""
    folder, text, _, _ = first_build
    (folder / "dystonia.txt").write_text(text, encoding="utf-8")
    return load_guide(folder)


@pytest.fixture()
def built(guide, first_build, tmp_path):
    """A copy of the module's build, for this test to build into again."""
    out = tmp_path / "out"
    shutil.copytree(first_build[2], out)
    return out, first_build[3]


def reading_the_leaflet_fails(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the leaflet was read again")

    monkeypatch.setattr(build_module, "document_for", refuse)


def test_the_same_inputs_keep_the_build_without_reading_the_leaflet(guide, built, segment_cache, monkeypatch):
    out, first = built
    assert any("dysphonia" in line for line in first.warnings)
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()}
    reading_the_leaflet_fails(monkeypatch)
    again = build_guide(guide, out, cache=segment_cache)
    assert again.manifest == load_manifest(out) == first.manifest
    assert (again.synthesized, again.mastered, again.rebuilt_downloads) == (0, (), False)
    assert again.warnings == first.warnings  # the editor is told again what to review
    assert {path: path.stat().st_mtime_ns for path in out.rglob("*") if path.is_file()} == before


def test_a_damaged_file_is_found_and_made_again(guide, built, segment_cache):
    out, first = built
    chapter = first.manifest.chapters[1].audio
    damaged = out / chapter.path
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    again = build_guide(guide, out, cache=segment_cache)
    assert again.mastered == (2,)
    assert load_manifest(out).chapters[1].audio.sha256 == chapter.sha256  # the same audio, whole again


@pytest.mark.parametrize("change", ["rate", "leaflet", "record"])
def test_other_inputs_build_as_usual(change, guide, built, segment_cache, monkeypatch):
    out, first = built
    if change == "rate":
        guide = replace(guide, voice=replace(guide.voice, rate=guide.voice.rate + 10))
    elif change == "leaflet":
        guide.source.write_text(guide.source.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    else:
        (out / INPUTS_NAME).write_text("{not json", encoding="utf-8")
    calls = []
    real = build_module.document_for
    monkeypatch.setattr(build_module, "document_for", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = build_guide(guide, out, cache=segment_cache)
    assert calls == [1]
    if change == "record":
        assert again.manifest.chapters == first.manifest.chapters and again.mastered == ()
    record = json.loads((out / INPUTS_NAME).read_text(encoding="utf-8"))
    assert set(record) == {"inputs", "manifest_sha256", "warnings"}
