"""Taking smaller samples of a data set (for fast mode and for small training sets)."""

from __future__ import annotations

import numpy as np


def subsample(X: np.ndarray, y: np.ndarray, n: int | None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A stratified random subset of ``n`` samples (all of them when ``n`` is None or too big)."""
    if n is None or n >= len(y):
        return X, y
    from sklearn.model_selection import train_test_split

    X_small, _, y_small, _ = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
    return X_small, y_small
