"""Pronunciation: respellings, per-engine overrides, the phoneme review and the
warning about medical words espeak-ng would guess. All with the real espeak-ng
(espeakng-loader's library, in spawned workers)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audioguide.build import script_for
from audioguide.cli import main
from audioguide.guides import builtin_guide_dir, load_guide, with_overrides
from hypothesis import given, settings
from hypothesis import strategies as st

from audioguide.lexicon import Entry, Lexicon, LexiconError, load_lexicon, medical_lexicon
from audioguide.speech import VoiceSettings
from audioguide.speech.phonemes import (
    looks_medical, not_in_dictionary, phonemes, pronunciation_warnings, words_of,
)

BUILTIN_WORDS = ["dystonia", "blepharospasm", "blepharospasms", "oromandibular", "paraneoplastic",
                 "encephalitis", "Huntington's"]

LEAFLET = """Movement disorders

Treatment

Some people with choreoathetosis take deutetrabenazine, and some believe in telepathy.
Physiotherapy helps many people with dystonia.
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True, text=True)


def check_blocks(output: str) -> dict[str, tuple[str, str, str]]:
    """{written: (spoken form, spoken phonemes, written phonemes)} from `lexicon check`."""
    found = re.findall(r"^(\S+)\s+spoken as\s+(\S+)\n    spoken:  (.+)\n    written: (\S+)", output, re.M)
    return {written: (spoken, said, plain) for written, spoken, said, plain in found}


@pytest.fixture
def leaflet(tmp_path) -> Path:
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET, encoding="utf-8")
    return path


# --- the lexicon file -------------------------------------------------------------------


def test_builtin_lexicon_covers_the_guides_medical_words():
    lexicon = load_lexicon(builtin_guide_dir() / "lexicon.toml")
    for word in BUILTIN_WORDS:
        assert lexicon.covers(word)
    assert lexicon.respell("Eyelids (blepharospasms) and Huntington's disease.") == (
        "Eyelids (blefferoh-spazzums) and Huntington's disease.")


def test_an_entry_can_be_said_differently_by_one_engine(tmp_path):
    (tmp_path / "leaflet.txt").write_text("Eyes\n\nSpasms\n\nBlepharospasm makes reading hard.\n",
                                          encoding="utf-8")
    (tmp_path / "lexicon.toml").write_text(
        '[words.blepharospasm]\nspoken = "blefferoh-spazzum"\npiper = "blepharo-spasm"\n',
        encoding="utf-8")
    (tmp_path / "guide.toml").write_text(
        '[guide]\nsource = "leaflet.txt"\nlexicon = "lexicon.toml"\n', encoding="utf-8")
    guide = load_guide(tmp_path)
    spoken = {engine: [s.spoken for s in script_for(with_overrides(guide, engine=engine)).segments]
              for engine in ("pyttsx3", "piper")}
    assert "blefferoh-spazzum makes reading hard." in spoken["pyttsx3"]
    assert "blepharo-spasm makes reading hard." in spoken["piper"]
    # The transcript shows what the leaflet says, whatever the engine.
    assert {s.written for s in script_for(guide).segments} >= {"Blepharospasm makes reading hard."}


@pytest.mark.parametrize("text, message", [
    ('[words]\ndystonia = "distonia"\nblepharospasm = blefferoh\n',
     "lexicon.toml:3: key 'words.blepharospasm': invalid TOML: Invalid value"),
    ('[words]\ndystonia = "a"\ndystonia = "b"\n',
     "lexicon.toml:3: key 'words.dystonia': invalid TOML"),
    ('[words]\ndystonia = "a"\n\n"Dystonia" = "b"\n',
     "lexicon.toml:4: key 'words.Dystonia': the same word as key 'words.dystonia' (on line 2)"),
    ('[words]\ndystonia = "a"\n\n[words.blepharospasm]\nspoken = "x"\npipper = "y"\n',
     "lexicon.toml:6: key 'words.blepharospasm.pipper': unknown engine"),
    ('[words.blepharospasm]\npiper = "y"\n',
     "lexicon.toml:1: key 'words.blepharospasm': a table entry needs a 'spoken' string"),
    ('[words]\n"Huntington\'s" = 3\n',
     "lexicon.toml:2: key 'words.Huntington's': must be a string or a table"),
    ('[words\n', "lexicon.toml: invalid TOML: Expected ']' at the end of a table declaration "
                 "(at line 1, column 7)"),
    ('[words]\ndystonia = "a"\nmyoclonus = "  "\n',
     "lexicon.toml:3: key 'words.myoclonus': the spoken form is empty"),
    ('[words]\nmyoclonus = "[[maI\'0kl@n@s]]"\n',
     "lexicon.toml:2: key 'words.myoclonus': respell in ordinary letters: [] would be read aloud"),
    ('[words]\ndystonia = "a"\n\n[word]\nmyoclonus = "b"\n',
     "lexicon.toml:4: key 'word': unknown table or key"),
    ('[words]\nmyoclonus.spoken = "my-OCK-lonus"\nmyoclonus.piper = 4\n',
     "lexicon.toml:3: key 'words.myoclonus.piper': an engine override must be a string"),
    ('[words]\ndystonia = "a"\nbotox = { spoken = "BO-tox", piper = "" }\n',
     "lexicon.toml:3: key 'words.botox.piper': the spoken form is empty"),
])
def test_a_malformed_lexicon_names_file_line_and_key(tmp_path, text, message):
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        load_lexicon(path)
    assert str(caught.value).startswith(f"{tmp_path}/"), caught.value
    assert message in str(caught.value)


