"""Wrong answers to module 01 (perceptron) that test_step / test_Perceptron must reject."""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------------------
# step(z)
# ---------------------------------------------------------------------------

_STEP_GT = '''
def step(z):
    result = (np.asarray(z) > 0).astype(int)
    return int(result) if result.ndim == 0 else result
'''

_STEP_BOOL = '''
def step(z):
    result = np.asarray(z) >= 0
    return bool(result) if result.ndim == 0 else result
'''

_STEP_FLOAT = '''
def step(z):
    result = np.where(np.asarray(z) >= 0, 1.0, 0.0)
    return float(result) if result.ndim == 0 else result
'''

_STEP_ARRAY_FOR_SCALAR = '''
def step(z):
    return np.where(np.asarray(z) >= 0, 1, 0)
'''

_STEP_NUMPY_SCALAR = '''
def step(z):
    result = (np.asarray(z) >= 0).astype(int)
    return result[()] if result.ndim == 0 else result
'''

_STEP_FLATTENS = '''
def step(z):
    if np.ndim(z) == 0:
        return 1 if z >= 0 else 0
    return np.array([1 if value >= 0 else 0 for value in np.ravel(z)])
'''

_STEP_IN_PLACE = '''
def step(z):
    if np.ndim(z) == 0:
        return int(z >= 0)
    z[z >= 0] = 1
    z[z < 0] = 0
    return z.astype(int)
'''

# ---------------------------------------------------------------------------
# Perceptron: a correct reference, and one mistake per mutant
# ---------------------------------------------------------------------------

_PERCEPTRON = '''
class Perceptron:
    def __init__(self, lr=0.1, epochs=10):
        self.lr = lr
        self.epochs = epochs

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.w_ = np.zeros(X.shape[1])
        self.b_ = 0.0
        self.errors_ = []
        for epoch in range(self.epochs):
            mistakes = 0
            for i in range(len(X)):
                y_hat = step(X[i] @ self.w_ + self.b_)
                error = y[i] - y_hat
                self.w_ = self.w_ + self.lr * error * X[i]
                self.b_ = self.b_ + self.lr * error
                mistakes += int(error != 0)
            self.errors_.append(mistakes)
        return self

    def predict(self, X):
        return step(np.asarray(X) @ self.w_ + self.b_)
'''


def _perceptron(*replacements: tuple[str, str]) -> str:
    """The reference Perceptron with each (old, new) replacement applied exactly once."""
    source = _PERCEPTRON
    for old, new in replacements:
        assert source.count(old) == 1, f"mutant template out of date: {old!r}"
        source = source.replace(old, new)
    return source


_INIT_W = "self.w_ = np.zeros(X.shape[1])"
_INIT_B = "self.b_ = 0.0"
_LOOP = "for i in range(len(X)):"
_W_UPDATE = "self.w_ = self.w_ + self.lr * error * X[i]"
_B_UPDATE = "self.b_ = self.b_ + self.lr * error"
_ERROR = "error = y[i] - y_hat"
_COUNT = "mistakes += int(error != 0)"
_APPEND = "self.errors_.append(mistakes)"

