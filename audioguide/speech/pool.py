"""Spawned worker processes, each owning one engine, synthesizing into the cache.

espeak-ng is neither thread-safe nor re-initialisable, and a process forked
after it starts hangs; so every worker is *spawned* and builds its own engine
once. Each WAV is written under a temporary name and renamed into the cache
(``files.atomic_path``), so an interrupted build never leaves a half file
that looks finished.

The parent hands each worker one sentence at a time and watches it: a
worker that dies (killed, out of memory, crashed in the engine) or takes
longer than ``SENTENCE_TIMEOUT_S`` over one sentence (a hung engine) is
replaced by a new one and its sentence is tried again; an engine error (an
empty WAV, the engine's own time limit) is retried by the same worker. A
sentence that fails ``ATTEMPTS`` times in all ends the build with a message
that names it: the only retry layer, so no sentence is tried more than that.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Iterable

from ..files import atomic_path
from .base import SpeechError, VoiceSettings
from .registry import create_engine

#: Called in a worker with (the whole WAV under its temporary name, its final path).
Seal = Callable[[Path, Path], None]

#: Longer than any one sentence takes, even on a loaded machine (a long
#: breath group takes espeak-ng well under a second, piper a few seconds).
SENTENCE_TIMEOUT_S = 60.0
#: Starting an engine takes well under a second; allow for a loaded machine.
STARTUP_TIMEOUT_S = 60.0
#: Tries per sentence, counting a worker that died or hung while saying it,
#: and worker starts that may fail in a row.
ATTEMPTS = 2
#: How long stopping workers may finish the sentence in hand before they are killed.
STOP_GRACE_S = 2.0


def _synthesize_into(engine, text: str, target: str, seal: Seal | None = None) -> None:
    with atomic_path(Path(target)) as temporary:
        engine.synthesize(text, temporary)
        if seal:  # before the rename: a WAV in place is always a sealed one
            seal(temporary, Path(target))


def _engine_noise(noise) -> str:
    """What the engine (or ctypes, for an error in its callback) printed since last asked."""
    sys.stderr.flush()
    noise.seek(0)
    text = noise.read().decode(errors="replace")
    noise.seek(0)
    noise.truncate()
    return text


def _worker_main(settings: VoiceSettings, connection: Connection, seal: Seal | None = None) -> None:
    """One worker: start an engine, then say one sentence per message until told to stop."""
    sys.stdout = open(os.devnull, "w")  # engines may print; the parent's stdout stays clean
    # ...and on stderr (a failed write inside the driver comes as a traceback there): kept
    # aside, so the user sees one line, and a full disk is told as one.
    noise = tempfile.TemporaryFile()
    os.dup2(noise.fileno(), 2)
    try:
        engine = create_engine(settings)
    except SpeechError as error:
        connection.send(("failed", str(error)))
        return
    connection.send(("ready", ""))
    while (job := connection.recv()) is not None:
        text, target = job
        try:
            _synthesize_into(engine, text, target, seal)
            connection.send(("done", target))
        except SpeechError as error:
            written = re.search(r"\[Errno \d+\] ([^\n]+)", _engine_noise(noise))
            if written:  # the engine could not write its WAV: saying it again will not help
                connection.send(("failed", f"{target}: cannot write the sentence ({written.group(1)})"))
            else:
                connection.send(("error", str(error)))
        except OSError as error:  # the cache cannot be written: saying it again will not help
            connection.send(("failed", f"{error.filename or target}: cannot write the sentence "
                                       f"({error.strerror or error})"))


class _Worker:
    def __init__(self, context, settings: VoiceSettings, seal: Seal | None = None):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(settings, child, seal), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: int | None = None
        self.since = time.monotonic()  # when it started, or was given its sentence

    def give(self, index: int, job: tuple[str, str]) -> None:
        self.connection.send(job)
        self.job, self.since = index, time.monotonic()

    def ask_to_stop(self) -> None:
        try:
            self.connection.send(None)
        except OSError:
            pass

    def stop(self, deadline: float) -> None:
        """Let it finish its sentence until ``deadline`` (monotonic), then kill it."""
        self.process.join(max(0.0, deadline - time.monotonic()))
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


def worker_count(jobs: int) -> int:
    return max(1, min(jobs, os.cpu_count() or 1))


def synthesize_all(
    jobs: Iterable[tuple[str, Path]],
    settings: VoiceSettings,
    *,
    workers: int | None = None,
    on_done: Callable[[Path], None] | None = None,
    sentence_timeout: float = SENTENCE_TIMEOUT_S,
    seal: Seal | None = None,
) -> int:
    """Synthesize each (spoken text, WAV path) pair; return how many were made.

    Work is spread over ``workers`` spawned processes (default: one per core)
    and taken in the order given. ``on_done`` is called in this thread as each
    WAV is finished; an exception from it stops the synthesis. ``seal(temporary,
    target)``, a module-level function, is called in the worker on each whole WAV
    before it is renamed into place (the cache keeps its checksum so).
    """
    jobs = [(text, str(path)) for text, path in jobs]
    if not jobs:
        return 0
    for text, path in jobs:
        if not isinstance(text, str) or not text.strip():
            raise SpeechError(f"{path}: no words to say (an empty sentence reached the speech engine)")
    context = multiprocessing.get_context("spawn")
    pending = deque(range(len(jobs)))
    attempts = [0] * len(jobs)
    pool = [_Worker(context, settings, seal) for _ in range(worker_count(workers or len(jobs)))]
    finished = failed_starts = 0

    def deadline(worker: _Worker) -> float:
        return worker.since + (sentence_timeout if worker.job is not None else STARTUP_TIMEOUT_S)

    def retry(worker: _Worker, why: str) -> None:
        nonlocal failed_starts
        index = worker.job
        if index is None and worker.ready:  # it died between sentences: nothing to say again
            return
        if index is None:  # it failed before its engine was ready
            failed_starts += 1
            if failed_starts >= ATTEMPTS:
                raise SpeechError(f"a speech worker {why} while starting its engine, {ATTEMPTS} times")
            return
        attempts[index] += 1
        if attempts[index] >= ATTEMPTS:
            raise SpeechError(f"a speech worker {why} {ATTEMPTS} times on: {jobs[index][0][:80]!r}")
        pending.appendleft(index)

    try:
        while finished < len(jobs):
            for position, worker in enumerate(pool):
                if worker.ready and worker.job is None and pending:
                    index = pending.popleft()
                    try:
                        worker.give(index, jobs[index])
                    except OSError:  # it died idle since it last answered: a new one takes over
                        pending.appendleft(index)
                        worker.kill()
                        pool[position] = _Worker(context, settings, seal)
            busy = [w for w in pool if w.job is not None or not w.ready]
            wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                 timeout=max(0.0, min(deadline(w) for w in busy) - time.monotonic()))
            for position, worker in enumerate(pool):
                replace = None
                try:
                    while worker.connection.poll():
                        kind, detail = worker.connection.recv()
                        if kind == "failed":
                            raise SpeechError(detail)
                        if kind == "ready":
                            worker.ready = True
                            failed_starts = 0
                        elif kind == "done":
                            worker.job = None
                            finished += 1
                            if on_done:
                                on_done(Path(detail))
                        elif kind == "error":
                            index, worker.job = worker.job, None
                            attempts[index] += 1
                            if attempts[index] >= ATTEMPTS:
                                raise SpeechError(detail)
                            pending.appendleft(index)
                except (EOFError, OSError):
                    replace = "stopped unexpectedly"
                if replace is None and not worker.process.is_alive():
                    replace = "stopped unexpectedly"
                if replace is None and (worker.job is not None or not worker.ready) \
                        and time.monotonic() > deadline(worker):
                    replace = f"did not finish within {sentence_timeout:g} s" if worker.job is not None \
                        else f"did not start within {STARTUP_TIMEOUT_S:g} s"
                if replace:
                    worker.kill()
                    retry(worker, replace)
                    pool[position] = _Worker(context, settings, seal)
    finally:
        # All are told at once, so stopping takes one grace period, not one each.
        for worker in pool:
            worker.ask_to_stop()
        grace_ends = time.monotonic() + STOP_GRACE_S
        for worker in pool:
            worker.stop(grace_ends)
    return len(jobs)


def _call(function, args):
    return function(*args)


def run_in_worker(function: Callable, *args, timeout: float = STARTUP_TIMEOUT_S + SENTENCE_TIMEOUT_S):
    """Run ``function(*args)`` in a fresh spawned process and return its result.

    For anything that starts espeak-ng (listing voices, phonemes): espeak
    can be initialised only once per process, and this process stays clean.
    ``function`` must be a module-level function and ``args`` picklable.
    """
    context = multiprocessing.get_context("spawn")
    try:
        pool = ProcessPoolExecutor(1, mp_context=context)
        try:
            return pool.submit(_call, function, args).result(timeout=timeout)
        finally:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()  # after a time-out: the hung engine must not outlive us
            pool.shutdown(wait=True, cancel_futures=True)
    except BrokenProcessPool as error:
        raise SpeechError(f"a speech worker stopped unexpectedly ({error})") from None
    except TimeoutError:
        raise SpeechError(f"a speech worker did not answer within {timeout:g} s") from None
