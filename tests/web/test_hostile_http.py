"""A hostile client: absurd Range headers, forged Host headers, broken manifests,
malformed requests waitress answers itself, and a crowd of idle connections.
No traceback and no 500 ever; the last good build keeps being served."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest

from audioguide.web import create_app
from audioguide.web.export import ExportError, check_base_url, export_site
from audioguide.web.security import HEADERS

from .support import serving


def first_chapter_audio(manifest) -> str:
    chapter = manifest.chapters[0]
    return f"/guides/{manifest.slug}/media/{chapter.audio.path}"


@pytest.mark.parametrize("header", [
    "bytes=" + "9" * 5000 + "-",
    "bytes=0-" + "9" * 5000,
    "bytes=-" + "9" * 5000,
    "bytes=" + "9" * 5000 + "-" + "9" * 5001,
])
def test_a_range_with_thousands_of_digits_is_416_or_200_not_500(client, manifest, header):
    response = client.get(first_chapter_audio(manifest), headers={"Range": header})
    assert response.status_code in (200, 206, 416), response.status_code
    if header.startswith("bytes=9"):
        assert response.status_code in (200, 416)


def test_a_range_with_a_huge_last_byte_gives_the_rest_of_the_file(client, manifest):
    response = client.get(first_chapter_audio(manifest), headers={"Range": "bytes=10-" + "9" * 5000})
    assert response.status_code == 206
    assert len(response.data) == manifest.chapters[0].audio.bytes - 10


# A broken manifest.json: the last good build is served --------------------------------------


@pytest.fixture()
def own_build(built_guide, tmp_path) -> Path:
    copy = tmp_path / "build"
    shutil.copytree(built_guide, copy)
    return copy


@pytest.mark.parametrize("broken", [
    "[" * 100_000 + "]" * 100_000,
    '{"schema_version": 1, "slug": "x", "title": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "wrong types",
])
def test_a_broken_manifest_keeps_the_last_good_build_served(own_build, broken):
    app = create_app(own_build)
    client = app.test_client()
    slug = app.extensions["audioguide"].current().manifest.slug
    if broken == "wrong types":
        data = json.loads((own_build / "manifest.json").read_text())
        data["chapters"][0]["number"] = "1"  # a page would format it as a number
        broken = json.dumps(data)
    (own_build / "manifest.json").write_text(broken)
    for path in (f"/guides/{slug}/", f"/guides/{slug}/feed.xml", "/"):
        response = client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)


@pytest.mark.parametrize("broken", ["[" * 100_000 + "]" * 100_000, '{"schema_version": 1, "rate": "fast"}'])
def test_a_broken_manifest_is_one_line_at_start(own_build, broken):
    from audioguide.manifest import ManifestError, load_manifest

    (own_build / "manifest.json").write_text(broken)
    with pytest.raises(ManifestError) as caught:
        load_manifest(own_build)
    assert "\n" not in str(caught.value) and "manifest.json" in str(caught.value)


@pytest.mark.parametrize("crc32", [1 << 32, -1])
def test_a_crc32_that_is_no_crc32_makes_the_manifest_malformed(own_build, crc32):
    """A ZIP's headers are laid out from the CRC-32s the manifest records: one that does
    not fit 32 bits is refused when the manifest is read, never a traceback later."""
    from audioguide.manifest import ManifestError, load_manifest

    data = json.loads((own_build / "manifest.json").read_text())
    data["chapters"][0]["audio"]["crc32"] = crc32
    (own_build / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="malformed"):
        load_manifest(own_build)


# The feed never reflects a forged Host ----------------------------------------------------------


def test_the_feed_does_not_reflect_a_forged_host(app, manifest):
    response = app.test_client().get(f"/guides/{manifest.slug}/feed.xml", headers={"Host": "evil.example"})
    assert b"evil.example" not in response.data


def test_the_feed_from_the_request_host_says_vary_host(client, manifest):
    response = client.get(f"/guides/{manifest.slug}/feed.xml")
    assert response.status_code == 200
    assert "host" in response.headers.get("Vary", "").lower()


# Bad --base-url values -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://example.org:99999/", "http://example.org:0/", "http://example.org:port/",
    "http://user:pass@example.org/", "http://user@example.org/", "http://:80/",
])
def test_a_bad_base_url_is_refused(url):
    with pytest.raises(ExportError):
        check_base_url(url)


def test_serve_refuses_a_base_url_with_a_bad_port(tmp_path):
    from click.testing import CliRunner

    from audioguide.cli import main

    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--base-url", "http://example.org:99999/"])
    assert result.exit_code == 2 and "99999" in result.output


# Export never deletes a user's file -------------------------------------------------------------------


def test_export_over_an_earlier_export_holding_a_user_file_is_refused(built_guide, tmp_path):
    site = tmp_path / "site"
    export_site(built_guide, site)
    mine = site / "static" / "my-logo.png"
    mine.write_bytes(b"mine")
    with pytest.raises(ExportError, match="my-logo.png"):
        export_site(built_guide, site)
    assert mine.read_bytes() == b"mine"
    mine.unlink()
    export_site(built_guide, site)  # its own files only: replaced
    assert (site / "index.html").is_file()


def test_export_into_the_current_folder_or_onto_a_file_is_one_line(built_guide, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from audioguide.cli import main

    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    result = CliRunner().invoke(main, ["export", str(built_guide), "-o", "."])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("audioguide: error: ") and len(result.output.splitlines()) == 1
    (tmp_path / "file").write_text("mine")
    result = CliRunner().invoke(main, ["export", str(built_guide), "-o", str(tmp_path / "file")])
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) == 1
    assert (tmp_path / "file").read_text() == "mine"


# Waitress: its own errors carry our headers; idle sockets do not starve anyone -----------------------


def raw_request(port: int, data: bytes) -> bytes:
    """Send ``data`` and read the answer; the server may answer (and close) before
    reading all of an oversized request."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # reset, broken pipe, or no longer connected: it answered and closed first
            pass
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return answer


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n", b"413"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", b"431"),
])
def test_waitress_errors_carry_the_security_headers(built_guide, request_bytes, status):
    with serving(built_guide) as server:
        answer = raw_request(server.effective_port, request_bytes)
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1")
    assert head.split()[1].encode() == status, head
    for name, value in HEADERS.items():
        assert f"{name}: {value}" in head, (name, head)


def test_two_hundred_idle_connections_do_not_starve_a_listener(built_guide):
    with serving(built_guide) as server:
        idle = []
        try:
            for _ in range(200):
                sock = socket.create_connection(("127.0.0.1", server.effective_port), timeout=5)
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end
                idle.append(sock)
            time.sleep(0.2)
            started = time.monotonic()
            with socket.create_connection(("127.0.0.1", server.effective_port), timeout=5) as sock:
                sock.sendall(b"GET /sw.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                answer = sock.recv(65536)
            took = time.monotonic() - started
        finally:
            for sock in idle:
                sock.close()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
    assert took < 1.0, took
