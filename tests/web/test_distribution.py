"""Getting the guide out: the podcast feed route, the static export served by a
plain file server, and chapters saved for offline listening."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
from urllib.parse import urlsplit
from urllib.request import urlopen

import feedparser
import pytest
from click.testing import CliRunner

from audioguide.cli import main as cli
from audioguide.web import create_app, find_static_dir
from audioguide.web.export import ExportError, export_site
from audioguide.web.security import PAGE_POLICY

from .support import AXE_OPTIONS, current_time, dialog_opens, free_port, plain_file_server, serving


# --- feed ----------------------------------------------------------------------


def test_feed_route_parses_cleanly_and_every_enclosure_answers_200(client, manifest):
    response = client.get(f"/guides/{manifest.slug}/feed.xml")
    assert response.status_code == 200
    assert response.content_type == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == manifest.title
    enclosures = [link for entry in feed.entries for link in entry.links if link.rel == "enclosure"]
    assert len(enclosures) == len(manifest.chapters) + 1  # the chapters, then the whole guide
    for enclosure in enclosures:
        url = urlsplit(enclosure.href)
        assert url.scheme == "http" and url.netloc == "localhost", enclosure.href  # absolute
        answer = client.get(url.path, query_string=url.query)
        assert answer.status_code == 200, enclosure.href
        assert int(enclosure.length) == len(answer.data)
        assert enclosure.type == "audio/mpeg"


def test_a_configured_base_url_beats_a_forged_host_header(built_guide, manifest):
    app = create_app(built_guide, config={"AUDIOGUIDE_BASE_URL": "https://guides.example.org/"})
    body = app.test_client().get(f"/guides/{manifest.slug}/feed.xml", headers={"Host": "evil.example"}).data
    feed = feedparser.parse(body)
    hrefs = [link.href for entry in feed.entries for link in entry.links if link.rel == "enclosure"]
    assert hrefs and all(h.startswith(f"https://guides.example.org/guides/{manifest.slug}/media/") for h in hrefs)
    assert b"evil.example" not in body


def test_page_links_the_feed_and_the_web_app_manifest(client, manifest):
    page = client.get(f"/guides/{manifest.slug}/").get_data(as_text=True)
    assert f'href="/guides/{manifest.slug}/feed.xml"' in page
    assert f'rel="manifest" href="/guides/{manifest.slug}/manifest.webmanifest"' in page
    web_manifest = client.get(f"/guides/{manifest.slug}/manifest.webmanifest")
    assert web_manifest.content_type == "application/manifest+json"
    assert web_manifest.json["start_url"] == f"/guides/{manifest.slug}/"
    assert client.get("/guides/other/feed.xml").status_code == 404


# --- static export ---------------------------------------------------------------


@pytest.fixture(scope="module")
def exported_site(built_guide, tmp_path_factory):
    """The export served by Python's plain file server: no audioguide code answers."""
    port = free_port()
    site = tmp_path_factory.mktemp("export") / "site"
    base = f"http://127.0.0.1:{port}/"
    result = CliRunner().invoke(cli, ["export", str(built_guide), "-o", str(site), "--base-url", base])
    assert result.exit_code == 0, result.output
    with plain_file_server(site, port):
        yield base, site


def test_export_has_every_page_medium_and_a_feed_with_the_base_url(exported_site, manifest):
    base, site = exported_site
    guide = site / "guides" / manifest.slug
    pages = [site / "index.html", guide / "index.html",
             *(guide / chapter.file_stem / "index.html" for chapter in manifest.chapters)]
    for page in pages:
        # No server headers here: each page carries its own policy.
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert f'<meta http-equiv="Content-Security-Policy" content="{PAGE_POLICY}">' in text
        assert "script-src 'self';" in PAGE_POLICY
        assert '<meta name="referrer" content="no-referrer">' in text
    for ref in manifest.published():  # the assembled ZIP and EPUB written out as files
        assert (guide / "media" / ref.path).stat().st_size == ref.bytes
    assert not list(guide.rglob("*.parts"))
    feed = feedparser.parse((guide / "feed.xml").read_bytes())
    assert not feed.bozo
    for entry in feed.entries:
        for link in entry.links:
            if link.rel == "enclosure":
                assert link.href.startswith(f"{base}guides/{manifest.slug}/media/")
                with urlopen(link.href) as answer:  # the plain file server has it
                    assert answer.status == 200


