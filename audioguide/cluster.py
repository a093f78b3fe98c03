"""Building a library past one machine: each guide is one task on a Dask scheduler.

Only imported with ``--cluster``: Dask (the ``cluster`` extra) is never loaded
otherwise. Every worker needs audioguide installed and the same paths to
the leaflets and the library (a shared folder); the sentence cache is the
worker's own unless ``--cache-dir`` names a shared one too.

Our speech workers are processes, and a daemonic process cannot start
children: a Dask worker must run with ``distributed.worker.daemon: False``
(``DASK_DISTRIBUTED__WORKER__DAEMON=False`` in its environment). The client
sets it in its own configuration, so a cluster it starts itself inherits it,
and a task on a worker without it fails at once, saying so.
"""

from __future__ import annotations

import atexit
import multiprocessing
import threading
from pathlib import Path
from typing import Iterator

from .build import BuildResult, build_guide
from .errors import UserError
from .guides import Guide
from .speech import SegmentCache
from .speech.cache import seal_entry
from .speech.pool import SpeechPool

DAEMON_SETTING = "distributed.worker.daemon"
#: Seconds to wait for the scheduler to answer.
CONNECT_TIMEOUT_S = 30


class ClusterError(UserError, RuntimeError):
    """The cluster cannot be used (not installed, no answer, daemonic workers)."""


def dask_config() -> dict:
    """What audioguide's tasks need of a Dask worker's configuration."""
    return {DAEMON_SETTING: False}


def build_on_cluster(address: str, jobs: list[tuple[Guide, Path]], cache_dir: Path | None,
                     workers: int | None) -> Iterator[tuple[int, "BuildResult | BaseException"]]:
    """Build each (guide, build folder) as one task on the scheduler at ``address``;
    yield (its index, its BuildResult or the error it raised) as each finishes."""
    try:
        import dask
        from distributed import Client, as_completed
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'audioguide[cluster]'") from None
    dask.config.set(dask_config())
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"{address}: no Dask scheduler answers there ({error})") from None
    with client:
        futures = {
            client.submit(build_task, guide, str(Path(build_dir).absolute()),
                          str(Path(cache_dir).absolute()) if cache_dir else None, workers,
                          key=f"audioguide-{guide.slug}-{index}-{id(jobs)}", pure=False): index
            for index, (guide, build_dir) in enumerate(jobs)
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                try:
                    yield futures[future], future.result()
                except Exception as error:  # the task's own error, raised again here
                    yield futures[future], error
        finally:
            client.cancel(list(futures))


def build_task(guide: Guide, build_dir: str, cache_dir: str | None, workers: int | None) -> BuildResult:
    """One guide's build, run on a Dask worker; its speech pool stays for the next guide."""
    if multiprocessing.current_process().daemon:
        raise ClusterError(
            f"{build_dir}: the Dask worker is a daemonic process, which cannot start speech workers; "
            f"start the workers with {DAEMON_SETTING}: False (DASK_DISTRIBUTED__WORKER__DAEMON=False)")
    return build_guide(guide, Path(build_dir), cache=SegmentCache(Path(cache_dir) if cache_dir else None),
                       workers=workers, speech_pool=_worker_pool(guide, workers))


_pools: dict = {}
_pools_lock = threading.Lock()


def _worker_pool(guide: Guide, workers: int | None) -> SpeechPool:
    """The speech pool of this Dask worker process for the guide's voice, started by
    its first guide and kept for the next (its processes end with the worker's)."""
    with _pools_lock:
        if guide.voice not in _pools or not _pools[guide.voice].usable:
            _pools[guide.voice] = SpeechPool(guide.voice, workers, seal=seal_entry)
            atexit.register(_pools[guide.voice].close)  # its workers stop with the Dask worker
        return _pools[guide.voice]
