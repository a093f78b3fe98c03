"""The motor and low-vision modes in a real headless Chromium: the tremor
filter, hold to activate, single-switch scanning, simple mode, the sleep
timer, the spoken time, the dim theme, text spacing and labels in names.
Every mode is off until the reader turns it on in Settings."""

from __future__ import annotations

import pytest

from audioguide.web.formatting import spoken_duration

from .support import AXE_AAA_CONTRAST, AXE_OPTIONS, dialog_opens, simple_mode_shows

pytestmark = pytest.mark.browser

PAUSED = "document.getElementById('audio').paused"
CHAPTER = "document.getElementById('main').dataset.chapter"
SCANNED = "(document.querySelector('.scan') || {}).id"
# The WCAG 1.4.12 text spacing values, as a reader's own stylesheet would set them.
SPACING_CSS = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
               " p { margin-bottom: 2em !important; }")


def arrow(expression: str) -> str:
    """A page function for wait_for_function: the player's CSP forbids evaluating bare strings."""
    return f"() => {expression}"


def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(r, g, b)`` computed colour."""
    channels = [int(part) / 255 for part in css_color[css_color.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def open_settings(page):
    page.click("#btn-settings")
    dialog_opens(page, "settings")


def close_settings(page):
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('settings-dialog').open")


# --- defaults -------------------------------------------------------------------


def test_every_mode_is_off_until_chosen(new_page):
    page = new_page()
    page.wait_for_timeout(1200)  # longer than the fastest scanning step
    assert page.evaluate("document.querySelectorAll('.scan, .holding').length") == 0
    flags = page.evaluate("['data-scan', 'data-simple', 'data-spacing'].filter(a => document.documentElement.hasAttribute(a))")
    assert flags == []
    assert not page.locator("#simple").is_visible() and not page.locator(".scan-hint").is_visible()
    open_settings(page)
    for name in ("debounceMs", "holdMs", "scanMs", "sleep"):
        assert page.locator(f"input[name={name}][value='0']").is_checked(), name
    for name in ("spacing", "simple"):
        assert not page.locator(f"input[name={name}]").is_checked(), name


def test_a_tremor_filter_saved_by_an_older_version_stays_on(new_page):
    page = new_page(prefs={"debounceMs": 600})
    open_settings(page)
    assert page.locator("input[name=debounceMs][value='500']").is_checked()


# --- tremor filter ----------------------------------------------------------------
#
# These tests press real keys and buttons a set time apart. On a loaded machine
# a step can stall, so the page records when each press really arrived, and a
# try whose timing came out wrong is repeated (and the test skipped if none
# came out right), rather than passing or failing by luck.

INPUT_CLOCK = """() => { window.__inputs = [];
    for (const type of ['keydown', 'keyup', 'pointerdown', 'pointerup'])
        window.addEventListener(type, e => { if (!e.repeat) window.__inputs.push(e.timeStamp); }, true); }"""
SPEED = "document.getElementById('audio').playbackRate"


def span_of_inputs(page) -> float:
    """Milliseconds between the first and the last press or release since the last call."""
    times = page.evaluate("window.__inputs.splice(0)")
    return times[-1] - times[0] if times else 0.0


def quick_pair(page, first, second, state, *, within=400):
    """Do two presses about 100 ms apart; return the state before and after."""
    for _ in range(3):
        page.wait_for_timeout(600)  # any earlier filter window is over
        before = state()
        span_of_inputs(page)
        first()
        page.wait_for_timeout(100)
        second()
        page.wait_for_timeout(300)
        if span_of_inputs(page) < within:
            return before, state()
    pytest.skip(f"this machine could not make two presses within {within} ms")


def short_press(page, down, up, state, *, under=250):
    """Hold a press for about 100 ms; return the state before and a while after."""
    for _ in range(3):
        before = state()
        span_of_inputs(page)
        down()
        page.wait_for_timeout(100)
        up()
        page.wait_for_timeout(400)  # longer than the hold time: a short press must still do nothing
        if span_of_inputs(page) < under:
            return before, state()
    pytest.skip(f"this machine could not release a press within {under} ms")


def test_tremor_filter_counts_the_first_press_and_ignores_a_second(new_page):
    page = new_page(prefs={"debounceMs": 500})
    page.locator("h1").click()
    page.evaluate(INPUT_CLOCK)
    said = []
    playing = lambda: not page.evaluate(PAUSED)  # noqa: E731
    space = lambda: page.keyboard.press("Space")  # noqa: E731

    def first():
        space()
        page.wait_for_timeout(50)
        said.append(playing())  # the first press counts at once

    before, after = quick_pair(page, first, space, playing)
    assert said[-1] != before, "the first press counts"
    assert after == said[-1], "the second press, 100 ms later, is ignored"
    # Any action, not only the same one: a click, then a key 100 ms later.
    before, after = quick_pair(page, lambda: page.click("#btn-faster"), lambda: page.keyboard.press("["),
                               lambda: page.evaluate(SPEED))
    assert after == round(before + 0.1, 1)
    # After the window, a press counts again (Space as the shortcut: focus off the Faster button).
    page.locator("h1").click()
    state = playing()
    page.wait_for_timeout(600)
    space()
    page.wait_for_function(arrow(f"{'' if state else '!'}{PAUSED}"))


def test_without_the_filter_both_quick_presses_count(new_page):
    page = new_page()
    page.locator("h1").click()
    page.evaluate(INPUT_CLOCK)
    before, after = quick_pair(page, lambda: page.keyboard.press("Space"), lambda: page.keyboard.press("Space"),
                               lambda: page.evaluate(PAUSED))
    assert before is True and after is True  # played, then paused again


def test_a_held_enter_on_a_button_acts_once(new_page):
    page = new_page()
    page.locator("#btn-faster").focus()
    for _ in range(4):
        page.keyboard.down("Enter")  # the later ones are auto-repeats
    page.keyboard.up("Enter")
    assert page.locator("#speed-value").text_content() == "1.1×"


# --- hold to activate -------------------------------------------------------------


def test_hold_to_activate_ignores_short_presses_and_shows_progress(new_page):
    page = new_page(prefs={"holdMs": 300})
    page.locator("h1").click()
    page.evaluate(INPUT_CLOCK)
    paused = lambda: page.evaluate(PAUSED)  # noqa: E731
    before, after = short_press(page, lambda: page.keyboard.down("k"), lambda: page.keyboard.up("k"), paused)
    assert after == before, "a 100 ms press does nothing"
    assert page.locator(".holding").count() == 0
    # A try that a stall made too long may have played: the long press below starts from paused.
    page.evaluate("document.getElementById('audio').pause()")
    page.keyboard.down("k")
    page.wait_for_timeout(100)
    fill = page.evaluate("""() => {
        const b = document.getElementById('btn-play');
        return b.classList.contains('holding') && getComputedStyle(b, '::after').animationName;
    }""")
    page.wait_for_timeout(300)
    page.keyboard.up("k")
    assert fill == "hold-fill", "the fill shows while the key is held"
    page.wait_for_function(arrow(f"!{PAUSED}"))
    # The same with a pointer, and with Space and Enter on a focused button.
    speed = lambda: page.evaluate(SPEED)  # noqa: E731
    box = page.locator("#btn-faster").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    before, after = short_press(page, page.mouse.down, page.mouse.up, speed)
    assert after == before
    page.mouse.down()
    page.wait_for_timeout(400)
    page.mouse.up()
    assert speed() == round(before + 0.1, 1)
    assert page.evaluate("document.activeElement.id") == "btn-faster"
    for key in ("Space", "Enter"):
        before, after = short_press(page, lambda: page.keyboard.down(key), lambda: page.keyboard.up(key), speed)
        assert after == before, key
        page.keyboard.down(key)
        page.wait_for_timeout(400)
        page.keyboard.up(key)
        page.wait_for_timeout(50)
        assert speed() == round(before + 0.1, 1), key


#: A press of "]" (faster) held for ``ms`` while the page is too busy to run any timer.
BUSY_PRESS = """ms => {
    const key = type => document.body.dispatchEvent(new KeyboardEvent(type, {key: ']', bubbles: true}));
    key('keydown');
    const start = performance.now();
    while (performance.now() - start < ms) { /* busy: the hold's timer cannot run */ }
    key('keyup');
}"""


def test_a_press_held_long_enough_counts_even_when_its_timer_runs_late(new_page):
    """On a busy phone the hold's timer can run after the key is let go: the
    press was held long enough, so it counts; a short one still does not."""
    page = new_page(prefs={"holdMs": 300})
    page.locator("h1").click()
    page.evaluate(BUSY_PRESS, 400)
    assert page.evaluate(SPEED) == 1.1
    page.evaluate(BUSY_PRESS, 100)
    page.wait_for_timeout(500)
    assert page.evaluate(SPEED) == 1.1
    assert page.locator(".holding").count() == 0


def test_hold_fill_stays_visible_with_reduced_motion_and_forced_colours(new_page):
    page = new_page(prefs={"holdMs": 600})
    page.emulate_media(reduced_motion="reduce", forced_colors="active")
    page.locator("h1").click()
    page.keyboard.down("n")
    page.wait_for_timeout(100)
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.getElementById('btn-next'), '::after');
        return [s.animationName, s.animationTimingFunction, s.backgroundColor, s.forcedColorAdjust];
    }""")
    page.keyboard.up("n")
    assert style[0] == "hold-fill" and style[1].startswith("steps(")
    assert style[3] == "none" and style[2] != "rgba(0, 0, 0, 0)"


