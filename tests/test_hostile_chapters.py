"""A guide of more chapters than one ID3 table of contents can list (255):
the full-guide MP3 gets nested tables, and every chapter is found, in order."""

from __future__ import annotations

import json
import subprocess

from mutagen.id3 import ID3, CTOCFlags

from audioguide.audio import ChapterTags, ffmpeg_executable, join_chapters


def test_three_hundred_chapters_join_with_nested_tables_of_contents(tmp_path, ffprobe):
    one = tmp_path / "one.mp3"
    subprocess.run([ffmpeg_executable(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=0.2:sample_rate=22050", "-ac", "1", "-c:a", "libmp3lame",
                    "-b:a", "64k", str(one)], check=True, timeout=60)
    count = 300
    titles = [f"Part {number}" for number in range(1, count + 1)]
    target = tmp_path / "full.mp3"
    tags = ChapterTags(title="Guide", album="Guide", artist="audioguide", track=1, track_total=1,
                       language="eng")
    marks = join_chapters([one] * count, titles, target, tags)
    assert len(marks) == count

    probed = json.loads(subprocess.run([ffprobe, "-v", "error", "-show_chapters", "-of", "json", str(target)],
                                       capture_output=True, text=True, check=True, timeout=60).stdout)
    chapters = probed["chapters"]
    assert [c["tags"]["title"] for c in chapters] == titles
    assert [round(float(c["start_time"]) * 1000) for c in chapters] == [m.start_ms for m in marks]

    id3 = ID3(target)
    top = [frame for frame in id3.getall("CTOC") if frame.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1 and top[0].child_element_ids == ["toc1", "toc2"]
    listed = [child for table in top[0].child_element_ids for child in id3[f"CTOC:{table}"].child_element_ids]
    assert listed == [f"chp{number}" for number in range(1, count + 1)]
