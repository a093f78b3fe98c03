"""A build killed at any moment (kill -9, as a power cut would) loses nothing
finished: the next build completes, reuses the cache, and every file is whole."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from audioguide.manifest import load_manifest
from audioguide.mastering import ffmpeg_executable

BUILD = [sys.executable, "-m", "audioguide", "build", "--quiet"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decodes_cleanly(path: Path) -> bool:
    result = subprocess.run([ffmpeg_executable(), "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stderr.strip() == ""


def test_kill_9_at_random_moments_then_build_again(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = [*BUILD, "-o", str(out), "--cache-dir", str(cache)]
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    kills = 0
    for _ in range(3):
        # Its own process group, so its speech workers die with it.
        process = subprocess.Popen(args, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = chance.uniform(0.2, 1.5)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 1, f"the build always finished before its kill (seed {seed})"

    result = subprocess.run([*BUILD[:-1], "--json", "-o", str(out), "--cache-dir", str(cache)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"seed {seed}: {result.stderr}"
    summary = json.loads(result.stdout)
    assert summary["cached"] > 0, f"seed {seed}: nothing was reused"

    manifest = load_manifest(out)
    listed = manifest.files()
    for relative, ref in listed.items():
        path = out / relative
        assert path.stat().st_size == ref.bytes and sha256(path) == ref.sha256, f"seed {seed}: {relative}"
        if relative.endswith(".mp3"):
            assert decodes_cleanly(path), f"seed {seed}: {relative} does not decode cleanly"
    left = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert left - set(listed) <= {"manifest.json", ".build.lock"}, f"seed {seed}: strays {left - set(listed)}"
