"""Points in Gaussian clusters on a ring: the toy data of GANs and diffusion models (10)."""

from __future__ import annotations

import numpy as np


def ring_centres(modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The ``modes`` cluster centres (modes, 2), evenly spaced on a circle of ``radius``."""
    angles = 2 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def gaussian_ring(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.05, seed: int = 0) -> np.ndarray:
    """``n`` points (n, 2), float32: equally many (up to rounding) in each of ``modes`` Gaussian clusters of
    standard deviation ``std`` centred on a circle of ``radius``."""
    rng = np.random.default_rng(seed)
    which = rng.permutation(np.arange(n) % modes)
    points = ring_centres(modes, radius)[which] + std * rng.standard_normal((n, 2))
    return points.astype(np.float32)


def ring_modes_covered(points: np.ndarray, modes: int = 8, radius: float = 2.0, std: float = 0.05,
                       min_share: float = 0.02) -> int:
    """How many clusters of :func:`gaussian_ring` receive at least ``min_share`` of ``points`` (N, 2) within
    ``3 * std`` of their centre."""
    points = np.asarray(points, dtype=float)
    distances = np.linalg.norm(points[:, None, :] - ring_centres(modes, radius)[None], axis=2)
    near = distances.min(axis=1) <= 3 * std
    counts = np.bincount(distances.argmin(axis=1)[near], minlength=modes)
    return int(np.sum(counts >= min_share * len(points)))
