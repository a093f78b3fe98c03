"""A build killed at any moment (kill -9, as a power cut would) loses nothing
finished: the next build completes, reuses the cache, and every file is whole."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from audioguide.content import parse_file
from audioguide.guides import builtin_guide_dir
from audioguide.manifest import load_manifest
from audioguide.audio import ffmpeg_executable
from audioguide.narration import split_sentences

BUILD = [sys.executable, "-m", "audioguide", "build", "--quiet"]
SEGMENT_NAME = re.compile(r"[0-9a-f]{64}\.wav")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decodes_cleanly(path: Path) -> bool:
    result = subprocess.run([ffmpeg_executable(), "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stderr.strip() == ""


def finished_segments(cache: Path) -> set[str]:
    """Cache entries that were renamed into place (a worker's temporary file is not one)."""
    return {p.stem for p in cache.glob("*/*.wav") if SEGMENT_NAME.fullmatch(p.name)}


def wait_for_first_segment(cache: Path, process: subprocess.Popen, limit_s: float = 120) -> None:
    deadline = time.monotonic() + limit_s
    while not finished_segments(cache) and process.poll() is None:
        assert time.monotonic() < deadline, f"no sentence reached the cache within {limit_s:g} s"
        time.sleep(0.02)


# Sentences a build may finish before its kill; the leaflet has more than the
# three kills together can let through, whatever the machine's speed.
NEW_SENTENCES_PER_KILL = 15
#: Parts of ten sentences in the leaflet: sixty, so at least fifteen are still to say
#: after the three kills (and the last build has both cached and new sentences).
PARTS = 6


def wait_until_killed_or_far_enough(cache: Path, process: subprocess.Popen, seconds: float) -> None:
    """Wait ``seconds``, or less: until NEW_SENTENCES_PER_KILL more sentences are in the cache.

    A fast machine then still has most of the leaflet to say when the kill lands,
    so the kill can never find a build that has published its manifest.
    """
    limit = len(finished_segments(cache)) + NEW_SENTENCES_PER_KILL
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if len(finished_segments(cache)) >= limit:
            return
        time.sleep(0.02)


def long_leaflet() -> str:
    """The built-in leaflet's sentences, made unique: PARTS parts of ten sentences.

    Each kill lets a build finish at most NEW_SENTENCES_PER_KILL more sentences,
    so the three kills leave at least a quarter of the sixty still to say.
    """
    document = parse_file(builtin_guide_dir() / "dystonia.txt")
    sentences = [sentence for section in document.sections for block in section.blocks
                 for text in block.texts for sentence in split_sentences(text)]
    parts = ["Living with dystonia, the long version", ""]
    for number in range(1, PARTS + 1):
        chosen = [sentences[(number * 10 + n) % len(sentences)] for n in range(10)]
        parts += [f"Part {number}", "", " ".join(f"In part {number}: {s}" for s in chosen), ""]
    return "\n".join(parts)


def test_kill_9_at_random_moments_then_build_again(tmp_path):
    out, cache, source = tmp_path / "out", tmp_path / "cache", tmp_path / "long.txt"
    source.write_text(long_leaflet(), encoding="utf-8")
    assert 10 * PARTS > 3 * NEW_SENTENCES_PER_KILL  # no kill can find a finished build
    args = [*BUILD, str(source), "-o", str(out), "--cache-dir", str(cache)]
    # A failure names its seed; AUDIOGUIDE_KILL_SEED=<seed> replays the same kill times.
    seed = int(os.environ.get("AUDIOGUIDE_KILL_SEED") or random.randrange(1 << 30))
    chance = random.Random(seed)
    # The first and last kills land at a random moment, which may be before any
    # sentence is done; the middle one waits for the first finished sentence, so
    # the run always has something to reuse however slow the machine is.
    for round_number in range(3):
        # Its own process group, so its speech workers die with it.
        process = subprocess.Popen(args, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if round_number == 1:
            wait_for_first_segment(cache, process)
            wait_until_killed_or_far_enough(cache, process, chance.uniform(0, 1.0))
        else:
            wait_until_killed_or_far_enough(cache, process, chance.uniform(0.2, 1.5))
        assert process.poll() is None, f"seed {seed}: build {round_number + 1} finished before its kill"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (out / "manifest.json").exists(), f"seed {seed}: a killed build published a manifest"
    survived = finished_segments(cache)
    assert survived, f"seed {seed}: no sentence survived the kills"

    result = subprocess.run([*BUILD[:-1], str(source), "--json", "-o", str(out), "--cache-dir", str(cache)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"seed {seed}: {result.stderr}"
    summary = json.loads(result.stdout)
    # Every sentence finished before a kill is whole and is reused, none is said again.
    assert summary["cached"] == len(survived), f"seed {seed}: {summary} vs {len(survived)} in the cache"

    manifest = load_manifest(out)
    listed = manifest.files()
    for relative, ref in listed.items():
        path = out / relative
        assert path.stat().st_size == ref.bytes and sha256(path) == ref.sha256, f"seed {seed}: {relative}"
        if relative.endswith(".mp3"):
            assert decodes_cleanly(path), f"seed {seed}: {relative} does not decode cleanly"
    left = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    # The record of what the build wrote, of what it was made from, and its memo for the next one.
    own = {"manifest.json", ".build.lock", ".audioguide-files", ".audioguide-inputs.json",
           ".audioguide-memo.json"}
    assert left - set(listed) <= own, f"seed {seed}: strays {left - set(listed)}"
