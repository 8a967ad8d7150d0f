"""Correct answers to module 02 (building blocks), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

# ---------------------------------------------------------------------------
# sigmoid(z)
# ---------------------------------------------------------------------------

_SIGMOID_EXPIT = '''
from scipy.special import expit


def sigmoid(z):
    """SciPy's expit is the logistic sigmoid, computed without overflow."""
    return expit(np.asarray(z, dtype=float))
'''

_SIGMOID_MASKS = '''
def sigmoid(z):
    z = np.array(z, dtype=float)            # a copy: the boolean assignments below never touch the input
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])             # z < 0 here, so exp(z) < 1
    out[~positive] = exp_z / (1.0 + exp_z)
    return out
'''

_SIGMOID_LOGADDEXP = '''
def sigmoid(z):
    # log sigmoid(z) = -log(1 + exp(-z)) = -logaddexp(0, -z), which never overflows
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))
'''

_SIGMOID_MATH_LOOP = '''
import math


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid(z):
    values = np.asarray(z, dtype=float)
    flat = [_sigmoid_scalar(v) for v in values.ravel().tolist()]
    return np.array(flat, dtype=float).reshape(values.shape)
'''

_SIGMOID_TORCH = '''
import torch


def sigmoid(z):
    return torch.sigmoid(torch.as_tensor(np.asarray(z, dtype=np.float64))).numpy()
'''

# ---------------------------------------------------------------------------
# sigmoid_grad(z)
# ---------------------------------------------------------------------------

_SIGMOID_GRAD_EXPIT = '''
from scipy.special import expit


def sigmoid_grad(z):
    s = expit(np.asarray(z, dtype=float))
    return s - s * s
'''

_SIGMOID_GRAD_EXP_ABS = '''
def sigmoid_grad(z):
    """sigma'(z) = e / (1 + e)**2 with e = exp(-|z|): the derivative is symmetric in z."""
    e = np.exp(-np.abs(np.asarray(z, dtype=float)))
    return e / (1.0 + e) ** 2
'''

_SIGMOID_GRAD_AUTOGRAD = '''
import torch


def sigmoid_grad(z):
    """The derivative by automatic differentiation: d/dz sum(sigmoid(z)) is sigmoid'(z) element-wise."""
    tensor = torch.tensor(np.asarray(z, dtype=float), requires_grad=True)
    torch.sigmoid(tensor).sum().backward()
    return tensor.grad.numpy()
'''

_SIGMOID_GRAD_VECTORIZE = '''
def sigmoid_grad(z):
    def derivative(value):
        s = sigmoid(value)
        return s * (1 - s)
    return np.vectorize(derivative, otypes=[float])(z)
'''

# ---------------------------------------------------------------------------
# relu(z), leaky_relu(z, alpha)
# ---------------------------------------------------------------------------

_RELU_WHERE = '''
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)
'''

_RELU_CLIP = '''
def relu(z):
    return np.clip(np.asarray(z, dtype=float), 0.0, None)
'''

_RELU_RECURSIVE = '''
def relu(z):
    """max(0, z) with the builtin max, recursing over the rows of arrays."""
    if np.ndim(z) == 0:
        return max(0.0, float(z))
    return np.array([relu(row) for row in np.asarray(z, dtype=float)], dtype=float)
'''

_RELU_TORCH = '''
import torch


def relu(z):
    return torch.relu(torch.as_tensor(np.asarray(z, dtype=float))).numpy()
'''

_LEAKY_MASK_COPY = '''
def leaky_relu(z, alpha=0.01):
    out = np.array(z, dtype=float)       # np.array copies, so the input stays as it was
    negative = out < 0
    out[negative] = alpha * out[negative]
    return out
'''

_LEAKY_CLIP = '''
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.clip(z, 0, None) + alpha * np.clip(z, None, 0)
'''

_LEAKY_TORCH = '''
import torch
import torch.nn.functional as F


def leaky_relu(z, alpha=0.01):
    tensor = torch.as_tensor(np.asarray(z, dtype=float))
    return F.leaky_relu(tensor, negative_slope=alpha).numpy()
