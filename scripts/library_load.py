"""A library's server under load: `scripts/bench --library-load`.

500 library entries are made cheaply, and honestly so: one generated leaflet
is built once, and its build folder is copied under 500 slugs (every media
file hard-linked, not copied), each copy with its own manifest.json: a
distinct title (spread over the alphabet) and distinct sentences in its
transcript (generated, deterministic, one with a word no other guide has).
The audio, captions and transcript files of every copy are the one build's,
so what the transcript says no longer matches what is heard: the search
index and the pages are built from each copy's own manifest, which is what
is measured here. ``library.json`` lists the 500 as the library build does.

The library is served by waitress (as `audioguide serve` runs it) in a
subprocess on 127.0.0.1, once every guide's files are opened and checked
(`serve` does that in a thread as it starts; the time it takes is reported).
Measured, in one run: the home page's size as sent gzipped; the server's
answer time to a search (``/?q=``), one client at a time, over 300 different
queries (each asked once: a search asked again is answered from the pages
the server keeps); then 50 clients, each on a keep-alive
connection, each request chosen at random among a library search, a guide
chapter page and a byte range of a chapter MP3; every answer is checked
(status, and a range's length), and its time is kept.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audioguide.manifest import load_manifest  # noqa: E402

import bench  # noqa: E402  (scripts/bench.py: the leaflet generator, the server, fetch)

GUIDES = 500
HOME_GZIP_LIMIT = 60_000
SEARCH_P99_LIMIT_MS = 100
LOAD_P99_LIMIT_MS = 200
#: Each guide's own word (with its number, in three figures: a word is found by
#: its start, so "kelmar12" would find "kelmar120" too), said in one sentence only.
UNIQUE = "kelmar"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")


def title(rng: random.Random, number: int) -> str:
    words = [rng.choice(bench.WORDS) for _ in range(rng.randint(2, 4))]
    first = rng.choice(string.ascii_uppercase)
    return f"{first}{rng.choice(bench.WORDS)} {' '.join(words)} {number}"


def make_library(base: Path, root: Path, count: int = GUIDES) -> dict:
    """``count`` copies of the build in ``base`` as a library in ``root``; returns what was made."""
    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    rng = random.Random(16)
    root.mkdir(parents=True)
    entries = []
    sentences = 0
    for number in range(count):
        name = title(rng, number)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        folder = root / slug
        for path in base.rglob("*"):
            target = folder / path.relative_to(base)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif path.name != "manifest.json":
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
        copy = json.loads(json.dumps(manifest))
        copy["title"] = name
        unique = rng.randrange(sum(s["kind"] != "title" for c in copy["chapters"] for s in c["segments"]))
        at = 0
        for chapter in copy["chapters"]:
            for segment in chapter["segments"]:
                if segment["kind"] != "title":
                    segment["written"] = segment["spoken"] = bench.sentence(rng)
                    if at == unique:
                        segment["written"] = f"Ask for the {UNIQUE}{number:03d} leaflet at the clinic."
                    sentences += 1
                    at += 1
        raw = (json.dumps(copy, ensure_ascii=False, indent=1) + "\n").encode()
        (folder / "manifest.json").write_bytes(raw)
        entries.append({"slug": slug, "title": name, "language": copy["language"],
                        "chapters": len(copy["chapters"]),
                        "duration_ms": sum(c["duration_ms"] for c in copy["chapters"]),
                        "updated": copy.get("built_at", ""), "manifest_sha256": hashlib.sha256(raw).hexdigest(),
                        "source": f"generated copy {number} of {base.name}"})
    entries.sort(key=lambda entry: entry["slug"])
    (root / "library.json").write_text(json.dumps({"version": 1, "guides": entries, "problems": []}),
                                       encoding="utf-8")
    return {"guides": count, "sentences": sentences, "entries": entries}


def queries(rng: random.Random, count: int) -> list[tuple[str, int | None]]:
    """Searches a listener might type, each with how many guides it must find (None: any)."""
    asked = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.3:
            number = rng.randrange(GUIDES)
            asked.append((f"{UNIQUE}{number:03d} leaflet", 1))  # a sentence said in one guide only
        elif kind < 0.6:
            asked.append((rng.choice(bench.WORDS), None))  # a common word: in many guides
        elif kind < 0.8:
            asked.append((f"{rng.choice(bench.WORDS)} {rng.choice(bench.TERMS)}", None))
        else:
            asked.append(("".join(rng.choice(string.ascii_lowercase) for _ in range(7)), 0))
    return asked


def found_count(page: bytes) -> int:
    text = page.decode("utf-8")
    match = re.search(r"(\d+) guides? found for", text)
    if match:
        return int(match.group(1))
    assert "No guide has" in text, text[:200]
    return 0


def search_times(port: int, asked: list[tuple[str, int | None]]) -> dict:
    """One client, one search after another: the server's answer time alone."""
    times, wrong = [], []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for query, expected in asked:
        started = time.perf_counter()
        connection.request("GET", "/?q=" + quote(query))
        response = connection.getresponse()
        body = response.read()
        times.append(time.perf_counter() - started)
        if response.status != 200 or expected is not None and found_count(body) != expected:
            wrong.append(f"{query}: {response.status}, {found_count(body) if response.status == 200 else ''}")
    connection.close()
    return {"searches": len(times), "p50_ms": round(percentile(times, 0.5), 1),
            "p99_ms": round(percentile(times, 0.99), 1), "max_ms": round(max(times) * 1000, 1),
            "wrong": len(wrong), "first_wrong": wrong[:5]}


