"""One pool serving several callers (the guides of a library) says a sentence they
all ask for once: a second take would replace the first under a caller that has
already measured it."""

from __future__ import annotations

import threading
from pathlib import Path

from audioguide.speech import VoiceSettings
from audioguide.speech.pool import SpeechPool


def counting_seal(temporary: Path, target: Path) -> None:
    """Runs in the worker for each WAV made: one line per take."""
    with open(f"{target}.takes", "a", encoding="ascii") as takes:
        takes.write("take\n")


def takes(path: Path) -> int:
    marker = Path(f"{path}.takes")
    return len(marker.read_text(encoding="ascii").splitlines()) if marker.exists() else 0


def test_a_sentence_asked_for_by_two_callers_at_once_is_said_once(tmp_path):
    shared, own = tmp_path / "shared.wav", [tmp_path / f"own-{n}.wav" for n in range(2)]
    text = "Botulinum toxin injections ease the spasms for about three months."
    with SpeechPool(VoiceSettings(), 2, seal=counting_seal) as pool:
        made, errors = [], []

        def caller(number: int) -> None:
            try:
                made.append(pool.synthesize([(text, shared), (f"Sentence {number} of its own.", own[number])]))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=caller, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors and sorted(made) == [2, 2]
        assert takes(shared) == 1 and [takes(path) for path in own] == [1, 1]
        first = shared.read_bytes()

        pool.synthesize([(text, shared)])  # asked for again, its WAV as it was made: kept
        assert takes(shared) == 1 and shared.read_bytes() == first

        shared.write_bytes(first[:100])  # changed since (a damaged entry): said again
        pool.synthesize([(text, shared)])
        assert takes(shared) == 2 and len(shared.read_bytes()) > 100
