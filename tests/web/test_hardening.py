"""The server against hostile requests: every route, odd paths, methods, headers."""

from __future__ import annotations

import http.client

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .support import serving

ROUTES = [
    "/",
    "/guides/dystonia/",
    "/guides/dystonia/02-symptoms/",
    "/guides/dystonia/feed.xml",
    "/guides/dystonia/manifest.webmanifest",
    "/guides/dystonia/media/audio/01-overview.mp3",
    "/static/player.js",
    "/sw.js",
]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_carries_the_security_headers(client, route):
    response = client.get(route)
    assert response.status_code in (200, 302)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "Server" not in response.headers


# Each attack is tried in place of every part of every route.
ATTACKS = [
    "..", "%2e%2e", "%2E%2E", "%252e%252e", "..%2f..%2fmanifest.json", "%2e%2e%2fmanifest.json",
    "..\\..\\manifest.json", "..%5c..%5cmanifest.json", "%5c", "/etc/passwd", "%2fetc%2fpasswd",
    "manifest.json%00", "%00", "01-overview.mp3%00.txt", "~root", "*", "%c0%ae%c0%ae",
]


def _attacked_paths():
    for route in ROUTES[1:]:
        parts = route.strip("/").split("/")
        for index in range(len(parts)):
            for attack in ATTACKS:
                yield "/" + "/".join(parts[:index] + [attack] + parts[index + 1:]) + ("/" if route.endswith("/") else "")
                yield "/" + "/".join(parts[: index + 1] + [attack]) + "/manifest.json"


@pytest.mark.parametrize("path", sorted(set(_attacked_paths())))
def test_path_tricks_in_every_route_are_404_with_no_detail(client, path):
    response = client.get(path)
    assert response.status_code == 404, path
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "werkzeug" not in body.lower() and "/work" not in body


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_unsupported_methods_are_405(client, route, method):
    response = client.open(route, method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


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
        response = client.get("/guides/dystonia/media/audio/01-overview.mp3", headers={"Range": header})
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
