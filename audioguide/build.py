"""Run the stages for one guide: parse, narrate, synthesize, master, publish.

This is the only module (besides the CLI) that knows the build directory's
layout. Sentences come from the segment cache when they can; only the missing
ones are synthesized, in spawned worker processes. Each chapter is mastered as
soon as its last sentence is there, in a thread (LAME and numpy work outside
Python's lock) while synthesis goes on. Every file is written under a
temporary name and renamed, and the manifest is written last, so an
interrupted build never looks finished.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from .content import Document
from .buildfolder import (
    LOCK_NAME, BuildFolderError, BuildLocked, build_lock,  # noqa: F401 (LOCK_NAME, BuildLocked: for callers)
    check_output_dir, code_fingerprint, finished_chapters, inputs_fingerprint, note_finished,
    note_inputs, prepare_output, previous_manifest, remove_stale_files, unchanged_build,
)
from .buildmemo import BuildMemo, program_identity
from .earlyspeech import EarlyWorkers
from .buildkeys import chapter_fingerprint, downloads_fingerprint
from .buildfiles import chapter_mp3, id3_language, publish_chapter, publish_downloads, with_crc32s
from .files import FileRecord, recording, write_atomic
from .formats import publish_formats
from .guides import Guide
from .importers import load_document
from .manifest import MANIFEST_NAME, ChapterEntry, Manifest
from .audio import (
    AudioSettings, ChapterTags, SpokenSegment, Timeline, ffmpeg_executable, master_chapter, mastered_pcm, prepare,
)
from .narration import ChapterScript, Pauses, Script, breath_groups, narrate
from .speech import SegmentCache, engine_identity, synthesize_all
from .speech.cache import seal_entry
from .speech.pool import SpeechPool
from .speech.phonemes import not_in_dictionary, pronunciation_warnings

@dataclass(frozen=True)
class BuildResult:
    manifest: Manifest
    build_dir: Path
    synthesized: int  # sentences the engine had to say (cache misses)
    cached: int  # sentences taken from the cache
    seconds: float
    mastered: tuple[int, ...] = ()  # chapters mastered and encoded in this build
    rebuilt_downloads: bool = True
    reencoded: tuple[int, ...] = ()  # chapters whose first encode missed a limit (encoded again)
    #: Seconds from the start until each stage was done: ("synthesized", s),
    #: ("mastered", s), ("downloads", s). Synthesis and mastering overlap.
    stages: tuple[tuple[str, float], ...] = ()
    warnings: tuple[str, ...] = ()  # words espeak-ng may mispronounce, for the editor to review


@dataclass(frozen=True)
class BuildPlan:
    """What a build is about to do, for a progress display."""

    synthesize: int  # sentence parts the engine has to say
    cached: int  # sentence parts found in the cache
    chapters: int  # chapters to master
    segments: int  # segments in those chapters


@dataclass
class Progress:
    """Callbacks a caller may pass to follow the build (the CLI draws a bar).

    ``on_chapter`` is called from the mastering threads, the others from the
    thread that called ``build_guide``.
    """

    on_plan: Callable[[BuildPlan], None] = lambda plan: None
    on_segment: Callable[[], None] = lambda: None
    on_chapter: Callable[[ChapterEntry], None] = lambda chapter: None
    #: A word the engine may mispronounce: told at the start, not after a long build.
    on_warning: Callable[[str], None] = lambda warning: None


def document_for(guide: Guide) -> Document:
    """The guide's leaflet, whatever its format (text, Markdown, PDF, web page, Word)."""
    return load_document(guide.source, guide.max_source_bytes)


def script_for(guide: Guide, document: Document | None = None, memo=None, program: str = "") -> Script:
    """``memo``, ``program``: chapters narrated before, and who narrated them (``narration.narrate``)."""
    document = document if document is not None else document_for(guide)
    return narrate(document, guide.lexicon, engine=guide.voice.engine, language=guide.language,
                   memo=memo, program=program)


