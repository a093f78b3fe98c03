"""The library run of scripts/bench: many generated leaflets built in one command.

``scripts/bench --library N`` (500 by default) writes N deterministic leaflets
of 300 to 2,000 words, measures the floor for all of them (bare espeak-ng
over all their spoken text, then one ffmpeg encode of all that audio,
serially), builds the library cold in one `audioguide build` (wall time, CPU
time, peak memory of every process), rebuilds it with nothing changed, and
then after editing one leaflet. Results go to bench/library.json.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from bench import ROOT, AudioSettings, espeak_command, ffmpeg_executable, leaflet, run_build, timed_run

from audioguide.build import script_for
from audioguide.guides import load_guide
from audioguide.narration import breath_groups


def write_leaflets(folder: Path, count: int) -> list[Path]:
    """``count`` leaflets, each of 300 to 2,000 words, the same on every run."""
    folder.mkdir(parents=True)
    sizes = random.Random(2026)
    paths = []
    for number in range(count):
        text = leaflet(sizes.randint(300, 2000), seed=number)
        text = text.replace("Living with dystonia", f"Leaflet {number + 1}: living with dystonia", 1)
        path = folder / f"leaflet-{number + 1:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def library_floor(paths: list[Path], work: Path) -> dict:
    """Bare espeak-ng over every leaflet's spoken text, then one ffmpeg encode of it all."""
    parts = []
    for path in paths:
        parts += [part for segment in script_for(load_guide(path)).segments for part in breath_groups(segment.spoken)]
    text_file = work / "spoken.txt"
    text_file.write_text("\n".join(parts) + "\n", encoding="utf-8")
    guide = load_guide(paths[0])
    wav = work / "floor.wav"
    speak, speak_cpu = timed_run([espeak_command(), "-v", guide.voice.voice.split("/")[-1], "-s",
                                  str(guide.voice.rate), "-f", str(text_file), "-w", str(wav)])
    settings = AudioSettings()
    # Past 4 GiB (a few hundred leaflets) the WAV header's 32-bit length has wrapped
    # round: ffmpeg is told to read to the end of the file instead of trusting it.
    encode, encode_cpu = timed_run([
        ffmpeg_executable(), "-v", "error", "-y", "-ignore_length", "1", "-i", str(wav), "-ac", "1",
        "-ar", str(settings.sample_rate), "-c:a", "libmp3lame", "-b:a", f"{settings.bitrate_kbps}k",
        str(work / "floor.mp3")])
    audio_seconds = (wav.stat().st_size - 44) / 2 / 22050
    wav.unlink()
    encoded_seconds = (work / "floor.mp3").stat().st_size * 8 / (settings.bitrate_kbps * 1000)
    assert abs(encoded_seconds - audio_seconds) < 0.01 * audio_seconds + 1, \
        f"the floor encoded {encoded_seconds:.0f} s of {audio_seconds:.0f} s of speech"
    return {"espeak_s": round(speak, 2), "encode_s": round(encode, 2), "seconds": round(speak + encode, 2),
            "cpu_seconds": round(speak_cpu + encode_cpu, 2), "audio_minutes": round(audio_seconds / 60, 1)}


def build(sources: Path, library: Path, cache: Path) -> dict:
    """One `audioguide build FOLDER -o LIBRARY`: wall and CPU seconds, peak memory, its summary."""
    run = run_build(sources, library, cache)
    return {"seconds": round(run["seconds"], 2), "cpu_seconds": round(run["cpu_seconds"], 2),
            "peak_rss_mb": round(run["peak_rss_bytes"] / 1e6), "peak_pss_mb": round(run["peak_pss_bytes"] / 1e6),
            "summary": run["summary"]}


def bench_library(count: int, work: Path) -> dict:
    sources = work / "leaflets"
    paths = write_leaflets(sources, count)
    result: dict = {"leaflets": count, "words": sum(len(p.read_text(encoding="utf-8").split()) for p in paths)}
    print(f"[library] floor for {count} leaflets: espeak-ng + one ffmpeg encode", file=sys.stderr)
    result["floor"] = library_floor(paths, work)
    print(f"[library] cold build of {count} leaflets in one command", file=sys.stderr)
    library, cache = work / "library", work / "cache"
    result["cold"] = build(sources, library, cache)
    print("[library] rebuild with nothing changed", file=sys.stderr)
    result["unchanged"] = build(sources, library, cache)
    print("[library] rebuild after editing one leaflet", file=sys.stderr)
    edited = paths[count // 2]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace(". ", ". Rest helps. ", 1), encoding="utf-8")
    result["one_edited"] = build(sources, library, cache)
    assert result["one_edited"]["summary"]["built"] == [edited.stem], result["one_edited"]["summary"]
    result["cold_vs_floor"] = round(result["cold"]["seconds"] / result["floor"]["seconds"], 2)
    result["cold_cpu_vs_floor_cpu"] = round(result["cold"]["cpu_seconds"] / result["floor"]["cpu_seconds"], 2)
    result["edit_vs_cold"] = round(result["one_edited"]["seconds"] / result["cold"]["seconds"], 4)
    result["unchanged_vs_cold"] = round(result["unchanged"]["seconds"] / result["cold"]["seconds"], 4)
    return result


def main(count: int, output: Path | None) -> None:
    from bench import machine

    output = output or ROOT / "bench" / "library.json"
    results = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="audioguide-library-bench-") as work:
        results["library"] = bench_library(count, Path(work))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    r = results["library"]
    print(f"Library of {r['leaflets']} leaflets, {r['words']:,} words, {r['floor']['audio_minutes']} min of audio:")
    print(f"  floor (espeak-ng {r['floor']['espeak_s']} s + one encode {r['floor']['encode_s']} s): "
          f"{r['floor']['seconds']} s, {r['floor']['cpu_seconds']} s of CPU")
    print(f"  cold build, one command: {r['cold']['seconds']} s ({r['cold_vs_floor']}x the floor; CPU "
          f"{r['cold']['cpu_seconds']} s, {r['cold_cpu_vs_floor_cpu']}x), peak RSS {r['cold']['peak_rss_mb']} MB, "
          f"PSS {r['cold']['peak_pss_mb']} MB")
    print(f"  rebuild, nothing changed: {r['unchanged']['seconds']} s ({r['unchanged_vs_cold']:.2%} of cold)")
    print(f"  rebuild, one leaflet edited: {r['one_edited']['seconds']} s ({r['edit_vs_cold']:.2%} of cold), "
          f"peak RSS {r['one_edited']['peak_rss_mb']} MB")
    print(f"Written to {output}")
