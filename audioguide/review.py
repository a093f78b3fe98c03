"""What a leaflet was read as, for an editor to check before a build: the
title, chapters and sentences (written, spoken, pauses) and the warnings."""

from __future__ import annotations

from dataclasses import dataclass

from .build import document_for, script_for
from .guides import Guide
from .narration import Script


@dataclass(frozen=True)
class Review:
    source: str
    language: str  # the leaflet's own language tag, "" when it does not say
    warnings: tuple[str, ...]
    script: Script  # script.language: the rules it was read with ("en-GB", "en-US")


def review_guide(guide: Guide) -> Review:
    document = document_for(guide)
    script = script_for(guide, document)
    return Review(str(guide.source), document.language, document.warnings + script.warnings, script)


def review_lines(review: Review) -> list[str]:
    """The script as text: "# Title", "## 1. Chapter", then each segment with its spoken form and pause."""
    lines = [f"# {review.script.title}"]
    for chapter in review.script.chapters:
        lines.append(f"\n## {chapter.number}. {chapter.title}")
        for segment in chapter.segments:
            lines.append(f"[{segment.kind}] {segment.written}")
            if segment.spoken != segment.written:
                lines.append(f"    spoken: {segment.spoken}")
            lines.append(f"    pause: {segment.pause_after_ms} ms")
    return lines


def review_data(review: Review) -> dict:
    """The same as data, for ``audioguide script --json``."""
    return {
        "source": review.source,
        "title": review.script.title,
        "language": review.language,
        "spoken_language": review.script.language,
        "warnings": list(review.warnings),
        "chapters": [
            {"number": chapter.number, "slug": chapter.slug, "title": chapter.title,
             "segments": [{"kind": segment.kind, "written": segment.written, "spoken": segment.spoken,
                           "pause_after_ms": segment.pause_after_ms} for segment in chapter.segments]}
            for chapter in review.script.chapters
        ],
    }
