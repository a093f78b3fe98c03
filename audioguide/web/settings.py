"""The listener's settings, written once: the server renders the settings
dialog from this table and puts the same choices in the page for the
player's script (``<meta name="audioguide-settings">``), which keeps only
saved values that are still offered."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One setting: radio ``choices`` (value, label), or a checkbox when there are none."""

    name: str
    legend: str  # the fieldset's legend; checkboxes sharing one are grouped
    default: str | int | bool
    choices: tuple[tuple[str | int, str], ...] = ()
    label: str = ""  # a checkbox's label
    saved: bool = True  # False: forgotten on reload (the sleep timer)


SETTINGS = (
    Setting("theme", "Colours", "auto", (("auto", "Follow my system"), ("dark", "Low-glare dark"),
                                         ("dim", "Dim, for light sensitivity"), ("light", "Light"),
                                         ("contrast", "High contrast"))),
    Setting("textSize", "Text size", 100, tuple((size, f"{size}%") for size in (100, 125, 150, 175, 200))),
    Setting("highlight", "Current sentence", "on", (("on", "Highlighted"), ("underline", "Underlined only"),
                                                    ("off", "Not marked"))),
    Setting("shortcuts", "Keyboard and transcript", True, label="Single-key shortcuts"),
    Setting("autoScroll", "Keyboard and transcript", True, label="Keep the current sentence in view"),
    Setting("rewind", "Listening", True,
            label="After a pause, go back a little: a few seconds after a minute, more after half an hour"),
    Setting("chapterStop", "Listening", False, label="Stop at the end of each chapter"),
    Setting("spacing", "Easier to see", False, label="Wider text spacing"),
    Setting("simple", "Easier to see", False, label="Simple mode: three big buttons"),
    Setting("debounceMs", "Ignore repeated presses (for tremor)", 0,
            ((0, "Off"), (250, "Within 0.25 seconds"), (500, "Within 0.5 seconds"), (1000, "Within 1 second"))),
    Setting("holdMs", "Hold to activate (slow keys)", 0,
            ((0, "Off"), (300, "Hold for 0.3 seconds"), (600, "Hold for 0.6 seconds"))),
    Setting("scanMs", "Scanning, for one switch", 0,
            ((0, "Off"), (1000, "Next every 1 second"), (1500, "Next every 1.5 seconds"),
             (2000, "Next every 2 seconds"), (3000, "Next every 3 seconds"))),
    Setting("sleep", "Sleep timer (not kept after a reload)", "0",
            (("0", "Off"), ("chapter", "End of this chapter"), ("15", "15 minutes"), ("30", "30 minutes"),
             ("60", "60 minutes")), saved=False),
)


@functools.cache  # the table does not change: every page would group it again
def fieldsets() -> list[tuple[str, list[Setting]]]:
    """The dialog's groups in table order: a legend and its settings."""
    groups: dict[str, list[Setting]] = {}
    for setting in SETTINGS:
        groups.setdefault(setting.legend, []).append(setting)
    return list(groups.items())


@functools.cache
def for_script() -> str:
    """Each saved setting and what it may be, default first, for the page's meta tag:
    ``theme=auto dark ...;shortcuts=1;...`` (a checkbox: 1 or 0, its default)."""
    def values(setting: Setting) -> list[str]:
        if not setting.choices:
            return [str(int(bool(setting.default)))]
        offered = [str(value) for value, _ in setting.choices]
        return [str(setting.default)] + [value for value in offered if value != str(setting.default)]

    return ";".join(f"{s.name}={' '.join(values(s))}" for s in SETTINGS if s.saved)