def test_exported_site_passes_axe_and_plays_from_the_keyboard(browser, exported_site, manifest):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = exported_site
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(base)  # the root page sends the listener on to the guide
        page.wait_for_url(f"**/guides/{manifest.slug}/")
        page.wait_for_function("() => !document.getElementById('controls').hidden")
        assert Axe().run(page, options=AXE_OPTIONS).violations_count == 0
        page.keyboard.press("k")
        page.wait_for_function("() => document.getElementById('audio').currentTime > 0.5", timeout=10_000)
        page.keyboard.press("n")
        page.wait_for_function(
            f"() => location.pathname.endsWith('/{manifest.chapters[1].file_stem}/')", timeout=10_000)
        page.click("#btn-settings")  # the dialogs, fetched on first use, are exported too
        dialog_opens(page, "settings")
        assert page.locator("#settings-dialog input[name=theme]").count() >= 4
    finally:
        context.close()


def test_export_replaces_only_an_earlier_export(built_guide, tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "mine.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not empty and not an earlier export"):
        export_site(built_guide, precious)
    assert (precious / "mine.txt").read_text() == "keep me"
    first = export_site(built_guide, tmp_path / "site")
    again = export_site(built_guide, tmp_path / "site", "https://example.org/health/")
    assert again.files == first.files
    page = (tmp_path / "site" / "guides" / "dystonia" / "index.html").read_text()
    assert 'href="/health/static/player.css' in page  # a base path prefixes every link
    assert not list(tmp_path.glob(".site.*"))  # no staging folder left behind
    with pytest.raises(ExportError, match="absolute http"):
        export_site(built_guide, tmp_path / "site", "example.org")


