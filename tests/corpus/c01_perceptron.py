"""Correct answers to module 01 (perceptron), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

# ---------------------------------------------------------------------------
# step(z)
# ---------------------------------------------------------------------------

_STEP_RECURSIVE = '''
def step(z):
    """1 where z >= 0 else 0: a plain Python int for a number, recursing over the first axis of arrays."""
    if np.ndim(z) == 0:
        return 1 if z >= 0 else 0
    return np.array([step(row) for row in z], dtype=int)
'''

_STEP_WHERE_ITEM = '''
from typing import Union

Number = Union[int, float]


def step(z: Union[Number, np.ndarray]) -> Union[int, np.ndarray]:
    """Heaviside step with np.where; .item() turns a 0-d result into a Python int."""
    values = np.asarray(z)
    out = np.where(values >= 0, 1, 0)
    if out.ndim == 0:
        return out.item()
    return out
'''

_STEP_HEAVISIDE = '''
def step(z):
    # np.heaviside(z, 1) is 0 for z < 0, 1 for z > 0 and the second argument (1) at z == 0
    data = np.heaviside(np.asarray(z, dtype=float), 1).astype(np.int64)
    if data.shape == ():
        print("step of a single number:", z, "->", int(data))
        return int(data)
    return data
'''

_STEP_TORCH = '''
import torch


def step(z):
    tensor = torch.as_tensor(np.asarray(z))
    out = (tensor >= 0).to(torch.int64)
    if out.dim() == 0:
        return int(out.item())
    return out.numpy()
'''

_STEP_VECTORIZE_MATH = '''
import math


def _unit_step(value) -> int:
    assert not math.isnan(value), "step is undefined for NaN"
    return 0 if value < 0 else 1


def step(z):
    if np.isscalar(z) or np.ndim(z) == 0:
        return _unit_step(float(z))
    return np.vectorize(_unit_step, otypes=[int])(z)
'''

# ---------------------------------------------------------------------------
# Perceptron
# ---------------------------------------------------------------------------

_PERCEPTRON_SETATTR = '''
class Perceptron:
    """Rosenblatt's perceptron; the attributes are set through small helper methods."""

    def __init__(self, lr=0.1, epochs=10):
        setattr(self, "lr", lr)
        setattr(self, "epochs", epochs)

    def _reset(self, n_features):
        setattr(self, "w_", np.zeros(n_features))
        setattr(self, "b_", 0.0)
        setattr(self, "errors_", [])

    def _net_input(self, X):
        return np.asarray(X, dtype=float) @ self.w_ + self.b_

    def _update(self, x_i, target):
        """One Rosenblatt update; returns 1 if the sample was misclassified, else 0."""
        error = target - step(self._net_input(x_i))
        setattr(self, "w_", self.w_ + self.lr * error * x_i)
        setattr(self, "b_", self.b_ + self.lr * error)
        return int(error != 0)

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self._reset(X.shape[1])
        for _ in range(self.epochs):
            self.errors_.append(sum(self._update(x_i, y_i) for x_i, y_i in zip(X, y)))
        return self

    def predict(self, X):
        return step(self._net_input(X))
'''

_PERCEPTRON_PURE_PYTHON = '''
class Perceptron:
    def __init__(self, lr=0.1, epochs=10):
        self.lr = lr
        self.epochs = epochs

    def fit(self, X, y):
        # plain Python lists inside the loop; NumPy arrays only at the end
        training = [([float(v) for v in row], int(label)) for row, label in zip(np.asarray(X), np.asarray(y))]
        n_features = np.asarray(X).shape[1]
        w = [0.0] * n_features
        b = 0.0
        results = []
        for epoch in range(self.epochs):
            data = 0  # mistakes in this epoch
            for x, target in training:
                z = 0.0
                for w_j, x_j in zip(w, x):
                    z = z + w_j * x_j
                prediction = step(z + b)
                error = target - prediction
                if error != 0:
                    data += 1
                    w = [w_j + self.lr * error * x_j for w_j, x_j in zip(w, x)]
                    b = b + self.lr * error
            results.append(data)
        self.w_ = np.array(w)
        self.b_ = b
        self.errors_ = results
        return self

    def predict(self, X):
        return step(np.asarray(X, dtype=float) @ self.w_ + self.b_)
'''

_PERCEPTRON_MASK_ASSERTS = '''
class Perceptron:
    def __init__(self, lr: float = 0.1, epochs: int = 10) -> None:
        self.lr = lr
        self.epochs = epochs

    def fit(self, X: np.ndarray, y: np.ndarray) -> "Perceptron":
        X = np.array(X, dtype=float)          # a copy of its own
        y = np.array(y).ravel()
        assert X.ndim == 2, "X must be a 2-D array (samples, features)"
        assert len(X) == len(y), "X and y need one row / label per sample"
        self.w_ = np.zeros(X.shape[1])
        self.b_ = 0.0
        self.errors_ = []
        for epoch in range(self.epochs):
            wrong = np.zeros(len(X), dtype=bool)
            for i in range(len(X)):
                error = y[i] - self.predict(X[i:i + 1])[0]
                wrong[i] = error != 0
                self.w_ += self.lr * error * X[i]
                self.b_ += self.lr * error
            self.errors_.append(int(wrong.sum()))
            print(f"epoch {epoch + 1}: {self.errors_[-1]} mistakes")
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        return step(np.asarray(X) @ self.w_ + self.b_)
'''

_PERCEPTRON_RECURSIVE_EPOCHS = '''
class Perceptron:
    """The epochs run by recursion: each call does one pass and recurses on the remaining ones."""

    def __init__(self, lr=0.1, epochs=10):
        self.lr, self.epochs = lr, epochs

    def _epoch(self, X, y, w, b):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            delta = self.lr * (y_i - step(float(np.dot(x_i, w)) + b))
            if delta != 0:
                w, b, mistakes = w + delta * x_i, b + delta, mistakes + 1
        return w, b, mistakes

    def _run(self, X, y, w, b, remaining):
        if remaining == 0:
            return w, b, []
        w, b, mistakes = self._epoch(X, y, w, b)
        w, b, later = self._run(X, y, w, b, remaining - 1)
        return w, b, [mistakes] + later

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.w_, self.b_, self.errors_ = self._run(X, np.asarray(y), np.zeros(X.shape[1]), 0.0, self.epochs)
        return self

    def predict(self, X):
        return step(np.dot(np.asarray(X, dtype=float), self.w_) + self.b_)
'''

ALTERNATIVES = [
    Alternative("step", "recursion over the first axis", _STEP_RECURSIVE),
    Alternative("step", "np.where, type hints, .item()", _STEP_WHERE_ITEM),
    Alternative("step", "np.heaviside, local data, debug print", _STEP_HEAVISIDE),
    Alternative("step", "torch inside the cell", _STEP_TORCH),
    Alternative("step", "np.vectorize over a math helper with assert", _STEP_VECTORIZE_MATH),
    Alternative("Perceptron", "setattr with constant names, helper methods", _PERCEPTRON_SETATTR),
    Alternative("Perceptron", "pure Python lists, locals named training/results/data", _PERCEPTRON_PURE_PYTHON),
    Alternative("Perceptron", "boolean mask of mistakes, asserts, type hints, print", _PERCEPTRON_MASK_ASSERTS),
    Alternative("Perceptron", "recursion over the epochs", _PERCEPTRON_RECURSIVE_EPOCHS),
]
