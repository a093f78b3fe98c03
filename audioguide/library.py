"""Build many guides into one library: ``LIBRARY/<slug>/`` each, and ``library.json``.

One pool of speech workers serves every guide: it is started before the
first leaflet is read, so the engines start while the leaflets are parsed,
and a few guides are built at once (each masters its chapters while the
others' sentences are said). The library is incremental at two levels: a
guide whose inputs (leaflet, guide.toml, lexicon, settings, the program)
did not change is not read at all, and a changed one is brought up to
date by ``build_guide``, which reuses every sentence and chapter it can.
A source that is gone takes its guide with it (only the files a build
made). A leaflet that cannot be built is reported, one line, and the rest
are built; with ``cluster`` each guide is one task on a Dask scheduler.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from .build import BuildResult, Progress, build_guide
from .buildfolder import BuildFolderError, build_lock, present
from .errors import UserError
from .files import recording, write_atomic
from .guides import Guide, load_guide
from .library_manifest import (
    LIBRARY_NAME, STATE_NAME, GuideState, Library, LibraryEntry, LibraryProblem, entry_for,
    is_plain_slug, load_library, load_state, state_json, still_built,
)
from .buildfolder import code_fingerprint, inputs_fingerprint
from .library_sources import Source, assign_slugs, check_library_dir, find_sources, remove_guide_dir
from .manifest import ManifestError, load_manifest
from .speech import SegmentCache, SpeechError
from .speech.cache import seal_entry
from .speech.pool import SpeechPool


@dataclass(frozen=True)
class LibraryResult:
    library_dir: Path
    library: Library
    built: tuple[str, ...] = ()  # slugs of the guides built or brought up to date
    unchanged: tuple[str, ...] = ()  # slugs of the guides not touched
    removed: tuple[str, ...] = ()  # slugs of the guides taken away with their sources
    notes: tuple[str, ...] = ()  # slugs changed to stay distinct, folders kept
    synthesized: int = 0
    cached: int = 0
    seconds: float = 0.0

    @property
    def problems(self) -> tuple[LibraryProblem, ...]:
        return self.library.problems


@dataclass
class LibraryProgress:
    """Callbacks to follow a library build (the CLI draws one bar for all guides)."""

    on_start: Callable[[int], None] = lambda guides: None  # how many guides will be built
    on_guide: Callable[[str, str | None], None] = lambda slug, problem: None  # one is done
    #: The ``Progress`` of one guide's build (local builds only).
    guide_progress: Callable[[str], Progress] = lambda slug: Progress()


@dataclass
class _Run:
    """What the build found and did so far (the guides' outcomes arrive from threads)."""

    entries: dict[str, LibraryEntry] = field(default_factory=dict)
    problems: list[LibraryProblem] = field(default_factory=list)
    state: dict[str, GuideState] = field(default_factory=dict)
    built: list[str] = field(default_factory=list)
    synthesized: int = 0
    cached: int = 0


def build_library(
    sources: list[Path], library_dir: Path, *, configure: Callable[[Guide], Guide] = lambda guide: guide,
    cache: SegmentCache | None = None, workers: int | None = None, progress: LibraryProgress | None = None,
    cluster: str | None = None,
) -> LibraryResult:
    """Build every guide of ``sources`` into ``library_dir`` and write its library.json.

    ``configure`` applies the command line's choices (voice, formats...) to each
    guide. Problems are returned in the result, never raised, except for the
    library folder itself (not ours, locked, unwritable), which stops the build.
    """
    started = time.perf_counter()
    if not sources:  # never "a library of nothing", which would take every guide away
        raise BuildFolderError(f"{library_dir}: name the leaflets or folders to build into the library")
    library_dir = Path(library_dir)
    state = load_state(library_dir)
    check_library_dir(library_dir, {guide.slug for guide in state.values()})
    try:
        library_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildFolderError(f"{library_dir}: cannot make the library here ({error.strerror})") from None
    with build_lock(library_dir):
        return _build_locked([Path(s) for s in sources], library_dir, state, configure,
                             cache or SegmentCache(), workers, progress or LibraryProgress(), cluster, started)


def _build_locked(sources: list[Path], library_dir: Path, state: dict[str, GuideState],
                  configure: Callable[[Guide], Guide], cache: SegmentCache, workers: int | None,
                  progress: LibraryProgress, cluster: str | None, started: float) -> LibraryResult:
    previous = {entry.slug: entry for entry in (load_library(library_dir) or Library()).guides}
    found, missing = find_sources(sources, library_dir)
    run = _Run(problems=[LibraryProblem(shown, message) for shown, message in missing])
    guides: dict[str, tuple[Source, Guide]] = {}
    for source in found:
        try:
            guides[source.key] = (source, configure(load_guide(source.path)))
        except UserError as error:
            _failed(run, library_dir, source, state.get(source.key), previous, str(error))
    slugs, notes = assign_slugs([(key, source.shown, guide.slug) for key, (source, guide) in guides.items()],
                                state, {kept.slug for kept in run.state.values()})
    code = code_fingerprint()
    to_build: list[tuple[Source, Guide, str]] = []
    for key, (source, guide) in guides.items():
        guide = replace(guide, slug=slugs[key])
        inputs = inputs_fingerprint(guide, code)
        before, entry = state.get(key), previous.get(guide.slug)
        if before == GuideState(guide.slug, inputs) and entry and still_built(library_dir / guide.slug, entry):
            run.entries[guide.slug] = replace(entry, source=source.shown)
            run.state[key] = before
        else:
            to_build.append((source, guide, inputs))
    progress.on_start(len(to_build))
    builder = _on_cluster if cluster else _locally
    for (source, guide, inputs), outcome in builder(to_build, library_dir, cache, workers, progress, cluster):
        problem = None
        if isinstance(outcome, BaseException):
            problem = _message(source, outcome)
            _failed(run, library_dir, source, GuideState(guide.slug, ""), previous, problem)
        else:
            try:
                run.entries[guide.slug] = entry_for(library_dir / guide.slug, source.shown)
            except (OSError, ManifestError) as error:  # the folder changed under the build
                problem = f"{library_dir / guide.slug}: cannot read the guide just built ({error})"
                run.problems.append(LibraryProblem(source.shown, problem))
            run.state[source.key] = GuideState(guide.slug, inputs if problem is None else "")
            run.built.append(guide.slug)
            run.synthesized += outcome.synthesized
            run.cached += outcome.cached
        progress.on_guide(guide.slug, problem)
    if missing:  # a mistyped source must not empty the library: every guide stays listed
        used = {guide.slug for guide in run.state.values()}
        for key, guide in state.items():
            if key not in run.state and guide.slug not in used:
                run.state[key] = guide
                if guide.slug in previous:
                    run.entries[guide.slug] = previous[guide.slug]
        removed, kept = [], [f"nothing was removed from {library_dir}: a source given is missing"]
    else:
        removed, kept = _remove_others(library_dir, state, previous, {s.slug for s in run.state.values()})
    library = Library(tuple(sorted(run.entries.values(), key=lambda e: e.slug)),
                      tuple(sorted(run.problems, key=lambda p: (p.source, p.message))))
    with recording(library_dir):
        _write_if_changed(library_dir / LIBRARY_NAME, library.to_json())
        _write_if_changed(library_dir / STATE_NAME, state_json(run.state))
    return LibraryResult(library_dir, library, tuple(sorted(run.built)),
                         tuple(sorted(set(run.entries) - set(run.built))), tuple(removed), tuple(notes + kept),
                         run.synthesized, run.cached, time.perf_counter() - started)


def _message(source: Source, error: BaseException) -> str:
    if isinstance(error, UserError):
        return str(error)
    return f"{source.shown}: could not be built ({type(error).__name__}: {error})"


def _failed(run: _Run, library_dir: Path, source: Source, state: GuideState | None,
            previous: dict[str, LibraryEntry], message: str) -> None:
    """Report the source; its guide of an earlier build stays listed while it is whole,
    and its folder stays the library's either way (the next build tries again)."""
    run.problems.append(LibraryProblem(source.shown, message))
    if state is None:
        return
    run.state[source.key] = GuideState(state.slug, "")
    entry, build_dir = previous.get(state.slug), library_dir / state.slug
    try:
        whole = entry is not None and still_built(build_dir, entry) and all(
            present(build_dir, ref) for ref in load_manifest(build_dir).files().values())
    except ManifestError:
        whole = False
    if whole:
        run.entries[state.slug] = replace(entry, source=source.shown)


def _remove_others(library_dir: Path, state: dict[str, GuideState], previous: dict[str, LibraryEntry],
                   used: set[str]) -> tuple[list[str], list[str]]:
    """Take away the guides no source asks for now; (slugs removed, lines for folders kept)."""
    removed, kept = [], []
    for slug in sorted(({s.slug for s in state.values()} | set(previous)) - used):
        folder = library_dir / slug
        if not is_plain_slug(slug) or not os.path.lexists(folder):
            continue
        removed.append(slug)
        if not remove_guide_dir(folder):
            kept.append(f"{folder}: its guide was removed; the files in it that no build made are kept "
                        "(move them, or the next build refuses the library folder)")
    return removed, kept


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    write_atomic(path, text)


Outcome = Iterator[tuple[tuple[Source, Guide, str], "BuildResult | BaseException"]]


def _locally(to_build: list[tuple[Source, Guide, str]], library_dir: Path, cache: SegmentCache,
             workers: int | None, progress: LibraryProgress, cluster: None) -> Outcome:
    """Build the guides here, a few at once, with one speech pool per voice (nearly
    always one), started before the first leaflet is read."""
    if not to_build:
        return
    pools: dict = {}
    lock = threading.Lock()
    stopping = False

    def pool_for(guide: Guide) -> SpeechPool:
        with lock:
            if stopping:
                raise SpeechError("the library build was stopped")
            if guide.voice not in pools:
                pools[guide.voice] = SpeechPool(guide.voice, workers, seal=seal_entry)
            return pools[guide.voice]

    def build(guide: Guide) -> BuildResult:
        return build_guide(guide, library_dir / guide.slug, cache=cache, workers=workers,
                           progress=progress.guide_progress(guide.slug), speech_pool=pool_for(guide))

    pool_for(to_build[0][1])  # the engines start while the first leaflets are read
    # One guide more than the cores, so a guide's last chapters and downloads (one thread
    # each) do not leave a core idle: 12 leaflets in 51.7 s against 53.9 s.
    at_once = max(1, min(len(to_build), (workers or os.cpu_count() or 1) + 1))
    executor = ThreadPoolExecutor(at_once, thread_name_prefix="guide")
    futures = {executor.submit(build, job[1]): job for job in to_build}
    try:
        for future in as_completed(futures):
            error = future.exception()
            yield futures[future], error if error is not None else future.result()
    finally:
        for future in futures:
            future.cancel()
        with lock:
            stopping = True
        for pool in pools.values():  # a build still running stops at its next sentence
            pool.close()
        executor.shutdown(wait=True)


def _on_cluster(to_build: list[tuple[Source, Guide, str]], library_dir: Path, cache: SegmentCache,
                workers: int | None, progress: LibraryProgress, cluster: str) -> Outcome:
    from .cluster import build_on_cluster

    jobs = [(guide, library_dir / guide.slug) for _, guide, _ in to_build]
    for index, outcome in build_on_cluster(cluster, jobs, cache.directory, workers):
        yield to_build[index], outcome
