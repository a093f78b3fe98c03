"""Measure audioguide against the floor, on a small and a large generated leaflet, and its server.

Run through scripts/bench, which installs what it needs. Everything is
measured in one run and reported as medians and ratios, because a shared
two-core machine is noisy: a ratio taken minutes apart means little. CPU
seconds (user + system, every process of the build) are reported too: they
move much less with the machine's load than wall-clock time does.

The floor for a leaflet is what no build can beat by much: bare espeak-ng
saying the same spoken text with the guide's voice, rate and the default
engine's word gap (serially, one process, like the engine's own command
line) plus one ffmpeg encode of all that audio to the project's MP3
settings (22.05 kHz mono CBR 64 kb/s).

The server part serves the large leaflet's build with waitress (the same
server `audioguide serve` runs) in a subprocess on 127.0.0.1, weighs the
guide page (HTML, CSS and JS bytes) and runs a bounded load: concurrent
clients making range requests for the chapter MP3s for a fixed time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audioguide.build import script_for  # noqa: E402
from audioguide.guides import load_guide  # noqa: E402
from audioguide.manifest import load_manifest  # noqa: E402
from audioguide.audio import AudioSettings, ffmpeg_executable  # noqa: E402
from audioguide.narration import breath_groups  # noqa: E402
from audioguide.speech.espeak import WORD_GAP  # noqa: E402

WORDS = (
    "muscle nerve brain signal movement tremor spasm doctor treatment therapy exercise sleep "
    "stress posture neck shoulder hand arm eyelid voice jaw tongue walking writing reading "
    "medicine injection surgery symptom condition family support daily tasks pain fatigue "
    "balance speech swallowing vision light screen rest routine diary specialist clinic"
).split()
TERMS = ["cervical dystonia", "writer's cramp", "botulinum toxin", "deep brain stimulation",
         "physiotherapy", "blepharospasm", "spasmodic dysphonia", "sensory trick"]
EDIT_MARKER = "You might notice:"


# The leaflets ---------------------------------------------------------------------

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
                parts += [EDIT_MARKER, ""]
                for _ in range(rng.randint(3, 8)):
                    item = sentence(rng)
                    parts += [f"● {item}", ""]
                    count += len(item.split())
            else:
                paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
                parts += [paragraph, ""]
                count += len(paragraph.split())
    return "\n".join(parts) + "\n"


# Measuring processes --------------------------------------------------------------

class PeakMemory:
    """Peak memory of a process and all its children together, sampled every 20 ms.

    Two sums: resident sizes (RSS), where pages the processes share (libraries
    such as ffmpeg's) count once per process, an upper bound; and proportional
    sizes (PSS), where a shared page is split between the processes sharing it.
    """

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak_rss = self.peak_pss = 0
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while True:
            try:
                tree = [self.process, *self.process.children(recursive=True)]
            except psutil.Error:
                return
            rss = pss = 0
            for member in tree:
                try:
                    info = member.memory_full_info()
                except psutil.Error:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            time.sleep(0.02)

    def stop(self) -> tuple[int, int]:
        self._thread.join(1)
        return self.peak_rss, self.peak_pss


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_build(source: Path, out: Path, cache: Path, extra: list[str] = ()) -> dict:
    """One `audioguide build` as a person runs it: wall seconds, CPU seconds, peak memory, summary."""
    command = [sys.executable, "-m", "audioguide", "build", str(source), "-o", str(out),
               "--cache-dir", str(cache), "--json", *extra]
    cpu = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    rss, pss = memory.stop()
    if process.returncode != 0:
        raise SystemExit(f"build failed: {stderr}")
    return {"seconds": seconds, "cpu_seconds": children_cpu() - cpu, "peak_rss_bytes": rss,
            "peak_pss_bytes": pss, "summary": json.loads(stdout)}


def bare_environment() -> dict[str, str]:
    """This process's environment without ESPEAK_DATA_PATH, for the espeak-ng command.

    The default engine sets ESPEAK_DATA_PATH to espeakng-loader's data when it
    loads its library; an espeak-ng command run after that in the same process
    reads that data (1.52's) instead of its own, and says a leaflet differently:
    the recogniser then missed 15.6 % of bare espeak-ng's warfarin instead of
    21.8 %. Bare espeak-ng (the floor, and the intelligibility bench's
    reference) is the command with its own data, whatever was set."""
    return {key: value for key, value in os.environ.items() if key != "ESPEAK_DATA_PATH"}


def timed_run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command, in ``bare_environment``."""
    cpu = children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=bare_environment())
    return time.perf_counter() - started, children_cpu() - cpu


# The floor ------------------------------------------------------------------------

def espeak_command() -> str:
    found = shutil.which("espeak-ng")
    if not found:
        raise SystemExit("espeak-ng is needed for the floor: scripts/bench installs it")
    return found


def floor(source: Path, work: Path) -> dict:
    """Bare espeak-ng over the leaflet's spoken text, then one ffmpeg encode of it all."""
    guide = load_guide(source)
    script = script_for(guide)
    parts = [part for segment in script.segments for part in breath_groups(segment.spoken)]
    text_file = work / "spoken.txt"
    text_file.write_text("\n".join(parts) + "\n", encoding="utf-8")
    wav = work / "floor.wav"
    voice = guide.voice.voice.split("/")[-1]
    speak, speak_cpu = timed_run([espeak_command(), "-v", voice, "-s", str(guide.voice.rate),
                                  "-g", str(WORD_GAP), "-f", str(text_file), "-w", str(wav)])
    settings = AudioSettings()
    encode, encode_cpu = timed_run([
        ffmpeg_executable(), "-v", "error", "-y", "-i", str(wav), "-ac", "1",
        "-ar", str(settings.sample_rate), "-c:a", "libmp3lame", "-b:a", f"{settings.bitrate_kbps}k",
        str(work / "floor.mp3")])
    audio_seconds = (wav.stat().st_size - 44) / 2 / 22050
    wav.unlink()
    return {"espeak_s": speak, "encode_s": encode, "seconds": speak + encode,
            "cpu_seconds": speak_cpu + encode_cpu, "audio_seconds": audio_seconds}


# Reference for one edited sentence --------------------------------------------------

def remaster_reference(source: Path, build_dir: Path, cache: Path, chapter_number: int, work: Path) -> tuple[float, float]:
    """Seconds to master one chapter and join the full-guide file, in one warm process:
    what an edit of one sentence cannot avoid (its synthesis aside). Two joins: as a
    build makes it (laid out, its description written: it is assembled when read), and
    written out as an ordinary file (what every build did before)."""
    code = f"""
import sys, time
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from audioguide.build import chapter_timeline, script_for
from audioguide.buildfiles import full_guide
from audioguide.formats.archive import write_assembled
from audioguide.guides import load_guide
from audioguide.manifest import load_manifest
from audioguide.audio import ChapterTags, join_chapters, master_chapter, prepare
from audioguide.narration import breath_groups
from audioguide.speech import SegmentCache, engine_identity
guide = load_guide(Path({str(source)!r}))
script = script_for(guide)
cache = SegmentCache(Path({str(cache)!r}))
version = engine_identity(guide.voice)
chapter = script.chapters[{chapter_number - 1}]
wavs = [[cache.path(cache.key(guide.voice, version, part)) for part in breath_groups(s.spoken)]
        for s in chapter.segments]
build = Path({str(build_dir)!r})
work = Path({str(work)!r})
manifest = load_manifest(build)
chapters = manifest.chapters
tags = ChapterTags("t", "a", "b", 1, 1, "eng")
prepare()
started = time.perf_counter()
master_chapter(chapter_timeline(chapter, wavs, script.pauses), work / "chapter.mp3", tags)
mastered = time.perf_counter() - started
started = time.perf_counter()
write_assembled(work, work / "full.mp3", full_guide(build, tags, chapters)[0])
planned = time.perf_counter() - started
started = time.perf_counter()
join_chapters([build / c.audio.path for c in chapters], [c.title for c in chapters], work / "full.mp3", tags)
written = time.perf_counter() - started
print(mastered + planned, mastered + written)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    planned, written = result.stdout.strip().splitlines()[-1].split()
    return float(planned), float(written)


# Builds ---------------------------------------------------------------------------

def bench_m4b(builtin: Path, cache: Path) -> dict:
    """What asking for the M4B costs on the built-in guide: a warm rebuild that only has to
    master the chapters again from the cached sentences and encode them to AAC, less a
    warm rebuild with nothing to do."""
    build = [sys.executable, "-m", "audioguide", "build", "-o", str(builtin), "--cache-dir", str(cache),
             "--quiet"]
    nothing_s, nothing_cpu = timed_run(build)
    with_s, with_cpu = timed_run(build + ["--formats", "mp3,epub,m4b"])
    manifest = json.loads((builtin / "manifest.json").read_text(encoding="utf-8"))
    audio_ms = sum(chapter["duration_ms"] for chapter in manifest["chapters"])
    return {"audio_min": round(audio_ms / 60000, 1), "m4b_bytes": manifest["formats"]["m4b"]["download"]["bytes"],
            "m4b_s": round(with_s - nothing_s, 2), "m4b_cpu_s": round(with_cpu - nothing_cpu, 2),
            "warm_rebuild_s": round(nothing_s, 2), "warm_rebuild_with_m4b_s": round(with_s, 2)}


def median(values) -> float:
    return statistics.median(list(values))


def bench_leaflet(name: str, words: int, repeats: int, work: Path) -> dict:
    folder = work / name
    folder.mkdir()
    source = folder / f"{name}.txt"
    text = leaflet(words)
    source.write_text(text, encoding="utf-8")
    result: dict = {"words": len(text.split())}

    print(f"[{name}] floor: espeak-ng + one ffmpeg encode, {repeats}x", file=sys.stderr)
    floors = [floor(source, folder) for _ in range(repeats)]
    result["floor_espeak_s"] = median(f["espeak_s"] for f in floors)
    result["floor_encode_s"] = median(f["encode_s"] for f in floors)
    result["floor_s"] = median(f["seconds"] for f in floors)
    result["floor_cpu_s"] = median(f["cpu_seconds"] for f in floors)
    result["audio_minutes"] = round(floors[0]["audio_seconds"] / 60, 1)

    print(f"[{name}] cold builds (empty cache), {repeats}x", file=sys.stderr)
    colds = [run_build(source, folder / f"cold-{n}", folder / f"cache-{n}") for n in range(repeats)]
    summary = colds[0]["summary"]
    result["chapters"] = summary["chapters"]
    result["guide_audio_minutes"] = round(summary["duration_ms"] / 60000, 1)
    result["cold_s"] = median(c["seconds"] for c in colds)
    result["cold_cpu_s"] = median(c["cpu_seconds"] for c in colds)
    result["cold_peak_rss_mb"] = round(max(c["peak_rss_bytes"] for c in colds) / 1e6)
    result["cold_peak_pss_mb"] = round(max(c["peak_pss_bytes"] for c in colds) / 1e6)
    result["cold_stages_s"] = colds[0]["summary"].get("stages", {})
    result["cold_reencoded_chapters"] = [c["summary"].get("reencoded") for c in colds]

    out, cache = folder / "cold-0", folder / "cache-0"
    print(f"[{name}] warm rebuilds (no change), {repeats}x", file=sys.stderr)
    warms = [run_build(source, out, cache) for _ in range(repeats)]
    assert all(w["summary"]["synthesized"] == 0 and w["summary"].get("mastered", 0) == 0 for w in warms)
    result["warm_s"] = median(w["seconds"] for w in warms)
    result["warm_cpu_s"] = median(w["cpu_seconds"] for w in warms)
    result["warm_peak_rss_mb"] = round(max(w["peak_rss_bytes"] for w in warms) / 1e6)

    print(f"[{name}] one edited sentence, {repeats}x", file=sys.stderr)
    before = {c.number: c.audio.sha256 for c in load_manifest(out).chapters}
    position = text.index(EDIT_MARKER, len(text) // 2)
    edits, edited_chapters = [], set()
    for attempt in range(repeats):
        edited = (text[:position] + f"You might also notice, {attempt + 1}:"
                  + text[position + len(EDIT_MARKER):])
        source.write_text(edited, encoding="utf-8")
        edits.append(run_build(source, out, cache))
        edited_chapters |= {c.number for c in load_manifest(out).chapters
                            if before[c.number] != c.audio.sha256}
        source.write_text(text, encoding="utf-8")
        run_build(source, out, cache)  # back to the original, not timed
    result["edit_s"] = median(e["seconds"] for e in edits)
    result["edit_synthesized"] = edits[0]["summary"]["synthesized"]
    result["edit_mastered"] = edits[0]["summary"].get("mastered")
    result["edit_stages_s"] = edits[0]["summary"].get("stages", {})
    (chapter,) = edited_chapters
    references = [remaster_reference(source, out, cache, chapter, folder) for _ in range(repeats)]
    result["edit_reference_s"] = median(r[0] for r in references)
    result["edit_reference_written_join_s"] = median(r[1] for r in references)

    result["cold_vs_floor"] = round(result["cold_s"] / result["floor_s"], 2)
    result["cold_cpu_vs_floor_cpu"] = round(result["cold_cpu_s"] / result["floor_cpu_s"], 2)
    result["warm_vs_cold"] = round(result["warm_s"] / result["cold_s"], 4)
    result["edit_vs_reference"] = round(result["edit_s"] / result["edit_reference_s"], 2)
    result["edit_vs_written_join_reference"] = round(result["edit_s"] / result["edit_reference_written_join_s"], 2)
    # What an edit costs beyond a rebuild with nothing to do (the command's start, reading
    # the leaflet and finding what changed), against the same reference.
    result["edit_beyond_warm_vs_reference"] = round(
        (result["edit_s"] - result["warm_s"]) / result["edit_reference_s"], 2)
    return result


def bench_builtin(repeats: int, work: Path) -> dict:
    """The built-in guide, the first thing a new user builds: cold builds against its floor."""
    folder = work / "builtin-cold"
    folder.mkdir()
    source = load_guide().source.parent  # the guide's folder: its guide.toml and lexicon too
    print(f"[built-in] floor and cold builds, {repeats}x", file=sys.stderr)
    floors = [floor(source, folder) for _ in range(repeats)]
    colds = [run_build(source, folder / f"cold-{n}", folder / f"cache-{n}") for n in range(repeats)]
    result = {"words": len(load_guide(source).source.read_text(encoding="utf-8").split()),
              "floor_s": median(f["seconds"] for f in floors), "floor_cpu_s": median(f["cpu_seconds"] for f in floors),
              "cold_s": median(c["seconds"] for c in colds), "cold_cpu_s": median(c["cpu_seconds"] for c in colds),
              "cold_stages_s": colds[0]["summary"].get("stages", {}),
              "cold_peak_rss_mb": round(max(c["peak_rss_bytes"] for c in colds) / 1e6)}
    result["cold_vs_floor"] = round(result["cold_s"] / result["floor_s"], 2)
    result["cold_cpu_vs_floor_cpu"] = round(result["cold_cpu_s"] / result["floor_cpu_s"], 2)
    return result


# The server -----------------------------------------------------------------------

class _Assets(HTMLParser):
    """Stylesheets, scripts and anything else a page loads by itself."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.urls.append(attributes.get("href") or "")
        elif tag == "link" and (attributes.get("rel") or "") in ("preload", "modulepreload", "icon"):
            self.urls.append(attributes.get("href") or "")
        elif tag in ("script", "img", "iframe") and attributes.get("src"):
            self.urls.append(attributes["src"])


def start_server(build_dir: Path, threads: int = 8) -> tuple[subprocess.Popen, int]:
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from audioguide.web import create_app
from audioguide.web.server import make_server
server = make_server(create_app(Path({str(build_dir)!r})), "127.0.0.1", 0, threads={threads})
print(server.effective_port, flush=True)
server.run()
"""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    port = int(process.stdout.readline())
    return process, port


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


#: The guide page with its CSS and JS, as sent, and as sent gzipped.
PAGE_LIMIT, PAGE_GZIP_LIMIT = 40_000, 15_000


def page_weight(port: int, slug: str) -> dict:
    """Bytes of the guide page and everything it loads by itself, and any other host it names."""
    page = f"/guides/{slug}/"
    status, headers, html = fetch(port, page)
    assert status == 200, status
    gzip_bytes = len(fetch(port, page, {"Accept-Encoding": "gzip"})[2])
    parser = _Assets()
    parser.feed(html.decode("utf-8"))
    sizes = {"html": len(html), "css": 0, "js": 0, "other": 0}
    third_party = []
    queue, seen = [urljoin(f"http://127.0.0.1:{port}{page}", url) for url in parser.urls], set()
    while queue:  # what the page names, then every module those modules import
        url = queue.pop(0)
        if url.startswith("data:") or not url or url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        if parts.hostname != "127.0.0.1":
            third_party.append(url)
            continue
        status, headers, body = fetch(port, parts.path + (f"?{parts.query}" if parts.query else ""))
        gzip_bytes += len(fetch(port, parts.path + (f"?{parts.query}" if parts.query else ""),
                                {"Accept-Encoding": "gzip"})[2])
        kind = headers.get("Content-Type", "").split(";")[0]
        key = "css" if kind == "text/css" else "js" if "javascript" in kind else "other"
        sizes[key] += len(body)
        if key == "js":  # static imports load with the page; import() on demand does not
            queue += [urljoin(url, spec) for spec in
                      re.findall(r"""(?:\bimport|\bfrom)\s*["']([^"']+)["']""", body.decode("utf-8", "replace"))]
        if key == "css":
            css = body.decode("utf-8", "replace")
            third_party += [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
                            if urlsplit(u).hostname not in (None, "127.0.0.1")]
    loaded = [u for u in third_party if u in seen]
    return {"html_bytes": sizes["html"], "css_bytes": sizes["css"], "js_bytes": sizes["js"],
            "total_bytes": sizes["html"] + sizes["css"] + sizes["js"], "gzip_bytes": gzip_bytes,
            "within_limits": sizes["html"] + sizes["css"] + sizes["js"] <= PAGE_LIMIT and gzip_bytes <= PAGE_GZIP_LIMIT,
            "third_party_requests": len(loaded), "third_party_links": sorted(set(third_party) - set(loaded))}


def run_clients(client, clients: int, seconds: float) -> float:
    """Run ``client(n)`` for n in 0..clients-1, each in its own thread, all at once;
    wait for them (each is told to stop after ``seconds``) and return the wall time taken."""
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    return time.monotonic() - started


def load_run(port: int, paths: list[tuple[str, int]], clients: int, seconds: float) -> dict:
    """``clients`` keep-alive clients making range requests on 127.0.0.1 until the time is up."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(seed: int) -> None:
        chance = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed = [], []
        while time.monotonic() < stop_at:
            path, size = chance.choice(paths)
            first = chance.randrange(0, max(1, size - 1))
            last = min(size - 1, first + chance.randrange(1024, 128 * 1024))
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Range": f"bytes={first}-{last}"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                failed.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
            if response.status != 206 or len(body) != last - first + 1:
                failed.append(f"{path} bytes={first}-{last}: {response.status}, {len(body)} bytes")
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    elapsed = run_clients(client, clients, seconds)
    ordered = sorted(latencies)

    def percentile(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")

    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies) + len(errors),
            "requests_per_s": round((len(latencies) + len(errors)) / elapsed),
            "p50_ms": round(percentile(0.50), 1), "p99_ms": round(percentile(0.99), 1),
            "errors": len(errors), "first_errors": errors[:5]}


