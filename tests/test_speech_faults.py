"""Speech workers that die or hang: their sentences are said again by a new
worker, and a sentence that keeps failing ends the build naming it.

The faults are real: a worker process is killed with SIGKILL, or frozen
with SIGSTOP the way a wedged engine call would leave it."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import wave
from pathlib import Path

import pytest

from audioguide.speech import SpeechError, VoiceSettings, synthesize_all
from audioguide.speech.pool import SpeechPool

SENTENCES = [f"This is sentence number {n}, said by a worker." for n in range(1, 25)]


def frames(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes()


def workers_now() -> list[multiprocessing.Process]:
    return [child for child in multiprocessing.active_children() if child.is_alive()]


def test_a_killed_worker_is_replaced_and_its_sentence_said_again(tmp_path):
    jobs = [(text, tmp_path / f"{n:02d}.wav") for n, text in enumerate(SENTENCES)]
    done = []

    with SpeechPool(VoiceSettings(), 2) as pool:
        def on_done(path):
            done.append(path)
            if len(done) == 5:
                # Every worker dies mid-build, at one moment: the pool's hand-out is held
                # until all are gone, as when the machine kills them together. (Killed one
                # by one, the sentence of the first could be handed to the next just before
                # it too is killed: two deaths on one sentence, which ends the build.)
                with pool._lock:
                    children = [worker.process for worker in pool._workers]
                    for child in children:
                        os.kill(child.pid, signal.SIGKILL)
                    for child in children:
                        child.join(10)
                assert len(children) == 2

        assert pool.synthesize(jobs, on_done=on_done) == len(jobs)
    assert sorted(done) == sorted(path for _, path in jobs)
    assert all(frames(path) > 0 for _, path in jobs)


def test_workers_that_die_between_sentences_are_replaced(tmp_path):
    """Both workers idle, their engines long started, when they die: that is neither
    a failed engine start nor a sentence to count against, and the build goes on."""
    jobs = [(text, tmp_path / f"{n:02d}.wav") for n, text in enumerate(SENTENCES[:8])]
    done = []

    def on_done(path):
        done.append(path)
        if len(done) == 4:  # both workers have long been ready
            # Meanwhile the pool hands out the rest: once every WAV is in place, both workers wait.
            deadline = time.monotonic() + 60
            while not all(path.exists() for _, path in jobs):
                assert time.monotonic() < deadline, "the other sentences were not said within 60 s"
                time.sleep(0.02)
            for child in workers_now():
                os.kill(child.pid, signal.SIGKILL)
                child.join()

    assert synthesize_all(jobs, VoiceSettings(), workers=2, on_done=on_done) == len(jobs)
    assert all(frames(path) > 0 for _, path in jobs)


def test_a_hung_worker_is_timed_out_and_its_sentence_said_again(tmp_path):
    jobs = [(text, tmp_path / f"{n:02d}.wav") for n, text in enumerate(SENTENCES[:6])]
    frozen = []

    def on_done(path):
        if not frozen:
            (child,) = workers_now()
            os.kill(child.pid, signal.SIGSTOP)  # it takes its next sentence and never answers
            frozen.append(child)

    assert synthesize_all(jobs, VoiceSettings(), workers=1, on_done=on_done, sentence_timeout=5) == 6
    assert all(frames(path) > 0 for _, path in jobs)
    assert not frozen[0].is_alive()  # the frozen worker was killed, not left behind


def test_a_sentence_that_never_finishes_in_time_is_named(tmp_path):
    long_sentence = " ".join(["This breath group is far too long to say in a hundredth of a second"] * 40)
    with pytest.raises(SpeechError) as caught:
        synthesize_all([(long_sentence, tmp_path / "long.wav")], VoiceSettings(), workers=1,
                       sentence_timeout=0.01)
    assert str(caught.value) == (
        f"a speech worker did not finish within 0.01 s 2 times on: {long_sentence[:80]!r}")
    assert not (tmp_path / "long.wav").exists()
    assert workers_now() == []
