"""BS.1770's K-weighting filter, run a block of about a millisecond at a time.

A chapter's loudness and its limiter are worked out from per-block numbers
(peak and K-weighted energy); this module makes the blocks and filters them
with numpy alone.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Blocks the K-weighting filter carries its state across at once.
GROUP = 32


def block_size(rate: int) -> tuple[int, int]:
    """(samples per block, blocks per 100 ms): blocks of about 1 ms that tile BS.1770's 100 ms steps."""
    step = max(1, round(rate / 10))
    block = max(d for d in range(1, max(1, rate // 1000) + 1) if step % d == 0)
    return block, step // block


@lru_cache(maxsize=8)
def k_weighting(rate: int) -> np.ndarray:
    """BS.1770's K-weighting (pre-filter shelf and RLB high-pass) as two biquads
    (b0, b1, b2, a0, a1, a2). The coefficients for any rate, as libebur128
    derives them; at 48 kHz they are the ones printed in the recommendation.
    """
    k = np.tan(np.pi * 1681.974450955533 / rate)
    gain_high = 10 ** (3.999843853973347 / 20)
    gain_band = gain_high ** 0.4996667741545416
    q = 0.7071752369554196
    a0 = 1 + k / q + k * k
    shelf = [(gain_high + gain_band * k / q + k * k) / a0, 2 * (k * k - gain_high) / a0,
             (gain_high - gain_band * k / q + k * k) / a0, 1.0, 2 * (k * k - 1) / a0,
             (1 - k / q + k * k) / a0]
    k = np.tan(np.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, high_pass])


#: Multiply-adds per matrix product: OpenBLAS computes a product smaller than
#: 65,536 x 4 of them in the calling thread, and wakes its helper threads for a
#: larger one. Those then spin on the cores that ffmpeg and the speech workers
#: need: with 2,048-row slices a build's mastering used 1.6 times the CPU, and
#: filtering alone took six times as long as with slices under this size.
PRODUCT_WORK = 65_536 * 4 - 1


def product(rows: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``rows @ matrix``, in slices of rows small enough to stay in this thread."""
    out = np.empty((len(rows), matrix.shape[1]), np.result_type(rows, matrix))
    step = max(1, PRODUCT_WORK // (matrix.shape[0] * matrix.shape[1]))
    for start in range(0, len(rows), step):
        np.matmul(rows[start:start + step], matrix, out=out[start:start + step])
    return out


def _biquad_states(section) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(A, B, C, D) of one biquad in transposed direct form II."""
    b0, b1, b2, a0, a1, a2 = (c / section[3] for c in section)
    return (np.array([[-a1, 1.0], [-a2, 0.0]]), np.array([b1 - a1 * b0, b2 - a2 * b0]),
            np.array([1.0, 0.0]), b0)


class BlockFilter:
    """A cascade of two biquads, run a block of samples at a time with matrix products.

    Within a block the output is the block's samples through the impulse
    response (a small triangular matrix) plus what the state it starts in
    contributes; states pass from block to block in groups, with powers of
    the state matrix. The result equals a sample-by-sample filter to within
    rounding, at the speed of scipy's sosfilt, with numpy alone (importing
    scipy.signal costs half a second and 70 MB).
    """

    def __init__(self, sections: np.ndarray, block: int, group: int):
        (a1, b1, c1, d1), (a2, b2, c2, d2) = (_biquad_states(section) for section in sections)
        a = np.zeros((4, 4))
        a[:2, :2], a[2:, 2:], a[2:, :2] = a1, a2, np.outer(b2, c1)
        b = np.concatenate([b1, b2 * d1])
        c = np.concatenate([d2 * c1, c2])
        d = d2 * d1
        powers = [np.eye(4)]
        for _ in range(block * group):
            powers.append(a @ powers[-1])
        response = np.array([d] + [c @ powers[m - 1] @ b for m in range(1, block)])
        self.block, self.group = block, group
        #: Output of a block from its own samples, from its starting state;
        #: the state at its end from its samples.
        self._response = np.zeros((block, block), np.float32)
        for row in range(block):
            self._response[:row + 1, row] = response[row::-1]
        self._from_state = np.array([c @ powers[i] for i in range(block)]).T  # states -> samples
        self._to_state = np.array([powers[block - 1 - j] @ b for j in range(block)]).astype(np.float32)
        self._step = powers[block].T  # one block, acting on row vectors
        self._within = np.stack([powers[block * j].T for j in range(group)])
        leap = powers[block * group]
        self._leaps = [np.eye(4)]
        while np.abs(self._leaps[-1]).max() > 1e-15 and len(self._leaps) < 200:
            self._leaps.append(self._leaps[-1] @ leap)
        self.state = np.zeros(4)

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        """Filter ``samples`` (a whole number of groups of blocks); one row per block."""
        rows = samples.reshape(-1, self.block)
        counts = len(rows) // self.group
        # The state each block would end in if it started from rest, then the
        # state each block starts in when each group starts from rest.
        ends = product(rows, self._to_state).reshape(counts, self.group, 4)
        starts = np.empty_like(ends)
        state = np.zeros((counts, 4))
        for j in range(self.group):
            starts[:, j] = state
            state = state @ self._step + ends[:, j]
        # Each group's real starting state: the earlier groups' ends, carried forward.
        carried = np.zeros((counts + 1, 4))
        for depth, leap in enumerate(self._leaps):
            if depth < counts:
                carried[depth + 1:] += state[: counts - depth] @ leap.T
            if depth <= counts:
                carried[depth] += self.state @ leap.T
        self.state = carried[counts]
        starts += np.einsum("kn,jnm->kjm", carried[:counts], self._within)
        from_state = product(starts.reshape(-1, 4), self._from_state).astype(np.float32)
        return product(rows, self._response) + from_state


@lru_cache(maxsize=8)
def k_filter(rate: int) -> BlockFilter:
    """The K-weighting filter for ``rate``, at rest (each meter copies it)."""
    return BlockFilter(k_weighting(rate), block_size(rate)[0], GROUP)
