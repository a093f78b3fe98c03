"""The server against hostile requests, each check in this one place: the
security headers on every kind of response, 405 for other methods, path
tricks (a few representative ones, then a property over any path built
from tricky parts), any Range header, and raw requests to the real server."""

from __future__ import annotations

import http.client
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .support import serving

#: One URL of each kind the player serves.
ROUTES = [
    "/",
    "/guides/dystonia/",
    "/guides/dystonia/02-symptoms/",
    "/guides/dystonia/feed.xml",
    "/guides/dystonia/manifest.webmanifest",
    "/guides/dystonia/media/audio/01-overview.mp3",
    "/static/player/main.js",
    "/sw.js",
]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def assert_secure(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "Server" not in response.headers


def assert_no_detail(response) -> None:
    body = response.get_data().decode("utf-8", errors="replace")  # a listed MP3 is served whole
    assert "Traceback" not in body and "werkzeug" not in body.lower() and "/work" not in body


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_carries_the_security_headers(client, route):
    response = client.get(route)
    assert response.status_code in (200, 302)
    assert_secure(response)


@pytest.mark.parametrize("status,request_args", [
    (404, {"path": "/guides/dystonia/99-nothing/"}),
    (405, {"path": "/guides/dystonia/", "method": "POST"}),
    (206, {"path": ROUTES[5], "headers": {"Range": "bytes=0-9"}}),
    (416, {"path": ROUTES[5], "headers": {"Range": "bytes=999999999-"}}),
])
def test_errors_and_partial_answers_carry_them_too(client, status, request_args):
    response = client.open(**request_args)
    assert response.status_code == status
    assert_secure(response)
    assert_no_detail(response)


@pytest.mark.parametrize("route", ["/guides/dystonia/", ROUTES[5], "/static/player/main.js", "/guides/dystonia/feed.xml"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_a_friendly_405(client, route, method):
    response = client.open(route, method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert_no_detail(response)


# Representative tricks: dot segments plain and encoded (once and twice),
# backslashes, encoded slashes, NUL, absolute paths, case, doubled slashes.
TRICKS = [
    "/guides/dystonia/media/manifest.json",
    "/guides/dystonia/media/../manifest.json",
    "/guides/dystonia/media/%2e%2e/manifest.json",
    "/guides/dystonia/media/%252e%252e/manifest.json",
    "/guides/dystonia/media/audio/%2e%2e/%2e%2e/manifest.json",
    "/guides/dystonia/media/audio%2f..%2f..%2fmanifest.json",
    "/guides/dystonia/media/audio%5c01-overview.mp3",
    "/guides/dystonia/media/audio\\01-overview.mp3",
    "/guides/dystonia/media/audio/01-overview.mp3%00.txt",
    "/guides/dystonia/media//etc/passwd",
    "/guides/dystonia/media/%2fetc%2fpasswd",
    "/guides/dystonia/media/./audio/01-overview.mp3",
    "/guides/dystonia/media/AUDIO/01-overview.mp3",
    "/guides/other/media/audio/01-overview.mp3",
    "/guides/%2e%2e/02-symptoms/",
    "/static/../audioguide/web/__init__.py",
    "/static/%2e%2e/audioguide/web/__init__.py",
    "/static//etc/passwd",
    "/static/player/%2e%2e/%2e%2e/pyproject.toml",
]


@pytest.mark.parametrize("path", TRICKS)
def test_path_tricks_are_404_with_no_detail(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    assert_no_detail(response)


PARTS = st.one_of(
    st.sampled_from(["..", ".", "", "%2e%2e", "%252e", "%2f", "%5c", "\\", "%00", "~root", "*", "%c0%ae",
                     "manifest.json", "audio", "01-overview.mp3", "player", "main.js", "etc", "passwd"]),
    st.text(alphabet="abc.%/\\:~-_", max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(prefix=st.sampled_from(["/guides/dystonia/media/", "/static/", "/guides/dystonia/"]),
       parts=st.lists(PARTS, min_size=1, max_size=5))
def test_any_path_serves_a_listed_file_or_nothing(app, manifest, prefix, parts):
    """Whatever the path, the answer is a file the guide lists (or a page, or
    an asset), reached by its own name, or a 404 that gives nothing away."""
    path = prefix + "/".join(parts)
    response = app.test_client().get(path)
    assert response.status_code in (200, 301, 302, 308, 404), path
    assert_no_detail(response)
    assert b"schema_version" not in response.data and b"root:" not in response.data
    if response.status_code == 200 and prefix.endswith("/media/"):
        assert unquote(path[len(prefix):]) in {ref.path for ref in manifest.published()}, path


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=60),
    st.builds(lambda a, b: f"bytes={a}-{b}", st.one_of(st.just(""), st.integers(-5, 10**12).map(str)),
              st.one_of(st.just(""), st.integers(-5, 10**12).map(str))),
    st.builds(lambda specs: "bytes=" + ",".join(specs),
              st.lists(st.from_regex(r"\d{0,7}-\d{0,7}", fullmatch=True), min_size=1, max_size=5)),
))
def test_any_range_header_is_answered_200_206_or_416(app, header):
    client = app.test_client()
    try:
        response = client.get(ROUTES[5], headers={"Range": header})
    except ValueError:
        return  # a header no HTTP client could send (e.g. a newline in it)
    assert response.status_code in (200, 206, 416)
    if response.status_code == 206:
        first, last, size = map(int, response.headers["Content-Range"].removeprefix("bytes ").replace("/", "-").split("-"))
        assert 0 <= first <= last < size and len(response.data) == last - first + 1


@pytest.fixture(scope="module")
def live_server(built_guide):
    with serving(built_guide) as server:
        yield server.effective_port


def _raw(port: int, request_line: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", request_line, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode(errors="replace")
    connection.close()
    return response.status, body


@pytest.mark.parametrize("length", [8_000, 100_000])
def test_very_long_urls_are_refused_cleanly(live_server, length):
    status, body = _raw(live_server, "/guides/dystonia/" + "a" * length)
    assert status in (404, 414, 431)
    assert "Traceback" not in body and "waitress" not in body.lower()


@pytest.mark.parametrize("target", ["/guides/dystonia/media/../manifest.json", "//etc/passwd",
                                    "/guides/dystonia/media/audio/%2e%2e/%2e%2e/manifest.json",
                                    "http://127.0.0.1/../../etc/passwd"])
def test_raw_traversal_through_the_real_server_is_404(live_server, target):
    status, body = _raw(live_server, target)
    assert status in (400, 404)
    assert "root:" not in body and "schema_version" not in body
