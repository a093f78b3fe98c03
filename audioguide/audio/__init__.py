"""The audio stage: a chapter's timeline of sentence WAVs and silences becomes one
mastered, tagged, constant-bit-rate MP3 (-16 LUFS, true peak under -1.5 dBTP),
and the chapters one full-guide MP3 with chapter marks.

Modules, one job each: ``timeline`` (speech and silence, in samples),
``sentence`` (reading and trimming one WAV), ``filters`` and ``loudness``
(K-weighting, gated loudness), ``truepeak``, ``limiter`` and ``gain`` (the
gain search), ``encode`` (LAME in-process; ffmpeg's decode to measure
other formats), ``lametag`` (the Info frame that states the encoder's delay
and padding), ``tags`` (ID3 and chapters), ``mp3`` (frame reading), ``join``
and ``master``.
"""

from ..ffmpeg import MasteringError, ffmpeg_executable
from .encode import measure_encoded
from .join import JoinPlan, join_chapters, plan_join
from .master import LOUDNESS_TOLERANCE_LU, METER_GUARD_DB, MasteredChapter, master_chapter, mastered_pcm, prepare
from .settings import AudioSettings
from .tags import ChapterMark, ChapterTags
from .timeline import SpokenSegment, Timeline, join_segments

__all__ = [
    "AudioSettings", "ChapterMark", "ChapterTags", "JoinPlan", "LOUDNESS_TOLERANCE_LU", "METER_GUARD_DB",
    "MasteredChapter", "MasteringError", "SpokenSegment", "Timeline", "ffmpeg_executable",
    "join_chapters", "join_segments", "master_chapter", "mastered_pcm", "measure_encoded", "plan_join", "prepare",
]
