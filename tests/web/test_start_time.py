"""A link to a moment of a chapter (``?t=SECONDS``, what a library search result
carries) opens the player there, in real headless Chromium: the audio is at
that sentence's start, paused (the listener presses Play), and the sentence is
marked as the current one and scrolled into the transcript's view. From the
library home page served by ``serve``, and from the exported site under a
plain static file server: Python's ``http.server`` with byte ranges added, as
every real static host has them (without them Chromium cannot seek at all)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from audioguide.cli import main as cli
from audioguide.manifest import load_manifest

from .support import serving

pytestmark = pytest.mark.browser

#: Said in one chapter of one guide of the library (tests/library_helper.py).
WORDS = "yellow anticoagulant book"
SENTENCE = "Keep your yellow anticoagulant book with you at every appointment."
GUIDE = "taking-warfarin-safely"

#: Where the page stands: the audio's clock, whether it plays, the sentence marked current and
#: whether it lies inside the transcript's box, and how far that box is scrolled.
STATE = """() => {
  const audio = document.getElementById('audio'), box = document.getElementById('transcript-body');
  const marked = box.querySelector('.seg[aria-current="true"]');
  const b = box.getBoundingClientRect(), r = marked ? marked.getBoundingClientRect() : null;
  return {time: audio.currentTime, paused: audio.paused, marked: marked && marked.textContent,
          startMs: marked && Number(marked.dataset.startMs), inView: !!r && r.top >= b.top - 1 && r.bottom <= b.bottom + 1,
          scrolled: box.scrollTop};
}"""


def sentence_start(build_dir, text: str) -> tuple[str, int]:
    """The chapter (its stem) and start (ms) of the sentence ``text``, from the guide's manifest."""
    for chapter in load_manifest(build_dir).chapters:
        for segment in chapter.segments:
            if segment.written == text:
                return chapter.file_stem, segment.start_ms
    raise AssertionError(f"{text!r} is not in {build_dir}")


def wait_until_placed(page, start_ms: int) -> dict:
    """The page's state once the audio is at ``start_ms`` with a sentence marked current and
    in the transcript's view (the box scrolls smoothly); what it is after 10 s otherwise."""
    try:
        page.wait_for_function(f"(ms) => {{ const s = ({STATE})(); return document.getElementById('audio').readyState >= 1"
                               " && Math.abs(s.time * 1000 - ms) < 2 && s.marked !== null && s.inView; }",
                               arg=start_ms, timeout=10_000)
    except Exception:  # noqa: BLE001 (the assertions below say what is wrong)
        pass
    return page.evaluate(STATE)


