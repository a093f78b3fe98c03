"""The built-in guide's audio against a stored reference made by the previous
mastering code (tests/data/audio_reference.json): every cue and chapter length
to the millisecond, and loudness, true peak and the gain search's aim within
a few hundredths. Regenerate the reference only for an intended change:

    python -m tests.test_audio_reference BUILD_DIR CACHE_DIR
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from audioguide.build import needed_cache_keys
from audioguide.guides import load_guide
from audioguide.manifest import load_manifest
from audioguide.speech import SegmentCache

REFERENCE = Path(__file__).parent / "data" / "audio_reference.json"
#: Measured values are rounded to 0.01 in the manifest; the meters may move one step.
LEVEL_TOLERANCE = 0.02


def sentences_digest(cache: SegmentCache) -> str:
    """One digest of every sentence WAV the built-in guide uses: the reference holds
    only for the same synthesized speech (the same espeak-ng)."""
    digest = hashlib.sha256()
    for key in sorted(needed_cache_keys(load_guide(), cache)):
        digest.update(cache.path(key).read_bytes())
    return digest.hexdigest()


def audio_summary(build_dir: Path, cache: SegmentCache) -> dict:
    manifest = load_manifest(build_dir)
    return {
        "sentences": sentences_digest(cache),
        "chapters": [
            {
                "duration_ms": c.duration_ms,
                "cues": [[s.start_ms, s.end_ms] for s in c.segments],
                "loudness_lufs": c.loudness_lufs,
                "true_peak_dbtp": c.true_peak_dbtp,
                "gain_aim_lufs": c.gain_aim_lufs,
                "limiter_ceiling_dbfs": c.limiter_ceiling_dbfs,
            }
            for c in manifest.chapters
        ],
    }


def test_built_in_guide_sounds_as_the_reference_says(built_guide, segment_cache):
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    summary = audio_summary(built_guide, segment_cache)
    if summary["sentences"] != reference["sentences"]:
        pytest.skip("this espeak-ng says the sentences differently from the one the reference was made with")
    assert len(summary["chapters"]) == len(reference["chapters"])
    for number, (got, want) in enumerate(zip(summary["chapters"], reference["chapters"]), start=1):
        assert got["duration_ms"] == want["duration_ms"], number
        assert got["cues"] == want["cues"], number
        for name in ("loudness_lufs", "true_peak_dbtp", "gain_aim_lufs", "limiter_ceiling_dbfs"):
            assert abs(got[name] - want[name]) <= LEVEL_TOLERANCE, (number, name, got[name], want[name])


if __name__ == "__main__":
    summary = audio_summary(Path(sys.argv[1]), SegmentCache(Path(sys.argv[2])))
    REFERENCE.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