# --- single-switch scanning ---------------------------------------------------------


def test_scanning_one_space_on_next_chapter_moves_there_and_keeps_playing(new_page):
    page = new_page(prefs={"scanMs": 1000})
    page.evaluate("document.getElementById('audio').play()")
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-play'"))
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-next'"), timeout=10_000)
    assert page.locator(".scan").count() == 1
    assert not page.evaluate(PAUSED), "scanning never stops playback"
    frame = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.scan')); return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert frame[0] == "solid" and frame[1] >= 6
    page.keyboard.press("Space")
    page.wait_for_function(arrow(f"{CHAPTER} === '2'"))
    assert page.evaluate(SCANNED) in (None, "btn-play"), "after an action scanning starts from the top"
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-play'"))
    page.wait_for_function(arrow("document.getElementById('audio').currentTime > 0.5"))
    assert not page.evaluate(PAUSED)


def test_scanning_a_pointer_press_anywhere_chooses_the_framed_action(new_page):
    page = new_page(prefs={"scanMs": 1000})
    box = page.locator("#chapter-link-4").bounding_box()  # measured first: the press must be quick
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-forward'"), timeout=10_000)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # anywhere: not followed
    page.wait_for_timeout(300)
    assert page.evaluate(CHAPTER) == "1"
    assert page.evaluate("document.getElementById('audio').currentTime") >= 25


