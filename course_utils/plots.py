"""Plots the notebooks share. Each function draws on ``ax`` (a new figure if
None) and returns the axes, so a notebook can add titles or combine panels."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

CLASS_COLORS = ("#d62728", "#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd",
                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6, 5)) -> Axes:
    return ax if ax is not None else plt.subplots(figsize=figsize)[1]


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
    ax = _axes(ax)
    x_min, y_min = X.min(axis=0) - padding
    x_max, y_max = X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.c_[xx.ravel(), yy.ravel()]
    z = np.asarray(predict(grid), dtype=float).reshape(-1)
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
    ax = _axes(ax, (7, 4))
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
    ax = _axes(ax, (7, 6))
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
            name = (lambda k: class_names[k] if class_names is not None else str(k))
            if predictions is None:
                ax.set_title(name(int(labels[i])), fontsize=8)
            else:
                right = int(predictions[i]) == int(labels[i])
                ax.set_title(f"{name(int(predictions[i]))}\n({name(int(labels[i]))})", fontsize=8,
                             color="black" if right else "red")
    fig.tight_layout()
    return fig


def draw_graph(
    nodes: Mapping[str, tuple[float, float, str]],
    edges: Sequence[tuple],
    ax: Axes | None = None,
    title: str | None = None,
    radius: float = 0.3,
) -> Axes:
    """Draw a small directed graph: a computation graph or a network diagram.

    ``nodes`` maps a name to ``(x, y, text)``. Each edge is ``(source, target)``,
    optionally followed by a label drawn above its middle (e.g. the forward
    value, in blue) and a second label drawn below it (e.g. the gradient, in red).
    """
    from matplotlib.patches import Circle

    ax = _axes(ax, (9, 4))
    for edge in edges:
        source, target = edge[0], edge[1]
        (x0, y0, _), (x1, y1, _) = nodes[source], nodes[target]
        length = float(np.hypot(x1 - x0, y1 - y0)) or 1.0
        dx, dy = (x1 - x0) / length * radius, (y1 - y0) / length * radius
        ax.annotate("", xy=(x1 - dx, y1 - dy), xytext=(x0 + dx, y0 + dy),
                    arrowprops=dict(arrowstyle="-|>", color="0.4", linewidth=1.0))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        if len(edge) > 2 and edge[2]:
            ax.text(mx, my + 0.08, edge[2], ha="center", va="bottom", fontsize=9, color="tab:blue")
        if len(edge) > 3 and edge[3]:
            ax.text(mx, my - 0.08, edge[3], ha="center", va="top", fontsize=9, color="tab:red")
    for x, y, text in nodes.values():
        ax.add_patch(Circle((x, y), radius, facecolor="#f3f3f3", edgecolor="0.3", zorder=3))
        ax.text(x, y, text, ha="center", va="center", fontsize=10, zorder=4)
    xs = [x for x, _, _ in nodes.values()]
    ys = [y for _, y, _ in nodes.values()]
    ax.set_xlim(min(xs) - 2 * radius, max(xs) + 2 * radius)
    ax.set_ylim(min(ys) - 2 * radius, max(ys) + 2 * radius)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


# --------------------------------------------------------------------------
# module 06 (model evaluation)
# --------------------------------------------------------------------------


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
    ax = _axes(ax, (0.6 * n + 3, 0.6 * n + 2))
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
