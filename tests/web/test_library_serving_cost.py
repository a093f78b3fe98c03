"""What the library server does once rather than per request, and that doing
it once never serves a stale list or page: one reading of library.json per
request, page ETags made when a page is kept (a revalidating browser gets a
304 without the page being touched), the search index's tag made with it,
waitress's queue warning said now and then, templates compiled once."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import shutil
import time

import pytest

from audioguide.web import create_app, library as library_module
from audioguide.web.compression import gzipped
from audioguide.web.security import HEADERS
from audioguide.web.server import QUEUE_WARNING_EVERY_S, make_server


@pytest.fixture()
def copy(tmp_path, library_dir):
    target = tmp_path / "copy"
    shutil.copytree(library_dir, target)
    return target


def _relist(root, keep) -> None:
    """Write library.json again (renamed into place, as the build does) with only ``keep``'s guides."""
    data = json.loads((root / "library.json").read_text())
    data["guides"] = [g for g in data["guides"] if keep(g["slug"])]
    time.sleep(0.01)
    (root / "library.json.new").write_text(json.dumps(data))
    (root / "library.json.new").replace(root / "library.json")


def test_library_json_is_read_once_per_request(copy, monkeypatch):
    client = create_app(copy).test_client()
    client.get("/guides/taking-warfarin-safely/")  # the guide's snapshot loaded
    calls = []
    real = library_module._stamp

    def counted(path):
        calls.append(path.name)
        return real(path)

    monkeypatch.setattr(library_module, "_stamp", counted)
    assert client.get("/guides/taking-warfarin-safely/").status_code == 200
    assert calls == ["library.json"]
    calls.clear()
    assert client.get("/", headers={"Accept-Encoding": "gzip"}).status_code == 200
    assert calls == ["library.json"]


def test_an_edited_library_is_seen_by_the_next_request_even_with_a_kept_page_and_its_tag(copy):
    client = create_app(copy).test_client()
    home = client.get("/", headers={"Accept-Encoding": "gzip"})
    tag = home.headers["ETag"]
    assert "Éczema in children" in gzip.decompress(home.data).decode()
    again = client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    assert "1 guide found" in client.get("/?q=moisturiser").get_data(as_text=True)

    _relist(copy, lambda slug: slug != "eczema-in-children")
    edited = client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert edited.status_code == 200 and edited.headers["ETag"] != tag  # never a stale 304
    assert "Éczema in children" not in gzip.decompress(edited.data).decode()
    assert "No guide has “moisturiser”" in client.get("/?q=moisturiser").get_data(as_text=True)
    assert client.get("/guides/eczema-in-children/").status_code == 404


def test_a_rebuilt_guide_gets_a_new_page_and_tag(copy):
    client = create_app(copy).test_client()
    first = client.get("/guides/taking-warfarin-safely/")
    assert "Taking warfarin safely" in first.get_data(as_text=True)
    manifest = copy / "taking-warfarin-safely" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["title"] = "Taking warfarin with care"
    time.sleep(0.01)
    (manifest.parent / "manifest.json.new").write_text(json.dumps(data))
    (manifest.parent / "manifest.json.new").replace(manifest)
    second = client.get("/guides/taking-warfarin-safely/", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    assert "Taking warfarin with care" in second.get_data(as_text=True)


def test_a_kept_page_answers_its_own_tag_with_a_304_per_encoding(copy):
    client = create_app(copy).test_client()
    url = "/guides/using-an-asthma-inhaler/"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'  # one tag per variant
    assert "Accept-Encoding" in packed.headers["Vary"]
    # A tag of the other variant is not this one's: the body is sent.
    crossed = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]})
    assert crossed.status_code == 200 and gzip.decompress(crossed.data) == plain.data
    for headers, tag in (({}, plain.headers["ETag"]), ({"Accept-Encoding": "gzip"}, packed.headers["ETag"])):
        answer = client.get(url, headers={**headers, "If-None-Match": f"W/{tag}, \"other\""})
        assert answer.status_code == 304 and answer.data == b""
        assert answer.headers["ETag"] == tag
        assert answer.headers["Cache-Control"] == "no-cache"  # still revalidated every time
        for name, value in HEADERS.items():
            assert answer.headers[name] == value
    # A page made for a search, or to start at a time, is not kept and has no tag.
    assert "ETag" not in client.get(url + "?t=1").headers


def test_the_search_index_tag_is_its_hash_and_revalidates(copy):
    client = create_app(copy).test_client()
    index = client.get("/search-index.json")
    assert index.headers["ETag"] == f'"{hashlib.sha256(index.data).hexdigest()[:12]}"'
    assert client.get("/search-index.json", headers={"If-None-Match": index.headers["ETag"]}).status_code == 304
    _relist(copy, lambda slug: slug != "eczema-in-children")
    changed = client.get("/search-index.json", headers={"If-None-Match": index.headers["ETag"]})
    assert changed.status_code == 200 and b"eczema" not in changed.data.lower()


def test_gzip_is_deterministic_and_whole():
    data = ("<p>Take one 5 mg tablet twice a day.</p>" * 200).encode()
    assert gzipped(data) == gzipped(data) and gzip.decompress(gzipped(data)) == data
    assert len(gzipped(data)) < len(data) // 10


def test_waitress_queue_warning_is_said_once_a_minute_and_templates_are_compiled(library_dir, caplog):
    app = create_app(library_dir)
    server = make_server(app, "127.0.0.1", 0, threads=1)
    try:
        with caplog.at_level(logging.WARNING, logger="waitress.queue"):
            for depth in range(5):
                server.task_dispatcher.queue_logger.warning("Task queue depth is %d", depth)
        said = [r.getMessage() for r in caplog.records if r.name == "waitress.queue"]
        assert len(said) == 1 and said[0].startswith("Task queue depth is 0"), said
        assert QUEUE_WARNING_EVERY_S >= 10
        wanted = {"player.html", "library.html", "base.html", "_shelf.html"}
        deadline = time.monotonic() + 30  # compiled in a thread as the server starts
        while time.monotonic() < deadline and not wanted <= {key[1] for key in app.jinja_env.cache.keys()}:
            time.sleep(0.05)
        compiled = {key[1] for key in app.jinja_env.cache.keys()}
        assert wanted <= compiled, compiled
    finally:
        server.close()


def test_the_player_buttons_are_rendered_once_and_the_same_on_every_page(library_dir):
    app = create_app(library_dir)
    client = app.test_client()
    first = client.get("/guides/taking-warfarin-safely/").get_data(as_text=True)
    kept = app.extensions["audioguide_controls"]
    second = client.get("/guides/using-an-asthma-inhaler/").get_data(as_text=True)
    assert app.extensions["audioguide_controls"] is kept
    for page in (first, second):
        assert str(kept) in page
        assert page.count('<button class="btn') >= 14 and 'id="btn-play" data-action="toggle"' in page
    assert '<span class="label">Back 10\u00a0s</span>' in kept and 'aria-hidden="true"' in kept
