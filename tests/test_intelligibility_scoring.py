"""The intelligibility bench's scoring is fair to every reading: a word said rightly
in an equivalent form is a match, and a real misreading is still a miss."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from intelligibility import median_reading, normalise  # noqa: E402


def test_a_phone_number_matches_however_the_recogniser_groups_it():
    written = normalise("call the helpline on 0300 222 5800, Monday")
    for heard in ("Call the helpline on O300, 222-5800, Monday", "call the helpline on 0300 222 5800 Monday",
                  "call the helpline on oh 300. 222. 58-0-0. Monday"):
        assert normalise(heard) == written, heard


def test_an_amount_heard_for_a_phone_number_is_still_a_miss():
    assert normalise("call 0300 222 5800") != normalise("call 0.03 near 0.225,800")
    assert normalise("call 116 123") != normalise("call one hundred and sixteen, one hundred and twenty-three")


def test_equivalent_forms_match_on_both_sides():
    assert normalise("You're having an attack; it isn't known") == normalise("You are having an attack; it is not known")
    assert normalise("called writer's dystonia") == normalise("called writers dystonia")
    assert normalise("nought point five milligrams") == normalise("0.5 mg")
    assert normalise("Asthma + Lung UK") == normalise("asthma plus lung UK")


def test_different_words_stay_different():
    assert normalise("your two inhalers") != normalise("you are too inhalers")
    assert normalise("peak flow") != normalise("big flow")
    assert normalise("nine nine nine") != normalise("line line line")


def test_the_median_synthesis_is_kept_with_every_share():
    tries = [{"missed_share": share, "transcript": str(share)} for share in (0.3, 0.1, 0.2)]
    chosen = median_reading(tries)
    assert chosen["missed_share"] == 0.2 and chosen["transcript"] == "0.2"
    assert chosen["missed_shares"] == [0.3, 0.1, 0.2] and chosen["syntheses"] == 3
