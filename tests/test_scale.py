"""Builds at scale: memory that does not grow with the number of chapters, chapters that
stream through mastering, reuse that leaves finished files alone, and progress a person
can follow. Nothing here is timed: speed is measured by scripts/bench."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import threading
import time
import tracemalloc
import wave
from pathlib import Path

import pytest

from audioguide.audio import AudioSettings, ChapterTags, master_chapter
from audioguide.audio.mp3 import audio_frames, audio_span
from audioguide.build import BuildPlan, Progress, build_guide, chapter_timeline
from audioguide.guides import load_guide
from audioguide.manifest import MANIFEST_NAME, load_manifest
from audioguide.narration import ChapterScript, Segment
from audioguide.speech import SegmentCache, VoiceSettings, synthesize_all

from .archives import materialised

SENTENCES = [
    "Dystonia makes muscles tighten when you do not want them to.",
    "Rest your eyes in a dim room when the light feels too bright.",
    "A short walk each day can ease stiffness in the neck.",
]


def leaflet(chapters: int) -> str:
    """A leaflet of ``chapters`` short sections, each a title and three sentences."""
    parts = ["Living with dystonia", ""]
    for number in range(1, chapters + 1):
        parts += [f"Part {number}", "", " ".join(SENTENCES[(number + i) % 3] for i in range(3)), ""]
    return "\n".join(parts)


#: Whether the kernel lists each thread's children (CONFIG_PROC_CHILDREN).
LISTS_CHILDREN = os.path.exists(f"/proc/self/task/{os.getpid()}/children")


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found  # it has ended
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
        except OSError:
            pass  # the thread has ended
    return found


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process under it, from each one's own list of its children: far
    less work than reading every process on the machine, so the polling takes less CPU
    from the build it measures (the whole of /proc where the kernel keeps no such list)."""
    if not LISTS_CHILDREN:
        return _descendants_from_every_process(pid)
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += _children(current)
    return found