'''

_LEAKY_LOOP = '''
def leaky_relu(z, alpha: float = 0.01):
    values = np.asarray(z, dtype=float)
    results = [v if v > 0 else alpha * v for v in values.flat]
    return np.array(results, dtype=float).reshape(values.shape)
'''

# ---------------------------------------------------------------------------
# softmax(z, axis)
# ---------------------------------------------------------------------------

_SOFTMAX_SCIPY = '''
def softmax(z, axis=-1):
    from scipy.special import softmax as scipy_softmax   # local name: the cell's own softmax stays ours
    return scipy_softmax(np.asarray(z, dtype=float), axis=axis)
'''

_SOFTMAX_LOGSUMEXP = '''
from scipy.special import logsumexp


def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    return np.exp(z - logsumexp(z, axis=axis, keepdims=True))
'''

_SOFTMAX_TORCH = '''
import torch


def softmax(z, axis=-1):
    return torch.softmax(torch.as_tensor(np.asarray(z, dtype=np.float64)), dim=axis).numpy()
'''

_SOFTMAX_APPLY_ALONG = '''
def _softmax_1d(v):
    shifted = v - np.max(v)
    e = np.exp(shifted)
    return e / np.sum(e)


def softmax(z, axis=-1):
    return np.apply_along_axis(_softmax_1d, axis, np.asarray(z, dtype=float))
'''

# ---------------------------------------------------------------------------
# losses: mse, huber, binary_cross_entropy, categorical_cross_entropy
# ---------------------------------------------------------------------------

_MSE_LOOP = '''
def mse(y_true, y_pred):
    total, count = 0.0, 0
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        total += (float(t) - float(p)) ** 2
        count += 1
    return total / count
'''

_MSE_EINSUM = '''
def mse(y_true, y_pred):
    diff = (np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)).ravel()
    return np.einsum("i,i->", diff, diff) / diff.size
'''

_MSE_TORCH = '''
import torch
import torch.nn.functional as F


def mse(y_true, y_pred):
    target = torch.as_tensor(np.asarray(y_true, dtype=float))
    prediction = torch.as_tensor(np.asarray(y_pred, dtype=float))
    return F.mse_loss(prediction, target).item()
'''

_MSE_SKLEARN = '''
from sklearn.metrics import mean_squared_error


def mse(y_true, y_pred):
    return float(mean_squared_error(np.ravel(y_true), np.ravel(y_pred)))
'''

_HUBER_TORCH = '''
import torch


def huber(y_true, y_pred, delta=1.0):
    target = torch.as_tensor(np.asarray(y_true, dtype=float))
    prediction = torch.as_tensor(np.asarray(y_pred, dtype=float))
    return torch.nn.functional.huber_loss(prediction, target, delta=delta).item()
'''

_HUBER_MATH_LOOP = '''
import math


def huber(y_true, y_pred, delta=1.0):
    losses = []
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        e = math.fabs(float(t) - float(p))
        if e <= delta:
            losses.append(0.5 * e * e)
        else:
            losses.append(delta * (e - 0.5 * delta))
    return sum(losses) / len(losses)
'''

_HUBER_MINIMUM = '''
def huber(y_true, y_pred, delta=1.0):
    """Split |e| into a quadratic part (up to delta) and a linear rest."""
    abs_error = np.abs(np.subtract(y_true, y_pred, dtype=float))
    quadratic = np.minimum(abs_error, delta)
    linear = abs_error - quadratic
    return np.mean(0.5 * quadratic ** 2 + delta * linear)
'''

_HUBER_MASKS = '''
def huber(y_true, y_pred, delta=1.0):
    error = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    loss = np.empty_like(error)
    small = np.abs(error) <= delta
    loss[small] = 0.5 * error[small] ** 2
    loss[~small] = delta * (np.abs(error[~small]) - 0.5 * delta)
    return loss.mean()
'''

_BCE_MATH_LOOP = '''
import math


def binary_cross_entropy(y_true, p, eps=1e-12):
    total = 0.0
    labels, probabilities = np.ravel(y_true), np.ravel(p)
    for y, q in zip(labels, probabilities):
        q = min(max(float(q), eps), 1 - eps)
        total -= y * math.log(q) + (1 - y) * math.log(1 - q)
    return total / len(labels)
