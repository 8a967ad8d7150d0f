"""Pictures for evaluating classifiers (module 06): the confusion-matrix heat map."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from course_utils.plots.style import axes_or_new


def plot_confusion_matrix(
    cm: np.ndarray,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    normalize: bool = False,
    title: str | None = None,
    cmap: str = "Blues",
    colorbar: bool = True,
) -> Axes:
    """Heat map of a confusion matrix (rows: true classes, columns: predicted), each cell annotated.

    With ``normalize=True`` every row is divided by its sum, so the diagonal shows
    each class's recall; rows without samples stay 0.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a confusion matrix is square, got shape {cm.shape}")
    n = cm.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(n))]
    if len(names) != n:
        raise ValueError(f"{len(names)} class names for a {n}x{n} confusion matrix")
    values = cm.astype(float)
    if normalize:
        totals = values.sum(axis=1, keepdims=True)
        values = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    ax = axes_or_new(ax, (0.6 * n + 3, 0.6 * n + 2))
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=1 if normalize else max(values.max(), 1))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    threshold = (1 if normalize else max(values.max(), 1)) / 2
    integer = np.issubdtype(cm.dtype, np.integer) and not normalize
    for i in range(n):
        for j in range(n):
            text = f"{int(cm[i, j])}" if integer else f"{values[i, j]:.2f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8 if n > 6 else 10,
                    color="white" if values[i, j] > threshold else "black")
    ax.set_xticks(range(n), names, rotation=45 if max(map(len, names)) > 3 else 0,
                  ha="right" if max(map(len, names)) > 3 else "center")
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return ax
