"""The player in a real headless Chromium: contrast, focus, keyboard operation,
transcript seeking, preferences, no-JS. Layout, targets and axe at every
text size and theme: test_reflow.py."""

from __future__ import annotations

import pytest

from audioguide.web.formatting import spoken_duration

from .support import AXE_AAA_CONTRAST, AXE_OPTIONS, current_time, dialog_opens

pytestmark = pytest.mark.browser


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 80):
    """Reach a control with the Tab key alone, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


# --- accessibility ------------------------------------------------------------


@pytest.mark.parametrize("theme", ["auto", "dark", "light", "contrast"])
def test_text_contrast_is_at_least_7_to_1(new_page, axe, chapter_two, theme):
    page = new_page(chapter_two, scheme="light", prefs={"theme": theme})
    page.locator("button.seg").nth(2).click()  # a highlighted sentence is checked too
    page.wait_for_selector("button.seg[aria-current='true']")
    page.evaluate("document.getElementById('audio').pause()")
    results = axe.run(page, options=AXE_AAA_CONTRAST)
    assert results.violations_count == 0, results.generate_report()


def test_settings_and_help_dialogs_pass_axe(new_page, axe):
    page = new_page()
    for name in ("settings", "help"):
        page.click(f"#btn-{name}")
        dialog_opens(page, name)
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()
        page.keyboard.press("Escape")


def test_no_content_security_policy_violations(new_page):
    page = new_page()
    page.keyboard.press("k")
    page.keyboard.press("n")
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '2'")
    page.click("#btn-settings")
    dialog_opens(page, "settings")
    page.keyboard.press("Escape")
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


# --- targets and focus ----------------------------------------------------------


def test_skip_link_comes_first_and_is_big(new_page):
    page = new_page()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to player"
    box = page.locator(".skip").bounding_box()
    assert box["width"] >= 64 and box["height"] >= 64 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert focused_id(page) == "player"
    page.keyboard.press("Tab")
    assert focused_id(page) == "seek"


def test_every_tab_stop_has_a_thick_visible_focus_ring(new_page, chapter_two):
    page = new_page(chapter_two)
    seen, problems = [], []
    for _ in range(200):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const s = getComputedStyle(el), r = el.getBoundingClientRect();
                return {key: el.id || el.className + ':' + el.textContent.slice(0, 30),
                        tag: el.tagName, width: parseFloat(s.outlineWidth), style: s.outlineStyle,
                        inView: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth};
            }"""
        )
        if info is None or (seen and info["key"] == seen[0]):
            break
        seen.append(info["key"])
        if info["width"] < 3 or info["style"] == "none" or not info["inView"]:
            problems.append(info)
    assert problems == []
    tags = " ".join(seen)
    assert "seek" in tags and "btn-play" in tags and "seg:" in tags and "chapter-link-1" in tags
    assert len(seen) > 20


# --- keyboard -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["Enter", "Space", "k"])
def test_keyboard_alone_starts_playback(new_page, key):
    page = new_page()
    tab_to(page, "btn-play")
    page.keyboard.press(key)
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.5", timeout=5000)
    assert focused_id(page) == "btn-play"
    assert page.locator("#btn-play .label").text_content() == "Pause"


def test_space_on_the_page_plays_but_not_twice_on_a_button(new_page):
    page = new_page()
    page.locator("h1").click()  # focus on nothing in particular
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    tab_to(page, "btn-play")
    page.keyboard.press("Space")  # the button's own click, not also the shortcut
    page.wait_for_timeout(200)
    assert page.evaluate("document.getElementById('audio').paused")


def test_n_goes_to_the_next_chapter_and_focus_stays(new_page, manifest):
    page = new_page()
    tab_to(page, "btn-play")
    page.keyboard.press("Enter")
    page.keyboard.press("n")
    second = manifest.chapters[1]
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '2'")
    assert page.url.endswith(f"/{second.file_stem}/")
    assert page.locator("h1").text_content() == second.title
    assert page.locator(".chapter-link[aria-current='page']").get_attribute("id") == "chapter-link-2"
    assert focused_id(page) == "btn-play"
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.3", timeout=5000)
    assert second.audio.path in page.evaluate("document.getElementById('audio').currentSrc")
    # The downloads offer the new chapter's own files.
    chapter_files = page.locator("#chapter-downloads a.dl").evaluate_all("links => links.map(a => a.href)")
    assert [href.split("/media/")[1].split("?")[0] for href in chapter_files] == [
        second.audio.path, second.captions.path, second.transcript.path]
    # The button does the same, and keeps its own focus.
    tab_to(page, "btn-next")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '3'")
    assert focused_id(page) == "btn-next"
    page.keyboard.press("p")
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '2'")
    page.go_back()
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '3'")


