"""HTTP behaviour of the player, through Flask's test client: pages, media
ranges and caching, path safety, error pages and security headers."""

from __future__ import annotations

import http.client
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from audioguide.manifest import ManifestError, load_manifest
from audioguide.web import create_app

from .support import serving

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; media-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@pytest.fixture(scope="module")
def audio(manifest):
    return manifest.chapters[0].audio


@pytest.fixture(scope="module")
def audio_url(manifest, audio):
    return f"/guides/{manifest.slug}/media/{audio.path}"


@pytest.fixture(scope="module")
def audio_bytes(built_guide, audio):
    return (Path(built_guide) / audio.path).read_bytes()


def assert_security_headers(response):
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Server" not in response.headers


# --- routes and pages -------------------------------------------------------


def test_root_redirects_to_the_guide(client, manifest):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/guides/{manifest.slug}/")


def test_guide_page_is_the_first_chapter(client, manifest):
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    first = manifest.chapters[0]
    assert f'<h1 id="chapter-title">{first.title}</h1>' in page
    assert f'id="chapter-link-{first.number}" href="/guides/{manifest.slug}/{first.file_stem}/"' in page


def test_every_chapter_has_its_own_server_rendered_url(client, manifest):
    for chapter in manifest.chapters:
        response = client.get(f"/guides/{manifest.slug}/{chapter.file_stem}/")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert f">{chapter.title}</h1>" in page
        current = re.findall(r'<a class="chapter-link"[^>]*aria-current="page"', page)
        assert len(current) == 1 and f'id="chapter-link-{chapter.number}"' in current[0]
        first_written = next(s.written for s in chapter.segments if s.kind == "sentence")
        assert _escape(first_written) in page


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")


