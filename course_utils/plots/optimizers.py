"""Optimizer paths on a 2-D loss surface (module 02)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from matplotlib.axes import Axes

from course_utils.plots.style import CLASS_COLORS, axes_or_new


def plot_optimizer_paths(
    loss: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, np.ndarray],
    xlim: tuple[float, float] = (-2, 2),
    ylim: tuple[float, float] = (-2, 2),
    ax: Axes | None = None,
    levels: int = 30,
    minimum: tuple[float, float] | None = None,
) -> Axes:
    """Contours of a 2-D ``loss(x, y)`` with each optimizer's path of iterates.

    ``paths`` maps an optimizer's name to an array of shape (steps + 1, 2).
    """
    ax = axes_or_new(ax, (7, 6))
    xs, ys = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    zs = loss(xs, ys)
    ax.contour(xs, ys, zs, levels=np.geomspace(max(zs.min(), 1e-3), zs.max(), levels) if zs.min() >= 0
               else levels, cmap="Greys", linewidths=0.6)
    for (name, path), color in zip(paths.items(), CLASS_COLORS):
        path = np.asarray(path)
        ax.plot(path[:, 0], path[:, 1], "-o", color=color, markersize=2, linewidth=1.2, label=name)
    if minimum is not None:
        ax.plot(*minimum, "k*", markersize=14, label="minimum")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(fontsize=8, loc="upper right")
    return ax
