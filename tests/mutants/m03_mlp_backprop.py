"""Wrong answers to module 03 (MLP and backpropagation) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------------------
# forward(X, params)
# ---------------------------------------------------------------------------

_FORWARD = '''
def forward(X, params):
    z1 = {z1}
    a1 = {a1}
    z2 = {z2}
    a2 = {a2}
    return a2, {cache}
'''
_SIG = "1 / (1 + np.exp(-{}))"
_GOOD = dict(z1="X @ params['W1'] + params['b1']", a1=_SIG.format("z1"),
             z2="a1 @ params['W2'] + params['b2']", a2=_SIG.format("z2"),
             cache="{'z1': z1, 'a1': a1, 'z2': z2, 'a2': a2}")


def _forward(**changes):
    return _FORWARD.format(**{**_GOOD, **changes})


_FORWARD_MUTATES = '''
def forward(X, params):
    params["b1"] = params["b1"].reshape(1, -1)
    params["W1"] += 0.0
    params["W1"] *= 1.0001
    z1 = X @ params["W1"] + params["b1"]
    a1 = 1 / (1 + np.exp(-z1))
    z2 = a1 @ params["W2"] + params["b2"]
    a2 = 1 / (1 + np.exp(-z2))
    return a2, {"z1": z1, "a1": a1, "z2": z2, "a2": a2}
'''

# ---------------------------------------------------------------------------
# backward(X, y, params, cache)
# ---------------------------------------------------------------------------

_BACKWARD = '''
def backward(X, y, params, cache):
    a1, a2, z1 = cache["a1"], cache["a2"], cache["z1"]
    delta2 = {delta2}
    delta1 = (delta2 @ params["W2"].T) * {local}
    return {{"dW2": {dW2}, "db2": {db2}, "dW1": {dW1}, "db1": {db1}}}
'''
_GOOD_B = dict(delta2="(a2 - y) / y.size", local="a1 * (1 - a1)", dW2="a1.T @ delta2",
               db2="delta2.sum(axis=0, keepdims=True)", dW1="X.T @ delta1",
               db1="delta1.sum(axis=0, keepdims=True)")


def _backward(**changes):
    return _BACKWARD.format(**{**_GOOD_B, **changes})


# ---------------------------------------------------------------------------
# numerical_gradient(f, x, eps=1e-5)
# ---------------------------------------------------------------------------

_NG_ONE_SIDED = '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    f0 = f(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        try:
            x[index] = old + eps
            grad[index] = (f(x) - f0) / eps
        finally:
            x[index] = old
    return grad
'''

_NG_NO_RESTORE = '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        x[index] += eps
        f_plus = f(x)
        x[index] -= 2 * eps
        f_minus = f(x)
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad
'''

_NG_NO_FINALLY = '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + eps
        f_plus = f(x)
        x[index] = old - eps
        f_minus = f(x)
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad
'''

_NG_TEMPLATE = '''
def numerical_gradient(f, x, eps={eps}):
    grad = np.zeros(x.shape)
    for index in {indices}:
        old = x[index]
        try:
            x[index] = old + eps
            f_plus = f(x)
            x[index] = old - eps
            f_minus = f(x)
        finally:
            x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return {result}
'''


def _ng(eps="1e-5", indices="np.ndindex(x.shape)", result="grad"):
    return _NG_TEMPLATE.format(eps=eps, indices=indices, result=result)


_NG_ALL_AT_ONCE = '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        grad[index] = (f(x + eps) - f(x - eps)) / (2 * eps)
    return grad
'''

# ---------------------------------------------------------------------------
# build_mlp(n_in, n_hidden, n_out)
# ---------------------------------------------------------------------------

_MLP = '''
def build_mlp(n_in, n_hidden, n_out):
    nn = torch.nn
    return nn.Sequential({layers})
'''


def _mlp(layers):
    return _MLP.format(layers=layers)


# ---------------------------------------------------------------------------
# train_epoch(model, loader, loss_fn, optimizer)
# ---------------------------------------------------------------------------

_EPOCH = '''
def train_epoch(model, loader, loss_fn, optimizer):
    {mode}
    total, count, losses = 0.0, 0, []
    for inputs, targets in loader:
        {zero}
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        {step}
        losses.append(loss.item())
        total += loss.item() * len(targets)
        count += len(targets)
    return {result}
'''
_GOOD_E = dict(mode="model.train()", zero="optimizer.zero_grad()", step="optimizer.step()",
               result="total / count")


def _epoch(**changes):
    return _EPOCH.format(**{**_GOOD_E, **changes})


MUTANTS = [
    # forward
    Mutant("forward", "forgot bias b1", _forward(z1="X @ params['W1']"), "bias b1"),
    Mutant("forward", "forgot bias b2", _forward(z2="a1 @ params['W2']"), "bias b2"),
    Mutant("forward", "relu hidden", _forward(a1="np.maximum(z1, 0)"), "sigmoid"),
    Mutant("forward", "no hidden activation", _forward(a1="z1"), "sigmoid"),
    Mutant("forward", "relu output", _forward(a2="np.maximum(z2, 0)"), "sigmoid"),
    Mutant("forward", "z2 from z1", _forward(z2="z1 @ params['W2'] + params['b2']"), "not from z1"),
    Mutant("forward", "wrong cache keys", _forward(cache="{'Z1': z1, 'A1': a1, 'Z2': z2, 'A2': a2}"), "cache"),
    Mutant("forward", "cache is a tuple", _forward(cache="(z1, a1, z2, a2)"), "cache must be a dict"),
    Mutant("forward", "X.T orientation", _forward(z1="(params['W1'].T @ X.T + params['b1'].T)",
                                                  z2="(params['W2'].T @ a1 + params['b2'].T)"),
           "orientation"),
    Mutant("forward", "returns only y_hat", _forward(cache="None").replace("return a2, None", "return a2"),
           "tuple (y_hat, cache)"),
    Mutant("forward", "mutates params", _FORWARD_MUTATES, "in place"),
    # backward
    Mutant("backward", "MSE gradient instead of BCE", _backward(delta2="(a2 - y) * a2 * (1 - a2) * 2 / y.size"),
           "mean squared error"),
    Mutant("backward", "MSE delta without the mean", _backward(delta2="(a2 - y) * a2 * (1 - a2)"),
           "mean squared error"),
    Mutant("backward", "sum instead of mean", _backward(delta2="a2 - y"), "factor n"),
    Mutant("backward", "mean over rows only", _backward(delta2="(a2 - y) / len(X)"), "n*k entries"),
    Mutant("backward", "wrong sign", _backward(delta2="(y - a2) / y.size"), "wrong sign"),
    Mutant("backward", "no hidden sigmoid derivative", _backward(local="1.0"), "forgot the sigmoid derivative"),
    Mutant("backward", "sigmoid derivative on z", _backward(local="z1 * (1 - z1)"), "not z1"),
    Mutant("backward", "db2 not summed", _backward(db2="delta2"), "sum the deltas over the samples"),
    Mutant("backward", "db1 not summed", _backward(db1="delta1"), "sum the deltas over the samples"),
    Mutant("backward", "db1 summed without keepdims", _backward(db1="delta1.sum(axis=0)"), "keepdims"),
    Mutant("backward", "dW1 transposed", _backward(dW1="delta1.T @ X"), "transpose"),
    Mutant("backward", "dW2 transposed", _backward(dW2="delta2.T @ a1"), "transpose"),
    Mutant("backward", "wrong key names", _backward().replace('"dW2"', '"W2"'), "keys"),
    Mutant("backward", "mutates cache", _backward(delta2="(a2 - y) / y.size; a2 -= y").replace(
        'a1, a2, z1 = cache["a1"], cache["a2"], cache["z1"]',
        'a1, a2, z1 = cache["a1"], cache["a2"], cache["z1"]\n    a2 -= 0.0; a2 *= 1.0'), "in place"),
    # numerical_gradient
    Mutant("numerical_gradient", "one-sided differences", _NG_ONE_SIDED, "central differences"),
    Mutant("numerical_gradient", "x not restored", _NG_NO_RESTORE, "in place"),
    Mutant("numerical_gradient", "x not restored when f raises", _NG_NO_FINALLY, "finally"),
    Mutant("numerical_gradient", "default eps 1e-4", _ng(eps="1e-4"), "default eps"),
    Mutant("numerical_gradient", "default eps 1e-3", _ng(eps="1e-3"), "default eps"),
    Mutant("numerical_gradient", "only the first entry", _ng(indices="[(0,) * x.ndim]"), "every entry"),
    Mutant("numerical_gradient", "flattened result", _ng(result="grad.ravel()"), "not flattened"),
    Mutant("numerical_gradient", "perturbs all entries at once", _NG_ALL_AT_ONCE, "one entry at a time"),
    # build_mlp
    Mutant("build_mlp", "one hidden layer", _mlp("nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out)"),
           "layer count"),
    Mutant("build_mlp", "sigmoid instead of relu",
           _mlp("nn.Linear(n_in, n_hidden), nn.Sigmoid(), nn.Linear(n_hidden, n_hidden), nn.Sigmoid(), "
                "nn.Linear(n_hidden, n_out)"), "ReLU"),
    Mutant("build_mlp", "final activation added",
           _mlp("nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_hidden), nn.ReLU(), "
                "nn.Linear(n_hidden, n_out), nn.Softmax(dim=1)"), "final activation"),
    Mutant("build_mlp", "activation before linear",
           _mlp("nn.ReLU(), nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_hidden), "
                "nn.Linear(n_hidden, n_out)"), "order"),
    Mutant("build_mlp", "second hidden layer width n_out",
           _mlp("nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out), nn.ReLU(), "
                "nn.Linear(n_out, n_out)"), "hidden widths"),
    Mutant("build_mlp", "second hidden layer half as wide",
           _mlp("nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_hidden // 2), nn.ReLU(), "
                "nn.Linear(n_hidden // 2, n_out)"), "hidden widths"),
    # train_epoch
    Mutant("train_epoch", "no zero_grad", _epoch(zero="pass"), "zero_grad"),
    Mutant("train_epoch", "left in eval mode", _epoch(mode="model.eval()"), "training mode"),
    Mutant("train_epoch", "mode never set", _epoch(mode="pass"), "training mode"),
    Mutant("train_epoch", "no optimizer.step", _epoch(step="pass"), "optimizer.step"),
    Mutant("train_epoch", "returns last batch loss", _epoch(result="losses[-1]"), "last batch"),
    Mutant("train_epoch", "returns sum of batch losses", _epoch(result="sum(losses)"), "sum"),
    Mutant("train_epoch", "returns weighted sum", _epoch(result="total"), "divide by the number of samples"),
    Mutant("train_epoch", "unweighted mean of batch losses", _epoch(result="sum(losses) / len(losses)"),
           "weight each batch"),
    Mutant("train_epoch", "returns a tensor", _epoch(result="torch.tensor(total / count)"), "python float"),
]