def follow_result_by_keyboard(page) -> None:
    """Search the home page for WORDS, then Tab to the sentence found and press Enter."""
    page.wait_for_selector("#library-search:not([hidden])")
    page.focus("#library-q")
    page.keyboard.type(WORDS)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'library-results'")
    for _ in range(10):
        page.keyboard.press("Tab")
        if SENTENCE in page.evaluate("document.activeElement.textContent"):
            break
    else:
        raise AssertionError("the search result for the sentence was not reached by Tab")
    assert page.evaluate("document.activeElement.className") == "place"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/guides/{GUIDE}/**")


def check_placed(page, library_dir) -> None:
    stem, start_ms = sentence_start(library_dir / GUIDE, SENTENCE)
    assert f"/guides/{GUIDE}/{stem}/" in page.url
    state = wait_until_placed(page, start_ms)
    assert "t=" not in page.url  # used once: a reload resumes where the listener is
    assert abs(state["time"] - start_ms / 1000) < 0.002, state
    assert state["paused"], state  # never plays by itself: the listener presses Play
    assert (state["marked"], state["startMs"], state["inView"]) == (SENTENCE, start_ms, True), state
    page.wait_for_timeout(300)  # nothing starts it afterwards either
    assert page.evaluate(STATE)["paused"]


class RangeHandler(SimpleHTTPRequestHandler):
    """``http.server``'s files, and one byte range of a file when asked (RFC 9110), as nginx,
    Apache or a CDN answer a media element."""

    def log_message(self, *args):
        pass

    def send_head(self):
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if not wanted or not os.path.isfile(path):
            return super().send_head()
        body = open(path, "rb")  # noqa: SIM115 (copyfile reads it, finish closes it)
        size = os.fstat(body.fileno()).st_size
        start, end = int(wanted[1]), min(int(wanted[2] or size - 1), size - 1)
        if start > end:
            body.close()
            self.send_error(416)
            return None
        body.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return _Slice(body, end - start + 1)


class _Slice:
    """The part of an open file that a range asks for, read as ``copyfile`` reads a file."""

    def __init__(self, file, length: int):
        self.file, self.left = file, length

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


@contextmanager
def static_host(site) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def context_for(browser):
    contexts = []

    def open_context(base_url):
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_context
    for context in contexts:
        context.close()


def test_a_search_result_of_the_served_library_opens_its_sentence(context_for, library_dir):
    with serving(library_dir) as server:
        page = context_for(f"http://127.0.0.1:{server.effective_port}")
        page.goto("/")
        follow_result_by_keyboard(page)
        check_placed(page, library_dir)
        page.click("#btn-play")  # Play goes on from the sentence, not from the chapter's start
        page.wait_for_function("() => !document.getElementById('audio').paused")
        _, start_ms = sentence_start(library_dir / GUIDE, SENTENCE)
        assert page.evaluate("document.getElementById('audio').currentTime") >= start_ms / 1000 - 0.01
        assert page.errors == []


def test_a_search_result_of_the_exported_library_opens_its_sentence(context_for, library_dir, tmp_path):
    site = tmp_path / "site"
    result = CliRunner().invoke(cli, ["export", str(library_dir), "-o", str(site)])
    assert result.exit_code == 0, result.output
    with static_host(site) as base:
        page = context_for(base)
        page.goto("/")
        follow_result_by_keyboard(page)
        check_placed(page, library_dir)
        assert page.errors == []


def test_a_time_deep_in_a_long_chapter_scrolls_its_sentence_into_the_transcript(new_page, built_guide, manifest):
    chapter = max(manifest.chapters, key=lambda c: len(c.segments))
    segment = chapter.segments[-2]
    page = new_page(f"/guides/{manifest.slug}/{chapter.file_stem}/?t={segment.start_ms / 1000}#player", height=600)
    state = wait_until_placed(page, segment.start_ms)
    assert state["startMs"] == segment.start_ms and state["marked"] == segment.written, state
    assert state["scrolled"] > 0 and state["inView"], state
    assert state["paused"], state
    page.wait_for_function("() => window.__said.some(s => s.startsWith('Ready at '))")  # said, for a screen reader
    # A position saved for the chapter does not win over the time the address asks for;
    # without a time, the chapter resumes there as before.
    other = next(c for c in manifest.chapters if c is not chapter)
    for asked, expected_ms in ((segment.start_ms, segment.start_ms), (None, 6000)):
        page.goto(f"/guides/{manifest.slug}/{other.file_stem}/")  # leaving saves the chapter's own position
        page.evaluate("(key) => localStorage.setItem(key, '6')", f"audioguide:position:{manifest.slug}:{chapter.number}")
        page.goto(f"/guides/{manifest.slug}/{chapter.file_stem}/" + (f"?t={asked / 1000}" if asked else ""))
        page.wait_for_function("(ms) => Math.abs(document.getElementById('audio').currentTime * 1000 - ms) < 2",
                               arg=expected_ms)
    # The time is taken from the address once it is used: a reload (or a tab the browser
    # restores) resumes where the listener got to, not at the link's moment again.
    page.goto(f"/guides/{manifest.slug}/{chapter.file_stem}/?t={segment.start_ms / 1000}#player")
    wait_until_placed(page, segment.start_ms)
    assert "t=" not in page.url and page.url.endswith(f"/{chapter.file_stem}/#player"), page.url
    listened_to = segment.start_ms / 1000 - 2.5  # as if the listener went back a little and paused there
    page.evaluate("(at) => { document.getElementById('audio').currentTime = at; }", listened_to)
    page.wait_for_function("(at) => Math.abs(document.getElementById('audio').currentTime - at) < 0.01", arg=listened_to)
    page.reload()  # the place is kept in whole seconds
    page.wait_for_function("(at) => document.getElementById('audio').currentTime === at", arg=int(listened_to))
    assert page.errors == []
