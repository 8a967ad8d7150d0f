"""Small directed graphs: computation graphs and network diagrams (module 03)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from course_utils.plots.style import axes_or_new


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

    ax = axes_or_new(ax, (9, 4))
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
