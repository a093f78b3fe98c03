"""Times and sizes the way the player shows and speaks them."""

from __future__ import annotations


def whole_seconds(ms: int) -> int:
    """Rounded half up, as JavaScript's Math.round does (Python's round() would not)."""
    return max(int(ms / 1000 + 0.5), 0)


def _seconds(ms: int, rounded: bool) -> int:
    return whole_seconds(ms) if rounded else max(int(ms) // 1000, 0)


def clock(ms: int, rounded: bool = False) -> str:
    """``3:20`` or ``1:02:03``: the compact time shown beside the position bar.

    Elapsed time counts whole seconds down; a total is ``rounded``, so a
    44.98 s chapter reads 0:45 here and "45 s" in the chapter list.
    """
    seconds = _seconds(ms, rounded)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def spoken_duration(ms: int, rounded: bool = False) -> str:
    """``3 minutes 20 seconds``: for aria-valuetext, read aloud by screen readers."""
    seconds = _seconds(ms, rounded)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_plural(hours, "hour"))
    if minutes:
        parts.append(_plural(minutes, "minute"))
    if seconds or not parts:
        parts.append(_plural(seconds, "second"))
    return " ".join(parts)


def short_duration(ms: int) -> str:
    """``3 min 20 s``: chapter lengths in the chapter list."""
    minutes, seconds = divmod(whole_seconds(ms), 60)
    if minutes and seconds:
        return f"{minutes} min {seconds} s"
    return f"{minutes} min" if minutes else f"{seconds} s"


def human_size(size: int) -> str:
    """``1.2 MB``: download sizes (decimal units, as file managers show them)."""
    if size < 1000:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if size >= 10 else f"{size:.1f} {unit}"
    return f"{size} bytes"  # pragma: no cover
