"""A look-ahead peak limiter worked out per block, and its gain for each sample.

The limiter never delays the sound (it looks ahead instead), so cue times
stay exact.
"""

from __future__ import annotations

import numpy as np

#: How fast the limiter's gain reduction fades before a peak (its look-ahead)
#: and after it (its release): 6 dB in 1.5 ms and in 30 ms. Slower settings
#: cost loudness (more gain is needed, and heavier limiting); faster ones
#: distort, and the MP3's true peak overshoots the ceiling more.
LIMITER_ATTACK_DB_PER_MS = 4.0
LIMITER_RELEASE_DB_PER_MS = 0.2
#: Blocks the limiter works through at a time.
LIMITER_CHUNK = 1 << 16


def _with_neighbours_min(values: np.ndarray) -> np.ndarray:
    """Replace each value by min(values[i-1], values[i], values[i+1]), in place, a chunk at a time."""
    previous = np.inf  # the value just before the chunk, as it was
    for start in range(0, len(values), LIMITER_CHUNK):
        end = min(len(values), start + LIMITER_CHUNK)
        part = values[start:end]
        following = values[end] if end < len(values) else np.inf
        lower = part.copy()
        np.minimum(lower[1:], part[:-1], out=lower[1:])
        np.minimum(lower[:-1], part[1:], out=lower[:-1])
        lower[0] = min(lower[0], previous)
        lower[-1] = min(lower[-1], following)
        previous = float(part[-1])
        part[:] = lower
    return values


def limiter_shape(peak_db: np.ndarray, gain_db: float, ceiling_db: float, block: int,
                  rate: int) -> np.ndarray:
    """Per-block gain (at most 1) that keeps every sample of the gained signal under the ceiling.

    ``peak_db`` is each block's peak in dBFS. A block needs a reduction of
    gain + peak - ceiling dB (when that is positive). The reduction applied
    is the largest need around, fading with distance: by
    ``LIMITER_ATTACK_DB_PER_MS`` towards the past (the look-ahead) and by
    ``LIMITER_RELEASE_DB_PER_MS`` towards the future (the release). Both are
    running maxima (taken ``LIMITER_CHUNK`` blocks at a time, so the work
    space stays small), and since the limiter looks ahead instead of
    delaying the sound, cue times stay exact. A final minimum over
    neighbouring blocks lets the sample gains be interpolated between block
    centres without ever exceeding a block's own need.
    """
    count = len(peak_db)
    shape = np.ones(count, np.float32)
    offset = gain_db - ceiling_db
    if not count or float(peak_db.max()) + offset <= 0:
        return shape
    ms_per_block = block * 1000 / rate
    attack = LIMITER_ATTACK_DB_PER_MS * ms_per_block
    release = LIMITER_RELEASE_DB_PER_MS * ms_per_block

    def need(start: int, end: int) -> np.ndarray:
        return np.maximum(peak_db[start:end].astype(np.float64) + offset, 0)

    anticipated = shape  # the look-ahead's reduction (dB) first, replaced by the gain below
    after = 0.0  # the look-ahead reduction just after the chunk
    for end in range(count, 0, -LIMITER_CHUNK):
        start = max(0, end - LIMITER_CHUNK)
        ramp = np.arange(end - start) * attack
        reach = np.maximum.accumulate(need(start, end)[::-1] + ramp) - ramp
        np.maximum(reach, after - attack - ramp, out=reach)
        anticipated[start:end] = reach[::-1]
        after = float(reach[-1])
    before = 0.0  # the release just before the chunk
    for start in range(0, count, LIMITER_CHUNK):
        end = min(count, start + LIMITER_CHUNK)
        ramp = np.arange(end - start) * release
        reduction = np.maximum.accumulate(need(start, end) + ramp) - ramp
        np.maximum(reduction, before - release - ramp, out=reduction)
        before = float(reduction[-1])
        np.maximum(reduction, anticipated[start:end], out=reduction)
        shape[start:end] = 10 ** (reduction / -20)
    return _with_neighbours_min(shape)


def block_gains_at(shape: np.ndarray, block: int, offset: int, length: int) -> np.ndarray:
    """The per-block gain for samples offset..offset+length, interpolated linearly between
    block centres: each sample gets a blend of its own block's gain and its nearer
    neighbour's, never more than half the neighbour's."""
    first, last = offset // block, (offset + length - 1) // block
    own = shape[first:last + 1]
    before = shape[max(first - 1, 0):last] if first else np.concatenate([shape[:1], shape[:last]])
    after = shape[first + 1:last + 2]
    if len(after) < len(own):
        after = np.concatenate([after, shape[-1:]])
    centre = (block - 1) / 2
    position = np.arange(block)
    towards_before = (np.maximum(0, centre - position) / block).astype(np.float32)
    towards_after = (np.maximum(0, position - centre) / block).astype(np.float32)
    own32 = own.astype(np.float32)
    gains = (own32[:, None] + (before.astype(np.float32) - own32)[:, None] * towards_before
             + (after.astype(np.float32) - own32)[:, None] * towards_after)
    start = offset - first * block
    return gains.ravel()[start:start + length]

