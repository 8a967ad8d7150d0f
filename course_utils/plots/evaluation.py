"""Pictures for evaluating classifiers (module 06): the confusion-matrix heat map and the ROC curve.

Drawn with scikit-learn's :class:`~sklearn.metrics.ConfusionMatrixDisplay`, in the
course's look: counts or row-normalised rates, class names, a colour map.
"""

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

    Integer counts are written as integers, anything else with two decimals. With
    ``normalize=True`` every row is divided by its sum, so the diagonal shows each
    class's recall; rows without samples stay 0.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a confusion matrix is square, got shape {cm.shape}")
    n = cm.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(n))]
    if len(names) != n:
        raise ValueError(f"{len(names)} class names for a {n}x{n} confusion matrix")
    values = cm
    if normalize:
        totals = cm.sum(axis=1, keepdims=True).astype(float)
        values = np.divide(cm, totals, out=np.zeros(cm.shape), where=totals > 0)
    integer = np.issubdtype(values.dtype, np.integer)
    ax = axes_or_new(ax, (0.6 * n + 3, 0.6 * n + 2))
    long_names = max(map(len, names)) > 3
    vmax = 1 if normalize else max(values.max(), 1)
    display = ConfusionMatrixDisplay(values, display_labels=names).plot(
        ax=ax, cmap=cmap, colorbar=False, values_format="d" if integer else ".2f",
        xticks_rotation=45 if long_names else "horizontal",
        im_kw={"vmin": 0, "vmax": vmax}, text_kw={"fontsize": 8 if n > 6 else 10},
    )
    for (i, j), text in np.ndenumerate(display.text_):  # dark cells get white text, on the colour scale's middle
        text.set_color("white" if values[i, j] > vmax / 2 else "black")
    if colorbar:
        ax.figure.colorbar(display.im_, ax=ax, fraction=0.046, pad=0.04)
    if long_names:
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if title:
        ax.set_title(title)
    return ax


def plot_roc_curve(fpr: np.ndarray, tpr: np.ndarray, label: str | None = None, ax: Axes | None = None,
                   title: str | None = None) -> Axes:
    """A ROC curve (false positive rate (K,) against true positive rate (K,), as module 06 computes them) with the
    diagonal of a random score."""
    ax = axes_or_new(ax, (6, 5.5))
    ax.plot(fpr, tpr, label=label)
    ax.plot([0, 1], [0, 1], "k--", linewidth=0.8, label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate (recall)", xlim=(-0.02, 1.02),
           ylim=(-0.02, 1.02))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax
