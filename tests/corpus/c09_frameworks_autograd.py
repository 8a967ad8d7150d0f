"""Correct answers to module 09 (frameworks and autograd), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

ALTERNATIVES = [
    # topological_order
    Alternative("topological_order", "iterative post-order with an explicit stack", '''
def topological_order(root):
    order, done, stack = [], set(), [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in done:
            continue
        done.add(id(node))
        stack.append((node, True))
        for child in node.inputs:
            if id(child) not in done:
                stack.append((child, False))
    return order
'''),
    Alternative("topological_order", "Kahn's algorithm from the leaves", '''
from collections import deque


def topological_order(root):
    """Collect the graph, then repeatedly emit nodes whose inputs are all emitted."""
    nodes, users, todo = {}, {}, [root]
    while todo:
        node = todo.pop()
        if id(node) in nodes:
            continue
        nodes[id(node)] = node
        for child in set(map(id, node.inputs)):
            users.setdefault(child, []).append(node)
        todo.extend(node.inputs)
    waiting = {key: len(set(map(id, node.inputs))) for key, node in nodes.items()}
    ready = deque(node for key, node in nodes.items() if waiting[key] == 0)
    result = []
    while ready:
        node = ready.popleft()
        result.append(node)
        for user in users.get(id(node), []):
            waiting[id(user)] -= 1
            if waiting[id(user)] == 0:
                ready.append(user)
    assert result[-1] is root
    return result
'''),
    Alternative("topological_order", "sorted by depth, identity checks without a set", '''
def topological_order(root):
    depth = {}
    seen = []

    def measure(node):
        if id(node) not in depth:
            depth[id(node)] = 1 + max((measure(c) for c in node.inputs), default=-1)
            seen.append(node)
        return depth[id(node)]

    measure(root)
    print("nodes found:", len(seen))
    return sorted(seen, key=lambda n: depth[id(n)])
'''),
    Alternative("topological_order", "recursive with a list of visited nodes and a generator", '''
def _walk(node, visited):
    if any(node is v for v in visited):
        return
    visited.append(node)
    for child in node.inputs:
        yield from _walk(child, visited)
    yield node


def topological_order(root):
    return list(_walk(root, []))
'''),
    # Value
    Alternative("Value", "local derivatives stored per node, no closures", '''
class Value:
    def __init__(self, data, inputs=(), op="", local=()):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.op = op
        self.local = tuple(local)        # d self / d each input

    @staticmethod
    def lift(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value.lift(other)
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other):
        other = Value.lift(other)
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    __rmul__ = __mul__

    def __pow__(self, k):
        return Value(self.data ** k, (self,), f"pow{k}", (k * self.data ** (k - 1),))

    def __neg__(self):
        return Value(-self.data, (self,), "neg", (-1.0,))

    def __sub__(self, other):
        other = Value.lift(other)
        return Value(self.data - other.data, (self, other), "-", (1.0, -1.0))

    def __rsub__(self, other):
        return Value.lift(other) - self

    def __truediv__(self, other):
        other = Value.lift(other)
        return Value(self.data / other.data, (self, other), "/", (1 / other.data, -self.data / other.data ** 2))

    def __rtruediv__(self, other):
        return Value.lift(other) / self

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", (1 - t ** 2,))

    def relu(self):
        return Value(max(self.data, 0.0), (self,), "relu", (float(self.data > 0),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), "exp", (e,))

    def backward(self):
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            for child, d in zip(node.inputs, node.local):
                child.grad += d * node.grad
'''),
    Alternative("Value", "op names dispatched in backward, own iterative sort, numpy maths", '''
import numpy


class Value:
    def __init__(self, data, inputs=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.op = op
        self.k = None

    def __repr__(self):
        return f"V({self.data})"

    def _other(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        return other

    def __add__(self, other):
        other = self._other(other)
        return Value(self.data + other.data, (self, other), "add")

    def __radd__(self, other):
        return self._other(other) + self

    def __mul__(self, other):
        other = self._other(other)
        return Value(self.data * other.data, (self, other), "mul")

    def __rmul__(self, other):
        return self._other(other) * self

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), "pow")
        out.k = k
        return out

    def __neg__(self):
        return -1 * self

    def __sub__(self, other):
        return self + -1 * self._other(other)

    def __rsub__(self, other):
        return self._other(other) + -1 * self

    def __truediv__(self, other):
        return self * self._other(other) ** -1

    def __rtruediv__(self, other):
        return self._other(other) * self ** -1

    def tanh(self):
        return Value(float(numpy.tanh(self.data)), (self,), "tanh")

    def relu(self):
        return Value(self.data if self.data > 0 else 0, (self,), "relu")

    def exp(self):
        return Value(float(numpy.exp(self.data)), (self,), "exp")

    def backward(self):
        order, seen, stack = [], set(), [(self, 0)]
        while stack:
            node, state = stack.pop()
            if state:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, 1))
                stack.extend((c, 0) for c in node.inputs)
        self.grad = 1
        for node in order[::-1]:
            g = node.grad
            if node.op == "add":
                for c in node.inputs:
                    c.grad += g
            elif node.op == "mul":
                a, b = node.inputs
                a.grad += b.data * g
                b.grad += a.data * g
            elif node.op == "pow":
                (a,) = node.inputs
                a.grad += node.k * a.data ** (node.k - 1) * g
            elif node.op == "tanh":
                node.inputs[0].grad += (1 - node.data ** 2) * g
            elif node.op == "relu":
                node.inputs[0].grad += g if node.data > 0 else 0.0
            elif node.op == "exp":
                node.inputs[0].grad += node.data * g
'''),
    Alternative("Value", "closures, constants kept out of the graph", '''
class Value:
    """Numbers are not wrapped into nodes: x + 2 has the single input x."""

    def __init__(self, data, inputs=(), op=""):
        self.data, self.grad, self.inputs, self.op = float(data), 0.0, tuple(inputs), op
        self._back = None

    def _node(self, data, inputs, op, back):
        out = Value(data, inputs, op)
        out._back = lambda: back(out.grad)
        return out

    def __add__(self, other):
        if isinstance(other, Value):
            def back(g):
                self.grad += g
                other.grad += g
            return self._node(self.data + other.data, (self, other), "+", back)
        return self._node(self.data + other, (self,), f"+{other}", lambda g: setattr(self, "grad", self.grad + g))

    def __mul__(self, other):
        if isinstance(other, Value):
            def back(g):
                self.grad += other.data * g
                other.grad += self.data * g
            return self._node(self.data * other.data, (self, other), "*", back)

        def back_const(g):
            self.grad += other * g
        return self._node(self.data * other, (self,), f"*{other}", back_const)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __pow__(self, k):
        def back(g):
            self.grad += k * self.data ** (k - 1) * g
        return self._node(self.data ** k, (self,), f"**{k}", back)

    def __truediv__(self, other):
        return self * other ** -1 if isinstance(other, Value) else self * (1.0 / other)

    def __rtruediv__(self, other):
        return self ** -1 * other

    def tanh(self):
        t = math.tanh(self.data)

        def back(g):
            self.grad += (1 - t * t) * g
        return self._node(t, (self,), "tanh", back)

    def relu(self):
        def back(g):
            if self.data > 0:
                self.grad += g
        return self._node(max(0.0, self.data), (self,), "relu", back)

    def exp(self):
        e = math.exp(self.data)

        def back(g):
            self.grad += e * g
        return self._node(e, (self,), "exp", back)

    def backward(self):
        nodes = topological_order(self)
        self.grad = 1.0
        for node in nodes[::-1]:
            if node._back is not None:
                node._back()
'''),
    # sgd_step
    Alternative("sgd_step", "index loop", '''
def sgd_step(params, lr):
    for i in range(len(params)):
        params[i].data = params[i].data - lr * params[i].grad
        params[i].grad = 0.0
'''),
    Alternative("sgd_step", "two passes, returns the params", '''
def sgd_step(params, lr):
    """Update everything first, then clear every gradient."""
    params = list(params)
    for p in params:
        p.data += -lr * p.grad
    for p in params:
        p.grad = 0.0
    return params
'''),
    Alternative("sgd_step", "tuple assignment with setattr", '''
def sgd_step(params, lr):
    for p in params:
        new_data, new_grad = p.data - lr * p.grad, 0.0
        setattr(p, "data", new_data)
        setattr(p, "grad", new_grad)
    return None
'''),
    # copy_dense_weights
    Alternative("copy_dense_weights", "kernel attributes and .data", '''
import keras


def copy_dense_weights(keras_dense, torch_linear):
    kernel = keras.ops.convert_to_numpy(keras_dense.kernel)
    bias = keras.ops.convert_to_numpy(keras_dense.bias)
    torch_linear.weight.data = torch.from_numpy(np.ascontiguousarray(kernel.T)).to(torch_linear.weight.dtype)
    torch_linear.bias.data = torch.from_numpy(bias.copy()).to(torch_linear.bias.dtype)
    return torch_linear
'''),
    Alternative("copy_dense_weights", "new Parameters from layer.weights", '''
import torch.nn as nn


def copy_dense_weights(keras_dense, torch_linear):
    kernel_var, bias_var = keras_dense.weights
    torch_linear.weight = nn.Parameter(torch.tensor(kernel_var.numpy()).T.contiguous())
    torch_linear.bias = nn.Parameter(torch.tensor(bias_var.numpy()))
    return torch_linear
'''),
    Alternative("copy_dense_weights", "load_state_dict", '''
def copy_dense_weights(keras_dense, torch_linear):
    w, b = keras_dense.get_weights()
    state = {"weight": torch.tensor(np.transpose(w)), "bias": torch.tensor(b)}
    torch_linear.load_state_dict(state)
    return torch_linear
'''),
    Alternative("copy_dense_weights", "slice assignment under no_grad", '''
def copy_dense_weights(keras_dense, torch_linear):
    weights = keras_dense.get_weights()
    with torch.no_grad():
        torch_linear.weight[:] = torch.as_tensor(weights[0]).t()
        torch_linear.bias[:] = torch.as_tensor(weights[1])
    return torch_linear
'''),
]
