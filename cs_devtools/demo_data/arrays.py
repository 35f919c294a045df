"""numpy helpers: array type aliases, segment arithmetic (a "segment" = consecutive rows belonging to one
conversation / round) and the two random draws built on ``rng.random``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def segment_offsets(counts: IntArray) -> IntArray:
    """Start row of each segment given segment lengths."""
    out = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=out[1:])
    return out


def positions_within(counts: IntArray) -> IntArray:
    """0-based position of each row inside its segment."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(segment_offsets(counts), counts)


def segment_cumsum(values: IntArray, counts: IntArray) -> IntArray:
    """Inclusive cumulative sum restarting at each segment (zero-length segments allowed)."""
    cs: IntArray = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    out: IntArray = cs[1:] - np.repeat(cs[segment_offsets(counts)], counts)
    return out


def segment_sum(values: IntArray, counts: IntArray) -> IntArray:
    """Sum of each segment (zero for empty segments)."""
    cs: IntArray = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    starts = segment_offsets(counts)
    out: IntArray = cs[starts + counts] - cs[starts]
    return out


def truncated_exponential(rng: np.random.Generator, scale: FloatArray, cap: float) -> FloatArray:
    """Exponential samples with the given scales, conditioned on being below ``cap``."""
    u = rng.random(len(scale))
    return -scale * np.log1p(-u * (1.0 - np.exp(-cap / scale)))


def categorical(rng: np.random.Generator, p: FloatArray, n: int) -> IntArray:
    """``n`` draws from 0..len(p)-1 with probabilities ``p``."""
    return np.searchsorted(np.cumsum(p), rng.random(n) * np.sum(p), side="right").astype(np.int64)
