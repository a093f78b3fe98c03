"""The built-in guide's audio against a stored reference made by the previous
mastering code (tests/data/audio_reference.json): every cue and chapter length
to the millisecond, and loudness, true peak and the gain search's aim within
a few hundredths.

The sentences are said by the espeak-ng command itself, which says a text the
same way every time (the default voice, through its speech library, does not:
a WAV can come out a few samples longer), and stored in the cache under the
keys the build looks up. Regenerate the reference only for an intended change:

    python -m tests.test_audio_reference WORK_DIR
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audioguide.build import build_guide, script_for, sentence_part_keys
from audioguide.guides import load_guide
from audioguide.manifest import load_manifest
from audioguide.narration import breath_groups
from audioguide.speech import SegmentCache, engine_identity
from audioguide.speech.cache import seal_entry

REFERENCE = Path(__file__).parent / "data" / "audio_reference.json"
#: Measured values are rounded to 0.01 in the manifest; the meters may move one step.
LEVEL_TOLERANCE = 0.02


def said_by_espeak(cache: SegmentCache) -> str:
    """Fill ``cache`` with every sentence part of the built-in guide, said by the
    espeak-ng command; return one digest of them all (the reference holds only for
    the same speech, so for the same espeak-ng)."""
    guide = load_guide()
    keys = sentence_part_keys(guide, script_for(guide), cache, engine_identity(guide.voice))
    parts = {key: part for chapter, chapter_keys in zip(script_for(guide).chapters, keys)
             for segment, segment_keys in zip(chapter.segments, chapter_keys)
             for part, key in zip(breath_groups(segment.spoken), segment_keys)}
    digest = hashlib.sha256()
    # In the order of the texts, not of the keys: a key also holds the voice's settings
    # (its rate), which the command does not use, so the digest names only the speech.
    for key, text in sorted(parts.items(), key=lambda item: item[1]):
        path = cache.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([shutil.which("espeak-ng") or "espeak-ng", "-v", "en-gb", "-w", str(path), text],
                       check=True, capture_output=True)
        seal_entry(path, path)
        digest.update(text.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def audio_summary(work: Path) -> dict:
    cache = SegmentCache(work / "cache")
    sentences = said_by_espeak(cache)
    build_dir = work / "build"
    result = build_guide(load_guide(), build_dir, cache=cache)
    assert result.synthesized == 0
    return {
        "sentences": sentences,
        "chapters": [
            {
                "duration_ms": c.duration_ms,
                "cues": [[s.start_ms, s.end_ms] for s in c.segments],
                "loudness_lufs": c.loudness_lufs,
                "true_peak_dbtp": c.true_peak_dbtp,
                "gain_aim_lufs": c.gain_aim_lufs,
                "limiter_ceiling_dbfs": c.limiter_ceiling_dbfs,
            }
            for c in load_manifest(build_dir).chapters
        ],
    }


def test_built_in_guide_sounds_as_the_reference_says(tmp_path):
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    summary = audio_summary(tmp_path)
    if summary["sentences"] != reference["sentences"]:
        pytest.skip("this espeak-ng says the sentences differently from the one the reference was made with")
    assert len(summary["chapters"]) == len(reference["chapters"]) == 5
    for number, (got, want) in enumerate(zip(summary["chapters"], reference["chapters"]), start=1):
        assert got["duration_ms"] == want["duration_ms"], number
        assert got["cues"] == want["cues"], number
        for name in ("loudness_lufs", "true_peak_dbtp", "gain_aim_lufs", "limiter_ceiling_dbfs"):
            assert abs(got[name] - want[name]) <= LEVEL_TOLERANCE, (number, name, got[name], want[name])


if __name__ == "__main__":
    REFERENCE.write_text(json.dumps(audio_summary(Path(sys.argv[1])), indent=1) + "\n", encoding="utf-8")
