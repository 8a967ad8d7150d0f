"""Wrong answers to module 02 (building blocks) that its hidden tests must reject.

Each source replaces one whole exercise cell; ``expect`` is a fragment of the
message the test cell must fail with.
"""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------

_SIGMOID_NAIVE = '''
def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))
'''

_SIGMOID_EXP_OVER = '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z) / (1 + np.exp(z))
'''

_SIGMOID_WHERE_BOTH_BRANCHES = '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
'''

_SIGMOID_SIGN = '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1 + e), 1 / (1 + e))
'''

_SIGMOID_CLIP_IN_PLACE = '''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    np.clip(z, -500, 500, out=z)
    return 1 / (1 + np.exp(-z))
'''

_SIGMOID_GRAD_OUTPUT_FORMULA = '''
def sigmoid_grad(z):
    z = np.asarray(z, dtype=float)
    return z * (1 - z)
'''

_SIGMOID_GRAD_RETURNS_SIGMOID = '''
def sigmoid_grad(z):
    return sigmoid(z)
'''

_SIGMOID_GRAD_UNSTABLE = '''
def sigmoid_grad(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-z) / (1 + np.exp(-z)) ** 2
'''

_SIGMOID_GRAD_IN_PLACE = '''
def sigmoid_grad(z):
    s = sigmoid(z)
    z[...] = s
    return s * (1 - s)
'''

_RELU_BOOL = '''
def relu(z):
    return np.asarray(z) > 0
'''

_RELU_IN_PLACE = '''
def relu(z):
    z = np.asarray(z)
    z[z < 0] = 0
    return z
'''

_RELU_ABS = '''
def relu(z):
    return np.abs(np.asarray(z, dtype=float))
'''

_LEAKY_WRONG_DEFAULT = '''
def leaky_relu(z, alpha=0.1):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)
'''

_LEAKY_WRONG_SIDE = '''
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, alpha * z, z)
'''

_LEAKY_IGNORES_ALPHA = '''
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)
'''

_LEAKY_PLAIN_RELU = '''
def leaky_relu(z, alpha=0.01):
    return np.maximum(0, np.asarray(z, dtype=float))
'''

_LEAKY_IN_PLACE = '''
def leaky_relu(z, alpha=0.01):
    z = np.asarray(z)
    z[z < 0] *= alpha
    return z
'''

_SOFTMAX_NO_MAX = '''
def softmax(z, axis=-1):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)
'''

_SOFTMAX_GLOBAL_MAX = '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum(axis=axis, keepdims=True)
'''

_SOFTMAX_SUM_ALL = '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()
'''

_SOFTMAX_IGNORES_AXIS = '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''

_SOFTMAX_AXIS0_DEFAULT = '''
def softmax(z, axis=0):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
'''

_SOFTMAX_IN_PLACE = '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    z -= z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
'''

# ---------------------------------------------------------------------------
# losses
# ---------------------------------------------------------------------------

_MSE_SUM = '''
def mse(y_true, y_pred):
    return np.sum((np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2)
'''

_MSE_RMSE = '''
def mse(y_true, y_pred):
    return np.sqrt(np.mean((np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2))
'''

_MSE_MAE = '''
def mse(y_true, y_pred):
    return np.mean(np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)))
'''

_MSE_SQUARED_MEAN = '''
def mse(y_true, y_pred):
    return np.mean(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2
'''

_MSE_IN_PLACE = '''
def mse(y_true, y_pred):
    y_pred = np.asarray(y_pred)
    y_pred -= np.asarray(y_true)
    return np.mean(y_pred ** 2)
'''

_HUBER_SUM = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.sum(np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * (np.abs(e) - 0.5 * delta)))
'''

_HUBER_NO_HALF = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) <= delta, e ** 2, delta * (np.abs(e) - 0.5 * delta)))
'''

_HUBER_BOUNDARY = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) < delta, 0.5 * e ** 2, delta * (np.abs(e) - delta)))
'''

_HUBER_LINEAR_CONSTANT = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * np.abs(e) - delta ** 2))
'''

_HUBER_SWAPPED = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) > delta, 0.5 * e ** 2, delta * (np.abs(e) - 0.5 * delta)))
'''

_HUBER_NO_ABS = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * (e - 0.5 * delta)))
'''

_HUBER_IGNORES_DELTA = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) <= 1.0, 0.5 * e ** 2, np.abs(e) - 0.5))
'''

_HUBER_IN_PLACE = '''
def huber(y_true, y_pred, delta=1.0):
    e = np.asarray(y_true, dtype=float)
    e -= np.asarray(y_pred, dtype=float)
    return np.mean(np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * (np.abs(e) - 0.5 * delta)))
