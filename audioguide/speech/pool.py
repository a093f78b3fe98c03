"""Spawned worker processes, each owning one engine, synthesizing into the cache.

espeak-ng is neither thread-safe nor re-initialisable, and a process forked
after it starts hangs; so every worker is *spawned* and builds its own engine
once. Each WAV is written under a temporary name and renamed into the cache,
so an interrupted build never leaves a half file that looks finished.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterable

from .base import SpeechError, VoiceSettings, create_engine

_engine = None
_start_error: SpeechError | None = None


def _start_worker(settings: VoiceSettings) -> None:
    """Build this worker's engine; a failure is kept and raised by the first job,
    because an exception in a pool initializer only says "process terminated"."""
    global _engine, _start_error
    sys.stdout = open(os.devnull, "w")  # engines may print; the parent's stdout stays clean
    try:
        _engine = create_engine(settings)
    except SpeechError as error:
        _start_error = error


def _synthesize_one(text: str, target: str) -> str:
    """Synthesize one sentence into ``target`` (retrying once) and return the target."""
    if _start_error:
        raise _start_error
    temporary = Path(f"{target}.{os.getpid()}.tmp.wav")
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        try:
            _engine.synthesize(text, temporary)
        except SpeechError:
            _engine.synthesize(text, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _call(function, args):
    return function(*args)


def worker_count(jobs: int) -> int:
    return max(1, min(jobs, os.cpu_count() or 1))


def synthesize_all(
    jobs: Iterable[tuple[str, Path]],
    settings: VoiceSettings,
    *,
    workers: int | None = None,
    on_done: Callable[[Path], None] | None = None,
) -> int:
    """Synthesize each (spoken text, WAV path) pair; return how many were made.

    Work is spread over ``workers`` spawned processes (default: one per core)
    and taken in the order given. ``on_done`` is called in this thread as each
    WAV is finished; an exception from it stops the synthesis.
    """
    jobs = list(jobs)
    if not jobs:
        return 0
    count = worker_count(workers or len(jobs))
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker, initargs=(settings,))
    try:
        futures = [pool.submit(_synthesize_one, text, str(path)) for text, path in jobs]
        for future in as_completed(futures):
            done = future.result()
            if on_done:
                on_done(Path(done))
    except BrokenProcessPool as error:
        pool.shutdown(wait=True, cancel_futures=True)
        raise SpeechError(f"a speech worker stopped unexpectedly ({error})") from None
    except BaseException:
        # A failure (here or in ``on_done``) stops the work still queued at once.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return len(jobs)


def run_in_worker(function: Callable, *args):
    """Run ``function(*args)`` in a fresh spawned process and return its result.

    For anything that starts espeak-ng (listing voices, phonemes): espeak
    can be initialised only once per process, and this process stays clean.
    ``function`` must be a module-level function and ``args`` picklable.
    """
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            return pool.submit(_call, function, args).result()
    except BrokenProcessPool as error:
        raise SpeechError(f"a speech worker stopped unexpectedly ({error})") from None
