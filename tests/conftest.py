"""Shared fixtures: one real build of the built-in guide per test session.

The build uses the real engine and the real ffmpeg; later tests read it,
so the suite synthesizes the guide once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audioguide.build import build_guide
from audioguide.guides import load_guide
from audioguide.speech import SegmentCache


@pytest.fixture(scope="session")
def segment_cache(tmp_path_factory) -> SegmentCache:
    return SegmentCache(tmp_path_factory.mktemp("segment-cache"))


@pytest.fixture(scope="session")
def build_result(tmp_path_factory, segment_cache):
    build_dir = tmp_path_factory.mktemp("build") / "dystonia"
    return build_guide(load_guide(), build_dir, cache=segment_cache)


@pytest.fixture(scope="session")
def built_guide(build_result) -> Path:
    """A real build directory of the built-in dystonia guide (do not modify it)."""
    return build_result.build_dir


@pytest.fixture(scope="session")
def ffprobe() -> str:
    path = shutil.which("ffprobe")
    if not path:
        pytest.fail("ffprobe is needed by the tests: run scripts/test, which installs ffmpeg")
    return path
