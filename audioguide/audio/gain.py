"""The gain search: the gain and limiter that bring a chapter to its loudness
target, worked out from its per-block peaks and energies alone (no audio read).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .filters import block_size
from .limiter import limiter_shape
from .loudness import step_energy, steps_loudness

#: How close the gain search gets to its aim (the per-block estimate is within
#: a few hundredths of a LU of the real measure).
GAIN_TOLERANCE_LU = 0.05
#: The most gain applied either way; engines' speech sits 5 to 30 dB under the target.
MAX_GAIN_DB = 40.0


@dataclass(frozen=True)
class Gain:
    linear: float
    shape: np.ndarray  # limiter gain per block
    expected_lufs: float


def choose_gain(peak_db: np.ndarray, energy: np.ndarray, rate: int, target_lufs: float,
                ceiling_dbfs: float) -> tuple[float, Gain]:
    """(loudness before, gain and limiter that land on ``target_lufs`` after limiting).

    ``peak_db`` is each block's peak in dBFS, ``energy`` its K-weighted energy.

    Limiting the peaks lowers the loudness (by about 3 LU for espeak-ng's
    spiky output), so the gain is found by a few secant steps, each of which
    costs only arithmetic on the per-block numbers.
    """
    block, per_step = block_size(rate)
    before = steps_loudness(step_energy(energy, per_step), rate)
    if not np.isfinite(before):
        return before, Gain(1.0, np.ones(len(peak_db), np.float32), before)

    def result(gain_db: float) -> Gain:
        shape = limiter_shape(peak_db, gain_db, ceiling_dbfs, block, rate)
        gain = 10 ** (gain_db / 20)
        return Gain(gain, shape, steps_loudness(step_energy(energy, per_step, shape, gain), rate))

    def bounded(db: float) -> float:  # an unreachable target must not run the gain away
        return min(max(db, -MAX_GAIN_DB), MAX_GAIN_DB)

    gain_db = bounded(target_lufs - before)
    best = result(gain_db)
    previous_db = previous_lufs = None
    for _ in range(8):
        miss = target_lufs - best.expected_lufs
        if abs(miss) < GAIN_TOLERANCE_LU:
            break
        slope = 1.0
        if previous_lufs is not None and best.expected_lufs != previous_lufs:
            slope = min(1.0, max(0.2, (best.expected_lufs - previous_lufs) / (gain_db - previous_db)))
        previous_db, previous_lufs = gain_db, best.expected_lufs
        gain_db = bounded(gain_db + miss / slope)
        if gain_db == previous_db:
            break  # at the bound: as loud as the limiter allows
        best = None  # let the last shape go before the next is made
        best = result(gain_db)
    return before, best