def _descendants_from_every_process(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue += children.get(current, [])
    return found


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_tree_rss(command: list[str]) -> int:
    """Run ``command`` and return the largest total resident memory of it and all its children."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(_rss_bytes(pid) for pid in _descendants(process.pid)))
        time.sleep(0.02)
    assert process.returncode == 0, process.stderr.read()
    return peak


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
def test_peak_memory_of_a_build_does_not_grow_with_the_number_of_chapters(tmp_path):
    peaks = {}
    for chapters in (6, 48):
        folder = tmp_path / str(chapters)
        folder.mkdir()
        source = folder / "leaflet.txt"
        source.write_text(leaflet(chapters), encoding="utf-8")
        peaks[chapters] = peak_tree_rss([
            sys.executable, "-m", "audioguide", "build", str(source), "-o", str(folder / "out"),
            "--cache-dir", str(folder / "cache"), "--quiet"])
        assert len(load_manifest(folder / "out").chapters) == chapters
    # Eight times the chapters; the same few processes at once, each holding at
    # most one chapter's working set. Generous: RSS counts shared libraries once
    # per process, and which processes overlap varies from run to run.
    assert peaks[48] <= peaks[6] * 1.3 + 20e6, peaks
    assert peaks[48] < 400e6, peaks


@pytest.mark.slow
def test_mastering_streams_a_long_chapter_instead_of_holding_its_samples(tmp_path):
    """Twenty minutes of speech: the mastering's own allocations stay well under what
    the chapter's samples alone would take as 16-bit PCM."""
    wavs = [tmp_path / f"{n}.wav" for n in range(len(SENTENCES))]
    synthesize_all(zip(SENTENCES, wavs), VoiceSettings(), workers=1)
    seconds = {}
    for wav in wavs:
        with wave.open(str(wav), "rb") as opened:
            seconds[wav] = opened.getnframes() / opened.getframerate()
    segments, paths, total = [], [], 0.0
    while total < 20 * 60:
        for text, wav in zip(SENTENCES, wavs):
            segments.append(Segment("sentence", text, text, 900))
            paths.append([wav])
            total += seconds[wav] + 0.9
    chapter = ChapterScript(1, "long", "Long", tuple(segments))
    tracemalloc.start()
    try:
        mastered = master_chapter(chapter_timeline(chapter, paths), tmp_path / "long.mp3",
                                  ChapterTags("Long", "Test", "audioguide", 1, 1, "eng"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    pcm_bytes = mastered.duration_ms / 1000 * AudioSettings().sample_rate * 2
    assert mastered.duration_ms > 18 * 60 * 1000
    assert peak < 0.6 * pcm_bytes, (peak, pcm_bytes)
    assert -16.5 <= mastered.loudness_lufs <= -15.5 and mastered.true_peak_dbtp <= -1.7


def test_info_frame_counts_agree_with_walking_every_frame(built_guide):
    manifest = load_manifest(built_guide)
    files = [built_guide / c.audio.path for c in manifest.chapters]
    files.append(materialised(built_guide, manifest.downloads["full_guide"]))  # no Info frame: walked
    for path in files:
        data = path.read_bytes()
        span, frames = audio_span(data), audio_frames(data)
        assert (span.start, span.end) == (frames[0].offset, frames[-1].offset + frames[-1].length), path
        assert (span.frames, span.samples) == (len(frames), sum(f.samples for f in frames)), path


def test_rebuild_with_no_change_leaves_the_manifest_and_downloads_untouched(
        built_guide, segment_cache, tmp_path):
    """Nothing it holds changed, so the feed's date and every download stay as they were."""
    build_dir = tmp_path / "dystonia"
    shutil.copytree(built_guide, build_dir)
    before = {path: path.stat().st_mtime_ns for path in build_dir.rglob("*") if path.is_file()}
    manifest_bytes = (build_dir / MANIFEST_NAME).read_bytes()
    result = build_guide(load_guide(), build_dir, cache=segment_cache)
    assert (result.mastered, result.rebuilt_downloads) == ((), False)
    assert (build_dir / MANIFEST_NAME).read_bytes() == manifest_bytes
    after = {path: path.stat().st_mtime_ns for path in build_dir.rglob("*") if path.is_file()}
    assert {p: t for p, t in after.items() if p.name != ".build.lock"} == \
        {p: t for p, t in before.items() if p.name != ".build.lock"}


def test_progress_follows_sentences_and_chapters(tmp_path):
    source = tmp_path / "leaflet.txt"
    source.write_text(leaflet(3), encoding="utf-8")
    plans: list[BuildPlan] = []
    said: list[int] = []
    chapters: list[tuple[int, int]] = []
    lock = threading.Lock()

    def on_chapter(entry):
        with lock:
            chapters.append((entry.number, len(entry.segments)))

    progress = Progress(on_plan=plans.append, on_segment=lambda: said.append(1), on_chapter=on_chapter)
    result = build_guide(load_guide(source), tmp_path / "out", cache=SegmentCache(tmp_path / "cache"),
                         progress=progress)
    (plan,) = plans
    assert plan.synthesize == result.synthesized == len(said) > 0
    assert plan.cached == result.cached
    assert sorted(chapters) == [(c.number, len(c.segments)) for c in result.manifest.chapters]
    assert plan.chapters == 3 and plan.segments == sum(n for _, n in chapters)
    assert [name for name, _ in result.stages] == ["synthesized", "mastered", "downloads"]


def test_progress_bar_on_a_terminal_and_none_in_a_pipe_or_with_quiet(tmp_path):
    source = tmp_path / "leaflet.txt"
    source.write_text(leaflet(2), encoding="utf-8")
    command = [sys.executable, "-m", "audioguide", "build", str(source), "-o", str(tmp_path / "out"),
               "--cache-dir", str(tmp_path / "cache")]

    # A terminal: the bar is drawn on stderr, with sentences said and minutes of audio made.
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24 rows, 100 columns
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        drawn += chunk
    stdout = process.communicate(timeout=120)[0]
    os.close(leader)
    assert process.returncode == 0
    text = drawn.decode(errors="replace")
    assert "Building" in text and "said" in text and "min of audio" in text, text
    assert stdout.startswith("Built 2 chapters")

    # A pipe (as in CI): no bar; the summary alone, on stdout.
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert piped.stderr == ""
    assert piped.stdout.startswith("Built 2 chapters")

    quiet = subprocess.run([*command, "--quiet"], capture_output=True, text=True, check=True)
    assert (quiet.stdout, quiet.stderr) == ("", "")

    summary = json.loads(subprocess.run([*command, "--json"], capture_output=True, text=True,
                                        check=True).stdout)
    assert summary["chapters"] == 2 and summary["synthesized"] == 0 and summary["mastered"] == 0
    assert summary["downloads_rebuilt"] is False
    assert set(summary["stages"]) == {"synthesized", "mastered", "downloads"}