def test_back_after_the_skip_link_does_not_reload_the_playing_chapter(new_page):
    page = new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if request.resource_type == "fetch" else None)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Skip to player": a new history entry, #player
    page.wait_for_function("() => location.hash === '#player'")
    page.keyboard.press("k")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.5", timeout=10000)
    source = page.evaluate("document.getElementById('audio').src")
    page.evaluate("history.back()")
    page.wait_for_function("() => location.hash === ''")
    before = current_time(page)
    page.wait_for_function(f"() => document.getElementById('audio').currentTime > {before} + 0.3",
                           timeout=10000)
    assert page.evaluate("document.getElementById('audio').src") == source
    assert fetched == []
    assert not [text for text in page.evaluate("window.__said") if text.startswith("Chapter")]


def test_back_then_forward_during_a_slow_load_ends_on_the_page_the_address_names(new_page, manifest):
    page = new_page()
    page.keyboard.press("n")
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '2'")

    def slowly(route):
        if route.request.resource_type == "fetch":
            page.wait_for_timeout(800)
        route.continue_()

    page.route("**/guides/**", slowly)
    page.evaluate("history.back()")  # chapter 1 starts loading...
    page.wait_for_function("() => !location.pathname.endsWith('/%s/')" % manifest.chapters[1].file_stem)
    page.evaluate("history.forward()")  # ...and the listener is back on chapter 2 before it arrives
    page.wait_for_function("() => location.pathname.endsWith('/%s/')" % manifest.chapters[1].file_stem)
    page.wait_for_timeout(2500)  # every load has finished
    assert page.evaluate("document.getElementById('main').dataset.chapter") == "2"
    assert page.locator("h1").text_content() == manifest.chapters[1].title


def test_if_swapping_fails_it_navigates_and_restores_focus(new_page, manifest):
    page = new_page()
    page.route("**/*", lambda route: route.abort() if route.request.resource_type == "fetch" else route.continue_())
    tab_to(page, "btn-next")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{manifest.chapters[1].file_stem}/")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'btn-next'")
    assert page.locator("h1").text_content() == manifest.chapters[1].title


def test_chapter_link_swaps_in_place(new_page, manifest):
    page = new_page()
    page.click("#chapter-link-3")
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '3'")
    assert page.locator("h1").text_content() == manifest.chapters[2].title
    assert focused_id(page) == "chapter-link-3"
    assert page.evaluate("window.__csp") == []


def test_enter_on_the_third_sentence_seeks_there(new_page, manifest):
    chapter = manifest.chapters[0]
    start = chapter.segments[2].start_ms / 1000
    page = new_page()
    sentence = page.locator("button.seg").nth(2)
    sentence.focus()
    # Where playback landed, taken in the page as it happens: it moves on at once.
    page.evaluate("""() => { window.__landed = new Promise(done => {
        const audio = document.getElementById('audio');
        audio.addEventListener('timeupdate', function landed() {
            if (audio.currentTime < %f) return;
            audio.removeEventListener('timeupdate', landed);
            done(audio.currentTime);
        });
        setTimeout(() => done(null), 10000);
    }); }""" % (start - 0.3))
    page.keyboard.press("Enter")
    landed = page.evaluate("window.__landed")
    assert landed is not None and landed - start <= 0.3, landed
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.wait_for_function("() => document.querySelectorAll('button.seg')[2].getAttribute('aria-current') === 'true'")
    assert page.locator("button.seg[aria-current='true']").count() == 1


def test_position_bar_seeks_with_one_click_and_arrow_keys(new_page, manifest):
    page = new_page()
    duration = manifest.chapters[0].duration_ms / 1000
    box = page.locator("#seek").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert abs(current_time(page) - duration / 2) < max(1.0, duration * 0.03)
    page.locator("#seek").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert abs(current_time(page) - 5) < 0.2
    text = page.locator("#seek").get_attribute("aria-valuetext")
    assert text == f"5 seconds of {spoken_duration(manifest.chapters[0].duration_ms, rounded=True)}"
    assert page.get_attribute("#seek", "aria-valuenow") == "5"


