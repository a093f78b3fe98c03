"""True peak (ITU-R BS.1770 annex 2): the peak of a stream oversampled four times."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .filters import product


@lru_cache(maxsize=1)
def oversampling_phases() -> tuple[tuple[np.ndarray, ...], float]:
    """The three in-between phases of a 4x interpolator (a 49-tap windowed sinc),
    and the largest sum of |taps| of a phase: how far an in-between value can
    exceed the largest sample under the filter."""
    # A windowed sinc cut at a quarter of the oversampled rate (scipy's firwin
    # with a Kaiser window of beta 5), with unit gain at DC, times the factor 4.
    middle = np.arange(49) - 24
    taps = 0.25 * np.sinc(0.25 * middle) * np.kaiser(49, 5.0)
    taps *= 4 / taps.sum()
    phases = tuple(taps[phase::4].astype(np.float32) for phase in (1, 2, 3))
    return phases, max(float(np.abs(p).sum()) for p in phases)


class TruePeakMeter:
    """The 4x oversampled peak of a stream (BS.1770 annex 2), fed in pieces of any length.

    An in-between value can exceed the largest input sample under its filter
    by at most the filter's gain, so only windows whose largest sample is
    within that gain of the peak so far are interpolated. That is exact, and
    for limited speech it skips most of the signal.
    """

    def __init__(self):
        phases, self._gain = oversampling_phases()
        self._width = len(phases[0])
        # Window @ matrix gives the three in-between values at the window's end.
        self._matrix = np.stack([phase[::-1] for phase in phases], axis=1)
        self._tail = np.zeros(self._width - 1, np.float32)
        self.peak = 0.0

    def add(self, samples: np.ndarray) -> None:
        width = self._width
        length = len(self._tail) + len(samples)
        count = -(-length // width)
        # In blocks of one window's width (and one block of zeros after), a
        # window starting in block b lies within blocks b and b + 1.
        blocks = np.zeros((count + 1, width), np.float32)
        flat_blocks = blocks.ravel()
        flat_blocks[: len(self._tail)] = self._tail
        flat_blocks[len(self._tail): length] = samples
        self._tail = flat_blocks[length - (width - 1): length].copy()
        block_max = np.abs(blocks).max(axis=1)
        self.peak = max(self.peak, float(block_max.max()))
        windows = length - width + 1  # the filter windows that lie wholly in the data
        if self.peak <= 0 or windows <= 0:
            return
        reach = np.maximum(block_max[:-1], block_max[1:]) * self._gain > self.peak
        candidates = np.flatnonzero(reach[: (windows - 1) // width + 1])
        if not len(candidates):
            return
        # Each candidate block with the block after it holds the windows starting in it.
        rows = np.concatenate([blocks[candidates], blocks[candidates + 1]], axis=1)
        windows_of = np.lib.stride_tricks.sliding_window_view(rows, width, axis=1)[:, :width]
        values = np.abs(product(windows_of.reshape(-1, width), self._matrix))
        values = values.reshape(len(candidates), width, 3)
        values[candidates[:, None] * width + np.arange(width) >= windows] = 0
        self.peak = max(self.peak, float(values.max()))

    def finish(self) -> float:
        self.add(np.zeros(self._width - 1, np.float32))
        return float(20 * np.log10(self.peak)) if self.peak > 0 else float("-inf")

