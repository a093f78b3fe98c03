"""``audioguide build`` of one guide: a progress bar and the summary it prints. The
work itself is ``build.build_guide``, imported when a build runs, so that the other
commands start without loading numpy and the audio stage.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .guides import Guide, load_guide
from .speech import SegmentCache

DEFAULT_BUILD_ROOT = Path("build")


def format_duration(ms: int) -> str:
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def run_build(guide: Guide, output: Path | None, cache_dir: Path | None, jobs: int | None, quiet: bool):
    """Build with a progress bar on stderr when it is a terminal (never in CI or a pipe)."""
    from .build import build_guide
    from .progressbar import BuildBar

    output = output or DEFAULT_BUILD_ROOT / guide.slug
    bar = BuildBar(disable=True if quiet else None)
    try:
        return build_guide(guide, output, cache=SegmentCache(cache_dir), workers=jobs, progress=bar.progress())
    finally:
        bar.close()


def run_guide(guide: Guide, output: Path | None, cache_dir: Path | None, jobs: int | None, quiet: bool,
              as_json: bool) -> None:
    """Build one guide and print its summary (one line, or JSON with ``as_json``)."""
    result = run_build(guide, output, cache_dir, jobs, quiet)  # warnings go out as they come
    manifest = result.manifest
    summary = {
        "guide": manifest.slug,
        "chapters": len(manifest.chapters),
        "duration_ms": manifest.duration_ms,
        "synthesized": result.synthesized,
        "cached": result.cached,
        "mastered": len(result.mastered),
        "reencoded": len(result.reencoded),
        "downloads_rebuilt": result.rebuilt_downloads,
        "formats": ["mp3", *manifest.formats],
        "seconds": round(result.seconds, 2),
        "stages": {name: round(seconds, 2) for name, seconds in result.stages},
        "build_dir": str(result.build_dir),
    }
    if as_json:
        click.echo(json.dumps(summary))
    elif not quiet:
        chapters, said = summary["chapters"], result.synthesized
        click.echo(
            f"Built {chapters} chapter{'s' * (chapters != 1)} ({format_duration(manifest.duration_ms)} of audio) "
            f"in {result.seconds:.1f} s: {said} sentence{'s' * (said != 1)} synthesized, "
            f"{result.cached} from cache. Files are in {result.build_dir}")


def built_or_builtin(build_dir: Path | None, quiet: bool = False) -> Path:
    """``build_dir`` as given, or the built-in guide's, built (or brought up to date) first."""
    if build_dir is not None:
        return build_dir
    return run_build(load_guide(), None, None, None, quiet).build_dir
