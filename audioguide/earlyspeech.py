"""Speech workers started when a build starts, so their engines start while the leaflet
is read and narrated and the chapters are compared with the last build's.

A worker takes a good part of a second to start its engine; a build that
needs a few sentences (an edited one) would otherwise wait for it after all
the reading is done. A folder with an earlier build gets one worker (an edit
needs few sentences); an empty one gets one per core (everything is to be
said). When the build finds it needs no sentence at all, the workers are
stopped in the background, and when it needs more than one worker can say
soon, the build starts its usual pool instead.
"""

from __future__ import annotations

import os
import threading

from .speech import VoiceSettings
from .speech.cache import seal_entry
from .speech.pool import SpeechPool, worker_count

#: More sentences than this are said by a pool of one worker per core, not by one worker
#: (a second worker's start costs about what one worker takes over a few sentences).
ONE_WORKER_SENTENCES = 12


class EarlyWorkers:
    """Workers for one build's voice, started now; ``pool_for`` tells the build whether to use them."""

    def __init__(self, settings: VoiceSettings, workers: int | None, has_build: bool):
        """``has_build``: the build folder holds an earlier build (one worker will do)."""
        self.full = worker_count(workers or os.cpu_count() or 1)
        self.count = 1 if has_build else self.full
        self._pool: SpeechPool | None = SpeechPool(settings, self.count, seal=seal_entry)

    def pool_for(self, sentences: int) -> SpeechPool | None:
        """The workers, when they are the right ones for ``sentences`` sentences; else
        None (they are stopped, without waiting for them)."""
        if self._pool is not None and sentences and (self.count >= self.full or sentences <= ONE_WORKER_SENTENCES):
            return self._pool
        self.abandon()
        return None

    def abandon(self) -> None:
        """Stop the workers without waiting for them (the build does not use them)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            threading.Thread(target=pool.close, name="early-speech-stop", daemon=True).start()

    def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close()
