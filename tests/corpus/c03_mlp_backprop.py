"""Correct answers to module 03 (MLP and backpropagation), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

# ---------------------------------------------------------------------------
# forward(X, params)
# ---------------------------------------------------------------------------

_FORWARD_EXPIT = '''
from scipy.special import expit


def forward(X, params):
    X = np.asarray(X, dtype=float)
    z1 = X @ params["W1"] + params["b1"]
    a1 = expit(z1)
    z2 = a1 @ params["W2"] + params["b2"]
    a2 = expit(z2)
    cache = dict(z1=z1, a1=a1, z2=z2, a2=a2)
    return a2, cache
'''

_FORWARD_LAYER_LOOP = '''
def forward(X, params):
    """Both layers in one loop; sigmoid(z) = (1 + tanh(z / 2)) / 2; the cache is filled by key."""
    results = {}
    a = np.asarray(X, dtype=float)
    for layer in (1, 2):
        z = a @ params[f"W{layer}"] + params[f"b{layer}"]
        a = 0.5 * (1.0 + np.tanh(0.5 * z))
        results[f"z{layer}"] = z
        results[f"a{layer}"] = a
    return a, results
'''

_FORWARD_TORCH = '''
import torch


def forward(X, params):
    with torch.no_grad():
        t = {name: torch.as_tensor(np.asarray(value, dtype=np.float64)) for name, value in params.items()}
        x = torch.as_tensor(np.asarray(X, dtype=np.float64))
        z1 = x @ t["W1"] + t["b1"]
        a1 = torch.sigmoid(z1)
        z2 = a1 @ t["W2"] + t["b2"]
        a2 = torch.sigmoid(z2)
    cache = {"z1": z1.numpy(), "a1": a1.numpy(), "z2": z2.numpy(), "a2": a2.numpy()}
    return cache["a2"], cache
'''

_FORWARD_EINSUM = '''
def forward(X, params):
    def dense(inputs, W, b):
        return np.einsum("nd,dh->nh", inputs, W) + b

    def logistic(z):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    z1 = dense(np.asarray(X, dtype=float), params["W1"], params["b1"])
    a1 = logistic(z1)
    z2 = dense(a1, params["W2"], params["b2"])
    a2 = logistic(z2)
    return a2, {"z1": z1, "a1": a1, "z2": z2, "a2": a2}
'''

# ---------------------------------------------------------------------------
# backward(X, y, params, cache)
# ---------------------------------------------------------------------------

_BACKWARD_AUTOGRAD = '''
import torch
import torch.nn.functional as F


def backward(X, y, params, cache):
    """The gradients by autograd: the mean BCE of the same network, computed from its logits."""
    leaves = {name: torch.tensor(np.asarray(value, dtype=float), requires_grad=True)
              for name, value in params.items()}
    x = torch.as_tensor(np.asarray(X, dtype=float))
    hidden = torch.sigmoid(x @ leaves["W1"] + leaves["b1"])
    logits = hidden @ leaves["W2"] + leaves["b2"]
    target = torch.as_tensor(np.asarray(y, dtype=float)).reshape(logits.shape)
    F.binary_cross_entropy_with_logits(logits, target).backward()
    return {"d" + name: leaf.grad.numpy() for name, leaf in leaves.items()}
'''

_BACKWARD_PER_SAMPLE = '''
def backward(X, y, params, cache):
    X = np.asarray(X, dtype=float)
    a1, a2 = cache["a1"], cache["a2"]
    y = np.asarray(y, dtype=float).reshape(a2.shape)
    grads = {name: np.zeros_like(np.asarray(params[name[1:]], dtype=float))
             for name in ("dW1", "db1", "dW2", "db2")}
    n_entries = a2.size          # the mean runs over every entry of y
    for x_i, h_i, out_i, y_i in zip(X, a1, a2, y):
        delta2 = (out_i - y_i) / n_entries                     # (k,)
        delta1 = (params["W2"] @ delta2) * h_i * (1 - h_i)     # (h,)
        grads["dW2"] += np.outer(h_i, delta2)
        grads["db2"] += delta2
        grads["dW1"] += np.outer(x_i, delta1)
        grads["db1"] += delta1
    return grads
'''

_BACKWARD_EINSUM = '''
from scipy.special import expit


def backward(X, y, params, cache):
    X = np.asarray(X, dtype=float)
    out = cache["a2"]
    target = np.asarray(y, dtype=float).reshape(out.shape)
    d_z2 = (out - target) / target.size
    s = expit(cache["z1"])                        # the hidden activation again, from z1
    d_z1 = np.einsum("nk,hk->nh", d_z2, params["W2"]) * s * (1 - s)
    return {
        "dW1": np.einsum("nd,nh->dh", X, d_z1),
        "db1": np.einsum("nh->h", d_z1)[np.newaxis, :],
        "dW2": np.einsum("nh,nk->hk", cache["a1"], d_z2),
        "db2": np.einsum("nk->k", d_z2)[np.newaxis, :],
    }
'''

# ---------------------------------------------------------------------------
# numerical_gradient(f, x, eps)
# ---------------------------------------------------------------------------

_NUMGRAD_COPIES = '''
def numerical_gradient(f, x, eps=1e-5):
    """Central differences on copies of x, so x itself is never touched."""
    base = np.asarray(x, dtype=float)
    flat = base.ravel()
    grad = np.empty(flat.size)
    for i in range(flat.size):
        plus, minus = flat.copy(), flat.copy()
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (float(f(plus.reshape(base.shape))) - float(f(minus.reshape(base.shape)))) / (2 * eps)
    return grad.reshape(base.shape)
'''

_NUMGRAD_NDITER = '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        index = it.multi_index
        saved = x[index]
        try:
            x[index] = saved + eps
            up = f(x)
            x[index] = saved - eps
            down = f(x)
        finally:
            x[index] = saved          # restored even if f raises
        grad[index] = (up - down) / (2 * eps)
        it.iternext()
    return grad
'''

_NUMGRAD_BASIS = '''
def numerical_gradient(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    basis = np.eye(x.size).reshape((x.size,) + x.shape)     # e_i, shaped like x
    partials = [(f(x + eps * e_i) - f(x - eps * e_i)) / (2 * eps) for e_i in basis]
    return np.array(partials, dtype=float).reshape(x.shape)
'''

# ---------------------------------------------------------------------------
# build_mlp(n_in, n_hidden, n_out)
# ---------------------------------------------------------------------------

_BUILD_MLP_LIST = '''
from torch import nn


def build_mlp(n_in: int, n_hidden: int, n_out: int) -> nn.Sequential:
    layers = [nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_hidden), nn.ReLU(),
              nn.Linear(n_hidden, n_out)]
    return nn.Sequential(*layers)
'''

_BUILD_MLP_ORDERED_DICT = '''
from collections import OrderedDict


def build_mlp(n_in, n_hidden, n_out):
    return torch.nn.Sequential(OrderedDict([
        ("hidden1", torch.nn.Linear(n_in, n_hidden)),
        ("relu1", torch.nn.ReLU()),
        ("hidden2", torch.nn.Linear(n_hidden, n_hidden)),
        ("relu2", torch.nn.ReLU()),
        ("logits", torch.nn.Linear(n_hidden, n_out)),
    ]))
'''

_BUILD_MLP_ADD_MODULE = '''
def build_mlp(n_in, n_hidden, n_out):
    model = torch.nn.Sequential()
    sizes = [n_in, n_hidden, n_hidden, n_out]
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        model.add_module(f"linear{i}", torch.nn.Linear(fan_in, fan_out))
        if i < len(sizes) - 2:
            model.add_module(f"relu{i}", torch.nn.ReLU())
    print(model)
    return model
'''

_BUILD_MLP_SUBCLASS = '''
class TwoHiddenLayers(torch.nn.Sequential):
    """A Sequential with a helper that builds its hidden blocks."""

    def __init__(self, n_in, n_hidden, n_out):
        super().__init__(*self.hidden_block(n_in, n_hidden), *self.hidden_block(n_hidden, n_hidden),
                         torch.nn.Linear(n_hidden, n_out))

    @staticmethod
    def hidden_block(fan_in, fan_out):
        return [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]


def build_mlp(n_in, n_hidden, n_out):
    return TwoHiddenLayers(n_in, n_hidden, n_out)
'''

# ---------------------------------------------------------------------------
# train_epoch(model, loader, loss_fn, optimizer)
# ---------------------------------------------------------------------------

_TRAIN_EPOCH_AVERAGE = '''
def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    losses, sizes = [], []
    for data, target in loader:             # `data` is only a local name here
        optimizer.zero_grad()
        loss = loss_fn(model(data), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(data.shape[0])
    return float(np.average(losses, weights=sizes))
'''

_TRAIN_EPOCH_TENSOR_SUM = '''
def train_epoch(model, loader, loss_fn, optimizer):
    """One epoch; the loss is accumulated in a float64 tensor, gradients reset with model.zero_grad()."""
    model.train(True)
    total = torch.zeros((), dtype=torch.float64)
    seen = 0
    for batch in loader:
        inputs, targets = batch
        model.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.detach().double() * inputs.size(0)
        seen += inputs.size(0)
    return total.item() / seen
'''

_TRAIN_EPOCH_TYPED = '''
from typing import Iterable


def train_epoch(model: torch.nn.Module, loader: Iterable, loss_fn, optimizer) -> float:
    training = model.train()        # returns the model itself: a local name that shadows a module
    results = {"loss": 0.0, "samples": 0}
    for step, (inputs, targets) in enumerate(loader):
        optimizer.zero_grad()
        batch_loss = loss_fn(training(inputs), targets)
        batch_loss.backward()
        optimizer.step()
        results["loss"] += batch_loss.item() * len(targets)
        results["samples"] += len(targets)
    assert results["samples"] > 0, "the loader yielded no batches"
    return results["loss"] / results["samples"]
'''

ALTERNATIVES = [
    Alternative("forward", "scipy expit, dict()", _FORWARD_EXPIT),
    Alternative("forward", "loop over layers, tanh identity, local results", _FORWARD_LAYER_LOOP),
    Alternative("forward", "torch float64 tensors", _FORWARD_TORCH),
    Alternative("forward", "np.einsum with nested helpers", _FORWARD_EINSUM),
    Alternative("backward", "torch autograd from logits", _BACKWARD_AUTOGRAD),
    Alternative("backward", "loop over samples with np.outer", _BACKWARD_PER_SAMPLE),
    Alternative("backward", "np.einsum, derivative from z1", _BACKWARD_EINSUM),
    Alternative("numerical_gradient", "perturbed copies, x never touched", _NUMGRAD_COPIES),
    Alternative("numerical_gradient", "np.nditer with try/finally", _NUMGRAD_NDITER),
    Alternative("numerical_gradient", "np.eye basis directions", _NUMGRAD_BASIS),
    Alternative("build_mlp", "from torch import nn, list unpacked", _BUILD_MLP_LIST),
    Alternative("build_mlp", "OrderedDict of named layers", _BUILD_MLP_ORDERED_DICT),
    Alternative("build_mlp", "add_module in a loop, print", _BUILD_MLP_ADD_MODULE),
    Alternative("build_mlp", "Sequential subclass with a helper", _BUILD_MLP_SUBCLASS),
    Alternative("train_epoch", "np.average weighted by batch size", _TRAIN_EPOCH_AVERAGE),
    Alternative("train_epoch", "float64 tensor sum, model.zero_grad()", _TRAIN_EPOCH_TENSOR_SUM),
    Alternative("train_epoch", "type hints, locals training/results/step", _TRAIN_EPOCH_TYPED),
]