def load_run(port: int, library: dict, base: Path, clients: int, seconds: float) -> dict:
    manifest = load_manifest(base)
    stems = [c.file_stem for c in manifest.chapters]
    audio = [(c.audio.path, c.audio.bytes) for c in manifest.chapters]
    slugs = [entry["slug"] for entry in library["entries"]]
    asked = queries(random.Random(5), 2000)
    times: dict[str, list[float]] = {"search": [], "page": [], "range": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(seed: int) -> None:
        chance = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: dict[str, list[float]] = {kind: [] for kind in times}
        failed = []
        while time.monotonic() < stop_at:
            kind = chance.choice(("search", "page", "range"))
            slug = chance.choice(slugs)
            headers = {"Accept-Encoding": "gzip"}
            if kind == "search":
                query, expected = chance.choice(asked)
                path = "/?q=" + quote(query)
            elif kind == "page":
                path = f"/guides/{slug}/{chance.choice(stems)}/"
            else:
                name, size = chance.choice(audio)
                first = chance.randrange(0, max(1, size - 1))
                last = min(size - 1, first + chance.randrange(1024, 128 * 1024))
                path = f"/guides/{slug}/media/{name}"
                headers = {"Range": f"bytes={first}-{last}"}
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                failed.append(f"{path}: {error!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine[kind].append(time.perf_counter() - started)
            if kind == "range":
                good = response.status == 206 and len(body) == last - first + 1
            elif kind == "search":
                page = gzip.decompress(body) if response.getheader("Content-Encoding") == "gzip" else body
                good = response.status == 200 and (expected is None or found_count(page) == expected)
            else:
                good = response.status == 200
            if not good:
                failed.append(f"{path}: {response.status}, {len(body)} bytes")
        connection.close()
        with lock:
            for kind in times:
                times[kind].extend(mine[kind])
            errors.extend(failed)

    elapsed = bench.run_clients(client, clients, seconds)
    every = [t for kind in times for t in times[kind]]
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(every) + len(errors),
            "requests_per_s": round((len(every) + len(errors)) / elapsed),
            "p50_ms": round(percentile(every, 0.5), 1), "p99_ms": round(percentile(every, 0.99), 1),
            "by_kind": {kind: {"requests": len(values), "p50_ms": round(percentile(values, 0.5), 1),
                               "p99_ms": round(percentile(values, 0.99), 1)} for kind, values in times.items()},
            "errors": len(errors), "first_errors": errors[:5]}


def start_server(library: Path, threads: int = 8) -> tuple[subprocess.Popen, int, float]:
    """The library on waitress in a subprocess, as `audioguide serve` runs it (which
    opens and checks every guide's files in a thread while it serves); here that is
    done before the first request, and how long it took is returned."""
    code = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from audioguide.web import create_app
from audioguide.web.library import allow_open_files
from audioguide.web.server import make_server
allow_open_files()
app = create_app(Path({str(library)!r}))
started = time.perf_counter()
app.extensions["audioguide"].warm()
warm = time.perf_counter() - started
server = make_server(app, "127.0.0.1", 0, threads={threads})
print(server.effective_port, warm, flush=True)
server.run()
"""
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    port, warm = process.stdout.readline().split()
    return process, int(port), float(warm)


def main(output: Path, clients: int = 50, seconds: float = 20.0, words: int = 1000) -> dict:
    started = time.perf_counter()
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"audioguide-library-load-{os.getpid()}"
    try:
        source = work / "leaflet.txt"
        work.mkdir(parents=True)
        source.write_text(bench.leaflet(words, seed=16), encoding="utf-8")
        base = work / "base"
        print(f"[library] building one {words}-word leaflet to copy", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "audioguide", "build", str(source), "-o", str(base),
                        "--cache-dir", str(work / "cache"), "--formats", "mp3", "--quiet"], check=True)
        print(f"[library] {GUIDES} library entries from it", file=sys.stderr)
        library = make_library(base, work / "library")
        started_server = time.perf_counter()
        process, port, warm_s = start_server(work / "library")
        ready_s = time.perf_counter() - started_server
        try:
            home = bench.fetch(port, "/", {"Accept-Encoding": "gzip"})
            assert home[0] == 200 and home[1].get("Content-Encoding") == "gzip", home[:2]
            plain = bench.fetch(port, "/")[2]
            index = bench.fetch(port, "/search-index.json", {"Accept-Encoding": "gzip"})
            print("[library] searches, one at a time", file=sys.stderr)
            # Each query once: the server keeps the pages of searches asked again.
            search = search_times(port, list(dict.fromkeys(queries(random.Random(3), 1000)))[:300])
            print(f"[library] {clients} clients for {seconds:.0f} s: searches, pages, ranges", file=sys.stderr)
            server = psutil.Process(process.pid)
            cpu_before = sum(server.cpu_times()[:2])
            load = load_run(port, library, base, clients, seconds)
            # The server's own CPU per request: what it costs, whatever else the machine runs.
            load["server_cpu_ms_per_request"] = round(
                (sum(server.cpu_times()[:2]) - cpu_before) * 1000 / max(load["requests"], 1), 2)
            memory_mb = round(server.memory_info().rss / 2**20)
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": bench.machine(),
        "guides": GUIDES, "sentences": library["sentences"], "leaflet_words": words,
        "server_ready_s": round(ready_s, 2), "guides_checked_s": round(warm_s, 2), "server_rss_mb": memory_mb,
        "home_bytes": len(plain), "home_gzip_bytes": len(home[2]),
        "home_within_limit": len(home[2]) <= HOME_GZIP_LIMIT,
        "index_gzip_bytes": len(index[2]),
        "search": search, "search_within_limit": search["p99_ms"] < SEARCH_P99_LIMIT_MS,
        "load": load, "load_within_limit": load["errors"] == 0 and load["p99_ms"] < LOAD_P99_LIMIT_MS,
        "bench_seconds": round(time.perf_counter() - started),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    verdict = {True: "met", False: "MISSED"}
    print(f"Library of {GUIDES} guides ({library['sentences']} sentences), server ready in {ready_s:.1f} s "
          f"(of which {warm_s:.1f} s opening and checking every guide's files), "
          f"{memory_mb} MB resident after the load")
    print(f"Home page: {len(plain) / 1000:.1f} kB, {len(home[2]) / 1000:.1f} kB gzipped "
          f"(at most {HOME_GZIP_LIMIT // 1000} kB: {verdict[results['home_within_limit']]}); "
          f"search index {len(index[2]) / 1000:.0f} kB gzipped, fetched only when the box is used")
    print(f"Search (/?q=, one client, {search['searches']} queries): p50 {search['p50_ms']} ms, "
          f"p99 {search['p99_ms']} ms (under {SEARCH_P99_LIMIT_MS} ms: {verdict[results['search_within_limit']]}), "
          f"wrong answers {search['wrong']}")
    kinds = ", ".join(f"{kind} p99 {v['p99_ms']} ms ({v['requests']})" for kind, v in load["by_kind"].items())
    print(f"Load ({load['clients']} clients, {load['seconds']} s): {load['requests_per_s']} requests/s "
          f"({load['server_cpu_ms_per_request']} ms of server CPU each), "
          f"p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms, errors {load['errors']} "
          f"(zero errors and p99 under {LOAD_P99_LIMIT_MS} ms: {verdict[results['load_within_limit']]}); {kinds}")
    print(f"Written to {output}")
    return results