def test_help_dialog_opens_with_question_mark_and_returns_focus(new_page):
    page = new_page()
    tab_to(page, "btn-back")
    page.keyboard.press("?")
    dialog_opens(page, "help")
    assert page.evaluate("document.getElementById('help-dialog').contains(document.activeElement)")
    page.keyboard.press("n")  # shortcuts are off while a dialog is open
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('help-dialog').open")
    assert focused_id(page) == "btn-back"
    assert page.evaluate("document.getElementById('main').dataset.chapter") == "1"
    # The Help button too, closed with its Close button.
    tab_to(page, "btn-help")
    page.keyboard.press("Enter")
    dialog_opens(page, "help")
    page.keyboard.press("Enter")  # focus went to the only control, Close
    assert not page.evaluate("document.getElementById('help-dialog').open")
    assert focused_id(page) == "btn-help"


def test_shortcuts_can_be_switched_off(new_page):
    page = new_page()
    tab_to(page, "btn-settings")
    page.keyboard.press("Enter")
    dialog_opens(page, "settings")
    page.locator("input[name=shortcuts]").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Escape")
    assert focused_id(page) == "btn-settings"
    page.keyboard.press("n")
    page.keyboard.press("k")
    page.wait_for_timeout(400)
    assert page.evaluate("document.getElementById('main').dataset.chapter") == "1"
    assert page.evaluate("document.getElementById('audio').paused")
    page.reload()
    page.wait_for_function("() => !document.getElementById('controls').hidden")  # the player is running
    page.click("#btn-settings")
    dialog_opens(page, "settings")
    assert not page.locator("input[name=shortcuts]").is_checked()  # remembered
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.wait_for_timeout(300)
    assert page.evaluate("document.getElementById('main').dataset.chapter") == "1"


def test_shortcuts_never_fire_in_form_fields_or_with_modifiers(new_page):
    page = new_page()
    # A field on the page, as a later search box or note would be.
    page.evaluate("document.getElementById('main').insertAdjacentHTML('afterbegin', '<input id=note aria-label=note>')")
    page.locator("#note").focus()
    page.keyboard.type("nkp")
    page.locator("h1").click()
    page.keyboard.press("Control+n")
    page.keyboard.press("Alt+k")
    page.wait_for_timeout(300)
    assert page.evaluate("document.getElementById('main').dataset.chapter") == "1"
    assert page.evaluate("document.getElementById('audio').paused")
    assert page.locator("#note").input_value() == "nkp"


def test_a_held_key_does_not_repeat_a_toggle(new_page):
    page = new_page()
    page.locator("h1").click()
    page.keyboard.down("k")
    page.keyboard.down("k")  # auto-repeat: event.repeat is true
    page.keyboard.down("k")
    page.keyboard.up("k")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    page.wait_for_timeout(200)
    assert not page.evaluate("document.getElementById('audio').paused")


def test_seek_and_speed_keys(new_page, manifest):
    page = new_page()
    page.locator("h1").click()
    page.keyboard.press("l")
    expected = min(30, manifest.chapters[0].duration_ms / 1000 - 0.05)
    assert abs(current_time(page) - expected) < 0.1
    page.keyboard.press("j")
    assert abs(current_time(page) - (expected - 10)) < 0.1
    page.keyboard.press("ArrowLeft")
    assert abs(current_time(page) - max(expected - 20, 0)) < 0.1
    page.keyboard.press("ArrowRight")
    page.keyboard.press("]")
    assert page.locator("#speed-value").text_content() == "1.1×"