'''

_BCE_NO_CLIP = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.asarray(p, dtype=float)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
'''

_BCE_LOWER_CLIP_ONLY = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.maximum(np.asarray(p, dtype=float), eps)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
'''

_BCE_SIGN = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
'''

_BCE_SUM = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
'''

_BCE_IGNORES_EPS = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
'''

_BCE_CLIP_IN_PLACE = '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y, p = np.asarray(y_true, dtype=float), np.asarray(p)
    np.clip(p, eps, 1 - eps, out=p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
'''

_CCE_MEAN_OVER_CLASSES = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y, p = np.asarray(y_onehot, dtype=float), np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return -np.mean(y * np.log(p))
'''

_CCE_SUM_OVER_SAMPLES = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y, p = np.asarray(y_onehot, dtype=float), np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return -np.sum(y * np.log(p))
'''

_CCE_SIGN = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y, p = np.asarray(y_onehot, dtype=float), np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.mean(np.sum(y * np.log(p), axis=-1))
'''

_CCE_NO_CLIP = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y, p = np.asarray(y_onehot, dtype=float), np.asarray(p, dtype=float)
    return -np.mean(np.sum(y * np.log(p), axis=-1))
'''

_CCE_IGNORES_EPS = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y, p = np.asarray(y_onehot, dtype=float), np.clip(np.asarray(p, dtype=float), 1e-12, 1.0)
    return -np.mean(np.sum(y * np.log(p), axis=-1))
'''

_CCE_CLIP_IN_PLACE = '''
def categorical_cross_entropy(y_onehot, p, eps=1e-12):
    y, p = np.asarray(y_onehot, dtype=float), np.asarray(p)
    np.clip(p, eps, 1 - eps, out=p)
    return -np.mean(np.sum(y * np.log(p), axis=-1))
'''

# ---------------------------------------------------------------------------
# gradient descent and optimizers
# ---------------------------------------------------------------------------

_GD_NO_X0 = '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    iterates = []
    for _ in range(steps):
        x = x - lr * grad_fn(x)
        iterates.append(x)
    return np.array(iterates)
'''

_GD_OFF_BY_ONE = '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    iterates = [x]
    for _ in range(steps + 1):
        x = x - lr * grad_fn(x)
        iterates.append(x)
    return np.array(iterates)
'''

_GD_ASCENT = '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    iterates = [x]
    for _ in range(steps):
        x = x + lr * grad_fn(x)
        iterates.append(x)
    return np.array(iterates)
'''

_GD_LIST = '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    iterates = [x]
    for _ in range(steps):
        x = x - lr * grad_fn(x)
        iterates.append(x)
    return iterates
'''

_GD_IN_PLACE = '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.asarray(x0, dtype=float)
    iterates = [x.copy()]
    for _ in range(steps):
        x -= lr * grad_fn(x)
        iterates.append(x.copy())
    return np.array(iterates)
'''

_GD_SAME_OBJECT = '''
def gradient_descent(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    iterates = [x]
    for _ in range(steps):
        x -= lr * grad_fn(x)
        iterates.append(x)
    return np.array(iterates)
'''

_MOMENTUM_OTHER_CONVENTION = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    velocity = beta * np.asarray(velocity, dtype=float) + lr * np.asarray(grad, dtype=float)
    return np.asarray(param, dtype=float) - velocity, velocity
'''

_MOMENTUM_OLD_VELOCITY_RETURNED = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    new_velocity = beta * np.asarray(velocity, dtype=float) + np.asarray(grad, dtype=float)
    return np.asarray(param, dtype=float) - lr * new_velocity, velocity
'''

_MOMENTUM_PARAM_ONLY = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    velocity = beta * np.asarray(velocity, dtype=float) + np.asarray(grad, dtype=float)
    return np.asarray(param, dtype=float) - lr * velocity
'''

_MOMENTUM_OLD_VELOCITY_IN_UPDATE = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    new_param = np.asarray(param, dtype=float) - lr * np.asarray(velocity, dtype=float)
    return new_param, beta * np.asarray(velocity, dtype=float) + np.asarray(grad, dtype=float)
'''

_MOMENTUM_WRONG_DEFAULT = '''
def momentum_step(param, grad, velocity, lr, beta=0.99):
    velocity = beta * np.asarray(velocity, dtype=float) + np.asarray(grad, dtype=float)
    return np.asarray(param, dtype=float) - lr * velocity, velocity
'''

_MOMENTUM_IN_PLACE = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    velocity *= beta
    velocity += grad
    param -= lr * velocity
    return param, velocity
'''

_MOMENTUM_DAMPENED = '''
def momentum_step(param, grad, velocity, lr, beta=0.9):
    velocity = beta * np.asarray(velocity, dtype=float) + (1 - beta) * np.asarray(grad, dtype=float)
    return np.asarray(param, dtype=float) - lr * velocity, velocity
'''

_ADAM_NO_BIAS_CORRECTION = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - lr * m / (np.sqrt(v) + eps), m, v
'''

_ADAM_T_FROM_ZERO = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** (t - 1))
    v_hat = v / (1 - beta2 ** (t - 1))
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
'''

_ADAM_T_PLUS_ONE = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** (t + 1))
    v_hat = v / (1 - beta2 ** (t + 1))
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
'''

_ADAM_EPS_INSIDE = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / np.sqrt(v_hat + eps), m, v
'''

_ADAM_WRONG_ORDER = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), v, m
'''

_ADAM_IN_PLACE = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps)
    return param, m, v
'''

