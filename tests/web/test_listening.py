"""What listeners of other players ask for, in a real Chromium: rewind on
resume, going back after a jump, speed to 3x, stopping at each chapter's
end, the highlight switched off, and finding words in the transcript (with
and without JavaScript)."""

from __future__ import annotations

import pytest

from audioguide.web.pages import search

from .support import current_time

pytestmark = pytest.mark.browser

#: Moves the page's clock on: Date.now() answers `seconds` later from now on.
LATER = "(seconds) => { const real = Date.now; Date.now = () => real() + seconds * 1000; }"


def chapter_is(page, number: int) -> None:
    page.wait_for_function(f"() => document.getElementById('main').dataset.chapter === '{number}'")


def playing_from(page, seconds: float) -> None:
    page.evaluate(f"() => {{ const a = document.getElementById('audio'); a.currentTime = {seconds}; }}")
    page.locator("h1").click()
    page.keyboard.press("k")
    page.wait_for_function("() => !document.getElementById('audio').paused")


def paused_and_noted(page) -> None:
    """Paused, and the player's pause handler has run (it notes when the pause began):
    ``audio.paused`` turns true before that handler, which comes as a later task."""
    page.wait_for_function("() => document.getElementById('audio').paused && "
                           "document.querySelector('[data-action=toggle]').dataset.state === 'paused'")


def test_playback_resumes_5_seconds_earlier_after_a_60_second_pause(new_page):
    page = new_page()
    playing_from(page, 20)
    page.keyboard.press("k")
    paused_and_noted(page)
    paused_at = current_time(page)
    page.keyboard.press("k")  # at once: a pause under 3 s goes nowhere
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert current_time(page) >= paused_at - 0.1
    page.keyboard.press("k")
    paused_and_noted(page)
    paused_at = current_time(page)
    page.evaluate(LATER, 61)
    page.keyboard.press("k")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert abs(page.evaluate("document.getElementById('audio').currentTime") - (paused_at - 5)) < 0.4


def test_rewind_on_resume_can_be_switched_off(new_page):
    page = new_page(prefs={"rewind": False})
    playing_from(page, 20)
    page.keyboard.press("k")
    paused_and_noted(page)
    paused_at = current_time(page)
    page.evaluate(LATER, 3600)
    page.keyboard.press("k")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert current_time(page) >= paused_at - 0.1


def test_go_back_after_a_transcript_jump_and_after_a_chapter_change(new_page, manifest):
    page = new_page()
    page.evaluate("document.getElementById('audio').currentTime = 12")
    page.locator("button.seg").nth(0).click()  # a jump to the first sentence
    page.wait_for_function("() => document.getElementById('audio').currentTime < 5")
    page.evaluate("document.getElementById('audio').pause()")
    page.locator("h1").click()
    page.keyboard.press("u")
    assert abs(current_time(page) - 12) < 0.3
    assert page.get_attribute("#btn-undo", "aria-disabled") is None
    # A chapter change, undone with the button: back to chapter 1 where it was.
    page.keyboard.press("n")
    chapter_is(page, 2)
    page.click("#btn-undo")
    chapter_is(page, 1)
    page.wait_for_function("() => Math.abs(document.getElementById('audio').currentTime - 12) < 0.5")
    page.wait_for_function("() => window.__said.some(s => s.startsWith('Back to Chapter 1'))")


def test_go_back_goes_through_the_tremor_filter_and_a_held_key_acts_once(new_page):
    page = new_page(prefs={"debounceMs": 1000})
    page.evaluate("document.getElementById('audio').currentTime = 12")
    page.locator("h1").click()
    page.keyboard.press("l")  # forward 30 s: a jump
    after_jump = current_time(page)
    page.wait_for_timeout(1100)
    page.keyboard.down("u")
    page.keyboard.down("u")  # auto-repeat: ignored
    page.keyboard.up("u")
    assert abs(current_time(page) - 12) < 0.3
    page.keyboard.press("u")  # too soon after the last: the tremor filter ignores it
    assert abs(current_time(page) - 12) < 0.3
    page.wait_for_timeout(1100)
    page.keyboard.press("u")  # going back is itself undone
    assert abs(current_time(page) - after_jump) < 0.3


