"""What every plot of the course shares: class colours and where to draw."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

#: one colour per class, in class order (decision regions, optimizer paths)
CLASS_COLORS = ("#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def axes_or_new(ax: Axes | None, figsize: tuple[float, float] = (6, 5)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``figsize`` when ``ax`` is None."""
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]
