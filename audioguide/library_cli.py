"""``audioguide build`` of many sources: when a build is a library's, its one progress
bar, and what it prints. The work itself is ``library.build_library``.

The build's own code is imported when a library is built, not when ``is_library``
is asked, so that the other commands start without loading numpy and the audio stage.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .guides import CONFIG_NAME, with_overrides
from .library_manifest import LIBRARY_NAME
from .speech import SegmentCache

if TYPE_CHECKING:  # imported where they are used (see above)
    from .build import Progress
    from .library import LibraryProgress

DEFAULT_LIBRARY = Path("build") / "library"


def is_library(sources: tuple[Path, ...], output: Path | None, cluster: str | None) -> bool:
    """Several sources, a folder of leaflets, a cluster, or an output that is a library
    already: a library build. One leaflet or guide folder builds one guide, as ever."""
    if cluster:
        return True
    if not sources:  # the built-in guide, as ever
        return False
    if len(sources) > 1:
        return True
    if output is not None and (Path(output) / LIBRARY_NAME).is_file():
        return True
    return bool(sources) and sources[0].is_dir() and not (sources[0] / CONFIG_NAME).exists()


class LibraryBar:
    """One bar for the whole library: segments of every guide being built, and how many
    guides are done."""

    def __init__(self, disable: bool | None):
        from tqdm import tqdm

        self._lock = threading.Lock()
        self._bar = tqdm(total=0, unit="segment", desc="Guides 0/0", file=sys.stderr, disable=disable,
                         leave=False, dynamic_ncols=True)
        self._guides = self._done = self._synthesize = self._synthesized = 0

    def progress(self) -> LibraryProgress:
        from .library import LibraryProgress

        return LibraryProgress(on_start=self._start, on_guide=self._guide, guide_progress=self._for_guide)

    def _for_guide(self, slug: str) -> Progress:
        from .build import Progress

        return Progress(on_plan=self._plan, on_segment=self._segment,
                        on_chapter=lambda chapter: self._advance(len(chapter.segments)), on_warning=self.warn)

    def warn(self, line: str) -> None:
        from tqdm import tqdm

        with self._lock:
            tqdm.write(f"audioguide: warning: {line}", file=sys.stderr)

    def _show(self) -> None:
        self._bar.set_description_str(f"Guides {self._done}/{self._guides}", refresh=False)
        said = f"{self._synthesized}/{self._synthesize} said" if self._synthesize else "all cached"
        self._bar.set_postfix_str(said, refresh=False)
        self._bar.update(0)

    def _start(self, guides: int) -> None:
        with self._lock:
            self._guides = guides
            self._show()

    def _plan(self, plan) -> None:
        with self._lock:
            self._synthesize += plan.synthesize
            self._bar.total += plan.segments
            self._show()

    def _segment(self) -> None:
        with self._lock:
            self._synthesized += 1
            self._show()

    def _advance(self, segments: int) -> None:
        with self._lock:
            self._bar.update(segments)

    def _guide(self, slug: str, problem: str | None) -> None:
        with self._lock:
            self._done += 1
            self._show()

    def close(self) -> None:
        self._bar.close()


def run_library(sources, output, options: dict, cache_dir, jobs, quiet: bool, as_json: bool,
                cluster: str | None) -> int:
    """Build the library, print its summary and one line per problem; the exit status."""
    from .library import build_library

    bar = LibraryBar(disable=True if quiet else None)
    try:
        result = build_library(
            list(sources), output or DEFAULT_LIBRARY,
            configure=lambda guide: with_overrides(
                guide, warn=lambda line: click.echo(f"audioguide: warning: {line}", err=True), **options),
            cache=SegmentCache(cache_dir), workers=jobs, progress=bar.progress(), cluster=cluster)
    finally:
        bar.close()
    for note in result.notes:
        click.echo(f"audioguide: warning: {note}", err=True)
    for slug in result.removed:  # told even with --quiet: a library holds what its sources give
        click.echo(f"audioguide: warning: {result.library_dir / slug}: removed, as its source was not "
                   "given (a library holds exactly the guides of the sources named)", err=True)
    for problem in result.problems:
        click.echo(f"audioguide: error: {problem.message}", err=True)
    library = result.library
    if as_json:
        click.echo(json.dumps({
            "library_dir": str(result.library_dir), "guides": len(library.guides),
            "built": list(result.built), "unchanged": list(result.unchanged), "removed": list(result.removed),
            "problems": [problem.message for problem in result.problems], "synthesized": result.synthesized,
            "cached": result.cached, "seconds": round(result.seconds, 2)}))
    elif not quiet:
        click.echo(f"Library of {len(library.guides)} guides in {result.library_dir}: {len(result.built)} built, "
                   f"{len(result.unchanged)} unchanged, {len(result.removed)} removed, "
                   f"{len(result.problems)} could not be built; {result.synthesized} sentences synthesized, "
                   f"{result.cached} from cache, in {result.seconds:.1f} s")
    return 2 if result.problems else 0
