"""A library's home page in a real headless Chromium: axe, 7:1 text, keyboard
only, 64 px targets and reflow at 320 px with 200 % text, and the search with
JavaScript on (as you type, the index fetched only when the box is used) and
off (the server answers the form)."""

from __future__ import annotations

import pytest

from .support import AXE_AAA_CONTRAST, AXE_OPTIONS, serving
from .test_reflow import BROKEN_WORDS, CONTROLS, SIDEWAYS, SMALL_TARGETS, set_text

pytestmark = pytest.mark.browser

#: Said in one chapter of one guide of the library (tests/library_helper.py).
WORDS = "yellow anticoagulant book"
SENTENCE = "Keep your yellow anticoagulant book with you at every appointment."


@pytest.fixture(scope="module")
def library_url(library_dir):
    with serving(library_dir) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture()
def open_home(browser, library_url):
    contexts = []

    def open_page(path="/", *, width=1280, height=800, javascript=True, theme=None):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=library_url,
                                      java_script_enabled=javascript, color_scheme="dark")
        contexts.append(context)
        if theme:
            context.add_init_script(f"localStorage.setItem('audioguide:prefs', '{{\"theme\": \"{theme}\"}}');")
        context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                                " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        page = context.new_page()
        page.errors, page.fetched = [], []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("request", lambda request: page.fetched.append(request.url))
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def result_names(page) -> list[str]:
    return page.locator("#library-results .guide-link .name").all_inner_texts()


def test_search_with_javascript_finds_a_transcript_sentence_as_you_type(open_home):
    page = open_home()
    assert not any("search-index.json" in url for url in page.fetched)  # not before the box is used
    page.click("#library-q")
    page.keyboard.type(WORDS)  # each key searches: wait for the answer to the last one
    page.wait_for_function("(words) => (document.getElementById('results-heading') || {}).textContent"
                           " === '1 guide found for “' + words + '”'", arg=WORDS)
    assert any("search-index.json" in url for url in page.fetched)
    assert result_names(page) == ["Taking warfarin safely"]
    assert page.locator("#results-heading").inner_text() == f"1 guide found for “{WORDS}”"
    place = page.locator("#library-results .place").first
    assert SENTENCE in place.inner_text()
    assert "?q=" not in page.url  # typing does not load another page
    assert page.locator("#library-status").inner_text() == f"1 guide found for “{WORDS}”"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'library-results'")
    assert "?q=yellow%20anticoagulant%20book" in page.url
    place.click()
    page.wait_for_url("**/guides/taking-warfarin-safely/02-*/**")
    assert SENTENCE in page.inner_text("#transcript-body")
    page.goto("/")
    page.fill("#library-q", "inhaler")
    page.wait_for_function("() => document.querySelector('#results-heading') && "
                           "document.querySelector('#results-heading').textContent.includes('inhaler')")
    assert result_names(page) == ["Using an asthma inhaler"]
    page.fill("#library-q", "")
    page.wait_for_selector("#library-results", state="hidden")
    assert page.errors == [] and page.evaluate("window.__csp") == []


def test_search_without_javascript_finds_a_transcript_sentence(open_home):
    page = open_home(javascript=False)
    page.fill("#library-q", WORDS)
    page.click("#library-search button[type=submit]")
    page.wait_for_url("**/?q=*")
    assert result_names(page) == ["Taking warfarin safely"]
    assert SENTENCE in page.locator("#library-results .place").first.inner_text()


def test_the_javascript_and_the_server_find_the_same(open_home, library_url):
    page = open_home()
    for query in ("use", "container clinic", "ECZEMA", "breathing", "warfarin yellow", "nothing here"):
        server = page.context.new_page()
        server.goto(f"/?q={query}")
        expected = result_names(server), server.locator("#results-heading").inner_text()
        server.close()
        page.fill("#library-q", query)
        page.wait_for_function("(q) => document.querySelector('#results-heading') && "
                               "document.querySelector('#results-heading').textContent.includes(q)", arg=query.strip())
        assert (result_names(page), page.locator("#results-heading").inner_text()) == expected, query


def test_home_passes_axe_with_7_to_1_text_in_every_theme(open_home, axe):
    page = open_home("/", theme="light")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"  # look.js applied the saved theme
    page.fill("#library-q", "use")  # results and the whole list on one page
    page.wait_for_selector("#library-results .place")
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    for theme in ("auto", "dark", "dim", "light", "contrast"):
        page.evaluate("(theme) => document.documentElement.setAttribute('data-theme', theme)", theme)
        results = axe.run(page, options=AXE_AAA_CONTRAST)
        assert results.violations_count == 0, (theme, results.generate_report())


@pytest.mark.parametrize("width,height", [(320, 640), (1280, 800)])
def test_targets_and_reflow_at_every_text_size(open_home, axe, width, height):
    server = open_home("/?q=use", width=width, height=height)  # the server's results page
    home = open_home("/", width=width, height=height)  # the script's results over the whole list
    home.fill("#library-q", "use")
    home.wait_for_selector("#library-results .place")
    for page in (server, home):
        for size in (100, 150, 200):
            set_text(page, size)
            problems = {"broken words": page.evaluate(BROKEN_WORDS), "sideways scroll px": page.evaluate(SIDEWAYS),
                        "small targets": page.evaluate(SMALL_TARGETS, CONTROLS)}
            assert problems == {"broken words": [], "sideways scroll px": 0, "small targets": []}, (page.url, size)
    results = axe.run(server, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()


def test_the_keyboard_reaches_search_results_and_every_guide_with_a_visible_focus(open_home):
    page = open_home()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "library-q"
    page.keyboard.type("moisturiser")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'library-results'")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent,"
                            " getComputedStyle(document.activeElement).outlineWidth,"
                            " getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[:2] == ["guide-link", "Éczema in children"]
    assert focused[2] == "4px" and focused[3] == "solid"
    # Every guide of the A-to-Z list is reached by Tab alone.
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.getAttribute('href')"))
    assert {"/guides/eczema-in-children/", "/guides/taking-warfarin-safely/", "/guides/using-an-asthma-inhaler/",
            "/guides/24-hour-urine-collection/", "#letter-E", "#letter-other"} <= reached
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/guides/**")


def test_a_guide_in_the_library_is_the_player_with_a_way_home(open_home, axe):
    page = open_home("/guides/using-an-asthma-inhaler/", width=320, height=640)
    page.wait_for_function("() => !document.getElementById('controls').hidden")  # the player's script runs
    set_text(page, 200)
    problems = {"sideways scroll px": page.evaluate(SIDEWAYS), "small targets": page.evaluate(SMALL_TARGETS, CONTROLS)}
    assert problems == {"sideways scroll px": 0, "small targets": []}
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    page.click("text=All audio guides")
    page.wait_for_selector("#library-search")
    assert page.errors == [] and page.evaluate("window.__csp") == []