@pytest.mark.parametrize("auto_scroll", [True, False])
def test_transcript_follows_playback_unless_switched_off(new_page, manifest, auto_scroll):
    chapter = max(manifest.chapters, key=lambda c: len(c.segments))
    last = chapter.segments[-1]
    page = new_page(f"/guides/{manifest.slug}/{chapter.file_stem}/", height=600,
                    prefs={"autoScroll": auto_scroll})
    box = page.locator("#transcript-body")
    if not box.evaluate("el => el.scrollHeight > el.clientHeight"):
        pytest.skip("this chapter's transcript fits its box")
    page.evaluate(f"() => {{ const a = document.getElementById('audio'); a.currentTime = {last.start_ms / 1000}; a.play(); }}")
    page.wait_for_function("() => [...document.querySelectorAll('button.seg')].pop().getAttribute('aria-current')")
    page.wait_for_timeout(800)  # smooth scrolling, when motion is allowed
    visible = page.evaluate("""() => {
        const box = document.getElementById('transcript-body').getBoundingClientRect();
        const r = [...document.querySelectorAll('button.seg')].pop().getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom;
    }""")
    assert visible is auto_scroll


def test_speed_and_volume_buttons(new_page):
    page = new_page()
    for _ in range(5):
        page.click("#btn-faster")
    assert page.locator("#speed-value").text_content() == "1.5×"
    assert page.evaluate("document.getElementById('audio').playbackRate") == 1.5
    page.keyboard.press("[")
    assert page.locator("#speed-value").text_content() == "1.4×"
    page.click("#btn-quieter")
    assert page.locator("#volume-value").text_content() == "90%"
    assert abs(page.evaluate("document.getElementById('audio').volume") - 0.9) < 1e-6


# --- announcements and memory ---------------------------------------------------


def test_live_region_announces_play_pause_and_chapter_once(new_page, manifest):
    page = new_page()
    page.locator("h1").click()
    for count in (1, 2, 3):  # each message is heard before the next press
        page.keyboard.press("k")
        page.wait_for_function(f"() => window.__said.length === {count}")
    page.keyboard.press("n")
    page.wait_for_function("() => document.getElementById('main').dataset.chapter === '2'")
    page.wait_for_function("() => window.__said.length >= 4")
    page.wait_for_timeout(600)  # and no second announcement follows
    said = page.evaluate("window.__said")
    label = f"Chapter 2 of {len(manifest.chapters)}: {manifest.chapters[1].title}"
    assert said == ["Playing", "Paused", "Playing", f"{label}. Playing"]
    assert page.get_attribute("#announcer", "aria-live") == "polite"


def test_position_speed_and_theme_are_remembered(new_page, manifest):
    page = new_page(scheme="light")
    page.click("#btn-faster")
    page.click("#btn-settings")
    dialog_opens(page, "settings")
    page.check("input[name=theme][value=contrast]")
    page.check("input[name=textSize][value='150']")
    page.keyboard.press("Escape")
    page.evaluate("document.getElementById('audio').currentTime = 7")
    page.locator("h1").click()
    page.keyboard.press("k")
    page.wait_for_timeout(300)
    page.keyboard.press("k")
    page.reload()
    page.wait_for_function("() => document.getElementById('audio').currentTime >= 7")
    assert page.locator("#speed-value").text_content() == "1.1×"
    assert page.get_attribute("html", "data-theme") == "contrast"
    assert page.get_attribute("html", "data-text-size") == "150"
    page.wait_for_function("() => window.__said.some(s => s.startsWith('Resuming at 7 seconds'))")


# --- layout ---------------------------------------------------------------------


def test_dark_theme_is_low_glare_when_the_system_prefers_dark(new_page):
    page = new_page(scheme="dark")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    red, green, blue = (int(x) for x in background[4:-1].split(","))
    assert max(red, green, blue) < 48
    light = new_page(scheme="light")
    background = light.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert min(int(x) for x in background[4:-1].split(",")) > 200


# --- without JavaScript ---------------------------------------------------------


def test_without_javascript_native_audio_and_links_remain(new_page, chapter_two, manifest):
    page = new_page(chapter_two, javascript=False)
    audio = page.locator("audio[controls]")
    assert audio.count() == 1 and audio.is_visible()
    assert page.locator("audio track[kind=captions]").count() == 1
    assert not page.locator("#controls").is_visible()
    assert page.locator("a.chapter-link").count() == len(manifest.chapters)
    downloads = page.locator("a.dl[download]")
    assert downloads.count() == 3 + len(manifest.downloads) + len(manifest.formats)  # chapter, guide, formats
    assert page.locator("span.seg").count() == len(manifest.chapters[1].segments)
    page.click("#chapter-link-3")
    assert page.locator("h1").text_content() == manifest.chapters[2].title