_ADAM_IGNORES_BETAS = '''
def adam_step(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad ** 2
    m_hat = m / (1 - 0.9 ** t)
    v_hat = v / (1 - 0.999 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
'''

MUTANTS = [
    Mutant("sigmoid", "naive formula overflows at -1000", _SIGMOID_NAIVE, "numerically unstable"),
    Mutant("sigmoid", "exp(z) form overflows at +1000", _SIGMOID_EXP_OVER, "numerically unstable"),
    Mutant("sigmoid", "np.where with an overflowing branch", _SIGMOID_WHERE_BOTH_BRANCHES, "both branches"),
    Mutant("sigmoid", "sign of the exponent flipped", _SIGMOID_SIGN, "sign of the exponent"),
    Mutant("sigmoid", "clips the input in place", _SIGMOID_CLIP_IN_PLACE, "in place"),
    Mutant("sigmoid_grad", "output formula z*(1-z) applied to z", _SIGMOID_GRAD_OUTPUT_FORMULA, "output formula"),
    Mutant("sigmoid_grad", "returns sigmoid instead of its derivative", _SIGMOID_GRAD_RETURNS_SIGMOID, "not its derivative"),
    Mutant("sigmoid_grad", "exp formula overflows", _SIGMOID_GRAD_UNSTABLE, "numerically unstable"),
    Mutant("sigmoid_grad", "overwrites z in place", _SIGMOID_GRAD_IN_PLACE, "in place"),
    Mutant("relu", "returns a boolean mask", _RELU_BOOL, "boolean mask"),
    Mutant("relu", "zeroes negatives in place", _RELU_IN_PLACE, "in place"),
    Mutant("relu", "absolute value", _RELU_ABS, "max(0, z)"),
    Mutant("leaky_relu", "default alpha 0.1", _LEAKY_WRONG_DEFAULT, "default alpha"),
    Mutant("leaky_relu", "slope on the positive side", _LEAKY_WRONG_SIDE, "wrong side"),
    Mutant("leaky_relu", "ignores the alpha argument", _LEAKY_IGNORES_ALPHA, "alpha argument"),
    Mutant("leaky_relu", "plain ReLU", _LEAKY_PLAIN_RELU, "multiplied by alpha"),
    Mutant("leaky_relu", "scales negatives in place", _LEAKY_IN_PLACE, "in place"),
    Mutant("softmax", "no max subtraction (overflow)", _SOFTMAX_NO_MAX, "subtract the maximum"),
    Mutant("softmax", "subtracts the global max", _SOFTMAX_GLOBAL_MAX, "each row's own maximum"),
    Mutant("softmax", "normalises over the whole array", _SOFTMAX_SUM_ALL, "wrong axis"),
    Mutant("softmax", "ignores the axis argument", _SOFTMAX_IGNORES_AXIS, "axis argument"),
    Mutant("softmax", "default axis 0", _SOFTMAX_AXIS0_DEFAULT, "axis=-1"),
    Mutant("softmax", "subtracts the max in place", _SOFTMAX_IN_PLACE, "in place"),
    Mutant("mse", "sum instead of mean", _MSE_SUM, "took the sum"),
    Mutant("mse", "root mean squared error", _MSE_RMSE, "square root"),
    Mutant("mse", "mean absolute error", _MSE_MAE, "absolute errors"),
    Mutant("mse", "square of the mean error", _MSE_SQUARED_MEAN, "squared the mean error"),
    Mutant("mse", "subtracts in place", _MSE_IN_PLACE, "in place"),
    Mutant("huber", "sum instead of mean", _HUBER_SUM, "not the sum"),
    Mutant("huber", "quadratic branch without 0.5", _HUBER_NO_HALF, "forget the 0.5"),
    Mutant("huber", "wrong branch and constant at |e| = delta", _HUBER_BOUNDARY, "both branches"),
    Mutant("huber", "linear branch delta*|e| - delta**2", _HUBER_LINEAR_CONSTANT, "0.5 * delta missing"),
    Mutant("huber", "branches swapped", _HUBER_SWAPPED, "swap the two branches"),
    Mutant("huber", "linear branch without abs", _HUBER_NO_ABS, "absolute value"),
    Mutant("huber", "ignores delta", _HUBER_IGNORES_DELTA, "delta argument"),
    Mutant("huber", "subtracts in place", _HUBER_IN_PLACE, "in place"),
    Mutant("binary_cross_entropy", "no clipping (log 0)", _BCE_NO_CLIP, "clipped"),
    Mutant("binary_cross_entropy", "clips only from below", _BCE_LOWER_CLIP_ONLY, "clipped"),
    Mutant("binary_cross_entropy", "minus sign missing", _BCE_SIGN, "minus sign"),
    Mutant("binary_cross_entropy", "sum instead of mean", _BCE_SUM, "not the sum"),
    Mutant("binary_cross_entropy", "ignores eps", _BCE_IGNORES_EPS, "eps argument"),
    Mutant("binary_cross_entropy", "clips p in place", _BCE_CLIP_IN_PLACE, "in place"),
    Mutant("categorical_cross_entropy", "mean over classes too", _CCE_MEAN_OVER_CLASSES, "do not average over them"),
    Mutant("categorical_cross_entropy", "sum over samples", _CCE_SUM_OVER_SAMPLES, "not the sum"),
    Mutant("categorical_cross_entropy", "minus sign missing", _CCE_SIGN, "minus sign"),
    Mutant("categorical_cross_entropy", "no clipping (0 * log 0)", _CCE_NO_CLIP, "clipped"),
    Mutant("categorical_cross_entropy", "ignores eps", _CCE_IGNORES_EPS, "eps argument"),
    Mutant("categorical_cross_entropy", "clips p in place", _CCE_CLIP_IN_PLACE, "in place"),
    Mutant("gradient_descent", "x0 missing", _GD_NO_X0, "x0 first"),
    Mutant("gradient_descent", "one step too many", _GD_OFF_BY_ONE, "steps + 1"),
    Mutant("gradient_descent", "gradient ascent", _GD_ASCENT, "x - lr * grad_fn(x)"),
    Mutant("gradient_descent", "returns a list", _GD_LIST, "numpy array"),
    Mutant("gradient_descent", "updates x0 in place", _GD_IN_PLACE, "in place"),
    Mutant("gradient_descent", "appends the same array object", _GD_SAME_OBJECT, "separate copy"),
    Mutant("momentum_step", "other convention v = beta*v + lr*grad", _MOMENTUM_OTHER_CONVENTION, "PyTorch's convention"),
    Mutant("momentum_step", "returns the old velocity", _MOMENTUM_OLD_VELOCITY_RETURNED, "updated velocity"),
    Mutant("momentum_step", "velocity not returned", _MOMENTUM_PARAM_ONLY, "tuple"),
    Mutant("momentum_step", "update with the old velocity", _MOMENTUM_OLD_VELOCITY_IN_UPDATE, "NEW velocity"),
    Mutant("momentum_step", "default beta 0.99", _MOMENTUM_WRONG_DEFAULT, "default beta"),
    Mutant("momentum_step", "updates in place", _MOMENTUM_IN_PLACE, "in place"),
    Mutant("momentum_step", "dampened (1 - beta) * grad", _MOMENTUM_DAMPENED, "PyTorch's convention"),
    Mutant("adam_step", "no bias correction", _ADAM_NO_BIAS_CORRECTION, "not bias-corrected"),
    Mutant("adam_step", "t counted from 0", _ADAM_T_FROM_ZERO, "t counts from 1"),
    Mutant("adam_step", "t + 1 in the correction", _ADAM_T_PLUS_ONE, "t counts from 1"),
    Mutant("adam_step", "eps inside the square root", _ADAM_EPS_INSIDE, "after the square root"),
    Mutant("adam_step", "returns (param, v, m)", _ADAM_WRONG_ORDER, "in this order"),
    Mutant("adam_step", "updates in place", _ADAM_IN_PLACE, "in place"),
    Mutant("adam_step", "ignores beta1 and beta2", _ADAM_IGNORES_BETAS, "use every argument"),
]