MUTANTS = [
    # step
    Mutant("step", "z > 0 instead of z >= 0", _STEP_GT, "use z >= 0, not z > 0"),
    Mutant("step", "returns booleans", _STEP_BOOL, "not booleans"),
    Mutant("step", "returns floats", _STEP_FLOAT, "or floats"),
    Mutant("step", "returns a 0-d array for a scalar", _STEP_ARRAY_FOR_SCALAR, "plain Python int"),
    Mutant("step", "returns a NumPy scalar for a scalar", _STEP_NUMPY_SCALAR, "plain Python int"),
    Mutant("step", "flattens 2-D input", _STEP_FLATTENS, "keep the shape"),
    Mutant("step", "modifies its input in place", _STEP_IN_PLACE, "modified its argument"),
    # Perceptron: initialisation
    Mutant("Perceptron", "random initial weights",
           _perceptron((_INIT_W, "self.w_ = np.random.default_rng(0).normal(size=X.shape[1])")),
           "start from zero weights"),
    Mutant("Perceptron", "weights start at one", _perceptron((_INIT_W, "self.w_ = np.ones(X.shape[1])")),
           "start from zero weights"),
    Mutant("Perceptron", "bias starts at one", _perceptron((_INIT_B, "self.b_ = 1.0")),
           "start from a zero bias"),
    Mutant("Perceptron", "keeps the weights of the previous fit",
           _perceptron((_INIT_W, "if not hasattr(self, 'w_'):\n            self.w_ = np.zeros(X.shape[1])"),
                       (_INIT_B, "if not hasattr(self, 'b_'):\n            self.b_ = 0.0")),
           "each call of fit"),
    # Perceptron: the update rule
    Mutant("Perceptron", "forgets the bias update", _perceptron((_B_UPDATE, "pass")), "forget the bias update"),
    Mutant("Perceptron", "sign swapped (y_hat - y)", _perceptron((_ERROR, "error = y_hat - y[i]")),
           "not (y_hat_i - y_i)"),
    Mutant("Perceptron", "ignores the learning rate",
           _perceptron((_W_UPDATE, "self.w_ = self.w_ + error * X[i]"), (_B_UPDATE, "self.b_ = self.b_ + error")),
           "multiplied by the learning rate"),
    Mutant("Perceptron", "hard-codes lr 0.1",
           _perceptron((_W_UPDATE, "self.w_ = self.w_ + 0.1 * error * X[i]"), (_B_UPDATE, "self.b_ = self.b_ + 0.1 * error")),
           "multiplied by the learning rate"),
    Mutant("Perceptron", "learning rate only on the weights", _perceptron((_B_UPDATE, "self.b_ = self.b_ + error")),
           "learning rate"),
    # Perceptron: sample order
    Mutant("Perceptron", "shuffles the samples",
           _perceptron((_LOOP, "for i in np.random.default_rng(epoch).permutation(len(X)):")), "given order"),
    Mutant("Perceptron", "visits the samples in reverse", _perceptron((_LOOP, "for i in reversed(range(len(X))):")),
           "given order"),
    Mutant("Perceptron", "batch update from predictions made before the epoch",
           _perceptron((_LOOP, "predictions = step(X @ self.w_ + self.b_)\n            " + _LOOP),
                       ("y_hat = step(X[i] @ self.w_ + self.b_)", "y_hat = predictions[i]")),
           "update after each sample"),
    # Perceptron: errors_
    Mutant("Perceptron", "errors_ is a running total",
           _perceptron(("            mistakes = 0\n", ""), ("self.errors_ = []", "self.errors_ = []\n        mistakes = 0")),
           "not a running total"),
    Mutant("Perceptron", "errors_ counted after the epoch",
           _perceptron((_APPEND, "self.errors_.append(int(np.sum(self.predict(X) != y)))")), "not counted after the epoch"),
    Mutant("Perceptron", "errors_ sums the signed errors", _perceptron((_COUNT, "mistakes += int(error)")),
           "misclassified"),
    Mutant("Perceptron", "errors_ as a NumPy array",
           _perceptron(("return self\n", "self.errors_ = np.array(self.errors_)\n        return self\n")),
           "python list"),
    # Perceptron: predict, defaults, return value, mutation
    Mutant("Perceptron", "predict forgets the bias",
           _perceptron(("return step(np.asarray(X) @ self.w_ + self.b_)", "return step(np.asarray(X) @ self.w_)")),
           "forget to add the bias b_"),
    Mutant("Perceptron", "default lr 0.01", _perceptron(("lr=0.1", "lr=0.01")), "default to lr=0.1"),
    Mutant("Perceptron", "default epochs 100", _perceptron(("epochs=10", "epochs=100")), "default to epochs=10"),
    Mutant("Perceptron", "fit does not return self", _perceptron(("return self\n", "return None\n")), "return self"),
    Mutant("Perceptron", "fit centres X in place",
           _perceptron(("X = np.asarray(X, dtype=float)", "X = np.asarray(X, dtype=float)\n        X -= X.mean(axis=0)")),
           "modified its argument"),
    Mutant("Perceptron", "fit maps the labels to -1/+1 in place",
           _perceptron(("y = np.asarray(y)", "y = np.asarray(y)\n        y[y == 0] = -1\n        y = (y + 1) // 2")),
           "modified its argument"),
]
