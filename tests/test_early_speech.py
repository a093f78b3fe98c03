"""A build starts its speech workers before it reads the leaflet: one for a folder with an
earlier build (an edit needs few sentences), one per core for a new one; workers it turns
out not to need are stopped without holding the build up."""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import replace

from audioguide.build import build_guide
from audioguide.earlyspeech import ONE_WORKER_SENTENCES, EarlyWorkers
from audioguide.guides import load_guide
from audioguide.speech.pool import worker_count, worker_starts

LEAFLET = """Keeping well

Sleep

Go to bed at the same time each night. A short walk in the day helps you sleep.

Food

Eat three meals a day. Drink water with each meal.
"""


def no_workers_left(seconds: float = 20.0) -> bool:
    ends = time.monotonic() + seconds
    while multiprocessing.active_children():
        if time.monotonic() > ends:
            return False
        time.sleep(0.1)
    return True


def test_an_edit_is_said_by_the_one_worker_started_with_the_build(tmp_path, segment_cache):
    source = tmp_path / "keeping-well.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    starts = worker_starts()
    build_guide(load_guide(source), out, cache=segment_cache)
    assert worker_starts() - starts == worker_count(os.cpu_count() or 1)  # a new folder: one per core
    source.write_text(LEAFLET.replace("Eat three meals a day.", "Eat three small meals a day."), encoding="utf-8")
    starts = worker_starts()
    second = build_guide(load_guide(source), out, cache=segment_cache)
    assert second.synthesized == 1 and second.mastered == (2,)
    assert worker_starts() - starts == 1
    assert no_workers_left()


def test_a_build_that_needs_no_sentence_stops_its_worker_in_the_background(tmp_path, segment_cache):
    source = tmp_path / "keeping-well.txt"
    source.write_text(LEAFLET, encoding="utf-8")
    out = tmp_path / "out"
    build_guide(load_guide(source), out, cache=segment_cache)
    starts = worker_starts()
    again = build_guide(replace(load_guide(source), author="Someone else"), out, cache=segment_cache)
    assert again.synthesized == 0 and again.manifest.author == "Someone else"
    assert worker_starts() - starts == 1
    assert no_workers_left()


def test_many_sentences_for_a_folder_with_a_build_go_to_the_usual_pool(tmp_path):
    settings = load_guide().voice
    early = EarlyWorkers(settings, None, has_build=True)
    try:
        assert early.count == 1
        assert early.pool_for(ONE_WORKER_SENTENCES + 1) is None
        assert early.pool_for(1) is None  # once stopped, never handed out
    finally:
        early.close()
    early = EarlyWorkers(settings, None, has_build=True)
    try:
        pool = early.pool_for(ONE_WORKER_SENTENCES)
        assert pool is not None and pool.usable
    finally:
        early.close()
    assert not pool.usable
    early = EarlyWorkers(settings, 2, has_build=False)
    early.close()
    assert early.count == worker_count(2)
    assert no_workers_left()
