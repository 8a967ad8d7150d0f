"""Grids of images with their labels and predictions."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np


def show_images(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    class_names: Sequence[str] | None = None,
    predictions: Sequence[int] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
) -> plt.Figure:
    """A grid of images (N, H, W) or (N, H, W, C), titled with labels.

    With ``predictions``, each title reads ``predicted (true)`` and wrong
    predictions are shown in red.
    """
    images = np.asarray(images)
    n = len(images)
    if n == 0:
        raise ValueError("show_images got no images")
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, min(ncols, n), figsize=(1.6 * min(ncols, n), 1.9 * nrows), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if i >= n:
            continue
        image = images[i]
        if image.ndim == 3 and image.shape[0] in (1, 3) and image.shape[-1] not in (1, 3):
            image = np.moveaxis(image, 0, -1)  # channels-first tensors
        ax.imshow(image.squeeze(), cmap=cmap if image.squeeze().ndim == 2 else None)
        if labels is not None:
            def name(k: int) -> str:
                return class_names[k] if class_names is not None else str(k)
            if predictions is None:
                ax.set_title(name(int(labels[i])), fontsize=8)
            else:
                right = int(predictions[i]) == int(labels[i])
                ax.set_title(f"{name(int(predictions[i]))}\n({name(int(labels[i]))})", fontsize=8,
                             color="black" if right else "red")
    fig.tight_layout()
    return fig
