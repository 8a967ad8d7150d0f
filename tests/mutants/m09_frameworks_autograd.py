"""Wrong answers to module 09 (frameworks and autograd) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------- topological_order
_TOPO = '''
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        for child in node.inputs:
            visit(child)
        order.append(node)

    visit(root)
    return order
'''

_TOPO_NO_VISITED = '''
def topological_order(root):
    order = []

    def visit(node):
        for child in node.inputs:
            visit(child)
        order.append(node)

    visit(root)
    return order
'''

_TOPO_DIRECT_ONLY = '''
def topological_order(root):
    order = []
    for child in root.inputs:
        if child not in order:
            order.append(child)
    return order + [root]
'''

_TOPO_REVERSED_BFS = '''
def topological_order(root):
    order, seen, queue = [], {id(root)}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for child in node.inputs:
            if id(child) not in seen:
                seen.add(id(child))
                queue.append(child)
    return order[::-1]
'''

_TOPO_PREORDER_REVERSED = '''
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        order.append(node)
        for child in node.inputs:
            visit(child)

    visit(root)
    return order[::-1]
'''

_TOPO_MUTABLE_DEFAULT = '''
def topological_order(root, visited=set()):
    order = []

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for child in node.inputs:
            visit(child)
        order.append(node)

    visit(root)
    return order
'''

_TOPO_NAMES = '''
def topological_order(root):
    order, visited = [], set()

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        for child in node.inputs:
            visit(child)
        order.append(node.name)

    visit(root)
    return order
'''

# ---------------------------------------------------------------- Value
_VALUE = '''
class Value:
    def __init__(self, data, inputs=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = tuple(inputs)
        self.op = op
        self._backward = lambda: None

    @staticmethod
    def _wrap(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), "**")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * self._wrap(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):
        return self._wrap(other) - self

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return self._wrap(other) / self

    def backward(self):
        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
'''


def _value(*replacements: tuple[str, str]) -> str:
    source = _VALUE
    for old, new in replacements:
        assert old in source, old
        source = source.replace(old, new)
    return source


_ASSIGN = _value(("            self.grad += out.grad\n            other.grad += out.grad",
                  "            self.grad = out.grad\n            other.grad = out.grad"),
                 ("            self.grad += other.data * out.grad\n            other.grad += self.data * out.grad",
                  "            self.grad = other.data * out.grad\n            other.grad = self.data * out.grad"))

_NAIVE_RECURSION = _value(("""        order = topological_order(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()""", """        self.grad = 1.0
        self._propagate()

    def _propagate(self):
        self._backward()
        for child in self.inputs:
            child._propagate()"""))

_NO_REFLECTED = _value(("""    def __radd__(self, other):
        return self + other
""", ""), ("""    def __rmul__(self, other):
        return self * other
""", ""), ("""    def __rsub__(self, other):
        return self._wrap(other) - self
""", ""), ("""    def __rtruediv__(self, other):
        return self._wrap(other) / self
""", ""))

# ---------------------------------------------------------------- sgd_step
_SGD = '''
def sgd_step(params, lr):
    for p in params:
        {body}
'''


def _sgd(body: str) -> str:
    return _SGD.format(body=body)


# ---------------------------------------------------------------- copy_dense_weights
_COPY = '''
def copy_dense_weights(keras_dense, torch_linear):
    kernel, bias = keras_dense.get_weights()
    {body}
'''


def _copy(body: str) -> str:
    return _COPY.format(body=body)


MUTANTS = [
    # topological_order
    Mutant("topological_order", "no visited set: duplicates", _TOPO_NO_VISITED, "exactly once"),
    Mutant("topological_order", "only direct inputs", _TOPO_DIRECT_ONLY, "inputs of the inputs"),
    Mutant("topological_order", "root first (not reversed)", _TOPO.replace("return order", "return order[::-1]"),
           "root must come last"),
    Mutant("topological_order", "breadth-first order reversed", _TOPO_REVERSED_BFS, "after all of its inputs"),
    Mutant("topological_order", "pre-order reversed", _TOPO_PREORDER_REVERSED, "after all of its inputs"),
    Mutant("topological_order", "mutable default visited set", _TOPO_MUTABLE_DEFAULT, "mutable default"),
    Mutant("topological_order", "returns names", _TOPO_NAMES, "node objects themselves"),
    Mutant("topological_order", "root left out", _TOPO.replace("return order", "return order[:-1]"),
           "reachable from root"),
    Mutant("topological_order", "returns nothing", _TOPO.replace("return order", "order.sort(key=id)"),
           "forget `return`"),
    # Value
    Mutant("Value", "gradients assigned, not accumulated", _ASSIGN, "add up"),
    Mutant("Value", "backward in topological order, not reversed",
           _value(("for node in reversed(order):", "for node in order:")), "reverse topological order"),
    Mutant("Value", "root grad not set to 1", _value(("        self.grad = 1.0\n        for", "        for")),
           "root's own grad to 1.0"),
    Mutant("Value", "recursive backward without topological order", _NAIVE_RECURSION, "once per node"),
    Mutant("Value", "tanh derivative 1 - t", _value(("(1 - t * t) * out.grad", "(1 - t) * out.grad")), "tanh'"),
    Mutant("Value", "tanh derivative from the input",
           _value(("(1 - t * t) * out.grad", "(1 - self.data ** 2) * out.grad")), "tanh'"),
    Mutant("Value", "exp derivative is the input", _value(("self.grad += out.data * out.grad",
                                                           "self.grad += self.data * out.grad")), "exp'"),
    Mutant("Value", "relu derivative 1 at 0", _value(("(self.data > 0) * out.grad", "(self.data >= 0) * out.grad")),
           "relu at exactly 0"),
    Mutant("Value", "relu passes every gradient", _value(("(self.data > 0) * out.grad", "out.grad")), "relu"),
    Mutant("Value", "pow derivative k * x**k", _value(("k * self.data ** (k - 1) * out.grad",
                                                       "k * self.data ** k * out.grad")), "k * x**(k - 1)"),
    Mutant("Value", "pow derivative without k", _value(("k * self.data ** (k - 1) * out.grad",
                                                        "self.data ** (k - 1) * out.grad")), "k * x**(k - 1)"),
    Mutant("Value", "mul sends its own factor", _value(("            self.grad += other.data * out.grad\n"
                                                        "            other.grad += self.data * out.grad",
                                                        "            self.grad += self.data * out.grad\n"
                                                        "            other.grad += other.data * out.grad")),
           "OTHER factor"),
    Mutant("Value", "no reflected operators", _NO_REFLECTED, "__rmul__"),
    Mutant("Value", "rsub in the wrong order", _value(("return self._wrap(other) - self", "return self - other")),
           "__rsub__"),
    Mutant("Value", "rtruediv in the wrong order", _value(("return self._wrap(other) / self", "return self / other")),
           "__rtruediv__"),
    Mutant("Value", "numbers not wrapped", _value(("return other if isinstance(other, Value) else Value(other)",
                                                   "return other")), "wrap it in a Value"),
    Mutant("Value", "subtraction adds", _value(("return self + (-other)", "return self + other")), "x - y"),
    Mutant("Value", "no inputs recorded", _value(("self.inputs = tuple(inputs)", "self.inputs = ()")),
           "remember where it came from"),
    Mutant("Value", "grad starts at None", _value(("self.grad = 0.0\n", "self.grad = None\n"),
                                                  ("self.grad += ", "self.grad = (self.grad or 0.0) + "),
                                                  ("other.grad += ", "other.grad = (other.grad or 0.0) + ")),
           "not None"),
    Mutant("Value", "in-place add changes the operand",
           _value(("        out = Value(self.data + other.data, (self, other), \"+\")",
                   "        out = Value(self.data + other.data, (self, other), \"+\")\n        self.data = out.data")),
           "operands' data unchanged"),
    # sgd_step
    Mutant("sgd_step", "gradient ascent", _sgd("p.data += lr * p.grad\n        p.grad = 0.0"), "subtract lr * grad"),
    Mutant("sgd_step", "gradients not reset", _sgd("p.data -= lr * p.grad"), "set grad = 0.0"),
    Mutant("sgd_step", "reset before the update", _sgd("p.grad = 0.0\n        p.data -= lr * p.grad"), "BEFORE"),
    Mutant("sgd_step", "grad set to None", _sgd("p.data -= lr * p.grad\n        p.grad = None"), "not None"),
    Mutant("sgd_step", "rebinds the loop variable", _sgd("p = Value(p.data - lr * p.grad)"), "in place"),
    Mutant("sgd_step", "ignores lr", _sgd("p.data -= 0.1 * p.grad\n        p.grad = 0.0"), "data - lr * grad"),
    # copy_dense_weights
    Mutant("copy_dense_weights", "no transpose (copy_ fails on shapes)",
           _copy("with torch.no_grad():\n        torch_linear.weight.copy_(torch.as_tensor(kernel))\n"
                 "        torch_linear.bias.copy_(torch.as_tensor(bias))\n    return torch_linear"), "transpose"),
    Mutant("copy_dense_weights", "no transpose (reshaped)",
           _copy("with torch.no_grad():\n        torch_linear.weight.copy_(torch.as_tensor(kernel).reshape("
                 "torch_linear.weight.shape))\n        torch_linear.bias.copy_(torch.as_tensor(bias))\n"
                 "    return torch_linear"), "transpose"),
    Mutant("copy_dense_weights", "bias forgotten",
           _copy("with torch.no_grad():\n        torch_linear.weight.copy_(torch.as_tensor(kernel.T))\n"
                 "    return torch_linear"), "bias"),
    Mutant("copy_dense_weights", "returns a new Linear",
           _copy("new = torch.nn.Linear(*kernel.shape)\n    with torch.no_grad():\n"
                 "        new.weight.copy_(torch.as_tensor(kernel.T))\n        new.bias.copy_(torch.as_tensor(bias))\n"
                 "    return new"), "in place"),
    Mutant("copy_dense_weights", "float64 parameters",
           _copy("torch_linear.weight = torch.nn.Parameter(torch.tensor(kernel.T, dtype=torch.float64))\n"
                 "    torch_linear.bias = torch.nn.Parameter(torch.tensor(bias, dtype=torch.float64))\n"
                 "    return torch_linear"), "dtype"),
    Mutant("copy_dense_weights", "frozen parameters",
           _copy("torch_linear.weight = torch.nn.Parameter(torch.tensor(kernel.T), requires_grad=False)\n"
                 "    torch_linear.bias = torch.nn.Parameter(torch.tensor(bias), requires_grad=False)\n"
                 "    return torch_linear"), "trainable"),
    Mutant("copy_dense_weights", "forgets to return",
           _copy("with torch.no_grad():\n        torch_linear.weight.copy_(torch.as_tensor(kernel.T))\n"
                 "        torch_linear.bias.copy_(torch.as_tensor(bias))"), "return the torch Linear"),
]