'''

_BCE_LOG1P = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    clipped = np.minimum(np.maximum(np.asarray(p, dtype=float), eps), 1 - eps)
    return float(-np.mean(y * np.log(clipped) + (1 - y) * np.log1p(-clipped)))
'''

_BCE_TORCH = '''
import torch


def binary_cross_entropy(y_true, p, eps=1e-12):
    target = torch.as_tensor(np.asarray(y_true, dtype=float))
    probabilities = torch.as_tensor(np.asarray(p, dtype=float)).clamp(eps, 1 - eps)
    return torch.nn.functional.binary_cross_entropy(probabilities, target).item()
'''

_BCE_DOT = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y = np.asarray(y_true, dtype=float).ravel()
    q = np.clip(np.asarray(p, dtype=float).ravel(), eps, 1 - eps)
    return -(y @ np.log(q) + (1 - y) @ np.log(1 - q)) / y.size
'''

_CCE_LOOP = '''
import math


def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    rows_y = np.asarray(y_onehot, dtype=float).tolist()
    rows_p = np.asarray(p, dtype=float).tolist()
    total = 0.0
    for row_y, row_p in zip(rows_y, rows_p):
        total -= sum(t * math.log(min(max(q, eps), 1 - eps)) for t, q in zip(row_y, row_p))
    return total / len(rows_y)
'''

_CCE_EINSUM = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y = np.asarray(y_onehot, dtype=float)
    y = y.reshape(-1, y.shape[-1])
    log_p = np.log(np.clip(np.asarray(p, dtype=float), eps, 1 - eps)).reshape(y.shape)
    return -np.einsum("nk,nk->", y, log_p) / y.shape[0]
'''

_CCE_TORCH = '''
import torch


def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y = torch.as_tensor(np.asarray(y_onehot, dtype=float))
    probabilities = torch.clamp(torch.as_tensor(np.asarray(p, dtype=float)), eps, 1 - eps)
    return -(y * torch.log(probabilities)).sum(dim=-1).mean().item()
'''

_CCE_XLOGY = '''
from scipy.special import xlogy


def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    clipped = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    per_sample = -np.sum(xlogy(np.asarray(y_onehot, dtype=float), clipped), axis=-1)
    return np.mean(per_sample)
'''

# ---------------------------------------------------------------------------
# optimisers: gradient_descent, momentum_step, adam_step
# ---------------------------------------------------------------------------

_GD_RECURSIVE = '''
def gradient_descent(grad_fn, x0, lr, steps):
    """The iterates after `steps` steps are those after `steps - 1` steps plus one more."""
    if steps == 0:
        return np.array(x0, dtype=float)[np.newaxis]
    earlier = gradient_descent(grad_fn, x0, lr, steps - 1)
    last = earlier[-1]
    following = np.asarray(last - lr * np.asarray(grad_fn(last), dtype=float))
    return np.concatenate([earlier, following[np.newaxis]])
'''

_GD_PREALLOCATED = '''
def gradient_descent(grad_fn, x0, lr, steps):
    start = np.asarray(x0, dtype=float)
    iterates = np.empty((steps + 1,) + start.shape)
    iterates[0] = start
    for t in range(steps):
        iterates[t + 1] = iterates[t] - lr * np.asarray(grad_fn(iterates[t].copy()))
    return iterates
'''

_GD_RESULTS_INDEX = '''
def gradient_descent(grad_fn, x0, lr, steps):
    copy = np.array(x0, dtype=float)          # local names that look like modules: only inside here
    results = [None] * (steps + 1)
    results[0] = copy
    for i in range(1, steps + 1):
        copy = copy - lr * np.asarray(grad_fn(copy))
        results[i] = copy
    return np.stack(results)
'''

_GD_WHILE_TUPLE = '''
def gradient_descent(grad_fn, x0, lr: float, steps: int) -> np.ndarray:
    assert steps >= 0, "steps must be a non-negative number of updates"
    x = np.asarray(x0, dtype=float)
    history = (x,)
    while len(history) <= steps:
        x = x - lr * np.asarray(grad_fn(x), dtype=float)
        history = history + (x,)
    return np.array(history)
'''