class _Collector(HTMLParser):
    """Tags with their attributes, to check the markup without a browser."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, **wanted):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in wanted.items())]


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_page_works_without_javascript(client, manifest):
    chapter = manifest.chapters[1]
    doc = parse(client.get(f"/guides/{manifest.slug}/{chapter.file_stem}/").get_data(as_text=True))
    html_tag = doc.find("html")[0]
    assert html_tag["lang"] == manifest.language
    (audio,) = doc.find("audio")
    assert "controls" in audio and audio["preload"] == "metadata"
    assert audio["src"] == f"/guides/{manifest.slug}/media/{chapter.audio.path}?v={chapter.audio.sha256[:12]}"
    (track,) = doc.find("track")
    assert track["kind"] == "captions" and chapter.captions.path in track["src"]
    hrefs = {a["href"] for a in doc.find("a") if "href" in a}
    for entry in manifest.chapters:
        assert f"/guides/{manifest.slug}/{entry.file_stem}/" in hrefs  # every chapter's page
    for ref in (chapter.audio, chapter.captions, chapter.transcript):  # this chapter's own files
        assert f"/guides/{manifest.slug}/media/{ref.path}?v={ref.sha256[:12]}&download=1" in hrefs
    other = manifest.chapters[0].audio.path
    assert not any(other in href for href in hrefs)  # other chapters' files are on their pages
    for ref in manifest.downloads.values():
        assert any(ref.path in href for href in hrefs)


def test_chapter_list_shows_durations(client, manifest):
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    durations = re.findall(r'<span class="dur">([^<]+)</span>', page)
    assert len(durations) == len(manifest.chapters)
    assert all(re.fullmatch(r"(\d+ min)?( ?\d+ s)?", d) for d in durations)


def test_transcript_carries_segment_timing(client, manifest):
    chapter = manifest.chapters[1]
    doc = parse(client.get(f"/guides/{manifest.slug}/{chapter.file_stem}/").get_data(as_text=True))
    spans = doc.find("span", **{"class": "seg"})
    assert [int(s["data-start-ms"]) for s in spans] == [
        seg.start_ms for seg in chapter.segments
    ]


def test_no_inline_script_or_style(client, manifest):
    for path in (f"/guides/{manifest.slug}/", "/guides/nope/"):
        html = client.get(path).get_data(as_text=True)
        doc = parse(html)
        for tag, attrs in doc.tags:
            assert "style" not in attrs, tag
            assert not [name for name in attrs if name.startswith("on")], tag
            if tag == "script":
                assert attrs.get("src") or attrs.get("type") == "application/json"
        assert "<style" not in html


# --- errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/guides/dystonia/99-nothing/", "/guides/dystonia/01-wrong-slug/", "/guides/other/",
     "/guides/other/01-overview/", "/nothing", "/guides/", "/static/missing.css"],
)
def test_unknown_pages_get_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and "Traceback" not in body
    assert 'href="/guides/' in body  # a way back
    assert_security_headers(response)


def test_a_crash_is_a_friendly_500_without_traceback(built_guide):
    app = create_app(built_guide)  # not TESTING: errors are handled, not raised

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret detail")

    app.logger.disabled = True
    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body and "secret detail" not in body
    assert_security_headers(response)


def test_manifest_with_unsafe_path_is_refused(tmp_path, built_guide):
    text = (Path(built_guide) / "manifest.json").read_text(encoding="utf-8")
    first_audio = re.search(r'"path": "(audio/[^"]+)"', text).group(1)
    (tmp_path / "manifest.json").write_text(text.replace(first_audio, "../" + first_audio), encoding="utf-8")
    with pytest.raises(ManifestError, match="unsafe"):
        create_app(tmp_path)


@pytest.mark.parametrize("text", ['[]', '{"schema_version": 1, "chapters": 3}',
                                  '{"schema_version": 1, "chapters": [], "downloads": []}'])
def test_a_manifest_of_the_wrong_shape_is_a_manifest_error(tmp_path, text):
    (tmp_path / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=f"^{re.escape(str(tmp_path))}/manifest.json: malformed manifest"):
        load_manifest(tmp_path)


# --- media --------------------------------------------------------------------


def test_full_get(client, audio_url, audio, audio_bytes):
    response = client.get(audio_url)
    assert response.status_code == 200
    assert response.data == audio_bytes
    assert response.headers["Content-Type"] == audio.mime == "audio/mpeg"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == str(len(audio_bytes))
    assert response.headers["ETag"] == f'"{audio.sha256}"'
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("header", "span"),
    [
        ("bytes=0-0", lambda n: (0, 0)),
        ("bytes=100-199", lambda n: (100, 199)),
        ("bytes=-500", lambda n: (n - 500, n - 1)),
        ("bytes=100-", lambda n: (100, n - 1)),
        ("bytes=0-999999999", lambda n: (0, n - 1)),
        ("Bytes=5-9", lambda n: (5, 9)),
    ],
    ids=["first-byte", "middle", "suffix", "open-ended", "past-the-end", "unit-case"],
)
def test_single_range_is_206(client, audio_url, audio_bytes, header, span):
    size = len(audio_bytes)
    first, last = span(size)
    response = client.get(audio_url, headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response.headers["Content-Length"] == str(last - first + 1)
    assert response.data == audio_bytes[first : last + 1]
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert_security_headers(response)


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=-0", "bytes=999999999-999999999,999999999-"])
def test_unsatisfiable_range_is_416(client, audio_url, audio_bytes, header):
    response = client.get(audio_url, headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(audio_bytes)}"
    assert_security_headers(response)


def test_multiple_ranges_get_the_whole_file(client, audio_url, audio_bytes):
    """RFC 9110 lets a server ignore a multi-range request; we send a 200."""
    response = client.get(audio_url, headers={"Range": "bytes=0-9,20-29"})
    assert response.status_code == 200
    assert response.data == audio_bytes
    assert "Content-Range" not in response.headers


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=9-5", "items=0-5", "bytes=", "bytes=1-2-3"])
def test_malformed_range_is_ignored(client, audio_url, audio_bytes, header):
    response = client.get(audio_url, headers={"Range": header})
    assert response.status_code == 200
    assert response.data == audio_bytes


def test_if_range_with_the_current_etag_honours_the_range(client, audio_url, audio):
    response = client.get(audio_url, headers={"Range": "bytes=0-9", "If-Range": f'"{audio.sha256}"'})
    assert response.status_code == 206


def test_if_range_with_a_stale_etag_sends_everything(client, audio_url, audio_bytes):
    response = client.get(audio_url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert response.status_code == 200
    assert len(response.data) == len(audio_bytes)


def test_head(client, audio_url, audio_bytes, audio):
    response = client.head(audio_url)
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == str(len(audio_bytes))
    assert response.headers["ETag"] == f'"{audio.sha256}"'
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Type"] == "audio/mpeg"
    # Range handling is defined for GET only (RFC 9110 14.2).
    assert client.head(audio_url, headers={"Range": "bytes=0-0"}).status_code == 200


@pytest.mark.parametrize("tag", ['"{sha}"', 'W/"{sha}"', '"other", "{sha}"', "*"])
def test_matching_if_none_match_is_304(client, audio_url, audio, tag):
    response = client.get(audio_url, headers={"If-None-Match": tag.format(sha=audio.sha256)})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'"{audio.sha256}"'
    assert_security_headers(response)


def test_other_etag_gets_the_file(client, audio_url, audio_bytes):
    response = client.get(audio_url, headers={"If-None-Match": '"something-else"'})
    assert response.status_code == 200 and response.data == audio_bytes


def test_failed_if_match_is_412(client, audio_url, audio):
    assert client.get(audio_url, headers={"If-Match": '"something-else"'}).status_code == 412
    # If-Match compares strongly: a weak tag never matches, even for the same file.
    assert client.get(audio_url, headers={"If-Match": f'W/"{audio.sha256}"'}).status_code == 412
    assert client.get(audio_url, headers={"If-Match": f'"{audio.sha256}"'}).status_code == 200
    assert client.get(audio_url, headers={"If-None-Match": f'W/"{audio.sha256}"'}).status_code == 304


def test_versioned_media_urls_are_immutable(client, audio_url, audio):
    versioned = client.get(f"{audio_url}?v={audio.sha256[:12]}")
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for url in (audio_url, f"{audio_url}?v=000000000000"):
        assert client.get(url).headers["Cache-Control"] == "no-cache"


def test_text_files_have_their_manifest_types(client, manifest):
    chapter = manifest.chapters[0]
    for ref, kind in ((chapter.captions, "text/vtt"), (chapter.transcript, "text/plain")):
        response = client.get(f"/guides/{manifest.slug}/media/{ref.path}")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(kind)
        assert "charset=utf-8" in response.headers["Content-Type"]


def test_download_links_ask_to_save(client, audio_url, audio):
    response = client.get(f"{audio_url}?download=1")
    name = audio.path.rsplit("/", 1)[-1]
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_the_listed_file_itself_is_served(client, audio_url):
    assert client.get(audio_url).status_code == 200


# --- the real server ------------------------------------------------------------


def test_waitress_sends_no_server_banner(built_guide):
    with serving(built_guide) as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        connection.request("GET", "/guides/no-such-guide/")
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 404
        assert response.getheader("Server") is None
        assert response.getheader("Via") is None
        assert "waitress" not in body.lower() and "werkzeug" not in body.lower()
        connection.close()