def test_scanning_pauses_while_the_controls_are_used_another_way(new_page):
    page = new_page(prefs={"scanMs": 1000})
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-play'"))
    page.keyboard.press("Tab")
    page.wait_for_timeout(1500)
    assert page.evaluate(SCANNED) is None
    # While it waits, a click is an ordinary click. A dialog stops scanning too,
    # and closing the dialog brings it back from the top.
    open_settings(page)
    page.wait_for_timeout(1500)
    assert page.evaluate(SCANNED) is None
    close_settings(page)
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-play'"), timeout=5000)


def test_scanning_frame_holds_in_forced_colours(new_page):
    page = new_page(prefs={"scanMs": 1000})
    page.emulate_media(forced_colors="active")
    page.wait_for_function(arrow(f"{SCANNED} === 'btn-play'"))
    styles = page.evaluate("""() => ['.scan', '#btn-forward'].map(sel => {
        const s = getComputedStyle(document.querySelector(sel));
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.backgroundColor];
    })""")
    (style, width, background), (_, _, plain) = styles
    assert style == "solid" and width >= 6 and background != plain


# --- simple mode --------------------------------------------------------------------


def test_simple_mode_fills_a_phone_with_three_big_actions(new_page, axe):
    page = new_page(width=320, height=640)
    page.click("#btn-simple")  # one tap
    simple_mode_shows(page)
    assert not page.locator("h1").is_visible() and not page.locator("#controls").is_visible()
    quarter = 320 * 640 / 4
    for name, label in (("back", "Back 10\u00a0s"), ("play", "Play"), ("next", "Next chapter")):
        target = page.locator(f"#simple-{name}")
        box = target.bounding_box()
        assert box["width"] * box["height"] >= quarter, name
        assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 320 and box["y"] + box["height"] <= 640
        assert target.locator(".label").text_content() == label
        assert float(target.locator(".label").evaluate("el => getComputedStyle(el).fontSize")[:-2]) >= 32
    full = page.locator("#simple-full")
    box = full.bounding_box()
    assert box["width"] >= 64 and box["height"] >= 64 and full.text_content() == "Full player"
    assert page.evaluate("document.documentElement.scrollWidth <= 320 && document.documentElement.scrollHeight <= 640")
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    # The big buttons work, and the mode is remembered.
    page.click("#simple-play")
    page.wait_for_function(arrow("document.querySelector('#simple-play .label').textContent === 'Pause'"))
    assert not page.evaluate(PAUSED)
    page.click("#simple-next")
    page.wait_for_function(arrow(f"{CHAPTER} === '2'"))
    page.reload()
    page.wait_for_selector("#simple-play", state="visible")
    page.click("#simple-full")
    assert page.locator("h1").is_visible() and not page.locator("#simple").is_visible()
    assert page.evaluate("document.activeElement.id") == "btn-simple"