_MOMENTUM_LISTS = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    shape = np.shape(param)
    new_v = [beta * v + g for v, g in zip(np.ravel(velocity).tolist(), np.ravel(grad).tolist())]
    new_p = [p - lr * v for p, v in zip(np.ravel(param).tolist(), new_v)]
    return np.array(new_p).reshape(shape), np.array(new_v).reshape(shape)
'''

_MOMENTUM_INPLACE_COPIES = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    v = np.array(velocity, dtype=float, copy=True)
    v *= beta
    v += grad
    p = np.array(param, dtype=float, copy=True)
    p -= lr * v
    return p, v
'''

_MOMENTUM_UFUNCS = '''
from typing import Tuple


def momentum_step(param, grad, velocity, lr, beta=0.9) -> Tuple[np.ndarray, np.ndarray]:
    """PyTorch's SGD with momentum (dampening 0, no Nesterov): v = beta v + g; p = p - lr v."""
    new_velocity = np.add(np.multiply(beta, velocity, dtype=float), grad)
    return np.subtract(param, np.multiply(lr, new_velocity)), new_velocity
'''

_MOMENTUM_TORCH_OPTIM = '''
import torch


def momentum_step(param, grad, velocity, lr, beta=0.9):
    """One step of torch.optim.SGD itself, with its momentum buffer set to `velocity`."""
    p = torch.tensor(np.asarray(param, dtype=float))
    p.requires_grad_(True)
    p.grad = torch.tensor(np.asarray(grad, dtype=float))
    optimizer = torch.optim.SGD([p], lr=lr, momentum=beta)
    optimizer.state[p]["momentum_buffer"] = torch.tensor(np.asarray(velocity, dtype=float))
    optimizer.step()
    return p.detach().numpy().copy(), optimizer.state[p]["momentum_buffer"].numpy().copy()
'''

_ADAM_TORCH_TENSORS = '''
import torch


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))
    g = as_t(grad)
    m_t = beta1 * as_t(m) + (1 - beta1) * g
    v_t = beta2 * as_t(v) + (1 - beta2) * g * g
    m_hat = m_t / (1 - beta1 ** t)
    v_hat = v_t / (1 - beta2 ** t)
    p = as_t(param) - lr * m_hat / (torch.sqrt(v_hat) + eps)
    return p.numpy(), m_t.numpy(), v_t.numpy()
'''

_ADAM_MATH_LOOP = '''
import math


def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    shape = np.shape(param)
    results = ([], [], [])   # new param, m, v
    for p_i, g_i, m_i, v_i in zip(np.ravel(param), np.ravel(grad), np.ravel(m), np.ravel(v)):
        m_i = beta1 * m_i + (1 - beta1) * g_i
        v_i = beta2 * v_i + (1 - beta2) * g_i ** 2
        m_hat = m_i / (1 - beta1 ** t)
        v_hat = v_i / (1 - beta2 ** t)
        results[0].append(p_i - lr * m_hat / (math.sqrt(v_hat) + eps))
        results[1].append(m_i)
        results[2].append(v_i)
    return tuple(np.array(r, dtype=float).reshape(shape) for r in results)
'''

_ADAM_TORCH_FORM = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # the algebraic form torch.optim.Adam uses: step size lr / bc1, denominator sqrt(v) / sqrt(bc2) + eps
    grad = np.asarray(grad, dtype=float)
    m = beta1 * np.asarray(m, dtype=float) + (1 - beta1) * grad
    v = beta2 * np.asarray(v, dtype=float) + (1 - beta2) * np.square(grad)
    bias_correction1 = 1 - beta1 ** t
    bias_correction2_sqrt = np.sqrt(1 - beta2 ** t)
    denominator = np.sqrt(v) / bias_correction2_sqrt + eps
    param = np.asarray(param, dtype=float) - (lr / bias_correction1) * m / denominator
    return param, m, v
