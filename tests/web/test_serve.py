"""`audioguide serve` as a person runs it: a real waitress process on a real port."""

from __future__ import annotations

import re
import subprocess
import sys
from urllib.request import urlopen


def start(*arguments: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "audioguide", "serve", *arguments],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    line = process.stdout.readline()
    match = re.search(r"(http://\S+/)", line)
    if not match:
        process.kill()
        raise AssertionError(f"no address in {line!r}: {process.stderr.read()}")
    return process, match.group(1)


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    return stderr


def test_serve_binds_to_loopback_and_prints_the_address(built_guide, manifest):
    process, address = start(str(built_guide), "--port", "0")
    try:
        assert address.startswith("http://127.0.0.1:")
        with urlopen(address) as response:  # the root sends the listener to the guide
            page = response.read().decode()
            assert response.url.endswith(f"/guides/{manifest.slug}/")
        assert manifest.chapters[0].title in page
        assert "Server" not in response.headers  # no server banner
    finally:
        assert "warning" not in stop(process)


def test_serving_on_all_interfaces_warns(built_guide):
    process, address = start(str(built_guide), "--host", "0.0.0.0", "--port", "0")
    try:
        port = address.rsplit(":", 1)[1].rstrip("/")
        with urlopen(f"http://127.0.0.1:{port}/") as response:
            assert response.status == 200
    finally:
        assert "warning: listening on all interfaces" in stop(process)


def test_a_taken_port_is_one_clear_line(built_guide):
    process, address = start(str(built_guide), "--port", "0")
    try:
        port = address.rsplit(":", 1)[1].rstrip("/")
        second = subprocess.run(
            [sys.executable, "-m", "audioguide", "serve", str(built_guide), "--port", port],
            capture_output=True, text=True, timeout=30,
        )
        assert second.returncode == 2
        assert second.stderr.strip().splitlines() == [
            f"audioguide: error: 127.0.0.1:{port}: cannot listen here (Address already in use); "
            "choose another with --port"]
    finally:
        stop(process)


def test_a_folder_that_is_not_a_build_is_one_clear_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "audioguide", "serve", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"audioguide: error: {tmp_path / 'manifest.json'}: no manifest (build the guide first)")