def test_simple_mode_with_scanning_scans_the_big_actions(new_page):
    page = new_page(width=1280, height=800, prefs={"simple": True, "scanMs": 1000})
    page.wait_for_function(arrow(f"{SCANNED} === 'simple-full'"))
    page.wait_for_function(arrow(f"{SCANNED} === 'simple-back'"))
    assert page.evaluate("getComputedStyle(document.querySelector('.scan')).outlineStyle") == "solid"


# --- sleep timer ----------------------------------------------------------------------


def test_sleep_timer_pauses_at_the_end_of_the_chapter(new_page, manifest):
    first = manifest.chapters[0]
    page = new_page()
    open_settings(page)
    page.check("input[name=sleep][value=chapter]")
    close_settings(page)
    page.wait_for_function(arrow("document.querySelector('.status').textContent === "
                                 "'Sleep timer: pauses at the end of this chapter'"))
    page.evaluate(f"(() => {{ const a = document.getElementById('audio'); a.currentTime = {first.duration_ms / 1000 - 3}; a.play(); }})()")
    page.wait_for_function(arrow("document.getElementById('audio').volume < 0.9"), timeout=5000)  # fading out
    assert not page.evaluate(PAUSED)
    page.wait_for_function(arrow(PAUSED), timeout=10_000)
    page.wait_for_timeout(1000)
    assert page.evaluate(CHAPTER) == "1", "it stays on the chapter that ended"
    assert page.evaluate(PAUSED)
    assert page.evaluate("document.getElementById('audio').volume") == 1
    page.wait_for_function(arrow("window.__said.includes('Sleep timer: paused at the end of the chapter')"))
    assert not page.locator(".status").is_visible()


