"""A library's leaflets share most of their words: espeak-ng's dictionary is asked
about a word once per process, not once per guide (each question starts a worker,
as espeak-ng starts only once per process). Real espeak-ng, real workers."""

from __future__ import annotations

from audioguide.lexicon import Lexicon
from audioguide.speech import VoiceSettings, phonemes, pool
from audioguide.speech.phonemes import not_in_dictionary, pronunciation_warnings


def _counting(monkeypatch) -> list:
    monkeypatch.setattr(phonemes, "_VERDICTS", {})  # what earlier tests asked is not known here
    started = []
    real = pool.run_in_worker

    def counted(function, *args, **kwargs):
        started.append(args[0])
        return real(function, *args, **kwargs)

    monkeypatch.setattr(pool, "run_in_worker", counted)
    return started


def test_a_word_is_looked_up_once_per_process(monkeypatch):
    started = _counting(monkeypatch)
    words = ["tetrabenazine", "hello", "myoclonus", "tetrabenazine", "telepathy"]
    first = not_in_dictionary(words)
    assert first == ["tetrabenazine", "myoclonus", "tetrabenazine"]  # order and repeats kept
    assert len(started) <= 1
    started.clear()
    assert not_in_dictionary(list(reversed(words))) == list(reversed(first))
    assert started == []  # every verdict known: no worker
    assert not_in_dictionary(["hello", "blepharospasm"]) == ["blepharospasm"]
    assert started == [["blepharospasm"]]  # only the new word is asked about


def test_the_next_leaflet_with_the_same_words_starts_no_worker(tmp_path, monkeypatch):
    text = "Botulinum toxin and tetrabenazine can ease myoclonus and dysphonia.\n"
    leaflets = [tmp_path / name for name in ("one.txt", "two.txt")]
    for leaflet in leaflets:
        leaflet.write_text("A leaflet\n\n" + text, encoding="utf-8")
    started = _counting(monkeypatch)
    lexicon = Lexicon()  # no respelling: every medical word is a candidate
    said = [pronunciation_warnings([text], lexicon, VoiceSettings(), source=leaflet) for leaflet in leaflets]
    assert len(started) <= 1
    assert said[0] and [w.replace("one.txt", "two.txt") for w in said[0]] == list(said[1])
    assert any("'tetrabenazine'" in warning for warning in said[1])
