"""Measure audioguide against the floor, on a small and a large generated leaflet.

Run through scripts/bench, which installs what it needs. Everything is
measured in one run and reported as medians and ratios, because a shared
two-core machine is noisy: a ratio taken minutes apart means little.

The floor for a leaflet is what no build can beat by much: bare espeak-ng
saying the same spoken text (serially, one process, like the engine's own
command line) plus one ffmpeg encode of all that audio to the project's MP3
settings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audioguide.build import script_for  # noqa: E402
from audioguide.guides import load_guide  # noqa: E402
from audioguide.mastering import AudioSettings, ffmpeg_executable  # noqa: E402
from audioguide.narration import breath_groups  # noqa: E402

WORDS = (
    "muscle nerve brain signal movement tremor spasm doctor treatment therapy exercise sleep "
    "stress posture neck shoulder hand arm eyelid voice jaw tongue walking writing reading "
    "medicine injection surgery symptom condition family support daily tasks pain fatigue "
    "balance speech swallowing vision light screen rest routine diary specialist clinic"
).split()
TERMS = ["cervical dystonia", "writer's cramp", "botulinum toxin", "deep brain stimulation",
         "physiotherapy", "blepharospasm", "spasmodic dysphonia", "sensory trick"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    if rng.random() < 0.3:
        words.insert(rng.randint(2, len(words) - 1), f"({rng.choice(TERMS)})")
    if rng.random() < 0.2:
        words.insert(rng.randint(1, len(words) - 1), f"{rng.randint(2, 90)}")
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def leaflet(words: int, seed: int = 7) -> str:
    """A deterministic leaflet of about ``words`` words: sections, paragraphs, lists, asides."""
    rng = random.Random(seed)
    parts = ["Living with dystonia", ""]
    count = section = 0
    while count < words:
        section += 1
        parts += [f"Part {section} {rng.choice(WORDS)} and {rng.choice(WORDS)}", ""]
        for _ in range(rng.randint(3, 6)):
            if rng.random() < 0.3:
                parts += ["You might notice:", ""]
                for _ in range(rng.randint(3, 8)):
                    item = sentence(rng)
                    parts += [f"● {item}", ""]
                    count += len(item.split())
            else:
                paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
                parts += [paragraph, ""]
                count += len(paragraph.split())
    return "\n".join(parts) + "\n"


def median_time(function, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


class PeakMemory:
    """Peak resident memory of a process and all its children, sampled every 20 ms."""

    def __init__(self, process: subprocess.Popen):
        self.process = psutil.Process(process.pid)
        self.peak = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        while True:
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for member in tree:
                    try:
                        total += member.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            time.sleep(0.02)


def run_build(source: Path, out: Path, cache: Path) -> tuple[float, int, dict]:
    """One `audioguide build` as a user runs it; (seconds, peak RSS bytes, JSON summary)."""
    command = [sys.executable, "-m", "audioguide", "build", str(source), "-o", str(out),
               "--cache-dir", str(cache), "--json"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"build failed: {stderr}")
    return seconds, memory.peak, json.loads(stdout)


def espeak_command() -> list[str]:
    found = shutil.which("espeak-ng")
    if not found:
        raise SystemExit("espeak-ng is needed for the floor: scripts/bench installs it")
    return [found]


def floor(source: Path, work: Path, voice: str, rate: int) -> tuple[float, float, float]:
    """(espeak-ng seconds, ffmpeg encode seconds, audio seconds) for the leaflet's spoken text."""
    script = script_for(load_guide(source))
    parts = [part for segment in script.segments for part in breath_groups(segment.spoken)]
    text_file = work / "spoken.txt"
    text_file.write_text("\n".join(parts) + "\n", encoding="utf-8")
    wav = work / "floor.wav"
    started = time.perf_counter()
    subprocess.run([*espeak_command(), "-v", voice.split("/")[-1], "-s", str(rate),
                    "-f", str(text_file), "-w", str(wav)], check=True, capture_output=True)
    speak = time.perf_counter() - started
    settings = AudioSettings()
    started = time.perf_counter()
    subprocess.run([ffmpeg_executable(), "-v", "error", "-y", "-i", str(wav), "-ac", "1",
                    "-ar", str(settings.sample_rate), "-c:a", "libmp3lame",
                    "-b:a", f"{settings.bitrate_kbps}k", str(work / "floor.mp3")], check=True)
    encode = time.perf_counter() - started
    audio_seconds = (wav.stat().st_size - 44) / 2 / 22050
    return speak, encode, audio_seconds


