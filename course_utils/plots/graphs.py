"""Small directed graphs: computation graphs and network diagrams (modules 03, 09)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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


def _graph_nodes(root: Any) -> list[Any]:
    """Every node reachable from ``root`` through ``.inputs``, inputs before the nodes that use them."""
    order: list[Any] = []
    seen: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(tuple(node.inputs)) if id(child) not in seen)
    return order


def _node_text(node: Any, labels: Mapping[int, str], grads: bool) -> str:
    name = labels.get(id(node)) or getattr(node, "op", "") or "const"
    text = f"{name}\ndata {float(node.data):.4g}"
    return text + f"\ngrad {float(node.grad):.4g}" if grads else text


def draw_computation_graph(
    root: Any,
    labels: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    grads: bool = True,
) -> Axes:
    """Draw the computation graph that ends in ``root`` (module 09's ``Value`` or anything alike).

    A node is an object with ``data``, ``grad``, ``op`` and ``inputs`` (the nodes it was computed
    from). Inputs are on the left, ``root`` on the right; each box shows the node's name (from
    ``labels``, a mapping name -> node, else its ``op``), its value and, with ``grads``, its gradient.
    """
    from matplotlib.patches import FancyBboxPatch

    names = {id(node): name for name, node in (labels or {}).items()}
    order = _graph_nodes(root)
    depth: dict[int, int] = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(c)] for c in node.inputs), default=-1)
    for node in reversed(order):  # a leaf sits just before its first user, not far left
        users = [depth[id(u)] for u in order if any(c is node for c in u.inputs)]
        if not tuple(node.inputs) and users:
            depth[id(node)] = min(users) - 1
    columns: dict[int, list[Any]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    place: dict[int, tuple[float, float]] = {}
    for column, members in columns.items():
        for row, node in enumerate(members):
            place[id(node)] = (2.2 * column, 1.3 * (row - (len(members) - 1) / 2))
    width, height = 0.85, 0.5
    rows = max(map(len, columns.values()))
    ax = axes_or_new(ax, (min(15.0, max(6.0, 1.9 * len(columns) + 1)), min(9.0, max(2.8, 1.0 * rows + 1.2))))
    for node in order:
        x1, y1 = place[id(node)]
        for child in set(map(id, node.inputs)):
            x0, y0 = place[child]
            bend = 0.25 if x1 - x0 > 2.5 else 0.0  # an edge that skips a column arcs around the boxes between
            ax.annotate("", xy=(x1 - width, y1), xytext=(x0 + width, y0),
                        arrowprops=dict(arrowstyle="-|>", color="0.45", linewidth=1.0,
                                        connectionstyle=f"arc3,rad={bend}"))
    for node in order:
        x, y = place[id(node)]
        leaf = not tuple(node.inputs)
        ax.add_patch(FancyBboxPatch((x - width, y - height), 2 * width, 2 * height,
                                    boxstyle="round,pad=0.02", zorder=3, edgecolor="0.3",
                                    facecolor="#e8f0fb" if leaf else "#f3f3f3"))
        ax.text(x, y, _node_text(node, names, grads), ha="center", va="center", fontsize=8, zorder=4)
    xs = [p[0] for p in place.values()]
    ys = [p[1] for p in place.values()]
    ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.9)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def computation_graph_dot(root: Any, labels: Mapping[str, Any] | None = None) -> str:
    """The computation graph that ends in ``root`` in Graphviz's DOT language (render it with ``dot``)."""
    names = {id(node): name for name, node in (labels or {}).items()}
    order = _graph_nodes(root)
    number = {id(node): i for i, node in enumerate(order)}
    lines = ["digraph computation {", "  rankdir=LR;", '  node [shape=record, fontsize=10];']
    for node in order:
        name = names.get(id(node)) or getattr(node, "op", "") or "const"
        name = str(name).replace("\\", "\\\\").replace('"', '\\"').replace("|", "\\|").replace("{", "\\{") \
            .replace("}", "\\}").replace("<", "\\<").replace(">", "\\>")
        lines.append(f'  n{number[id(node)]} [label="{{ {name} | data {float(node.data):.4g} | '
                     f'grad {float(node.grad):.4g} }}"];')
    for node in order:
        for child in dict.fromkeys(map(id, node.inputs)):
            lines.append(f"  n{number[child]} -> n{number[id(node)]};")
    lines.append("}")
    return "\n".join(lines)