def build_guide(
    guide: Guide,
    build_dir: Path,
    *,
    cache: SegmentCache | None = None,
    workers: int | None = None,
    audio: AudioSettings = AudioSettings(),
    progress: Progress | None = None,
    speech_pool: SpeechPool | None = None,
) -> BuildResult:
    """Build (or bring up to date) the guide in ``build_dir`` and return what was done.

    Work is skipped at four levels: a build from the very same inputs (program,
    settings, leaflet, guide.toml, lexicon, audio settings, engine) whose files
    are all still whole is kept without reading the leaflet again; a sentence in
    the segment cache is not synthesized; a chapter whose fingerprint (every
    input to its audio, captions and transcript) matches the previous build is
    not re-mastered; the downloads are not rebuilt when no chapter and no tag
    changed. ``speech_pool``: running workers for the guide's voice, to use.
    """
    started = time.perf_counter()
    progress = progress or Progress()
    cache = cache or SegmentCache()
    build_dir = Path(build_dir)
    check_output_dir(build_dir, [guide.source, guide.lexicon_path])
    version, code = engine_identity(guide.voice), code_fingerprint()
    inputs = hashlib.sha256(f"{inputs_fingerprint(guide, code)} {audio!r} {version}".encode()).hexdigest()
    memo = BuildMemo(build_dir)  # what the last build worked out from its leaflet
    kept = unchanged_build(build_dir, inputs, memo.whole, then=memo.save_files)
    if kept is not None:
        for warning in kept[1]:
            progress.on_warning(warning)
        done = time.perf_counter() - started  # every stage: nothing was left to do
        return BuildResult(kept[0], build_dir, 0, 0, done, rebuilt_downloads=False, warnings=kept[1],
                           stages=tuple((stage, done) for stage in ("synthesized", "mastered", "downloads")))
    # The engines start while the leaflet is read (not for a library: its pool is running).
    early = EarlyWorkers(guide.voice, workers, has_build=(build_dir / MANIFEST_NAME).is_file()) \
        if speech_pool is None else None
    try:
        document = document_for(guide)
        script = script_for(guide, document, memo.chapters, program_identity(code))
        # The language the narration settled on (guide.toml, else the leaflet's own
        # declaration or conventions) is the one the manifest, tags and books carry.
        guide = replace(guide, language=script.language)
        warnings = list(document.warnings) + list(script.warnings) + list(pronunciation_warnings(
            (s.written for s in script.segments), guide.lexicon, guide.voice, source=guide.source,
            lookup=memo.unknown_words(not_in_dictionary, f"{version} {code}")))
        for warning in warnings:
            progress.on_warning(warning)
        prepare_output(build_dir)
        try:
            with build_lock(build_dir), recording(build_dir) as record:
                job = _Job(guide=guide, build_dir=build_dir, script=script, cache=cache, audio=audio,
                           workers=workers, speech_pool=speech_pool, progress=progress, engine=version,
                           keys=sentence_part_keys(guide, script, cache, version))
                result = _build_locked(job, record, warnings, started, early, memo)
                memo.save(result.manifest)
                note_inputs(build_dir, inputs, warnings)
                return result
        except OSError as error:  # the disk filled up, a folder became unwritable...
            where = error.filename or build_dir
            raise BuildError(f"{where}: cannot write the build ({error.strerror or error}); "
                             "finished files are kept") from None
    finally:
        if early is not None:
            early.close()


class BuildError(BuildFolderError):
    """The build could not be written (a full disk...); the message names the file."""


@dataclass(frozen=True)
class _Job:
    """What one build works on, settled before any work starts."""

    guide: Guide
    build_dir: Path
    script: Script
    cache: SegmentCache
    audio: AudioSettings
    workers: int | None
    speech_pool: SpeechPool | None  # running workers for the guide's voice, shared with other builds
    progress: Progress
    engine: str  # the engine's identity, part of every cache key
    keys: list[list[list[str]]]  # the cache key of every sentence part, by chapter and segment

    def parts(self, index: int) -> dict[str, str]:
        """Cache key -> text of every sentence part of chapter ``index``."""
        return {key: part for segment, segment_keys in zip(self.script.chapters[index].segments, self.keys[index])
                for part, key in zip(breath_groups(segment.spoken), segment_keys)}

    def timeline(self, index: int) -> Timeline:
        wavs = [[self.cache.path(key) for key in segment_keys] for segment_keys in self.keys[index]]
        return chapter_timeline(self.script.chapters[index], wavs, self.script.pauses)

    def tags(self, title: str, track: int = 1, total: int = 1) -> ChapterTags:
        return ChapterTags(title=title, album=self.script.title, artist=self.guide.author,
                           track=track, track_total=total, language=id3_language(self.guide.language))


class _Mastering:
    """Masters chapters, from any thread, noting each finished one in the build folder
    (so a stopped build's chapters are reused)."""

    def __init__(self, job: _Job, fingerprints: list[str], reused: list[ChapterEntry]):
        self.job, self.fingerprints = job, fingerprints
        self.finished = list(reused)
        self.reencoded: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, index: int) -> ChapterEntry:
        job = self.job
        chapter = job.script.chapters[index]
        tags = job.tags(chapter.title, chapter.number, len(job.script.chapters))
        mastered = master_chapter(job.timeline(index), chapter_mp3(job.build_dir, chapter), tags, job.audio)
        entry = publish_chapter(job.build_dir, chapter, mastered, self.fingerprints[index])
        with self._lock:
            if mastered.encodes > 1:
                self.reencoded.append(chapter.number)
            self.finished.append(entry)
            note_finished(job.build_dir, self.finished)
        job.progress.on_chapter(entry)
        return entry