def bench_leaflet(name: str, words: int, repeats: int, work: Path) -> dict:
    folder = work / name
    folder.mkdir()
    source = folder / f"{name}.txt"
    source.write_text(leaflet(words), encoding="utf-8")
    guide = load_guide(source)
    result: dict = {"words": len(source.read_text().split())}

    floors = [floor(source, folder, guide.voice.voice, guide.voice.rate) for _ in range(repeats)]
    result["floor_espeak_s"] = statistics.median(f[0] for f in floors)
    result["floor_encode_s"] = statistics.median(f[1] for f in floors)
    result["floor_s"] = statistics.median(f[0] + f[1] for f in floors)
    result["audio_minutes"] = round(floors[0][2] / 60, 1)

    cold, cold_memory = [], []
    for attempt in range(repeats):
        out, cache = folder / f"cold-{attempt}", folder / f"cache-{attempt}"
        seconds, peak, summary = run_build(source, out, cache)
        cold.append(seconds)
        cold_memory.append(peak)
    result["cold_s"] = statistics.median(cold)
    result["cold_peak_mb"] = round(max(cold_memory) / 1e6)
    result["chapters"] = summary["chapters"]

    out, cache = folder / "cold-0", folder / "cache-0"
    warm = [run_build(source, out, cache) for _ in range(repeats)]
    result["warm_s"] = statistics.median(w[0] for w in warm)
    result["warm_peak_mb"] = round(max(w[1] for w in warm) / 1e6)

    edits = []
    text = source.read_text(encoding="utf-8")
    for attempt in range(repeats):
        marker = "You might notice:"
        position = text.index(marker, len(text) // 2)
        edited = text[:position] + f"You might also notice {attempt}:" + text[position + len(marker):]
        source.write_text(edited, encoding="utf-8")
        edits.append(run_build(source, out, cache))
        source.write_text(text, encoding="utf-8")
        run_build(source, out, cache)  # back to the original, not timed
    result["edit_s"] = statistics.median(e[0] for e in edits)
    result["edit_synthesized"] = edits[0][2]["synthesized"]
    result["cold_vs_floor"] = round(result["cold_s"] / result["floor_s"], 2)
    result["warm_vs_cold"] = round(result["warm_s"] / result["cold_s"], 3)
    return result


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, "
            f"{round(psutil.virtual_memory().total / 2**30)} GiB, Python {platform.python_version()}")


def print_table(results: dict) -> None:
    rows = [
        ("leaflet", "words", "audio min", "floor s", "cold s", "cold/floor", "warm s", "warm/cold",
         "1 edit s", "peak MB"),
    ]
    for name, r in results["builds"].items():
        rows.append((name, r["words"], r["audio_minutes"], f"{r['floor_s']:.1f}", f"{r['cold_s']:.1f}",
                     f"{r['cold_vs_floor']:.2f}", f"{r['warm_s']:.2f}", f"{r['warm_vs_cold']:.3f}",
                     f"{r['edit_s']:.1f}", r["cold_peak_mb"]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large-words", type=int, default=50_000)
    parser.add_argument("--small-words", type=int, default=5_000)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()

    results: dict = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                     "builds": {}}
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as work:
        work = Path(work)
        for name, words in (("small", args.small_words), ("large", args.large_words)):
            print(f"Building the {name} leaflet ({words} words), {args.repeats} times each...",
                  file=sys.stderr)
            results["builds"][name] = bench_leaflet(name, words, args.repeats, work)
        small, large = results["builds"]["small"], results["builds"]["large"]
        results["growth_time"] = round(large["cold_s"] / small["cold_s"], 2)
        results["growth_memory"] = round(large["cold_peak_mb"] / small["cold_peak_mb"], 2)
        try:
            from bench_server import bench_server
        except ImportError:
            bench_server = None
        if bench_server:
            results["server"] = bench_server(work / "large" / "cold-0")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"Machine: {results['machine']}")
    print_table(results)
    print(f"Large/small cold build time: {results['growth_time']}x; "
          f"peak memory: {results['growth_memory']}x")
    if "server" in results:
        print("Server:", json.dumps(results["server"]))
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
