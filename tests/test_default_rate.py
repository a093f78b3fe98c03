"""The default voice's rate, and a rate left at its default following a new engine."""

from audioguide.guides import load_guide, with_overrides
from audioguide.speech import VoiceSettings, engine_kind


def test_default_espeak_rate_is_the_measured_one_and_the_builtin_guide_uses_it():
    assert VoiceSettings().rate == 140 == engine_kind("pyttsx3").default_rate
    assert load_guide().voice == VoiceSettings(engine="pyttsx3", voice="gmw/en-us", rate=140)


def test_the_builtin_guide_left_at_the_default_rate_gives_piper_and_hibari_their_own():
    guide = load_guide()
    assert with_overrides(guide, engine="piper").voice.rate == engine_kind("piper").default_rate == 160
    assert with_overrides(guide, engine="hibari").voice.rate == engine_kind("hibari").default_rate
    assert with_overrides(guide, engine="piper", rate=150).voice.rate == 150
    assert with_overrides(guide, rate=150).voice.rate == 150
