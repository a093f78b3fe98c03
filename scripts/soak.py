"""Soak the player while the guide is rebuilt underneath it.

50 clients on 127.0.0.1 make range and whole-file requests for the chapter
MP3s for 60 seconds, while the guide is rebuilt again and again from two
versions of its text (one sentence differs). Meanwhile 200 more connections
play slowloris: each sends a request's first line and then one header line
every few seconds, never the end. It passes when no response is a 5xx, no
client is refused, and every response is whole and valid: its bytes are
exactly the requested range of the version its ETag names, old or new, never
a mix.

Run through scripts/soak, which installs what it needs. Everything it
starts stops by itself; it talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = [f"audio/{stem}.mp3" for stem in
            ("01-overview", "02-symptoms", "03-when-to-see-a-doctor", "04-causes", "05-complications")]


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # connection failures
    answers: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # path, etag, first, last, sha


def client(port: int, paths: list[str], stop_at: float, seed: int, tally: Tally, lock: threading.Lock) -> None:
    """One listener: keep-alive requests, mostly ranges, until ``stop_at``."""
    chance = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while time.monotonic() < stop_at:
        path = chance.choice(paths)
        headers = {}
        if chance.random() < 0.8:
            first = chance.randrange(0, 60_000)
            headers["Range"] = f"bytes={first}-{first + chance.randrange(1, 40_000)}"
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            with lock:
                tally.errors.append(f"{path}: {error!r}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        first, last = 0, len(body) - 1
        if response.status == 206:
            first, last, _ = map(int, re.match(r"bytes (\d+)-(\d+)/(\d+)", response.getheader("Content-Range")).groups())
        with lock:
            tally.latencies_ms.append(elapsed)
            tally.statuses[response.status] = tally.statuses.get(response.status, 0) + 1
            if response.status in (200, 206):
                tally.answers.append((path, (response.getheader("ETag") or "").strip('"'), first, last,
                                      hashlib.sha256(body).hexdigest()))
    connection.close()


def range_load(port: int, paths: list[str], clients: int, seconds: float, seed: int = 1) -> Tally:
    """Run ``clients`` listeners against 127.0.0.1:``port`` for ``seconds``, then stop."""
    tally, lock = Tally(), threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(port, paths, stop_at, seed + n, tally, lock))
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    return tally


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def remember_versions(build_dir: Path, versions: dict[str, bytes]) -> None:
    """Keep the bytes of every chapter MP3 a build produced, by sha256."""
    manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
    for chapter in manifest["chapters"]:
        ref = chapter["audio"]
        if ref["sha256"] not in versions:
            data = (build_dir / ref["path"]).read_bytes()
            if hashlib.sha256(data).hexdigest() == ref["sha256"]:
                versions[ref["sha256"]] = data


def slowloris(port: int, count: int, stop: threading.Event) -> list[int]:
    """Hold ``count`` connections that never finish their request, trickling a header
    line into each every 5 s (so no idle time-out closes them); returns, when
    ``stop`` is set, [connections opened, connections still open at the end]."""
    sockets = []
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /sw.js HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)
        except OSError:
            break
    opened = len(sockets)
    while not stop.wait(5.0):
        for sock in list(sockets):
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:
                sockets.remove(sock)
    for sock in sockets:
        sock.close()
    return [opened, len(sockets)]


def audioguide(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audioguide", *args], check=True, **kwargs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--idle", type=int, default=200, help="slowloris connections held meanwhile")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="audioguide-soak-"))
    try:
        guide = work / "guide"
        shutil.copytree(ROOT / "audioguide" / "guides" / "dystonia", guide)
        source = guide / "dystonia.txt"
        texts = [source.read_text(encoding="utf-8")]
        texts.append(texts[0].replace("in varying ways", "in many different ways"))
        assert texts[0] != texts[1]
        build_dir, cache = work / "build", work / "cache"
        build = ["build", str(guide), "-o", str(build_dir), "--cache-dir", str(cache), "--quiet"]
        versions: dict[str, bytes] = {}
        for text in texts:  # warm the cache with both versions, so each rebuild is quick
            source.write_text(text, encoding="utf-8")
            audioguide(*build)
            remember_versions(build_dir, versions)

        server = subprocess.Popen(
            [sys.executable, "-m", "audioguide", "serve", str(build_dir), "--port", "0", "--threads", "8"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))
        paths = [f"/guides/dystonia/media/{path}" for path in CHAPTERS]

        rebuilds, failed_rebuilds, stop = [], [], threading.Event()

        def rebuild_loop() -> None:
            turn = 0
            while not stop.is_set():
                turn += 1
                source.write_text(texts[turn % 2], encoding="utf-8")
                started = time.perf_counter()
                try:
                    audioguide(*build)
                except Exception as error:  # a failed rebuild fails the soak; the load goes on
                    failed_rebuilds.append(f"rebuild {turn}: {error}")
                else:
                    rebuilds.append(time.perf_counter() - started)
                    remember_versions(build_dir, versions)
                stop.wait(1.0)

        builder = threading.Thread(target=rebuild_loop)
        builder.start()
        held: list[int] = []
        idle = threading.Thread(target=lambda: held.extend(slowloris(port, options.idle, stop)))
        idle.start()
        try:
            tally = range_load(port, paths, options.clients, options.seconds)
        finally:
            stop.set()
            builder.join()
            idle.join()
            server.terminate()
            server.wait(timeout=10)

        invalid = []
        for path, etag, first, last, digest in tally.answers:
            data = versions.get(etag)
            if data is None or hashlib.sha256(data[first:last + 1]).hexdigest() != digest:
                invalid.append(f"{path} {etag[:12]} bytes {first}-{last}")
        server_errors = sum(count for status, count in tally.statuses.items() if status >= 500)
        requests = sum(tally.statuses.values())
        rows = [
            ("clients on 127.0.0.1", options.clients),
            ("slowloris connections opened / held to the end", " / ".join(map(str, held)) or "-"),
            ("seconds", options.seconds),
            ("rebuilds that replaced the guide", len(rebuilds)),
            ("rebuilds that failed", len(failed_rebuilds)),
            ("rebuild seconds (median)", f"{statistics.median(rebuilds):.2f}" if rebuilds else "-"),
            ("versions of the chapters seen", len({etag for _, etag, *_ in tally.answers})),
            ("requests", requests),
            ("requests per second", f"{requests / options.seconds:.0f}"),
            ("latency p50 / p99 ms", f"{percentile(tally.latencies_ms, .5):.1f} / {percentile(tally.latencies_ms, .99):.1f}"),
            ("statuses", ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items()))),
            ("5xx responses", server_errors),
            ("connection errors", len(tally.errors)),
            ("responses not whole or mixed", len(invalid)),
        ]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")
        for line in (failed_rebuilds + invalid + tally.errors)[:10]:
            print("  " + line)
        passed = (server_errors == 0 and not invalid and not tally.errors and len(rebuilds) > 0
                  and not failed_rebuilds)
        print("PASS" if passed else "FAIL")
        return 0 if passed else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
