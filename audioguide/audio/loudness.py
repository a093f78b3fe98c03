"""Loudness (ITU-R BS.1770): per-block peaks and K-weighted energies of a stream,
and the gated integrated loudness computed from those energies alone.
"""

from __future__ import annotations

import copy

import numpy as np

from .filters import GROUP, block_size, k_filter

#: Samples filtered at a time: many short pieces (sentences, pauses) are
#: gathered into batches about this long.
BATCH_SAMPLES = 1 << 18
#: Blocks summed at a time when working out per-step energies.
STEP_CHUNK = 1 << 16


class BlockMeter:
    """Per-block peak and K-weighted energy of a stream of samples fed in pieces of any length.

    Pieces are gathered into batches of about ``BATCH_SAMPLES`` before
    filtering, so many short pieces (sentences, pauses) cost no more than
    one long one.
    """

    def __init__(self, rate: int, *, peaks: bool = True):
        self.rate = rate
        self.block, self.blocks_per_step = block_size(rate)
        self._filter = copy.copy(k_filter(rate))
        self._filter.state = np.zeros(4)
        self._batch = self.block * GROUP * max(1, BATCH_SAMPLES // (self.block * GROUP))
        self._want_peaks = peaks
        self._pending: list[np.ndarray] = []
        self._pending_length = 0
        self._peaks: list[np.ndarray] = []
        self._energy: list[np.ndarray] = []
        self.samples = 0

    def add(self, samples: np.ndarray) -> None:
        self._pending.append(samples.astype(np.float32, copy=False))
        self._pending_length += len(samples)
        self.samples += len(samples)
        if self._pending_length >= self._batch:
            self._flush()

    def add_silence(self, length: int) -> None:
        """Silence goes through the filter too: it carries the tail of the sound before it."""
        self.add(np.zeros(length, np.float32))

    def _flush(self, final: bool = False) -> None:
        samples = np.concatenate(self._pending) if len(self._pending) > 1 else self._pending[0]
        unit = self.block * GROUP
        whole = len(samples) // unit * unit
        if final and whole < len(samples):
            samples = np.concatenate([samples, np.zeros(unit - (len(samples) - whole), np.float32)])
            whole = len(samples)
        rest = samples[whole:]
        self._pending, self._pending_length = ([rest], len(rest)) if len(rest) else ([], 0)
        if not whole:
            return
        samples = samples[:whole]
        weighted = self._filter(samples)
        self._energy.append(np.einsum("ij,ij->i", weighted, weighted))
        if self._want_peaks:
            self._peaks.append(np.abs(samples).reshape(-1, self.block).max(axis=1))

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """(peak, energy) per block; the end is padded with silence to whole blocks."""
        if self._pending:
            self._flush(final=True)
        peaks = np.concatenate(self._peaks) if self._peaks else np.zeros(0, np.float32)
        energy = np.concatenate(self._energy) if self._energy else np.zeros(0, np.float32)
        self._peaks, self._energy = [], []
        return peaks, energy


def gated_loudness(energy: np.ndarray, rate: int) -> float:
    """BS.1770 integrated loudness (LUFS) from per-block K-weighted energies of a mono signal."""
    return steps_loudness(step_energy(energy, block_size(rate)[1]), rate)


def steps_loudness(step_energy: np.ndarray, rate: int) -> float:
    """Integrated loudness from K-weighted energy per 100 ms step: 400 ms gating blocks
    every 100 ms, absolute gate at -70 LUFS, relative gate 10 LU below."""
    block, per_step = block_size(rate)
    if len(step_energy) < 4:
        return float("-inf")
    window = step_energy[:-3] + step_energy[1:-2] + step_energy[2:-1] + step_energy[3:]
    power = window / (4 * per_step * block)
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(power)
    above = power[loudness > -70]
    if not len(above):
        return float("-inf")
    relative = -0.691 + 10 * np.log10(above.mean()) - 10
    gated = power[(loudness > -70) & (loudness > relative)]
    return float(-0.691 + 10 * np.log10(gated.mean()))



def step_energy(energy: np.ndarray, per_step: int, shape: np.ndarray | None = None,
                 gain: float = 1.0) -> np.ndarray:
    """K-weighted energy per 100 ms step, of the signal times ``gain`` x the limiter's ``shape``."""
    steps = len(energy) // per_step
    out = np.empty(steps)
    span = max(1, STEP_CHUNK // per_step) * per_step
    for start in range(0, steps * per_step, span):
        end = min(steps * per_step, start + span)
        part = energy[start:end].astype(np.float64)
        if shape is not None:
            part *= np.square(shape[start:end], dtype=np.float64)
        out[start // per_step: end // per_step] = part.reshape(-1, per_step).sum(axis=1)
    return out * gain * gain