def test_speed_reaches_3x_in_tenths_and_is_announced(new_page):
    page = new_page()
    page.locator("h1").click()
    for _ in range(25):  # 1.0 to 3.0 is 20 steps; the rest stay at 3
        page.keyboard.press("]")
    assert page.locator("#speed-value").text_content() == "3×"
    assert page.evaluate("document.getElementById('audio').playbackRate") == 3
    assert page.get_attribute("#btn-faster", "aria-disabled") == "true"
    page.wait_for_function("() => window.__said.includes('Speed 3 times')")
    page.keyboard.press("[")
    assert page.locator("#speed-value").text_content() == "2.9×"
    page.reload()
    page.wait_for_function("() => !document.getElementById('controls').hidden")
    assert page.locator("#speed-value").text_content() == "2.9×"


def test_stop_at_the_end_of_each_chapter(new_page, manifest):
    page = new_page(prefs={"chapterStop": True})
    playing_from(page, manifest.chapters[0].duration_ms / 1000 - 1)
    chapter_is(page, 2)
    page.wait_for_function("() => window.__said.some(s => s.startsWith('End of the chapter'))")
    assert page.evaluate("document.getElementById('audio').paused")
    page.wait_for_timeout(500)
    assert page.evaluate("document.getElementById('audio').paused")
    assert current_time(page) < 0.5


@pytest.mark.parametrize("mode", ["off", "underline"])
def test_the_sentence_highlight_can_be_off_or_an_underline(new_page, mode):
    page = new_page(prefs={"highlight": mode})
    page.locator("button.seg").nth(1).click()
    current = page.locator("button.seg[aria-current='true']")
    current.wait_for()
    page.evaluate("document.getElementById('audio').pause()")
    style = current.evaluate("el => { const s = getComputedStyle(el);"
                             " return [s.backgroundColor, s.textDecorationLine, s.borderLeftColor]; }")
    assert style[0] == "rgba(0, 0, 0, 0)" and style[2] == "rgba(0, 0, 0, 0)"
    assert style[1] == ("none" if mode == "off" else "underline")


def test_find_in_the_transcript_plays_the_sentence_chosen(new_page, manifest):
    chapter = manifest.chapters[1]
    hits = search(chapter, "dystonia")
    assert len(hits) >= 2
    page = new_page(f"/guides/{manifest.slug}/{chapter.file_stem}/")
    page.fill("#search-q", "DYSTONIA")
    page.keyboard.press("Enter")
    found = page.locator("#search-results button.hit")
    found.first.wait_for()  # the search module loads on first use
    assert found.count() == len(hits)
    assert found.nth(1).text_content() == hits[1].written
    page.wait_for_function(f"() => window.__said.includes('{len(hits)} sentences with “DYSTONIA”')")
    found.nth(1).click()
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert abs(current_time(page) - hits[1].start_ms / 1000) < 0.5


def test_find_in_the_transcript_without_javascript(new_page, manifest):
    chapter = manifest.chapters[1]
    hits = search(chapter, "dystonia")
    page = new_page(f"/guides/{manifest.slug}/{chapter.file_stem}/", javascript=False)
    page.fill("#search-q", "dystonia")
    page.keyboard.press("Enter")
    page.wait_for_url("**?q=dystonia*")
    found = page.locator("#search-results a.hit")
    assert found.count() == len(hits)
    found.nth(1).click()
    page.wait_for_url("**t=*")
    source = page.get_attribute("#audio", "src")
    assert source.endswith(f"#t={hits[1].start_ms / 1000:g}")
    page.evaluate("document.getElementById('audio').play()")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0")
    assert current_time(page) >= hits[1].start_ms / 1000 - 0.3
