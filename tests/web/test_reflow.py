"""Low vision on a phone and on a desktop: at 320x640 and 1280x800, with the
player's text size at 100, 150 and 200 %, in every theme, no word is broken
across two lines, nothing scrolls sideways, the transcript still shows eight
lines, every control is at least 64x64 CSS px and axe finds nothing.

One page load per viewport and theme; the text size changes inside it, the
way the settings dialog changes it. The layout is the same in every theme and
the colours the same at every size, so axe runs at every size in one theme
and at 200 % in the others."""

from __future__ import annotations

import pytest

from .support import AXE_OPTIONS, dialog_opens

pytestmark = pytest.mark.browser

SIZES = (100, 150, 200)
THEMES = ("auto", "dark", "dim", "light", "contrast")

#: Words broken across lines: a word (letters and digits) whose range has
#: line boxes on more than one line. A break after a hyphen is not inside a word.
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !el.getClientRects().length || el.closest('.visually-hidden, dialog:not([open])')) continue;
    for (const m of node.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
      if (lines.size > 1) broken.push(`${m[0]} (in ${el.tagName.toLowerCase()}.${el.className})`);
    }
  }
  return broken;
}"""

CONTROLS = "a[href], button, input, select, textarea, summary, [role=slider], [tabindex]:not([tabindex='-1'])"

SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const target = el.closest('label') || el;  /* a label is part of its input's target */
  const r = target.getBoundingClientRect();
  if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') return null;
  if (el.closest('dialog') && !el.closest('dialog').open) return null;
  return (r.width < 64 || r.height < 64) ? `${el.outerHTML.slice(0, 80)} ${r.width}x${r.height}` : null;
}).filter(Boolean)"""

SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

#: How many lines of sentence text the transcript box shows at once.
TRANSCRIPT_LINES = """() => {
  const box = document.getElementById('transcript-body');
  return box.clientHeight / parseFloat(getComputedStyle(box.querySelector('.seg')).lineHeight);
}"""


#: The root font size in px: what 100 % is at this width, times the text size.
ROOT_PX = "parseFloat(getComputedStyle(document.documentElement).fontSize)"

#: The lines "(blepharospasms)", brackets and all, takes in the transcript: the
#: guide's longest word must sit whole on one line, not only its letters.
LONGEST_WORD_LINES = """() => {
  const seg = [...document.querySelectorAll('#transcript-body .seg')].find(s => s.textContent.includes('(blepharospasms)'));
  const text = seg.firstChild, start = text.data.indexOf('(blepharospasms)'), range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, start + '(blepharospasms)'.length);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom))).size;
}"""


def set_text(page, size: int, *, spacing: bool = False) -> None:
    page.evaluate("([size, spacing]) => { const root = document.documentElement;"
                  " root.setAttribute('data-text-size', String(size)); root.toggleAttribute('data-spacing', spacing); }",
                  [size, spacing])


def layout_problems(page) -> dict:
    return {"broken words": page.evaluate(BROKEN_WORDS), "sideways scroll px": page.evaluate(SIDEWAYS),
            "small targets": page.evaluate(SMALL_TARGETS, CONTROLS)}


NO_PROBLEMS = {"broken words": [], "sideways scroll px": 0, "small targets": []}


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width,height", [(320, 640), (1280, 800)])
def test_reflow_at_every_text_size(new_page, axe, chapter_two, width, height, theme):
    # The second chapter has the guide's longest words: "(blepharospasms)".
    page = new_page(chapter_two, width=width, height=height, scheme="dark", prefs={"theme": theme})
    for size in SIZES:
        set_text(page, size)
        if size == 100:
            normal = page.evaluate(ROOT_PX)
        assert page.evaluate(ROOT_PX) == pytest.approx(normal * size / 100), f"{size}% is really {size}%"
        assert layout_problems(page) == NO_PROBLEMS, f"{size}%"
        assert page.evaluate(LONGEST_WORD_LINES) == 1, f"{size}%"
        if size == 200:
            assert page.evaluate(TRANSCRIPT_LINES) >= 8
        if theme != "auto" and size != 200:
            continue
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{size}%: {results.generate_report()}"
    assert page.errors == []


@pytest.mark.parametrize("width,height", [(320, 640), (1280, 800)])
def test_reflow_with_wcag_text_spacing_and_the_settings_open(new_page, chapter_two, width, height):
    page = new_page(chapter_two, width=width, height=height)
    for size in SIZES:
        set_text(page, size, spacing=True)
        assert layout_problems(page) == NO_PROBLEMS, f"{size}% with spacing"
        assert page.evaluate(LONGEST_WORD_LINES) == 1, f"{size}% with spacing"
    # 0.12em more a letter: at 320 px the longest word fits at 8vw (160 %), no larger.
    assert page.evaluate(ROOT_PX) == (25.6 if width == 320 else 40)
    set_text(page, 200)
    page.click("#btn-settings")
    dialog_opens(page, "settings")
    assert layout_problems(page) == NO_PROBLEMS
    dialog = page.locator("#settings-dialog").bounding_box()
    assert dialog["x"] >= 0 and dialog["x"] + dialog["width"] <= width


def test_chapter_durations_go_under_the_names_on_a_phone_at_200_percent(new_page, chapter_two):
    page = new_page(chapter_two, width=320, height=640, prefs={"textSize": 200})
    below = page.evaluate("""() => [...document.querySelectorAll('.chapter-link')].map(link => {
        const name = link.querySelector('.name').getBoundingClientRect();
        return link.querySelector('.dur').getBoundingClientRect().top >= name.bottom - 1;
    })""")
    assert below and all(below)
    wide = new_page(chapter_two, width=1280, height=800)
    side_by_side = wide.evaluate("""() => { const link = document.querySelector('.chapter-link');
        return link.querySelector('.dur').getBoundingClientRect().top < link.querySelector('.name').getBoundingClientRect().bottom; }""")
    assert side_by_side


def test_without_the_fix_the_check_finds_broken_words(new_page, chapter_two):
    """The broken-word check itself: squeeze the transcript and it must notice."""
    page = new_page(chapter_two, width=320, height=640, prefs={"textSize": 200})
    page.evaluate("document.getElementById('transcript-body').style.width = '120px'")
    assert page.evaluate(BROKEN_WORDS)


#: Every palette colour as the browser resolves it, read through a probe element.
PALETTE = """() => {
  const names = ['--bg', '--text', '--muted', '--link', '--surface', '--btn-bg', '--btn-text', '--btn-border',
    '--btn-hover', '--focus', '--focus-halo', '--current-bg', '--current-text', '--current-bar', '--track', '--fill'];
  const probe = document.createElement('span');
  document.body.appendChild(probe);
  const colours = names.map(name => { probe.style.color = `var(${name})`; return getComputedStyle(probe).color; });
  probe.remove();
  return colours;
}"""


def test_the_dark_palette_is_the_same_chosen_or_from_the_system(new_page):
    """Written once: "follow my system" on a dark system and "Low-glare dark" look the same."""
    from audioguide.web.offline import BACKGROUND

    chosen = new_page(scheme="light", prefs={"theme": "dark"})
    followed = new_page(scheme="dark", prefs={"theme": "auto"})
    light = new_page(scheme="light", prefs={"theme": "auto"})
    assert chosen.evaluate(PALETTE) == followed.evaluate(PALETTE) != light.evaluate(PALETTE)
    # An installed guide opens on the dark theme's own background: no flash of another grey.
    red, green, blue = (int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5))
    assert chosen.evaluate(PALETTE)[0] == f"rgb({red}, {green}, {blue})"
