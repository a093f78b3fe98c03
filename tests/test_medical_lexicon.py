"""The medical lexicon shipped with the package: checked entry by entry with the
real espeak-ng, and applied to every guide under the guide's own lexicon."""

from __future__ import annotations

import re
import subprocess
import sys

from audioguide.build import script_for
from audioguide.guides import load_guide, with_overrides
from audioguide.lexicon import load_lexicon, medical_lexicon, medical_lexicon_path
from audioguide.speech.phonemes import review_lexicon

#: What a respelling may hold: letters, hyphens or spaces between parts, an apostrophe.
RESPELLING = re.compile(r"[a-z]+(?:[' -][a-z]+)*")


def test_every_shipped_entry_is_a_real_change_that_espeak_can_say():
    lexicon = medical_lexicon()
    entries = lexicon.entries
    assert len(entries) >= 300
    written = [entry.written.lower() for entry in entries]
    assert len(written) == len(set(written)), "duplicate entries"
    for entry in entries:
        for form in (entry.spoken, *entry.by_engine.values()):
            assert form.strip() and RESPELLING.fullmatch(form.lower()), (entry.written, form)
        assert set(entry.by_engine) <= {"piper", "hibari"}
    review = review_lexicon(lexicon)
    assert len(review.entries) == len(entries)
    for check in review.entries:
        # espeak-ng makes phonemes of the respelling (IPA with a stress mark), and
        # they differ from what it would say of the written word: no idle entries.
        assert "ˈ" in check.spoken_phonemes and not re.search(r"[\[\]A-Z0-9@]", check.spoken_phonemes), check
        assert check.changes_sound, f"{check.written}: the respelling changes nothing"


def test_lexicon_check_runs_over_the_shipped_lexicon(tmp_path):
    leaflet = tmp_path / "leaflet.txt"
    leaflet.write_text("Heart\n\nTests\n\nYou may need an angiogram.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "audioguide", "lexicon", "check", str(leaflet)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^(\S+)\s+spoken as\s+(.+)$", result.stdout, re.M)
    assert len(listed) == len(medical_lexicon().entries)
    assert ("angiogram", "anjeea-gram") in listed


def test_any_leaflet_gets_the_shipped_lexicon_and_a_guide_lexicon_overrides_it(tmp_path):
    text = "# Heart\n\n## Tests\n\nAn angiogram shows an aneurysm.\n"
    (tmp_path / "leaflet.md").write_text(text, encoding="utf-8")
    spoken = [s.spoken for s in script_for(load_guide(tmp_path / "leaflet.md")).segments]
    assert "An anjeea-gram shows an an-yoo-rizzum." in spoken

    (tmp_path / "lexicon.toml").write_text('[words]\naneurysm = "ann-your-izm"\n', encoding="utf-8")
    (tmp_path / "guide.toml").write_text('[guide]\nsource = "leaflet.md"\nlexicon = "lexicon.toml"\n',
                                         encoding="utf-8")
    guide = load_guide(tmp_path)
    assert "An anjeea-gram shows an ann-your-izm." in [s.spoken for s in script_for(guide).segments]

    extra = tmp_path / "extra.toml"
    extra.write_text('[words]\nangiogram = "an-jee-oh-gram"\n', encoding="utf-8")
    guide = with_overrides(load_guide(tmp_path / "leaflet.md"), lexicon_path=extra)
    assert "An an-jee-oh-gram shows an an-yoo-rizzum." in [s.spoken for s in script_for(guide).segments]


def test_hibari_keeps_the_words_its_own_dictionary_has():
    lexicon = load_lexicon(medical_lexicon_path())
    assert lexicon.respell("angiogram", engine="hibari") == "angiogram"
    assert lexicon.respell("angiogram", engine="piper") == "anjeea-gram"
    assert lexicon.respell("angiogram") == "anjeea-gram"
