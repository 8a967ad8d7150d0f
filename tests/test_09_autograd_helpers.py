"""Helpers of module 09: plain graph nodes, computation-graph drawing, the Keras layer probe, Keras' backend."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_utils import plots  # noqa: E402
from course_utils.models import graph_nodes  # noqa: E402


class _V:
    """The smallest node with what the drawing needs."""

    def __init__(self, data, inputs=(), op=""):
        self.data, self.grad, self.inputs, self.op = data, 0.5, tuple(inputs), op


def test_graph_builds_inputs_first_whatever_the_order():
    nodes = graph_nodes.graph({"z": ["x", "y", "x"], "x": [], "y": []})
    assert list(nodes) == ["z", "x", "y"]
    assert nodes["z"].inputs == (nodes["x"], nodes["y"], nodes["x"])
    assert nodes["x"].inputs == () and repr(nodes["x"]) == "Node('x')"
    assert len({nodes["x"], nodes["y"]}) == 2  # hashable, by identity


def test_graph_rejects_a_cycle():
    with pytest.raises(ValueError, match="cycle"):
        graph_nodes.graph({"a": ["b"], "b": ["a"]})


def test_draw_computation_graph_and_dot():
    x, y = _V(2.0), _V(-1.0)
    product = _V(-2.0, (x, y), "*")
    out = _V(-1.0, (product, x), "+")
    ax = plots.draw_computation_graph(out, labels={"x": x, "y": y, "out": out}, title="t")
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # arrows are empty annotations
    assert len(texts) == 4 and any(t.startswith("x\ndata 2") for t in texts) and any(t.startswith("*") for t in texts)
    plt.close("all")
    dot = plots.computation_graph_dot(out, labels={"x": x})
    assert dot.startswith("digraph") and dot.count("->") == 4 and "{ x | data 2 | grad 0.5 }" in dot


def test_keras_dense_probe_holds_the_given_weights():
    import numpy as np

    from course_utils.models import probes

    kernel, bias = np.arange(6, dtype=float).reshape(3, 2), np.array([1.0, -1.0])
    layer = probes.keras_dense(3, 2, kernel, bias, "relu")
    got = layer.get_weights()
    assert np.allclose(got[0], kernel) and np.allclose(got[1], bias) and layer.activation.__name__ == "relu"


def test_keras_runs_on_pytorch_under_a_sandbox_sized_memory_limit():
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (4096 * 2**20, 4096 * 2**20))\n"
            "import course_utils, torch, keras, sys\n"
            "print(keras.backend.backend(), 'tensorflow' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.stdout.split() == ["torch", "False"], done.stderr[-2000:]
