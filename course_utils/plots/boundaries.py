"""Decision boundaries of classifiers on 2-D points (modules 01, 03)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from course_utils.plots.style import CLASS_COLORS, axes_or_new


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    ax: Axes | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    title: str | None = None,
) -> Axes:
    """Shade the regions ``predict`` assigns to each class and scatter ``X`` coloured by ``y``.

    ``predict`` takes an (n, 2) array and returns n class labels (or
    probabilities of class 1, which are thresholded at 0.5).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs 2-D points of shape (n, 2), got {X.shape}")
    ax = axes_or_new(ax)
    x_min, y_min = X.min(axis=0) - padding
    x_max, y_max = X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.c_[xx.ravel(), yy.ravel()]
    z: np.ndarray = np.asarray(predict(grid), dtype=float).reshape(-1)
    if z.size != grid.shape[0]:
        raise ValueError(f"predict returned {z.size} values for {grid.shape[0]} points: return one label per row")
    if not np.all(np.isin(z, np.arange(len(CLASS_COLORS)))):
        z = (z >= 0.5).astype(float)
    classes = np.unique(np.concatenate([np.asarray(y).ravel(), z])).astype(int)
    cmap = ListedColormap([CLASS_COLORS[c] for c in range(classes.max() + 1)])
    levels = np.arange(classes.max() + 2) - 0.5
    ax.contourf(xx, yy, z.reshape(xx.shape), levels=levels, cmap=cmap, alpha=0.25)
    ax.scatter(X[:, 0], X[:, 1], c=np.asarray(y).astype(int), cmap=cmap, vmin=-0.5,
               vmax=classes.max() + 0.5, edgecolors="k", linewidths=0.5, s=30)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax
