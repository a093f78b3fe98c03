"""A library built through a Dask scheduler gives the same guides as a local build.

A real LocalCluster of two worker processes, run with
``distributed.worker.daemon: False`` as audioguide's tasks need (each starts
speech worker processes of its own)."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

pytest.importorskip("distributed")

import dask  # noqa: E402
from distributed import LocalCluster  # noqa: E402

from audioguide.cluster import ClusterError, build_task, dask_config  # noqa: E402
from audioguide.guides import load_guide  # noqa: E402
from audioguide.library import build_library  # noqa: E402
from audioguide.library_manifest import load_library  # noqa: E402
from audioguide.speech import SegmentCache  # noqa: E402

LEAFLETS = {
    "first.txt": "Taking tablets\n\nWhen\n\nTake one tablet in the morning with water.\n",
    "second.md": "# Eye drops\n\n## How\n\nPut one drop in each eye at night.\n",
}


def without_build_time(folder: Path) -> dict:
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data.pop("built_at")
    for book in data.get("formats", {}).values():  # an EPUB holds its build's date (dcterms:modified)
        for ref in (book["download"], book["download"].get("parts") or {}):  # assembled: its description too
            for key in ("sha256", "bytes"):
                ref.pop(key, None)
        book.pop("fingerprint")
    return data


def test_a_library_built_on_a_dask_cluster_matches_a_local_build(tmp_path):
    sources = tmp_path / "leaflets"
    sources.mkdir()
    for name, text in LEAFLETS.items():
        (sources / name).write_text(text, encoding="utf-8")
    cache = SegmentCache(tmp_path / "cache")  # shared, as a shared folder is between machines
    local = build_library([sources], tmp_path / "local", cache=cache, workers=1)
    assert local.problems == () and len(local.built) == 2

    with dask.config.set(dask_config()), LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                      dashboard_address=None) as cluster:
        remote = build_library([sources], tmp_path / "remote", cache=SegmentCache(tmp_path / "cache"),
                               workers=1, cluster=cluster.scheduler_address)
    assert remote.problems == () and remote.built == local.built
    for slug in local.built:
        assert without_build_time(tmp_path / "remote" / slug) == without_build_time(tmp_path / "local" / slug)
    entries = [(e.slug, e.title, e.chapters, e.duration_ms) for e in load_library(tmp_path / "remote").guides]
    assert entries == [(e.slug, e.title, e.chapters, e.duration_ms) for e in load_library(tmp_path / "local").guides]


def _daemonic_task(guide, build_dir, queue):
    try:
        build_task(guide, build_dir, None, 1)
        queue.put("built")
    except ClusterError as error:
        queue.put(str(error))


def test_a_daemonic_worker_is_told_what_to_set(tmp_path):
    """What a Dask worker left with its default (daemonic) gets: one line naming the setting."""
    leaflet = tmp_path / "first.txt"
    leaflet.write_text(LEAFLETS["first.txt"], encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_daemonic_task, args=(load_guide(leaflet), str(tmp_path / "out"), queue),
                              daemon=True)
    process.start()
    message = queue.get(timeout=120)
    process.join()
    assert "distributed.worker.daemon: False" in message
    assert not (tmp_path / "out").exists()
