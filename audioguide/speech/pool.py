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
A ``SpeechPool`` keeps its workers for many calls (a library's guides, from
several threads at once); ``synthesize_all`` starts one for a single call.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable

from .base import SpeechError, VoiceSettings
from .worker import Seal, _Worker

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


def worker_count(jobs: int) -> int:
    return max(1, min(jobs, os.cpu_count() or 1))


def worker_starts() -> int:
    """How many speech workers this process has started so far (for tests and the bench)."""
    return _Worker.starts


class _Batch:
    """One caller's sentences: what is still to say, and the news of each, for that caller."""

    def __init__(self, jobs: list[tuple[str, str]]):
        self.jobs = jobs
        self.attempts = [0] * len(jobs)
        self.events: queue.SimpleQueue = queue.SimpleQueue()  # ("done", path) or ("failed", message)
        self.cancelled = False

    def fail(self, message: str) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.events.put(("failed", message))


class SpeechPool:
    """Speech workers started once and kept for every sentence given to them until closed.

    One pool serves a whole library: it is started before the first leaflet is
    read (so the engines start while parsing runs), and any number of threads
    may call ``synthesize`` at once, each waiting for its own sentences only.
    A thread of its own hands out the sentences (first come, first served) and
    watches the workers as described above; a sentence that keeps failing ends
    only the call that gave it. Use it as a context manager, or call ``close``.
    """

    def __init__(self, settings: VoiceSettings, workers: int | None = None, *, seal: Seal | None = None,
                 sentence_timeout: float = SENTENCE_TIMEOUT_S):
        self.settings, self.seal, self.sentence_timeout = settings, seal, sentence_timeout
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._pending: deque[tuple[_Batch, int]] = deque()
        self._batches: set[_Batch] = set()
        self._broken: str | None = None
        self._closed = False
        self._failed_starts = 0
        # The same sentence asked for by two callers (two guides of a library) is said
        # once: a second take would replace the first under a caller that measured it.
        self._saying: dict[str, list[tuple[_Batch, int]]] = {}  # path -> callers waiting for it
        self._said: dict[str, tuple[int, int]] = {}  # path -> (size, mtime) when said
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._workers = [self._new_worker() for _ in range(worker_count(workers or os.cpu_count() or 1))]
        self._thread = threading.Thread(target=self._run, name="speech-pool", daemon=True)
        self._thread.start()

    def __enter__(self) -> "SpeechPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _new_worker(self) -> "_Worker":
        return _Worker(self._context, self.settings, self.seal)

    @property
    def usable(self) -> bool:
        """Not closed, and its workers can start."""
        return not (self._broken or self._closed)

    def _wake(self) -> None:
        try:
            os.write(self._wake_write, b"!")
        except (BlockingIOError, OSError):  # already woken (the pipe is full) or closed
            pass

    def synthesize(self, jobs: Iterable[tuple[str, Path]],
                   on_done: Callable[[Path], None] | None = None) -> int:
        """Say each (spoken text, WAV path) pair; return how many were made.

        ``on_done`` is called in the calling thread as each WAV is finished; an
        exception from it (or a sentence that keeps failing) stops this call: its
        sentences not yet handed out are dropped, the pool goes on for others.
        """
        batch = _Batch(_checked_jobs(jobs))
        if not batch.jobs:
            return 0
        with self._lock:
            if self._broken or self._closed:
                raise SpeechError(self._broken or "the speech workers were stopped")
            self._batches.add(batch)
            self._pending.extend((batch, index) for index in range(len(batch.jobs)))
        self._wake()
        try:
            for _ in batch.jobs:
                kind, detail = batch.events.get()
                if kind == "failed":
                    raise SpeechError(detail)
                if on_done:
                    on_done(Path(detail))
        except BaseException:
            batch.cancelled = True  # what it has not handed out yet is dropped
            self._wake()
            raise
        finally:
            with self._lock:
                self._batches.discard(batch)
        return len(batch.jobs)

    def close(self) -> None:
        """Stop the workers (each may finish its sentence for a moment) and the pool's thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake()
        self._thread.join()
        self._fail_all("the speech workers were stopped")
        # All are told at once, so stopping takes one grace period, not one each.
        for worker in self._workers:
            worker.ask_to_stop()
        grace_ends = time.monotonic() + STOP_GRACE_S
        for worker in self._workers:
            worker.stop(grace_ends)
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _fail_all(self, message: str) -> None:
        with self._lock:
            self._broken = self._broken or message
            batches, self._pending = list(self._batches), deque()
        for batch in batches:
            batch.fail(self._broken)

    def _next_job(self) -> tuple[_Batch, int] | None:
        with self._lock:
            while self._pending:
                batch, index = self._pending.popleft()
                if not batch.cancelled:
                    return batch, index
        return None

    def _deadline(self, worker: "_Worker") -> float:
        return worker.since + (self.sentence_timeout if worker.job is not None else STARTUP_TIMEOUT_S)

    def _run(self) -> None:
        try:
            while not self._closed:
                self._hand_out()
                self._watch()
        except SpeechError as error:  # no worker can start: every caller, now and later, is told
            self._fail_all(str(error))
        except BaseException as error:  # never leave a caller waiting for ever
            self._fail_all(f"the speech workers stopped ({error!r})")

    def _hand_out(self) -> None:
        for position, worker in enumerate(self._workers):
            if not (worker.ready and worker.job is None):
                continue
            job = self._next_unsaid_job()
            if job is None:
                return
            batch, index = job
            try:
                worker.give(job, batch.jobs[index])
            except OSError:  # it died idle since it last answered: a new one takes over
                with self._lock:
                    self._pending.appendleft(job)
                worker.kill()
                self._workers[position] = self._new_worker()
                continue
            self._saying[batch.jobs[index][1]] = []

    def _next_unsaid_job(self) -> tuple[_Batch, int] | None:
        """The next job whose sentence no worker is saying now and this pool has not
        said already (its WAV still as it was made); the others wait for, or take, that one."""
        while (job := self._next_job()) is not None:
            batch, index = job
            path = batch.jobs[index][1]
            if path in self._saying:
                self._saying[path].append(job)
            elif path in self._said and _stat(path) == self._said[path]:
                batch.events.put(("done", path))
            else:
                return job
        return None

    def _settle(self, path: str, said: bool) -> None:
        """A worker is done with ``path``: its waiters are done too, or (it failed) queued again."""
        waiting = self._saying.pop(path, [])
        if said:
            self._said[path] = _stat(path)
            for batch, _ in waiting:
                if not batch.cancelled:
                    batch.events.put(("done", path))
        elif waiting:
            with self._lock:
                self._pending.extendleft(reversed(waiting))

    def _watch(self) -> None:
        busy = [w for w in self._workers if w.job is not None or not w.ready]
        timeout = max(0.0, min(self._deadline(w) for w in busy) - time.monotonic()) if busy else None
        wait([self._wake_read] + [w.connection for w in busy] + [w.process.sentinel for w in self._workers],
             timeout=timeout)
        try:
            os.read(self._wake_read, 4096)
        except BlockingIOError:
            pass
        for position, worker in enumerate(self._workers):
            replace = None
            try:
                while worker.connection.poll():
                    self._receive(worker, *worker.connection.recv())
            except (EOFError, OSError):
                replace = _how_it_stopped(worker)
            if replace is None and not worker.process.is_alive():
                replace = _how_it_stopped(worker)
            if replace is None and (worker.job is not None or not worker.ready) \
                    and time.monotonic() > self._deadline(worker):
                replace = f"did not finish within {self.sentence_timeout:g} s" if worker.job is not None \
                    else f"did not start within {STARTUP_TIMEOUT_S:g} s"
            if replace:
                worker.kill()
                self._retry(worker, replace)
                self._workers[position] = self._new_worker()

    def _receive(self, worker: "_Worker", kind: str, detail: str) -> None:
        if kind == "ready":
            worker.ready = True
            self._failed_starts = 0
            return
        if worker.job is None:  # the engine could not start: nothing will
            raise SpeechError(detail)
        (batch, index), worker.job = worker.job, None
        self._settle(batch.jobs[index][1], kind == "done")
        if kind == "done":
            if not batch.cancelled:
                batch.events.put(("done", detail))
        elif kind == "failed":  # the cache cannot be written: saying it again will not help
            batch.fail(detail)
        elif kind == "error":
            batch.attempts[index] += 1
            if batch.attempts[index] >= ATTEMPTS:
                batch.fail(detail)
            else:
                with self._lock:
                    self._pending.appendleft((batch, index))

    def _retry(self, worker: "_Worker", why: str) -> None:
        if worker.job is None and worker.ready:  # it died between sentences: nothing to say again
            return
        if worker.job is None:  # it failed before its engine was ready
            self._failed_starts += 1
            if self._failed_starts >= ATTEMPTS:
                raise SpeechError(f"a speech worker {why} while starting its engine, {ATTEMPTS} times")
            return
        batch, index = worker.job
        self._settle(batch.jobs[index][1], False)
        batch.attempts[index] += 1
        if batch.attempts[index] >= ATTEMPTS:
            batch.fail(f"a speech worker {why} {ATTEMPTS} times on: {batch.jobs[index][0][:80]!r}")
        else:
            with self._lock:
                self._pending.appendleft((batch, index))


def _how_it_stopped(worker: "_Worker") -> str:
    """Why a worker that closed its pipe is gone (it may take a moment to exit): its
    signal or exit status, so a crash in an engine is told apart from a kill."""
    worker.process.join(1.0)
    code = worker.process.exitcode
    if code is None:
        return "stopped unexpectedly"
    return f"stopped unexpectedly ({f'signal {-code}' if code < 0 else f'exit status {code}'})"


def _stat(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _checked_jobs(jobs: Iterable[tuple[str, Path]]) -> list[tuple[str, str]]:
    jobs = [(text, str(path)) for text, path in jobs]
    for text, path in jobs:
        if not isinstance(text, str) or not text.strip():
            raise SpeechError(f"{path}: no words to say (an empty sentence reached the speech engine)")
    return jobs


def synthesize_all(
    jobs: Iterable[tuple[str, Path]],
    settings: VoiceSettings,
    *,
    workers: int | None = None,
    on_done: Callable[[Path], None] | None = None,
    sentence_timeout: float = SENTENCE_TIMEOUT_S,
    seal: Seal | None = None,
    pool: SpeechPool | None = None,
) -> int:
    """Synthesize each (spoken text, WAV path) pair; return how many were made.

    Work is spread over ``workers`` spawned processes (default: one per core)
    and taken in the order given. ``on_done`` is called in this thread as each
    WAV is finished; an exception from it stops the synthesis. ``seal(temporary,
    target)``, a module-level function, is called in the worker on each whole WAV
    before it is renamed into place (the cache keeps its checksum so).
    With ``pool`` (started for the same voice and seal), its workers do the work
    and stay for the next call; otherwise workers are started here and stopped.
    """
    jobs = _checked_jobs(jobs)
    if not jobs:
        return 0
    if pool is not None and pool.settings == settings and pool.seal is seal:
        return pool.synthesize(jobs, on_done)
    with SpeechPool(settings, worker_count(workers or len(jobs)), seal=seal,
                    sentence_timeout=sentence_timeout) as own:
        return own.synthesize(jobs, on_done)


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
