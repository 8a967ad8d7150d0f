"""Pictures for attention (module 11): attention-weight heat maps and the positional encoding."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.plots.style import axes_or_new


def plot_attention(weights, query_labels: Sequence[str] | None = None, key_labels: Sequence[str] | None = None,
                   ax: Axes | None = None, title: str | None = None, highlight: int | None = None,
                   colorbar: bool = False) -> Axes:
    """Heat map of attention weights (Tq, Tk): row t is how query t spreads its attention over the keys.

    Labels name the positions (tokens); ``highlight`` outlines one query's row.
    """
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2:
        raise ValueError(f"attention weights of one head are (Tq, Tk), got shape {w.shape}")
    ax = axes_or_new(ax, figsize=(5, 4.5))
    image = ax.imshow(w, cmap="viridis", vmin=0.0, vmax=max(float(w.max()), 1e-12), aspect="auto")
    for labels, set_ticks, set_labels, n in ((query_labels, ax.set_yticks, ax.set_yticklabels, w.shape[0]),
                                             (key_labels, ax.set_xticks, ax.set_xticklabels, w.shape[1])):
        if labels is not None:
            if len(labels) != n:
                raise ValueError(f"{len(labels)} labels for {n} positions")
            set_ticks(range(n))
            set_labels([str(label) for label in labels], fontsize=8)
    ax.tick_params(axis="x", labelrotation=90)
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query (attending)")
    if highlight is not None:
        ax.add_patch(plt.Rectangle((-0.5, highlight - 0.5), w.shape[1], 1, fill=False, edgecolor="red", lw=2))
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax


def plot_attention_heads(weights, labels: Sequence[str] | None = None, titles: Sequence[str] | None = None,
                         ncols: int = 4, size: float = 2.6) -> Figure:
    """One heat map per head: ``weights`` (H, T, T) (or (H, Tq, Tk)), all with the same labels."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 3:
        raise ValueError(f"weights of several heads are (H, Tq, Tk), got shape {w.shape}")
    ncols = min(ncols, len(w))
    nrows = -(-len(w) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= len(w):
            ax.axis("off")
            continue
        plot_attention(w[index], labels, labels, ax=ax, title=titles[index] if titles else f"head {index}")
        if index % ncols:
            ax.set_ylabel("")
            ax.set_yticklabels([])
        if index < len(w) - ncols:
            ax.set_xlabel("")
    fig.tight_layout()
    return fig


def plot_positional_encoding(pe, columns: Sequence[int] = (0, 1, 10, 20, 40), ax_pair=None) -> Figure:
    """The positional encoding ``pe`` (T, d) as a heat map (positions by dimensions) beside a few columns as curves."""
    p = np.asarray(pe, dtype=float)
    if p.ndim != 2:
        raise ValueError(f"a positional encoding is (T, d), got shape {p.shape}")
    if ax_pair is None:
        fig, ax_pair = plt.subplots(1, 2, figsize=(12, 4))
    heat, curves = ax_pair
    image = heat.imshow(p, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    heat.set_xlabel("dimension")
    heat.set_ylabel("position t")
    heat.set_title("positional encoding PE[t, :]")
    heat.figure.colorbar(image, ax=heat, fraction=0.046)
    for column in columns:
        if column < p.shape[1]:
            kind = "sin" if column % 2 == 0 else "cos"
            curves.plot(p[:, column], label=f"dim {column} ({kind})")
    curves.set_xlabel("position t")
    curves.set_ylabel("value")
    curves.set_title("a few dimensions: lower ones oscillate faster")
    curves.legend(fontsize=8, loc="lower left")
    return heat.figure