def weigh_page(build_dir: Path) -> dict:
    process, port = start_server(build_dir)
    try:
        return page_weight(port, load_manifest(build_dir).slug)
    finally:
        process.terminate()
        process.wait(timeout=10)


def bench_server(build_dir: Path, clients: int, seconds: float) -> dict:
    manifest = load_manifest(build_dir)
    process, port = start_server(build_dir)
    try:
        weight = page_weight(port, manifest.slug)
        paths = [(f"/guides/{manifest.slug}/media/{c.audio.path}", c.audio.bytes) for c in manifest.chapters]
        print(f"[server] {clients} clients, range requests for {seconds:.0f} s on 127.0.0.1", file=sys.stderr)
        load = load_run(port, paths, clients, seconds)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {"page": weight, "load": load, "guide_chapters": len(manifest.chapters)}


# Report ---------------------------------------------------------------------------

def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return ""

    return {
        "nproc": os.cpu_count(),
        "cpu_model": model or platform.processor() or platform.machine(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "ffmpeg": version([ffmpeg_executable(), "-version"]),
        "espeak_ng": version([espeak_command(), "--version"]),
    }


def print_table(results: dict) -> None:
    rows = [("leaflet", "words", "chapters", "audio min", "floor s", "cold s", "cold/floor",
             "cpu/floor cpu", "warm s", "warm/cold", "1 edit s", "ref s", "edit/ref", "(edit-warm)/ref",
             "RSS MB", "PSS MB")]
    for name, r in results["builds"].items():
        rows.append((name, r["words"], r["chapters"], r["guide_audio_minutes"], f"{r['floor_s']:.1f}",
                     f"{r['cold_s']:.1f}", f"{r['cold_vs_floor']:.2f}", f"{r['cold_cpu_vs_floor_cpu']:.2f}",
                     f"{r['warm_s']:.2f}", f"{r['warm_vs_cold']:.3f}", f"{r['edit_s']:.1f}",
                     f"{r['edit_reference_s']:.2f}", f"{r['edit_vs_reference']:.2f}",
                     f"{r['edit_beyond_warm_vs_reference']:.2f}", r["cold_peak_rss_mb"],
                     r["cold_peak_pss_mb"]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="Small leaflet only, one repetition, a 5 s load run: for trying it.")
    parser.add_argument("--repeats", type=int, default=3,
                        help="Runs of each measure; with --intelligibility, syntheses of each reading "
                             "(the median one is kept).")
    parser.add_argument("--large-words", type=int, default=50_000)
    parser.add_argument("--small-words", type=int, default=5_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--output", type=Path,
                        help="Where to write the results (default bench/results.json; "
                             "with --quick, bench/quick.json, so the full run's numbers stay; "
                             "with --intelligibility, bench/intelligibility.json).")
    parser.add_argument("--page-only", type=Path, metavar="BUILD_DIR",
                        help="Only weigh the guide page of this build (seconds, nothing written).")
    parser.add_argument("--intelligibility", action="store_true",
                        help="Instead: the share of written words an offline recogniser misses, "
                             "per engine, beside bare espeak-ng (see scripts/intelligibility.py).")
    parser.add_argument("--variant", action="append", default=[], metavar="VOICE:RATE",
                        help="With --intelligibility: also measure the default engine with this "
                             "espeak-ng voice and rate, e.g. gmw/en:175 (repeatable).")
    parser.add_argument("--library", type=int, nargs="?", const=500, metavar="N",
                        help="Instead: build N generated leaflets (default 500) as one library in one "
                             "command against their floor, then rebuild after editing one "
                             "(see scripts/bench_library.py; writes bench/library.json).")
    parser.add_argument("--library-load", action="store_true",
                        help="Instead: a library of 500 guides served to --clients clients for "
                             "--load-seconds (searches, pages, ranges), and its home page's size "
                             "(see scripts/library_load.py).")
    args = parser.parse_args()
    if args.library:
        import bench_library

        bench_library.main(args.library, args.output)
        return
    if args.library_load:
        import library_load

        library_load.main(args.output or ROOT / "bench" / "library-load.json", args.clients, args.load_seconds)
        return
    if args.intelligibility:
        import intelligibility

        intelligibility.main(args.variant, args.output or ROOT / "bench" / "intelligibility.json",
                             max(1, args.repeats))
        return
    if args.page_only:
        page = weigh_page(args.page_only)
        print(f"Page weight: {page['total_bytes'] / 1000:.1f} kB (HTML {page['html_bytes']}, CSS {page['css_bytes']}, "
              f"JS {page['js_bytes']}), gzip {page['gzip_bytes'] / 1000:.1f} kB (limits {PAGE_LIMIT // 1000} kB and "
              f"{PAGE_GZIP_LIMIT // 1000} kB: {'within' if page['within_limits'] else 'OVER'})")
        return
    if args.quick:
        args.repeats, args.load_seconds = 1, 5.0
    args.output = args.output or ROOT / "bench" / ("quick.json" if args.quick else "results.json")
    leaflets = [("small", args.small_words)] + ([] if args.quick else [("large", args.large_words)])

    results: dict = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                     "quick": args.quick, "repeats": args.repeats, "builds": {}}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audioguide-bench-") as work:
        work = Path(work)
        for name, words in leaflets:
            results["builds"][name] = bench_leaflet(name, words, args.repeats, work)
        if "large" in results["builds"]:
            small, large = results["builds"]["small"], results["builds"]["large"]
            results["growth_time"] = round(large["cold_s"] / small["cold_s"], 2)
            results["growth_words"] = round(large["words"] / small["words"], 2)
            results["growth_memory_rss"] = round(large["cold_peak_rss_mb"] / small["cold_peak_rss_mb"], 2)
            results["growth_memory_pss"] = round(large["cold_peak_pss_mb"] / small["cold_peak_pss_mb"], 2)
        results["builtin"] = bench_builtin(args.repeats, work)
        served = leaflets[-1][0]
        print("[server] building the built-in guide to weigh its page", file=sys.stderr)
        builtin = work / "builtin"
        subprocess.run([sys.executable, "-m", "audioguide", "build", "-o", str(builtin),
                        "--cache-dir", str(work / "builtin-cache"), "--quiet"], check=True)
        results["server"] = bench_server(work / served / "cold-0", args.clients, args.load_seconds)
        results["server"]["leaflet"] = served
        results["server"]["builtin_page"] = weigh_page(builtin)
        print("[m4b] building the built-in guide's M4B", file=sys.stderr)
        results["m4b"] = bench_m4b(builtin, work / "builtin-cache")
    results["bench_seconds"] = round(time.perf_counter() - started)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    m = results["machine"]
    print(f"Machine: {m['nproc']} cores, {m['cpu_model']}, {m['memory_gib']} GiB, "
          f"load average at start {m['load_average_at_start']}")
    print_table(results)
    b = results["builtin"]
    print(f"Built-in guide ({b['words']} words), cold build: {b['cold_s']:.2f} s against a floor of "
          f"{b['floor_s']:.2f} s ({b['cold_vs_floor']:.2f}x; CPU {b['cold_cpu_vs_floor_cpu']:.2f}x)")
    if "growth_time" in results:
        print(f"Large/small: words {results['growth_words']}x, cold build time {results['growth_time']}x, "
              f"peak memory {results['growth_memory_rss']}x (RSS), {results['growth_memory_pss']}x (PSS)")
    page, load = results["server"]["page"], results["server"]["load"]
    for label, page in ((f"{results['server']['leaflet']} leaflet", page),
                        ("built-in guide", results["server"]["builtin_page"])):
        print(f"Guide page, {label}: {page['total_bytes']} bytes (HTML {page['html_bytes']}, "
              f"CSS {page['css_bytes']}, JS {page['js_bytes']}), "
              f"third-party requests: {page['third_party_requests']}")
        print(f"Page weight, {label}: {page['total_bytes'] / 1000:.1f} kB, gzip {page['gzip_bytes'] / 1000:.1f} kB "
              f"(limits {PAGE_LIMIT // 1000} kB and {PAGE_GZIP_LIMIT // 1000} kB: "
              f"{'within' if page['within_limits'] else 'OVER'})")
    print(f"Load ({load['clients']} clients, {load['seconds']} s, range requests): "
          f"{load['requests_per_s']} requests/s, p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms, "
          f"errors {load['errors']}")
    m4b = results["m4b"]
    print(f"M4B of the built-in guide ({m4b['audio_min']} min of audio, {m4b['m4b_bytes']} bytes): "
          f"{m4b['m4b_s']} s ({m4b['m4b_cpu_s']} s of CPU) on top of a warm rebuild of {m4b['warm_rebuild_s']} s")
    print(f"Written to {args.output}")


if __name__ == "__main__":
    main()
