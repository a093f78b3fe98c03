"""A link to a moment past the end of its chapter (an old link to a chapter a later
build made shorter): the player says where it really is, as a seek past the end
does, in real headless Chromium. Saying "Ready at 76 seconds" in a 46-second
chapter would tell a screen reader user something the player is not doing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SAID_READY = "() => window.__said.some(s => s.startsWith('Ready at '))"


def spoken(seconds: float) -> str:
    """What the player says for a time (bus.js's spoken), for times under an hour."""
    whole = int(seconds)
    minutes, rest = divmod(whole, 60)
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes else []
    if rest or not parts:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


def test_a_time_past_the_chapters_end_is_said_as_where_the_player_stands(new_page, manifest):
    chapter = manifest.chapters[0]
    asked = chapter.duration_ms / 1000 + 30
    page = new_page(f"/guides/{manifest.slug}/{chapter.file_stem}/?t={asked}")
    page.wait_for_function(SAID_READY)
    said = [s for s in page.evaluate("window.__said") if s.startswith("Ready at ")]
    time, end = page.evaluate("[document.getElementById('audio').currentTime, document.getElementById('audio').duration]")
    assert time <= end < asked, (time, end)
    assert said == [f"Ready at {spoken(time)}"], (said, time)
    assert said != [f"Ready at {spoken(asked)}"]
    assert page.evaluate("document.getElementById('audio').paused")
    assert page.errors == []


def test_a_time_inside_the_chapter_is_kept_as_asked(new_page, manifest):
    chapter = manifest.chapters[0]
    segment = chapter.segments[-1]
    page = new_page(f"/guides/{manifest.slug}/{chapter.file_stem}/?t={segment.start_ms / 1000}")
    page.wait_for_function(SAID_READY)
    time = page.evaluate("document.getElementById('audio').currentTime")
    assert abs(time * 1000 - segment.start_ms) < 2, time
    assert [s for s in page.evaluate("window.__said") if s.startswith("Ready at ")] == \
        [f"Ready at {spoken(segment.start_ms / 1000)}"]
    assert page.errors == []
