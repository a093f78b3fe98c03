"""A small but real build directory for the web tests: sine-tone MP3s and a
manifest written through the dataclasses in ``audioguide.manifest``.

It stands in for the real dystonia build while that pipeline is not ready,
and stays useful because it builds in about a second.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from audioguide.manifest import MANIFEST_NAME, ChapterEntry, FileRef, Manifest, TimedSegment

# (title, [(kind, written, paragraph, item), ...]) per chapter; segment times
# are spread evenly over the chapter's audio.
CHAPTERS = [
    ("Overview", [
        ("title", "Chapter 1. Overview", 0, 0),
        ("sentence", "Dystonia is a movement disorder in which your muscles contract involuntarily.", 1, 0),
        ("sentence", "The condition can affect one part of your body, or your whole body.", 2, 0),
        ("sentence", "The muscle spasms can range from mild to severe.", 2, 0),
        ("sentence", "There is no cure, but medications can improve symptoms.", 3, 0),
    ]),
    ("Symptoms", [
        ("title", "Chapter 2. Symptoms", 0, 0),
        ("sentence", "Dystonia affects different people in varying ways.", 1, 0),
        ("sentence", "Muscle contractions might:", 1, 0),
        ("list_item", "Begin in a single area, such as your leg, neck or arm.", 2, 1),
        ("list_item", "Occur during a specific action, such as handwriting.", 2, 2),
        ("list_item", "Worsen with stress, fatigue or anxiety.", 2, 3),
        ("sentence", "Areas of the body that can be affected include:", 3, 0),
        ("list_item", "Eyelids.", 4, 1),
        ("list_item", "Rapid blinking or involuntary spasms cause your eyes to close.", 4, 1),
        ("list_item", "Hand and forearm.", 4, 2),
    ]),
    ("When to see a doctor", [
        ("title", "Chapter 3. When to see a doctor", 0, 0),
        ("sentence", "Early signs of dystonia often are mild, occasional and linked to a specific activity.", 1, 0),
        ("sentence", "See your doctor if you have involuntary muscle contractions.", 1, 0),
    ]),
    ("Causes", [
        ("title", "Chapter 4. Causes", 0, 0),
        ("sentence", "The exact cause of dystonia isn't known.", 1, 0),
        ("sentence", "Some forms of dystonia are inherited.", 1, 0),
        ("list_item", "Parkinson's disease", 2, 1),
        ("list_item", "Stroke", 2, 2),
    ]),
    ("Complications", [
        ("title", "Chapter 5. Complications", 0, 0),
        ("sentence", "Depending on the type of dystonia, complications can include:", 1, 0),
        ("list_item", "Physical disabilities that affect your daily activities", 2, 1),
        ("list_item", "Depression, anxiety and social withdrawal", 2, 2),
    ]),
]

SECONDS_PER_SEGMENT = 4
HEAD_MS = 500


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def _ref(build_dir: Path, relative: str, mime: str) -> FileRef:
    data = (build_dir / relative).read_bytes()
    return FileRef(relative, len(data), hashlib.sha256(data).hexdigest(), mime)


def _vtt_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def make_fixture_guide(build_dir: Path) -> Path:
    """Write a five-chapter guide into ``build_dir`` and return it."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    build_dir = Path(build_dir)
    for folder in ("audio", "captions", "text", "downloads"):
        (build_dir / folder).mkdir(parents=True, exist_ok=True)

    chapters = []
    for number, (title, lines) in enumerate(CHAPTERS, start=1):
        stem = f"{number:02d}-{_slug(title)}"
        segments = []
        for index, (kind, written, paragraph, item) in enumerate(lines):
            start = HEAD_MS + index * SECONDS_PER_SEGMENT * 1000
            segments.append(TimedSegment(kind, written, written, start, start + 3500, paragraph, item))
        duration_ms = HEAD_MS + len(lines) * SECONDS_PER_SEGMENT * 1000
        subprocess.run(
            [ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
             "-i", f"sine=frequency={220 + 55 * number}:duration={duration_ms / 1000}",
             "-ac", "1", "-ar", "22050", "-b:a", "64k", str(build_dir / "audio" / f"{stem}.mp3")],
            check=True,
        )
        cues = [f"{i}\n{_vtt_time(s.start_ms)} --> {_vtt_time(s.end_ms)}\n{s.written}\n"
                for i, s in enumerate(segments, start=1)]
        (build_dir / "captions" / f"{stem}.vtt").write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
        (build_dir / "text" / f"{stem}.txt").write_text(
            "\n".join(s.written for s in segments) + "\n", encoding="utf-8")
        chapters.append(ChapterEntry(
            number=number, slug=_slug(title), title=title, duration_ms=duration_ms,
            audio=_ref(build_dir, f"audio/{stem}.mp3", "audio/mpeg"),
            captions=_ref(build_dir, f"captions/{stem}.vtt", "text/vtt; charset=utf-8"),
            transcript=_ref(build_dir, f"text/{stem}.txt", "text/plain; charset=utf-8"),
            segments=tuple(segments),
        ))

    playlist = "#EXTM3U\n" + "".join(f"../audio/{c.file_stem}.mp3\n" for c in chapters)
    (build_dir / "downloads" / "dystonia.m3u").write_text(playlist, encoding="utf-8")
    manifest = Manifest(
        slug="dystonia", title="Dystonia", language="en", engine="sine (test fixture)",
        voice="none", rate=160, chapters=tuple(chapters),
        downloads={"playlist": _ref(build_dir, "downloads/dystonia.m3u", "audio/x-mpegurl")},
    )
    (build_dir / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    # Something that exists on disk but is not listed: must never be served.
    (build_dir / "secret.txt").write_text("not in the manifest\n", encoding="utf-8")
    return build_dir