def test_sleep_timer_in_minutes_fades_pauses_and_is_not_restored(new_page):
    page = new_page()
    page.clock.install()
    page.clock.resume()
    open_settings(page)
    page.check("input[name=sleep][value='15']")
    close_settings(page)
    page.wait_for_function(arrow("document.querySelector('.status').textContent === 'Sleep timer: pauses in 15 minutes'"))
    page.evaluate("document.getElementById('audio').play()")
    page.wait_for_function(arrow(f"!{PAUSED}"))
    page.clock.fast_forward("14:57")
    page.wait_for_function(arrow("document.getElementById('audio').volume < 0.8"), timeout=3000)
    page.wait_for_function(arrow(PAUSED), timeout=8000)
    page.wait_for_function(arrow("window.__said.includes('Sleep timer: paused')"))
    assert page.evaluate("document.getElementById('audio').volume") == 1
    page.reload()
    open_settings(page)
    assert page.locator("input[name=sleep][value='0']").is_checked()
    assert "sleep" not in page.evaluate("localStorage.getItem('audioguide:prefs')")


# --- spoken time --------------------------------------------------------------------


def test_t_speaks_the_chapter_and_the_time(new_page, chapter_two, manifest):
    second = manifest.chapters[1]
    page = new_page(chapter_two)
    page.evaluate("document.getElementById('audio').currentTime = 70.4")
    page.locator("h1").click()
    page.keyboard.press("t")
    expected = (f"Chapter 2 of {len(manifest.chapters)}, {second.title}, 1 minute 10 seconds of "
                f"{spoken_duration(second.duration_ms, rounded=True)}")
    page.wait_for_function(arrow(f"window.__said.includes({expected!r})"))
    page.keyboard.press("?")
    dialog_opens(page, "help")
    assert page.locator("#help-dialog kbd", has_text="T").count() == 1


# --- light sensitivity ----------------------------------------------------------------


def test_dim_theme_with_text_spacing_passes_axe_at_7_to_1(new_page, axe, chapter_two):
    page = new_page(chapter_two, scheme="light", prefs={"theme": "dim", "spacing": True})
    page.locator("button.seg").nth(2).click()
    page.wait_for_selector("button.seg[aria-current='true']")
    page.evaluate("document.getElementById('audio').pause()")
    for options in (AXE_OPTIONS, AXE_AAA_CONTRAST):
        results = axe.run(page, options=options)
        assert results.violations_count == 0, results.generate_report()
    white = page.evaluate("""() => [...document.querySelectorAll('*')].filter(el => {
        const s = getComputedStyle(el);
        return [s.color, s.backgroundColor, s.borderTopColor, s.outlineColor].includes('rgb(255, 255, 255)');
    }).map(el => el.tagName + '.' + el.className)""")
    assert white == []
    open_settings(page)
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_dim_theme_is_dimmer_and_warmer_than_dark(new_page):
    colours = {}
    for theme in ("dark", "dim"):
        page = new_page(prefs={"theme": theme})
        colours[theme] = page.evaluate("[getComputedStyle(document.body).color, getComputedStyle(document.documentElement).backgroundColor]")
    assert luminance(colours["dim"][0]) < 0.8 * luminance(colours["dark"][0])
    assert luminance(colours["dim"][1]) <= luminance(colours["dark"][1])
    red, _, blue = (int(x) for x in colours["dim"][0][4:-1].split(","))
    assert red > blue + 40, "warm text"


LAYOUT_PROBLEMS = """() => {
    const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden'
        && !el.closest('.visually-hidden') && !(el.closest('dialog') && !el.closest('dialog').open);
    const problems = [];
    for (const el of document.querySelectorAll('body *')) {
        if (!shown(el)) continue;
        const s = getComputedStyle(el);
        const clips = /hidden|clip/.test(s.overflowX + s.overflowY);
        if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
            problems.push('clipped ' + el.tagName + '#' + el.id + '.' + el.className);
    }
    const controls = [...document.querySelectorAll('a[href], button, label, [role=slider]')].filter(shown)
        .filter(el => !document.querySelector('dialog[open]') || el.closest('dialog[open]'));
    for (const el of controls) {
        if (el.scrollWidth > el.clientWidth + 1) problems.push('text overflows ' + el.outerHTML.slice(0, 60));
    }
    /* What shows of a control: its box cut by every scrolling or clipping ancestor. */
    const seen = el => {
        let r = el.getBoundingClientRect(), box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
        for (let up = el.parentElement; up; up = up.parentElement) {
            if (getComputedStyle(up).overflow === 'visible') continue;
            const q = up.getBoundingClientRect();
            box = {left: Math.max(box.left, q.left), top: Math.max(box.top, q.top),
                   right: Math.min(box.right, q.right), bottom: Math.min(box.bottom, q.bottom)};
        }
        return box;
    };
    const boxes = controls.map(el => [el, seen(el)]);
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        if (a.contains(b) || b.contains(a)) return;
        const overlap = Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1
            && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1;
        if (overlap) problems.push('overlap ' + a.outerHTML.slice(0, 40) + ' / ' + b.outerHTML.slice(0, 40));
    }));
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) problems.push('horizontal scroll');
    return problems;
}"""