def _build_locked(job: _Job, record: FileRecord, warnings: list[str], started: float,
                  early: EarlyWorkers | None, memo: BuildMemo) -> BuildResult:
    guide, build_dir, script, cache = job.guide, job.build_dir, job.script, job.cache
    previous = previous_manifest(build_dir)
    if previous:  # a build from before the record was kept made these
        record.add(*(build_dir / name for name in previous.files()))
    fingerprints = [chapter_fingerprint(guide, script, chapter, chapter_keys, len(script.chapters), job.audio)
                    for chapter, chapter_keys in zip(script.chapters, job.keys)]
    # A chapter of the last build, or one a stopped build finished, whose files are still there.
    wanted = set(fingerprints)
    earlier = finished_chapters(build_dir) + list(previous.chapters if previous else ())
    reusable = {chapter.fingerprint: chapter for chapter in earlier
                if chapter.fingerprint in wanted and memo.files_present(chapter)}
    to_master = [i for i, fp in enumerate(fingerprints) if fp not in reusable]

    # Longest chapter first: its encode, the longest, then runs while the rest are said.
    parts = {i: job.parts(i) for i in to_master}
    needed = {key: part for i in sorted(parts, key=lambda i: -sum(map(len, parts[i].values())))
              for key, part in parts[i].items()}
    states = {key: cache.state(key) for key in needed}
    missing = {key: part for key, part in needed.items() if states[key] != "ok"}
    for key, part in missing.items():
        if states[key] == "damaged":  # never shipped: said again, and the editor told
            warnings.append(f"{cache.path(key)}: cached sentence was damaged; saying it again: {part[:60]!r}")
            job.progress.on_warning(warnings[-1])
    if early is not None:
        job = replace(job, speech_pool=early.pool_for(len(missing)))
    if missing:
        cache.check_writable()
    job.progress.on_plan(BuildPlan(len(missing), len(needed) - len(missing), len(to_master),
                                   sum(len(script.chapters[i].segments) for i in to_master)))

    stages: list[tuple[str, float]] = []
    mastering = _Mastering(job, fingerprints, list(reusable.values()))
    mastered = _synthesize_and_master(
        job, to_master, missing, mastering,
        on_synthesized=lambda: stages.append(("synthesized", time.perf_counter() - started)))
    stages.append(("mastered", time.perf_counter() - started))
    # A chapter from a manifest that recorded no CRC-32s gets them now, once (the ZIPs need them).
    chapters = tuple(with_crc32s(build_dir, mastered.get(i) or reusable[fp]) for i, fp in enumerate(fingerprints))

    downloads_key = downloads_fingerprint(guide, script.title, chapters)
    rebuilt_downloads = not (previous and previous.downloads_fingerprint == downloads_key and all(
        memo.whole(ref) for ref in previous.downloads.values()))
    manifest = Manifest(
        slug=guide.slug,
        title=script.title,
        language=guide.language,
        engine=job.engine,
        voice=guide.voice.voice,
        rate=guide.voice.rate,
        chapters=chapters,
        downloads={} if rebuilt_downloads else previous.downloads,
        author=guide.author,
        built_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        downloads_fingerprint=downloads_key,
    )
    if previous and not to_master and not rebuilt_downloads:
        # Nothing changed: keep the publication date (the feed's), and the file.
        manifest = replace(manifest, built_at=previous.built_at or manifest.built_at)
    # The other formats (read from the chapters, never from the downloads) are written
    # in a second thread while the downloads are: both mostly copy and checksum audio.
    with ThreadPoolExecutor(1, thread_name_prefix="formats") as side:
        formats = side.submit(publish_formats, manifest, build_dir, guide.formats, previous,
                              _mastered_audio(job, manifest.chapters), memo.whole)
        if rebuilt_downloads:
            manifest = replace(manifest, downloads=publish_downloads(
                build_dir, guide.slug, job.tags(script.title), chapters))
        stages.append(("downloads", time.perf_counter() - started))
        manifest = replace(manifest, formats=formats.result().formats)
    if manifest != previous:
        write_atomic(build_dir / MANIFEST_NAME, manifest.to_json())
    remove_stale_files(build_dir, manifest, record)
    return BuildResult(
        manifest, build_dir, len(missing), len(needed) - len(missing), time.perf_counter() - started,
        mastered=tuple(script.chapters[i].number for i in to_master),
        rebuilt_downloads=rebuilt_downloads,
        warnings=tuple(warnings),
        stages=tuple(stages),
        reencoded=tuple(sorted(mastering.reencoded)),
    )