def test_a_malformed_lexicon_stops_the_command_with_one_line_and_exit_2(tmp_path):
    (tmp_path / "leaflet.txt").write_text("T\n\nPart\n\nText.\n", encoding="utf-8")
    (tmp_path / "lexicon.toml").write_text(
        '[words]\ndystonia = "distonia"\n\n[words.blepharospasm]\nspoken = "x"\npipper = "y"\n',
        encoding="utf-8")
    (tmp_path / "guide.toml").write_text(
        '[guide]\nsource = "leaflet.txt"\nlexicon = "lexicon.toml"\n', encoding="utf-8")
    for command in ("lexicon check", "build"):
        result = run(*command.split(), str(tmp_path), *(("-o", str(tmp_path / "out")) if command == "build" else ()))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert lines == [f"audioguide: error: {tmp_path / 'lexicon.toml'}:6: key "
                         "'words.blepharospasm.pipper': unknown engine (an entry holds 'spoken' "
                         "and overrides for: pyttsx3, piper, hibari)"], result.stderr
    assert not (tmp_path / "out" / "manifest.json").exists()


# --- what espeak-ng makes of words ------------------------------------------------------


def test_lexicon_check_shows_espeak_phonemes_for_every_entry_of_the_builtin_guide():
    result = run("lexicon", "check")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^# engine pyttsx3; phonemes in IPA from espeak-ng \d+\.\d+", result.stdout, re.M)
    blocks = check_blocks(result.stdout)
    for word in BUILTIN_WORDS:
        spoken, said, plain = blocks[word]
        # IPA with a primary stress mark, and no ASCII phoneme names or brackets.
        assert "ˈ" in said and "ˈ" in plain, (word, said, plain)
        assert not re.search(r"[\[\]A-Z0-9@]", said + plain), (word, said, plain)
    assert blocks["dystonia"][1] == "dɪstˈoʊniə"
    assert blocks["encephalitis"][1] == blocks["encephalitis"][2]  # kept as written
    # Where the respelling matters, espeak-ng says it differently from the written word.
    for word in ("blepharospasm", "blepharospasms", "oromandibular", "paraneoplastic"):
        assert blocks[word][1] != blocks[word][2], word
    assert "blˈɛfɚɹˌoʊspˈæzəm" == blocks["blepharospasm"][1]
    assert "# Words that look medical and espeak-ng does not know (not in the lexicon): none" in result.stdout


def test_phonemes_are_espeaks_ipa():
    said = phonemes(["dystonia", "oro-mandibular", "Huntington's disease"])
    assert said[0] == "dɪstˈoʊniə"
    assert said[1].startswith("ˈɔːɹoʊ") and said[1].endswith("ɚ")
    assert said[2].startswith("hˈʌntɪŋtənz") and " " in said[2]


def test_looks_medical_is_a_spelling_heuristic():
    for word in ("myoclonus", "tetrabenazine", "torticollis", "blepharospasms", "meningitis",
                 "encephalitis", "anticholinergic", "neuropathy"):
        assert looks_medical(word), word
    for word in ("dystonia", "technology", "sympathy", "different", "movements", "Huntington's",
                 "handwriting", "physiotherapy"):
        assert not looks_medical(word), word


def test_words_are_split_at_hyphens_but_not_apostrophes():
    assert words_of(["Nerve-cell signals; writer's cramp.", "NERVE cell"]) == [
        "Nerve", "cell", "signals", "writer's", "cramp"]


def test_espeaks_dictionary_is_looked_up_for_real():
    # "telepathy" looks medical (-pathy) but is in espeak-ng's dictionary; the others are not.
    assert not_in_dictionary(["myoclonus", "telepathy", "tetrabenazine", "hello"]) == [
        "myoclonus", "tetrabenazine"]


# --- the warning about words nobody checked ---------------------------------------------


def test_unknown_medical_words_are_warned_about_with_file_and_line(leaflet):
    guide = load_guide(leaflet)
    texts = [segment.written for segment in script_for(guide).segments]
    warnings = pronunciation_warnings(texts, guide.lexicon, guide.voice, source=guide.source)
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{leaflet}:5", f"{leaflet}:5"]
    assert "'choreoathetosis' looks like a medical word that espeak-ng does not know" in warnings[0]
    assert "'deutetrabenazine'" in warnings[1]
    assert "audioguide lexicon check" in warnings[0]


