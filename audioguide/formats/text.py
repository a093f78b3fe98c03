"""What the talking-book formats share: escaping, clock values and a chapter's text as XHTML.

A chapter's segments carry their structure (``kind``, ``paragraph``,
``item``): a title, then paragraphs of sentences and lists whose items hold
one or more sentences. Every segment becomes one element with an id, the
target the synchronisation files point at.
"""

from __future__ import annotations

import re
from html import escape
from typing import Callable

from ..manifest import ChapterEntry, TimedSegment


#: What XML 1.0 forbids (C0 controls but tab, newline and return; lone surrogates;
#: U+FFFE, U+FFFF) and what it discourages and validators refuse (C1 controls,
#: the non-characters U+FDD0..U+FDEF and the last two code points of every plane).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef"
                     + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
                     + "]")


def attr(text: str) -> str:
    """Text for an XML attribute or element: characters XML cannot carry left out,
    white space folded, &, <, > and both quotes escaped."""
    return escape(" ".join(NOT_XML.sub("", str(text)).split()), quote=True)


def clock(ms: int) -> str:
    """A SMIL full clock value, ``h:mm:ss.mmm``."""
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def clips(chapter: ChapterEntry) -> list[tuple[TimedSegment, int, int]]:
    """Each segment with its clip of the chapter's audio: from where it starts to
    where the next one starts (the last one: to the end of the chapter), so a
    reading system plays the pauses between sentences as the player does, and
    the clips of a chapter follow one another with no gap."""
    segments = chapter.segments
    ends = [s.start_ms for s in segments[1:]] + [chapter.duration_ms]
    return [(segment, segment.start_ms, max(end, segment.end_ms)) for segment, end in zip(segments, ends)]


def chapter_body(chapter: ChapterEntry, ident: Callable[[int], str], heading: str = "h1") -> list[str]:
    """The chapter's text as XHTML lines: the title as a heading, then paragraphs
    and lists, every segment in a ``span`` (the heading's text in the heading
    itself) whose id is ``ident(index)``, index counting segments from 0."""
    lines: list[str] = []
    open_block = ""  # "p" or "ul"
    open_item = False
    previous: TimedSegment | None = None

    def close() -> None:
        nonlocal open_block, open_item
        if open_item:
            lines[-1] += "</li>"
            open_item = False
        if open_block:
            lines.append(f"</{open_block}>")
            open_block = ""

    for index, segment in enumerate(chapter.segments):
        text = attr(segment.written)
        if segment.kind == "title":
            close()
            lines.append(f'<{heading} id="{ident(index)}">{text}</{heading}>')
            previous = segment
            continue
        block = "ul" if segment.kind == "list_item" else "p"
        same = (previous is not None and previous.kind == segment.kind
                and previous.paragraph == segment.paragraph and open_block == block)
        if not same:
            close()
            lines.append(f"<{block}>")
            open_block = block
        span = f'<span id="{ident(index)}">{text}</span>'
        if block == "ul":
            new_item = not open_item or segment.item == 0 or previous.item != segment.item
            if new_item:
                if open_item:
                    lines[-1] += "</li>"
                lines.append(f"<li>{span}")
                open_item = True
            else:
                lines[-1] += " " + span
        elif lines[-1] == "<p>":
            lines.append(span)
        else:
            lines[-1] += " " + span
        previous = segment
    close()
    return lines
