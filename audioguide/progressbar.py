"""The build's progress bar on the terminal: one line, warnings printed above it."""

from __future__ import annotations

import sys


class BuildBar:
    """One tqdm bar over the segments of the chapters being made, counted as each chapter
    is finished, with the sentences synthesized and the minutes of audio made so far."""

    def __init__(self, disable: bool | None):
        import threading

        from tqdm import tqdm

        self._lock = threading.Lock()
        self._bar = tqdm(total=0, unit="segment", desc="Building", file=sys.stderr, disable=disable,
                         leave=False, dynamic_ncols=True)
        self._synthesize = self._synthesized = 0
        self._audio_ms = 0

    def progress(self):
        from .build import Progress

        return Progress(on_plan=self._plan, on_segment=self._segment, on_chapter=self._chapter,
                        on_warning=self._warn)

    def _warn(self, warning: str) -> None:
        from tqdm import tqdm

        with self._lock:  # printed above the bar, which is drawn again below it
            tqdm.write(f"audioguide: warning: {warning}", file=sys.stderr)

    def _show(self) -> None:
        said = f"{self._synthesized}/{self._synthesize} said" if self._synthesize else "all cached"
        self._bar.set_postfix_str(f"{said}, {self._audio_ms / 60000:.1f} min of audio", refresh=False)

    def _plan(self, plan) -> None:
        with self._lock:
            self._synthesize = plan.synthesize
            self._bar.reset(total=plan.segments)
            self._show()

    def _segment(self) -> None:
        with self._lock:
            self._synthesized += 1
            self._show()
            self._bar.update(0)  # redraws at most every tenth of a second

    def _chapter(self, chapter) -> None:
        with self._lock:
            self._audio_ms += chapter.duration_ms
            self._show()
            self._bar.update(len(chapter.segments))

    def close(self) -> None:
        self._bar.close()