def _synthesize_and_master(job: _Job, to_master: list[int], missing: dict[str, str],
                           master: Callable[[int], ChapterEntry],
                           on_synthesized: Callable[[], None]) -> dict[int, ChapterEntry]:
    """Synthesize the missing sentences (in the order given) and master each chapter in
    ``to_master`` as soon as it has all its sentences; the first failure stops both."""
    if not to_master:
        on_synthesized()
        return {}
    if "m4b" in job.guide.formats:
        ffmpeg_executable()  # the M4B's AAC needs ffmpeg: say so now, not after the whole synthesis
    prepare(job.audio)
    waiting = {i: {key for key in job.parts(i) if key in missing} for i in to_master}
    chapters_of: dict[str, list[int]] = {}
    for i in to_master:
        for key in waiting[i]:
            chapters_of.setdefault(key, []).append(i)
    futures: dict[int, Future] = {}
    failures: list[BaseException] = []

    def note_failure(future: Future) -> None:
        if not future.cancelled() and future.exception() is not None:
            failures.append(future.exception())

    # One more than the cores: a chapter holds Python's lock a third of the time, and one per
    # core left a third of a core idle (5,550 words: 18.7 s, not 20.4 s, for the same CPU).
    threads = max(1, min(len(to_master), (job.workers or os.cpu_count() or 1) + 1))
    with ThreadPoolExecutor(threads, thread_name_prefix="master") as pool:
        def start(index: int) -> None:
            futures[index] = pool.submit(master, index)
            futures[index].add_done_callback(note_failure)

        def synthesized(path: Path) -> None:
            key = path.stem  # a cache file is named by its key
            job.progress.on_segment()
            for index in chapters_of.get(key, ()):
                waiting[index].discard(key)
                if not waiting[index]:
                    start(index)
            if failures:
                raise failures[0]

        try:
            for index in to_master:
                if not waiting[index]:
                    start(index)
            synthesize_all(((missing[key], job.cache.path(key)) for key in missing), job.guide.voice,
                           workers=job.workers, on_done=synthesized, seal=seal_entry,
                           pool=job.speech_pool)
            on_synthesized()
            return {index: futures[index].result() for index in to_master}
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _mastered_audio(job: _Job, entries: tuple[ChapterEntry, ...]) -> Callable[[int], Iterator[bytes]]:
    """Chapter index -> its mastered PCM, from the cached sentences (said again if the
    cache lost any since the chapter was mastered), for the M4B's AAC encode."""
    def pcm(index: int) -> Iterator[bytes]:
        lost = {key: part for key, part in job.parts(index).items() if not job.cache.has(key)}
        synthesize_all(((part, job.cache.path(key)) for key, part in lost.items()), job.guide.voice,
                       workers=job.workers, seal=seal_entry, pool=job.speech_pool)
        return mastered_pcm(job.timeline(index), job.audio,
                            entries[index].gain_aim_lufs, entries[index].limiter_ceiling_dbfs)
    return pcm


def chapter_timeline(chapter: ChapterScript, wav_paths: list[list[Path]], pauses: Pauses = Pauses()) -> Timeline:
    """The chapter as mastering lays it out: each segment's sentence WAVs (one per
    breath group) and the pause after it, with the script's breath between parts."""
    return Timeline(tuple(SpokenSegment(tuple(paths), segment.pause_after_ms)
                          for segment, paths in zip(chapter.segments, wav_paths)), pauses.breath)


def sentence_part_keys(guide: Guide, script: Script, cache: SegmentCache, version: str) -> list[list[list[str]]]:
    """The cache key of every sentence part, by chapter and segment: one engine call
    per breath group (nearly always one per sentence)."""
    return [
        [[cache.key(guide.voice, version, part) for part in breath_groups(segment.spoken)]
         for segment in chapter.segments]
        for chapter in script.chapters
    ]


def needed_cache_keys(guide: Guide, cache: SegmentCache) -> set[str]:
    """The cache keys of every sentence part the guide needs with its current settings."""
    keys = sentence_part_keys(guide, script_for(guide), cache, engine_identity(guide.voice))
    return {key for chapter in keys for segment in chapter for key in segment}