'''

ALTERNATIVES = [
    Alternative("sigmoid", "scipy.special.expit", _SIGMOID_EXPIT),
    Alternative("sigmoid", "boolean masks on a copy", _SIGMOID_MASKS),
    Alternative("sigmoid", "np.logaddexp", _SIGMOID_LOGADDEXP),
    Alternative("sigmoid", "math module in a list comprehension", _SIGMOID_MATH_LOOP),
    Alternative("sigmoid", "torch.sigmoid", _SIGMOID_TORCH),
    Alternative("sigmoid_grad", "scipy.special.expit", _SIGMOID_GRAD_EXPIT),
    Alternative("sigmoid_grad", "closed form in exp(-|z|)", _SIGMOID_GRAD_EXP_ABS),
    Alternative("sigmoid_grad", "torch autograd", _SIGMOID_GRAD_AUTOGRAD),
    Alternative("sigmoid_grad", "np.vectorize over a nested helper", _SIGMOID_GRAD_VECTORIZE),
    Alternative("relu", "np.where", _RELU_WHERE),
    Alternative("relu", "np.clip", _RELU_CLIP),
    Alternative("relu", "recursion with the builtin max", _RELU_RECURSIVE),
    Alternative("relu", "torch.relu", _RELU_TORCH),
    Alternative("leaky_relu", "boolean mask on a copy", _LEAKY_MASK_COPY),
    Alternative("leaky_relu", "np.clip decomposition", _LEAKY_CLIP),
    Alternative("leaky_relu", "torch.nn.functional.leaky_relu", _LEAKY_TORCH),
    Alternative("leaky_relu", "list comprehension, local results", _LEAKY_LOOP),
    Alternative("softmax", "scipy.special.softmax imported locally", _SOFTMAX_SCIPY),
    Alternative("softmax", "scipy.special.logsumexp", _SOFTMAX_LOGSUMEXP),
    Alternative("softmax", "torch.softmax", _SOFTMAX_TORCH),
    Alternative("softmax", "np.apply_along_axis over a helper", _SOFTMAX_APPLY_ALONG),
    Alternative("mse", "Python loop", _MSE_LOOP),
    Alternative("mse", "np.einsum", _MSE_EINSUM),
    Alternative("mse", "torch.nn.functional.mse_loss", _MSE_TORCH),
    Alternative("mse", "sklearn mean_squared_error", _MSE_SKLEARN),
    Alternative("huber", "torch.nn.functional.huber_loss", _HUBER_TORCH),
    Alternative("huber", "math.fabs in a loop", _HUBER_MATH_LOOP),
    Alternative("huber", "np.minimum decomposition", _HUBER_MINIMUM),
    Alternative("huber", "boolean masks", _HUBER_MASKS),
    Alternative("binary_cross_entropy", "math.log in a loop", _BCE_MATH_LOOP),
    Alternative("binary_cross_entropy", "np.maximum/np.minimum clipping, np.log1p", _BCE_LOG1P),
    Alternative("binary_cross_entropy", "torch.nn.functional.binary_cross_entropy", _BCE_TORCH),
    Alternative("binary_cross_entropy", "dot products", _BCE_DOT),
    Alternative("categorical_cross_entropy", "math.log over rows", _CCE_LOOP),
    Alternative("categorical_cross_entropy", "np.einsum", _CCE_EINSUM),
    Alternative("categorical_cross_entropy", "torch tensors", _CCE_TORCH),
    Alternative("categorical_cross_entropy", "scipy.special.xlogy", _CCE_XLOGY),
    Alternative("gradient_descent", "recursion", _GD_RECURSIVE),
    Alternative("gradient_descent", "preallocated np.empty", _GD_PREALLOCATED),
    Alternative("gradient_descent", "locals copy/results assigned by index", _GD_RESULTS_INDEX),
    Alternative("gradient_descent", "while loop over a tuple, assert, type hints", _GD_WHILE_TUPLE),
    Alternative("momentum_step", "Python lists", _MOMENTUM_LISTS),
    Alternative("momentum_step", "in-place updates of copies", _MOMENTUM_INPLACE_COPIES),
    Alternative("momentum_step", "NumPy ufuncs, typing.Tuple", _MOMENTUM_UFUNCS),
    Alternative("momentum_step", "torch.optim.SGD itself", _MOMENTUM_TORCH_OPTIM),
    Alternative("adam_step", "torch tensors", _ADAM_TORCH_TENSORS),
    Alternative("adam_step", "math.sqrt per element, local results", _ADAM_MATH_LOOP),
    Alternative("adam_step", "torch's algebraic form", _ADAM_TORCH_FORM),
]