def test_export_refuses_a_build_whose_files_do_not_match_its_manifest(built_guide, manifest, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(built_guide, build)
    damaged = manifest.chapters[1].audio.path
    with open(build / damaged, "r+b") as handle:
        handle.seek(-100, os.SEEK_END)
        handle.write(bytes(100))
    with pytest.raises(ExportError, match=f"{re.escape(damaged)} is missing or does not match"):
        export_site(build, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_export_copies_the_snapshot_not_a_newer_file_at_the_same_path(built_guide, manifest, tmp_path,
                                                                       monkeypatch):
    build = tmp_path / "build"
    shutil.copytree(built_guide, build)
    app = create_app(build)  # the export's snapshot is taken here...
    monkeypatch.setattr("audioguide.web.export.create_app", lambda _: app)
    audio = manifest.chapters[0].audio.path
    # ...and then a rebuild renames a new file into place.
    replacement = build / (audio + ".new")
    replacement.write_bytes(b"not this one")
    os.replace(replacement, build / audio)
    site = export_site(build, tmp_path / "site")
    media = tmp_path / "site" / "guides" / manifest.slug / "media"
    copied = media / audio
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == manifest.chapters[0].audio.sha256
    assert copied.stat().st_nlink == 1  # the newer file is not linked in
    # Files the rebuild did not touch are linked, not copied: a guide's media are hundreds of MB.
    other = manifest.chapters[1].audio.path
    assert (media / other).stat().st_ino == (build / other).stat().st_ino
    assert site.files > 0


# --- offline listening --------------------------------------------------------------


@pytest.fixture()
def own_server(built_guide):
    """A server this test alone uses, so it can really go away."""
    with serving(built_guide) as server:
        yield server


def test_a_saved_chapter_plays_and_seeks_with_the_network_gone(browser, own_server, manifest):
    base = f"http://127.0.0.1:{own_server.effective_port}"
    chapter = manifest.chapters[1]
    context = browser.new_context(base_url=base)
    try:
        page = context.new_page()
        page.goto(f"/guides/{manifest.slug}/{chapter.file_stem}/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
        save = page.locator("#btn-offline")
        assert save.is_visible()
        save.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('btn-offline').dataset.saved === 'true'",
                               timeout=10_000)
        assert save.inner_text() == "Saved offline: remove"

        own_server.close()  # the server is really gone, and the browser is told so too
        context.set_offline(True)
        page.reload()
        page.wait_for_function("() => !document.getElementById('controls').hidden")
        assert page.locator("#chapter-title").inner_text() == chapter.title
        # What loads on first use was saved too: the settings open with no network.
        page.click("#btn-settings")
        dialog_opens(page, "settings")
        page.keyboard.press("Escape")
        page.keyboard.press("k")
        page.wait_for_function("() => document.getElementById('audio').currentTime > 0.5", timeout=10_000)
        # Seeking needs byte ranges, which the service worker cuts from the saved file.
        middle = chapter.duration_ms / 2000
        page.evaluate(f"document.getElementById('audio').currentTime = {middle}")
        page.wait_for_function(f"() => document.getElementById('audio').currentTime > {middle + 0.5}",
                               timeout=10_000)
        assert abs(current_time(page) - middle) < 10
        # What a media element asks for, answered from the saved copy alone.
        answers = page.evaluate("""async () => {
          const src = document.getElementById('audio').src, out = [];
          for (const range of ['bytes=100-199', 'bytes=-50', 'bytes=999999999-']) {
            const r = await fetch(src, {headers: {Range: range}});
            out.push([r.status, r.headers.get('Content-Range'), (await r.arrayBuffer()).byteLength]);
          }
          return out;
        }""")
        size = chapter.audio.bytes
        assert answers == [[206, f"bytes 100-199/{size}", 100], [206, f"bytes {size - 50}-{size - 1}/{size}", 50],
                           [416, f"bytes */{size}", 0]]
    finally:
        context.close()


def test_saving_holds_one_chapter_and_removing_leaves_none_of_its_files(browser, server_url, manifest):
    chapter = manifest.chapters[1]
    context = browser.new_context(base_url=server_url)
    cached = """caches.open('audioguide-offline-v1').then(c => c.keys())
                .then(keys => keys.map(r => new URL(r.url).pathname))"""
    try:
        page = context.new_page()
        page.goto(f"/guides/{manifest.slug}/{chapter.file_stem}/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
        button = page.locator("#btn-offline")
        assert button.get_attribute("data-saved") == "false"
        assert page.evaluate(cached) == []
        button.click()
        page.wait_for_function("() => document.getElementById('btn-offline').dataset.saved === 'true'",
                               timeout=10_000)
        announced = "() => document.getElementById('announcer').textContent"
        page.wait_for_function(f"() => {announced} === '{chapter.title} is saved: it plays without a connection'")
        media = f"/guides/{manifest.slug}/media/"
        own = {f"/guides/{manifest.slug}/{chapter.file_stem}/", media + chapter.audio.path,
               media + chapter.captions.path}
        saved = set(page.evaluate(cached))
        assert own <= saved
        # Every module and stylesheet of the player, those it loads on first use too, and the dialogs.
        player = {f"/static/player/{path.name}" for path in (find_static_dir() / "player").iterdir()}
        assert player | {f"/guides/{manifest.slug}/dialogs.html"} <= saved, player - saved
        assert not [path for path in saved if path.startswith(media) and path not in own]  # no other chapter
        button.click()
        page.wait_for_function("() => document.getElementById('btn-offline').dataset.saved === 'false'",
                               timeout=10_000)
        page.wait_for_function(f"() => {announced} === '{chapter.title} removed from this device'")
        assert not own & set(page.evaluate(cached))
    finally:
        context.close()