def test_a_utf16_leaflet_gets_the_same_lines_in_its_warnings(tmp_path):
    path = tmp_path / "leaflet.txt"
    path.write_text(LEAFLET, encoding="utf-16")  # with a byte-order mark, as Windows editors save it
    guide = load_guide(path)
    texts = [segment.written for segment in script_for(guide).segments]
    warnings = pronunciation_warnings(texts, guide.lexicon, guide.voice, source=guide.source)
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{path}:5", f"{path}:5"]


def test_a_lexicon_entry_silences_the_warning(leaflet, tmp_path):
    extra = tmp_path / "extra.toml"
    extra.write_text('[words]\nchoreoathetosis = "korree-oh-atha-tohsis"\n', encoding="utf-8")
    lexicon = load_lexicon(extra)
    warnings = pronunciation_warnings([LEAFLET], lexicon, VoiceSettings())
    assert len(warnings) == 1 and warnings[0].startswith("'deutetrabenazine'")


def test_the_builtin_guide_has_no_unchecked_medical_word():
    guide = load_guide()
    texts = [segment.written for segment in script_for(guide).segments]
    assert pronunciation_warnings(texts, guide.lexicon, guide.voice, source=guide.source) == ()
    # ...because its lexicon covers them: without it, the build would warn.
    warned = pronunciation_warnings(texts, Lexicon(), guide.voice)
    assert {w.split("'")[1] for w in warned} >= {
        "blepharospasms", "oromandibular", "paraneoplastic", "encephalitis", "spasmodic"}


def test_lexicon_check_lists_unknown_medical_words_with_their_phonemes(leaflet):
    result = CliRunner().invoke(main, ["lexicon", "check", str(leaflet)])
    assert result.exit_code == 0, result.output
    assert f"# Lexicon check: {len(medical_lexicon().entries)} entries (the shipped medical lexicon and no lexicon file of the guide)" in result.output
    assert "(not in the lexicon): 2" in result.output
    listed = dict(re.findall(r"^(choreoathetosis|deutetrabenazine)\s+(\S+)$", result.output, re.M))
    assert set(listed) == {"choreoathetosis", "deutetrabenazine"}
    assert all("ˈ" in said for said in listed.values())
    assert "telepathy" not in result.output


def test_build_warns_on_stderr_and_still_builds(leaflet, tmp_path):
    result = run("build", str(leaflet), "-o", str(tmp_path / "out"), "--cache-dir",
                 str(tmp_path / "cache"), "-q")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("audioguide: warning: ")]
    assert [line.split("'")[1] for line in warnings] == ["choreoathetosis", "deutetrabenazine"], result.stderr
    assert f"{leaflet}:5: " in warnings[0]
    assert (tmp_path / "out" / "manifest.json").is_file()


# --- matching: whole words, longest first ------------------------------------------------


def respelled_by_pattern(lexicon: Lexicon, text: str) -> str:
    """The definition ``respell`` keeps: one case-insensitive expression of every written
    form, longest first, between characters that do not join words."""
    words = sorted((entry.written for entry in lexicon.entries), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’])(?:" + "|".join(map(re.escape, words)) + r")(?![\w'’])", re.IGNORECASE)
    table = {entry.written.lower(): entry.spoken for entry in lexicon.entries}
    return pattern.sub(lambda match: f"<{match.group(0)}={table[match.group(0).lower()]}>", text)


WRITTEN = sorted(entry.written for entry in medical_lexicon().entries) + ["deep", "deep brain", "e.g.", "A-B"]
#: Written forms that begin another one ("deep", "deep brain"): where the longest must win.
OVERLAPPING = sorted({word for word in WRITTEN for other in WRITTEN
                      if other != word and (other.lower().startswith(word.lower())
                                            or word.lower().startswith(other.lower()))})
JOINERS = [" ", "  ", ", ", ". ", "-", "'", "’", "(", ")", ".", "_", "x", "1", "s", "\n", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(WRITTEN), st.sampled_from(OVERLAPPING), st.sampled_from(JOINERS),
                          st.sampled_from(WRITTEN).map(str.upper), st.text(max_size=4)), max_size=12))
def test_respelling_matches_whole_words_longest_first_in_any_text(parts):
    extra = (Entry("deep", "DEEP"), Entry("deep brain", "DB"), Entry("e.g.", "for example"), Entry("A-B", "ay bee"))
    lexicon = medical_lexicon().merged(Lexicon(extra))
    text = "".join(parts)
    assert lexicon.respell(text, mark=lambda written, spoken: f"<{written}={spoken}>") \
        == respelled_by_pattern(lexicon, text)


def test_respelling_takes_the_longest_entry_that_ends_a_word():
    lexicon = Lexicon((Entry("deep", "DEEP"), Entry("deep brain", "DB"), Entry("deep brain stim", "no")))
    assert lexicon.respell("Deep brain stimulation; deep brainy; deep-brain") == "DB stimulation; DEEP brainy; DEEP-brain"
