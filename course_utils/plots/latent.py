"""Code spaces of autoencoders and grids of generated images (10)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_utils.plots.style import CLASS_COLORS, axes_or_new


def plot_latent_space(codes: np.ndarray, labels: np.ndarray, class_names: Sequence[str], ax: Axes | None = None,
                      title: str | None = None, legend: bool = True) -> Axes:
    """Scatter 2-D codes (N, 2), coloured by their labels (N,) in class order."""
    codes, labels = np.asarray(codes), np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must have shape (N, 2), not {codes.shape}")
    ax = axes_or_new(ax, (8, 6.5))
    for k, name in enumerate(class_names):
        chosen = labels == k
        ax.scatter(codes[chosen, 0], codes[chosen, 1], s=3, alpha=0.6, color=CLASS_COLORS[k % len(CLASS_COLORS)],
                   label=name)
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if legend:
        ax.legend(markerscale=4, fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    return ax


def show_image_grid(images: np.ndarray, row_labels: Sequence[str] | None = None, title: str | None = None,
                    cell_inches: float = 1.0) -> plt.Figure:
    """Images (rows, cols, H, W) with values in [0, 1] tiled as one picture, with an optional label per row."""
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must have shape (rows, cols, H, W), not {images.shape}")
    rows, cols, height, width = images.shape
    tiled = np.ones((rows * (height + 1) - 1, cols * (width + 1) - 1))
    for r in range(rows):
        for c in range(cols):
            tiled[r * (height + 1):r * (height + 1) + height, c * (width + 1):c * (width + 1) + width] = images[r, c]
    fig, ax = plt.subplots(figsize=(cols * cell_inches + (1.2 if row_labels else 0), rows * cell_inches + 0.4))
    ax.imshow(tiled, cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([])
    if row_labels:
        ax.set_yticks([r * (height + 1) + height / 2 for r in range(rows)], list(row_labels))
    else:
        ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
