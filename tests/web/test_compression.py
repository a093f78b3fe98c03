"""gzip: text goes compressed to clients that accept it, audio and byte ranges
never do, each variant has its own ETag, and the static export carries
ready .gz copies."""

from __future__ import annotations

import gzip
import subprocess

import pytest

from audioguide.web.export import export_site

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def text_urls(manifest) -> dict[str, str]:
    """One of each kind the player serves as text."""
    chapter = manifest.chapters[0]
    return {
        "page": f"/guides/{manifest.slug}/",
        "feed": f"/guides/{manifest.slug}/feed.xml",
        "web app manifest": f"/guides/{manifest.slug}/manifest.webmanifest",
        "captions": f"/guides/{manifest.slug}/media/{chapter.captions.path}",
        "transcript": f"/guides/{manifest.slug}/media/{chapter.transcript.path}",
        "stylesheet": "/static/player.css",
        "service worker": "/sw.js",
    }


def test_text_is_sent_gzipped_to_a_client_that_accepts_it(client, manifest):
    for kind, url in text_urls(manifest).items():
        plain = client.get(url)
        packed = client.get(url, headers=GZIP)
        assert plain.status_code == packed.status_code == 200, kind
        assert "Content-Encoding" not in plain.headers, kind
        assert "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in packed.headers["Vary"], kind
        if len(plain.data) < 256:
            continue  # too small to be worth it (the web app manifest)
        assert packed.headers["Content-Encoding"] == "gzip", kind
        assert gzip.decompress(packed.data) == plain.data, kind
        assert len(packed.data) < len(plain.data), kind
        assert int(packed.headers["Content-Length"]) == len(packed.data), kind


def test_each_variant_has_its_own_etag_and_answers_304_to_it(client, manifest):
    for url in (text_urls(manifest)["stylesheet"], text_urls(manifest)["captions"]):
        plain, packed = client.get(url), client.get(url, headers=GZIP)
        assert plain.headers["ETag"] != packed.headers["ETag"]
        again = client.get(url, headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == packed.headers["ETag"]
        # The plain variant's tag names the plain bytes: it never gets gzip bytes back as "unchanged" data.
        other = client.get(url, headers={"If-None-Match": packed.headers["ETag"]})
        assert other.status_code == 200 and "Content-Encoding" not in other.headers


def test_audio_and_byte_ranges_are_never_compressed(client, manifest):
    chapter = manifest.chapters[0]
    audio = client.get(f"/guides/{manifest.slug}/media/{chapter.audio.path}", headers=GZIP)
    assert audio.status_code == 200 and "Content-Encoding" not in audio.headers
    assert len(audio.data) == chapter.audio.bytes
    captions = f"/guides/{manifest.slug}/media/{chapter.captions.path}"
    part = client.get(captions, headers={**GZIP, "Range": "bytes=0-9"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers and len(part.data) == 10
    # A compressed whole offers no ranges: its bytes are not the file's.
    assert "Accept-Ranges" not in client.get(captions, headers=GZIP).headers


def test_curl_compressed_gets_gzip_from_the_real_server(server_url, manifest):
    url = f"{server_url}/guides/{manifest.slug}/"
    answer = subprocess.run(["curl", "-sS", "--compressed", "-D", "-", "-o", "/dev/null", url],
                            capture_output=True, text=True, timeout=30, check=True)
    headers = answer.stdout.lower()
    assert "content-encoding: gzip" in headers and "vary: accept-encoding" in headers
    body = subprocess.run(["curl", "-sS", "--compressed", url], capture_output=True, timeout=30, check=True).stdout
    assert body.startswith(b"<!doctype html>")


def test_the_export_writes_gzip_copies_of_its_text_files(built_guide, manifest, tmp_path):
    site = export_site(built_guide, tmp_path / "site").site_dir
    guide = site / "guides" / manifest.slug
    for original in (guide / "index.html", guide / "feed.xml", site / "static" / "player.css",
                     guide / "media" / manifest.chapters[0].captions.path):
        assert gzip.decompress(original.with_name(original.name + ".gz").read_bytes()) == original.read_bytes()
    assert not list(site.rglob("*.mp3.gz")) and not list(site.rglob("*.zip.gz"))


@pytest.mark.parametrize("accept", ["identity", "gzip;q=0", ""])
def test_no_gzip_when_the_client_does_not_accept_it(client, manifest, accept):
    response = client.get(f"/guides/{manifest.slug}/", headers={"Accept-Encoding": accept})
    assert "Content-Encoding" not in response.headers