@pytest.mark.parametrize("how", ["preference", "reader stylesheet"])
@pytest.mark.parametrize("width", [320, 1280])
def test_text_spacing_never_clips_or_overlaps(new_page, chapter_two, width, how):
    page = new_page(chapter_two, width=width, height=640, prefs={"spacing": how == "preference"})
    if how == "reader stylesheet":
        page.evaluate("css => { const s = new CSSStyleSheet(); s.replaceSync(css); document.adoptedStyleSheets = [s]; }", SPACING_CSS)
    spacing = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.meta'));
        const size = parseFloat(s.fontSize);
        return [parseFloat(s.lineHeight) / size, parseFloat(s.letterSpacing) / size, parseFloat(s.wordSpacing) / size,
                parseFloat(s.marginBottom) / size]; }""")
    assert spacing == pytest.approx([1.5, 0.12, 0.16, 2], abs=0.01)
    page.locator("button.seg").nth(1).click()  # a highlighted sentence too
    page.evaluate("document.getElementById('audio').pause()")
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    open_settings(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    close_settings(page)
    page.click("#btn-simple")
    simple_mode_shows(page)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


# --- voice control ------------------------------------------------------------------


VISIBLE_LABELS = """() => {
    const visibleText = el => {
        let text = '';
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const parent = walker.currentNode.parentElement;
            if (parent.closest('.visually-hidden, [aria-hidden=true]') || !parent.getClientRects().length) continue;
            text += walker.currentNode.textContent;
        }
        return text;
    };
    const controls = [...document.querySelectorAll('a[href], button, input, select, textarea, [role=slider]')]
        .filter(el => el.getClientRects().length || el.closest('label'))
        .filter(el => (el.closest('label') || el).getClientRects().length)
        .filter(el => !document.querySelector('dialog[open]') || el.closest('dialog[open]'));
    return controls.map((el, i) => {
        el.dataset.vc = i;
        const labelledBy = el.getAttribute('aria-labelledby');
        const source = el.closest('label') || (labelledBy ? document.getElementById(labelledBy) : el);
        return [i, el.id || el.outerHTML.slice(0, 60), visibleText(source)];
    });
}"""


def accessible_names(page) -> dict[int, str]:
    """Each marked control's accessible name, as Chromium computes it for assistive technology."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    names = {}
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-vc]"})["nodeIds"]:
        attributes = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        index = int(attributes[attributes.index("data-vc") + 1])
        ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][0]
        names[index] = ax.get("name", {}).get("value", "")
    cdp.detach()
    return names


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower()


@pytest.mark.parametrize("view", ["player", "settings", "help", "simple"])
def test_every_control_name_starts_with_its_visible_label(new_page, chapter_two, view):
    page = new_page(chapter_two)
    if view in ("settings", "help"):
        page.click(f"#btn-{view}")
        dialog_opens(page, view)
    elif view == "simple":
        page.click("#btn-simple")
        simple_mode_shows(page)
    labels = page.evaluate(VISIBLE_LABELS)
    names = accessible_names(page)
    assert len(labels) >= {"player": 40, "settings": 30, "help": 1, "simple": 4}[view]
    problems = [(what, label, names.get(i)) for i, what, label in labels
                if not normalise(label) or not normalise(names.get(i, "")).startswith(normalise(label))]
    assert problems == []
