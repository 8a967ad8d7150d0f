"""Toy sequence-to-sequence tasks for attention (11): reverse or sort a row of digits.

Every input is a row of ``length`` tokens drawn from ``0 .. vocab - 1``; the target
has the same length, so a model predicts one token per position.
"""

from __future__ import annotations

import numpy as np

TASKS = ("reverse", "sort")


def toy_sequences(task: str, n: int, length: int = 10, vocab: int = 10,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random sequences and their targets: ``X`` and ``Y`` int64 (n, length).

    ``task="reverse"``: ``Y[i] = X[i, ::-1]``; ``task="sort"``: ``Y[i] = sorted(X[i])``.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {TASKS}")
    if n < 1 or length < 1 or vocab < 2:
        raise ValueError("need n >= 1, length >= 1 and vocab >= 2")
    rng = np.random.default_rng(seed)
    X = rng.integers(0, vocab, size=(n, length), dtype=np.int64)
    Y = X[:, ::-1].copy() if task == "reverse" else np.sort(X, axis=1)
    return X, Y
