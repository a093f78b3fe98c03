"""A build keeps each chapter's narration for the next build, and never says anything stale:
an edited section, a changed lexicon or another program version is narrated again, and a
damaged memo is ignored and written again whole."""

from __future__ import annotations

import json

import pytest

import audioguide.build as build_module
import audioguide.narration as narration
from audioguide.build import build_guide
from audioguide.buildfolder import MEMO_NAME
from audioguide.buildmemo import BuildMemo
from audioguide.content import parse_text
from audioguide.guides import load_guide
from audioguide.lexicon import Entry, Lexicon
from audioguide.narration import narrate

LEAFLET = """Looking after yourself

Rest

Rest when you are tired. Keep a diary of 3 things each day.

Moving

Walk for 20 minutes. Dystonia can ease with a sensory trick.

Help

Ask your neurologist about physiotherapy.
"""
LEXICON = '[words]\ndystonia = "diss-TOE-nee-uh"\n'


@pytest.fixture()
def folder(tmp_path):
    guide_dir = tmp_path / "guide"
    guide_dir.mkdir()
    (guide_dir / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    (guide_dir / "lexicon.toml").write_text(LEXICON, encoding="utf-8")
    (guide_dir / "guide.toml").write_text(
        '[guide]\nsource = "leaflet.txt"\nlexicon = "lexicon.toml"\nformats = ["mp3"]\n', encoding="utf-8")
    return guide_dir


@pytest.fixture()
def narrated(monkeypatch):
    """The sections narrated (not taken from the memo), by title, in each build."""
    said: list[str] = []
    real = narration.narrate_section

    def counting(number, section, *args, **kwargs):
        said.append(section.title)
        return real(number, section, *args, **kwargs)

    monkeypatch.setattr(narration, "narrate_section", counting)
    return said


def spoken(manifest) -> dict[str, list[str]]:
    return {chapter.title: [segment.spoken for segment in chapter.segments] for chapter in manifest.chapters}


def test_an_edited_section_is_narrated_again_and_the_others_come_from_the_memo(
        folder, segment_cache, tmp_path, narrated):
    out = tmp_path / "out"
    first = build_guide(load_guide(folder), out, cache=segment_cache)
    assert narrated == ["Rest", "Moving", "Help"]
    assert (out / MEMO_NAME).is_file()
    narrated.clear()
    source = folder / "leaflet.txt"
    source.write_text(LEAFLET.replace("Walk for 20 minutes.", "Walk for 25 minutes."), encoding="utf-8")
    second = build_guide(load_guide(folder), out, cache=segment_cache)
    assert narrated == ["Moving"]
    assert "Walk for twenty-five minutes." in spoken(second.manifest)["Moving"]
    assert spoken(second.manifest)["Rest"] == spoken(first.manifest)["Rest"]
    assert second.mastered == (2,)
    # What the memo gave is what narrating the leaflet afresh gives.
    fresh = narrate(parse_text(source.read_text("utf-8")), load_guide(folder).lexicon)
    assert [segment.spoken for segment in fresh.segments] == [
        segment.spoken for chapter in second.manifest.chapters for segment in chapter.segments]


def test_a_changed_lexicon_narrates_every_section_again(folder, segment_cache, tmp_path, narrated):
    out = tmp_path / "out"
    first = build_guide(load_guide(folder), out, cache=segment_cache)
    assert any("diss-TOE-nee-uh" in text for text in spoken(first.manifest)["Moving"])
    narrated.clear()
    (folder / "lexicon.toml").write_text('[words]\ndystonia = "diss-TONE-ya"\n', encoding="utf-8")
    second = build_guide(load_guide(folder), out, cache=segment_cache)
    assert narrated == ["Rest", "Moving", "Help"]
    moving = spoken(second.manifest)["Moving"]
    assert any("diss-TONE-ya" in text for text in moving)
    assert not any("diss-TOE-nee-uh" in text for text in moving)


@pytest.mark.parametrize("damage", [b"", b"\x00\xff not json", b'{"version": 1, "chapters": {"k": 3}}',
                                    b'{"version": 1, "chapters": {"' + b"0" * 64 + b'": {"number": "x"}}}'])
def test_a_damaged_memo_is_ignored_and_written_again(folder, segment_cache, tmp_path, narrated, damage):
    out = tmp_path / "out"
    first = build_guide(load_guide(folder), out, cache=segment_cache)
    (out / MEMO_NAME).write_bytes(damage)
    (folder / "leaflet.txt").write_text(LEAFLET + "\nMore\n\nOne more line.\n", encoding="utf-8")
    narrated.clear()
    second = build_guide(load_guide(folder), out, cache=segment_cache)
    assert narrated == ["Rest", "Moving", "Help", "More"]
    assert [c.segments for c in second.manifest.chapters[:3]] == [c.segments for c in first.manifest.chapters]
    memo = json.loads((out / MEMO_NAME).read_bytes().partition(b"\n")[2])
    assert len(memo["chapters"]) == 4
    narrated.clear()
    (folder / "leaflet.txt").write_text(LEAFLET, encoding="utf-8")
    build_guide(load_guide(folder), out, cache=segment_cache)
    assert narrated == []  # all four came from the rewritten memo


def test_another_program_or_setting_misses_the_memo():
    document = parse_text(LEAFLET)
    memo: dict = {}
    first = narrate(document, memo=memo, program="version one")
    assert len(memo) == 3
    assert narrate(document, memo=memo, program="version one") == first
    assert len(memo) == 3
    narrate(document, memo=memo, program="version two")
    assert len(memo) == 6
    narrate(document, memo=memo, program="version two", engine="piper")
    narrate(document, memo=memo, program="version two", language="en-GB")
    narrate(document, Lexicon((Entry("rest", "wrest"),)), memo=memo, program="version two")
    assert len(memo) == 15


def test_words_espeak_does_not_know_are_asked_about_once_per_set_of_words(tmp_path):
    asked: list[list[str]] = []

    def lookup(words, voice):
        asked.append(list(words))
        return [word for word in words if word.startswith("q")]

    memo = BuildMemo(tmp_path)
    remembered = memo.unknown_words(lookup, "engine 1")
    assert remembered(["qualm", "neurologist"], "en") == ["qualm"]
    memo.save()
    again = BuildMemo(tmp_path).unknown_words(lookup, "engine 1")
    assert again(["qualm", "neurologist"], "en") == ["qualm"]
    assert len(asked) == 1
    for words, voice, identity in ((["qualm"], "en", "engine 1"), (["qualm", "neurologist"], "en-gb", "engine 1"),
                                   (["qualm", "neurologist"], "en", "engine 2")):
        BuildMemo(tmp_path).unknown_words(lookup, identity)(words, voice)
    assert len(asked) == 4


def test_pronunciation_warnings_come_from_the_memo_on_the_next_build(folder, segment_cache, tmp_path, monkeypatch):
    (folder / "leaflet.txt").write_text(LEAFLET + "\nMore\n\nSome have spasmodic dysphonia.\n", encoding="utf-8")
    out = tmp_path / "out"
    first = build_guide(load_guide(folder), out, cache=segment_cache)
    assert any("'dysphonia'" in warning for warning in first.warnings)
    real, asked = build_module.not_in_dictionary, []
    monkeypatch.setattr(build_module, "not_in_dictionary", lambda *a: asked.append(a) or real(*a))
    (folder / "leaflet.txt").write_text(LEAFLET + "\nMore\n\nMany have spasmodic dysphonia.\n", encoding="utf-8")
    second = build_guide(load_guide(folder), out, cache=segment_cache)
    assert asked == []
    assert second.warnings == first.warnings
    (folder / "leaflet.txt").write_text(LEAFLET + "\nMore\n\nSome have oromandibular dysphonia.\n", encoding="utf-8")
    third = build_guide(load_guide(folder), out, cache=segment_cache)
    assert len(asked) == 1
    assert any("'oromandibular'" in warning for warning in third.warnings)


def test_a_memo_changed_into_other_valid_json_is_not_believed(folder, segment_cache, tmp_path, narrated):
    """Its first line is the sha256 of the rest: spoken text altered in the memo is never said."""
    out = tmp_path / "out"
    build_guide(load_guide(folder), out, cache=segment_cache)
    digest, _, body = (out / MEMO_NAME).read_bytes().partition(b"\n")
    assert b"Rest" in body
    (out / MEMO_NAME).write_bytes(digest + b"\n" + body.replace(b"Rest", b"Run!"))
    narrated.clear()
    (folder / "leaflet.txt").write_text(LEAFLET + "\nMore\n\nOne more line.\n", encoding="utf-8")
    second = build_guide(load_guide(folder), out, cache=segment_cache)
    assert narrated == ["Rest", "Moving", "Help", "More"]
    assert not any("Run!" in segment.spoken for chapter in second.manifest.chapters for segment in chapter.segments)
