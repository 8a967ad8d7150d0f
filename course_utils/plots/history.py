"""Training curves: loss and metrics per epoch, with their validation twins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from course_utils.plots.style import axes_or_new


def plot_history(
    history: Mapping[str, Sequence[float]],
    metrics: Sequence[str] = ("loss",),
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Training curves: each metric per epoch, with its ``val_`` twin if present.

    ``history`` is a dict of lists (as returned by ``training.fit``) or a Keras
    ``History`` object.
    """
    history = getattr(history, "history", history)
    ax = axes_or_new(ax, (7, 4))
    for metric in metrics:
        if metric not in history:
            raise KeyError(f"history has no {metric!r}; it has {sorted(history)}")
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], marker="o" if len(epochs) < 30 else None, label=f"train {metric}")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], marker="o" if len(epochs) < 30 else None,
                    linestyle="--", label=f"validation {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(", ".join(metrics))
    ax.grid(True, alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
