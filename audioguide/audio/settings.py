"""What a mastered chapter must be: its format and its levels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AudioSettings:
    sample_rate: int = 22050
    bitrate_kbps: int = 64
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.5
    head_ms: int = 500  # room tone before the first word
    tail_ms: int = 1000  # room tone after the last word
    silence_threshold_dbfs: float = -50.0
