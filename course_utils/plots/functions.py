"""Functions of one variable with their derivatives (activations, module 02)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np


def plot_functions(
    functions: Mapping[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray] | None]],
    x: np.ndarray | None = None,
    ncols: int = 4,
) -> plt.Figure:
    """One panel per function, each with its derivative dashed.

    ``functions`` maps a name to ``(f, df)``; ``df`` may be None.
    """
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x)
    nrows = -(-len(functions) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.8 * nrows), squeeze=False)
    for ax, (name, (f, df)) in zip(axes.ravel(), functions.items()):
        ax.plot(x, f(x), label="f(z)")
        if df is not None:
            ax.plot(x, df(x), "--", label="f'(z)")
        ax.axhline(0, color="k", linewidth=0.5)
        ax.axvline(0, color="k", linewidth=0.5)
        ax.set_title(name)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    for ax in axes.ravel()[len(functions):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig
