"""One speech worker process: it starts an engine once, then says one sentence per message.

The parent side (``_Worker``) starts it *spawned* and holds its pipe; the
pool (``pool.py``) decides what each worker says and watches them.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

from ..files import atomic_path
from .base import SpeechError, VoiceSettings
from .registry import create_engine

#: Called in a worker with (the whole WAV under its temporary name, its final path).
Seal = Callable[[Path, Path], None]


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
    starts = 0  # workers started in this process

    def __init__(self, context, settings: VoiceSettings, seal: Seal | None = None):
        _Worker.starts += 1
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(settings, child, seal), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.job: tuple | None = None  # (the batch, the sentence's place in it)
        self.since = time.monotonic()  # when it started, or was given its sentence

    def give(self, job: tuple, sentence: tuple[str, str]) -> None:
        self.connection.send(sentence)
        self.job, self.since = job, time.monotonic()

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
