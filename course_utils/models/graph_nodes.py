"""Plain graph nodes that test cells hand to the student's graph code (module 09).

A :class:`Node` has a ``name`` and ``inputs`` (a tuple of nodes), nothing else: the
shape of graph that ``topological_order`` walks. Test cells build whole graphs with
``checks.build(graph_nodes.graph, {...})`` so that under grading the nodes live where
the student's code runs (see ``checks.build``); in a notebook ``build`` just calls it.
Nodes compare and hash by identity, like any object without its own ``==``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class Node:
    """A node of a computation graph with a name and the nodes it was computed from."""

    def __init__(self, name: str, inputs: Sequence[Node] = ()) -> None:
        self.name = name
        self.inputs = tuple(inputs)

    def __repr__(self) -> str:
        return f"Node({self.name!r})"


def graph(spec: Mapping[str, Sequence[str]]) -> dict[str, Node]:
    """Nodes named by ``spec``'s keys; ``spec[name]`` lists the names of that node's inputs, in order.

    An input may be listed twice (``z = x * x``). Inputs are created before the nodes that use
    them, whatever the order of ``spec``; a cycle raises ``ValueError``.
    """
    made: dict[str, Node] = {}
    busy: set[str] = set()

    def make(name: str) -> Node:
        if name in made:
            return made[name]
        if name in busy:
            raise ValueError(f"the graph has a cycle through {name!r}")
        busy.add(name)
        node = Node(name, [make(child) for child in spec.get(name, ())])
        busy.discard(name)
        made[name] = node
        return node

    for name in spec:
        make(name)
    return {name: made[name] for name in spec}
