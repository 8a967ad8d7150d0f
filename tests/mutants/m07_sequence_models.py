"""Wrong answers to module 07 (sequence models) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

_SIG = "lambda a: 1.0 / (1.0 + np.exp(-a))"

_WINDOWS = '''
def make_windows(series, window):
    values = np.asarray(series{dtype})
    n = len(values) - window{extra}
    X = np.array([values[i{shift}:i{shift} + window] for i in range(max(n, 0))]).reshape(max(n, 0), window)
    y = np.array([values[i + window{yoff}] for i in range(max(n, 0))])
    return X, y
'''
_GOOD_W = dict(dtype=", dtype=float", extra="", shift="", yoff="")


def _w(**c):
    return _WINDOWS.format(**{**_GOOD_W, **c})


_W_INPLACE = '''
def make_windows(series, window):
    values = np.asarray(series, dtype=float)
    values -= 0.0
    values[:] = values[::-1][::-1] * 1.0
    values += 1.0
    values -= 1.0
    n = len(values) - window
    X = np.array([values[i:i + window] for i in range(n)]).reshape(n, window)
    series[0] = series[0] + 1 if len(series) else None
    return X, values[window:]
'''

_CELL = '''
def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    return {expr}
'''

_RNN = '''
def rnn_forward(X, h0, Wx, Wh, b):
    h, states = h0, [{first}]
    for t in {order}:
        {step}
        states.append(h)
    return {result}
'''
_GOOD_RNN = dict(first="", order="range(X.shape[1])", step="h = rnn_cell_forward(X[:, t], h, Wx, Wh, b)",
                 result="np.stack(states, axis=1)")


def _rnn(**c):
    return _RNN.format(**{**_GOOD_RNN, **c})


_LSTM = '''
def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    sig = {sig}
    z = {pre}
    i, f, g, o = ({slices})
    i, f, g, o = sig(i), sig(f), {gact}(g), sig(o)
    c = {c}
    h = {h}
    return {result}
'''
_GOOD_LSTM = dict(sig=_SIG, pre="x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh",
                  slices="z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]", gact="np.tanh",
                  c="f * c_prev + i * g", h="o * np.tanh(c)", result="h, c")


def _lstm(**c):
    return _LSTM.format(**{**_GOOD_LSTM, **c})


_GRU = '''
def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    sig = {sig}
    gi = {gi}
    gh = {gh}
    r = sig(gi[:, {r}] + gh[:, {r}])
    z = sig(gi[:, {z}] + gh[:, {z}])
    n = np.tanh({n})
    return {h}
'''
_GOOD_GRU = dict(sig=_SIG, gi="x_t @ W_ih.T + b_ih", gh="h_prev @ W_hh.T + b_hh", r=":H", z="H:2 * H",
                 n="gi[:, 2 * H:] + r * gh[:, 2 * H:]", h="(1 - z) * n + z * h_prev")


def _gru(**c):
    return _GRU.format(**{**_GOOD_GRU, **c})


_CLIP = '''
def clip_grad_norm(grads, max_norm):
    total = {total}
    scale = {scale}
    {body}
'''
_GOOD_CLIP = dict(total="float(np.sqrt(sum(np.sum(np.asarray(g, dtype=float) ** 2) for g in grads)))",
                  scale="max_norm / (total + 1e-6)",
                  body="return [np.asarray(g) * min(scale, 1.0) for g in grads], total")


def _clip(**c):
    return _CLIP.format(**{**_GOOD_CLIP, **c})


_FORECAST = '''
def forecast(predict_next, history, steps):
    window = list(np.asarray(history, dtype=float))
    out = []
    for _ in range(steps):
        value = float(predict_next(np.array(window)))
        out.append(value)
        {update}
    return {result}
'''
_GOOD_F = dict(update="window = window[1:] + [value]", result="np.array(out, dtype=float)")


def _f(**c):
    return _FORECAST.format(**{**_GOOD_F, **c})


_F_INPLACE = '''
def forecast(predict_next, history, steps):
    out = []
    for _ in range(steps):
        value = float(predict_next(history.copy()))
        out.append(value)
        history[:-1] = history[1:]
        history[-1] = value
    return np.array(out)
'''

MUTANTS = [
    # make_windows
    Mutant("make_windows", "one window too many", _w(extra=" + 1", yoff=" - 1"), "one window too many"),
    Mutant("make_windows", "one window too few", _w(extra=" - 1"), "one window too few"),
    Mutant("make_windows", "y is the last value of the window", _w(yoff=" - 1"), "off by one"),
    Mutant("make_windows", "windows start one late", _w(shift=" + 1", extra=" - 1"), "one window too few"),
    Mutant("make_windows", "integer X for an integer series", _w(dtype=""), "float"),
    Mutant("make_windows", "input modified in place", _W_INPLACE, "modified its argument"),
    # rnn_cell_forward
    Mutant("rnn_cell_forward", "bias forgotten", _CELL.format(expr="np.tanh(x_t @ Wx + h_prev @ Wh)"), "add b"),
    Mutant("rnn_cell_forward", "no tanh", _CELL.format(expr="x_t @ Wx + h_prev @ Wh + b"), "apply tanh"),
    Mutant("rnn_cell_forward", "Wh transposed", _CELL.format(expr="np.tanh(x_t @ Wx + h_prev @ Wh.T + b)"),
           "recurrent term"),
    Mutant("rnn_cell_forward", "sigmoid instead of tanh",
           _CELL.format(expr="1 / (1 + np.exp(-(x_t @ Wx + h_prev @ Wh + b)))"), "tanh"),
    # rnn_forward
    Mutant("rnn_forward", "h0 included", _rnn(first="h0"), "leave h0 out"),
    Mutant("rnn_forward", "only the last state", _rnn(result="h"), "ALL time steps"),
    Mutant("rnn_forward", "state not carried", _rnn(step="h = rnn_cell_forward(X[:, t], h0, Wx, Wh, b)"),
           "carry the state"),
    Mutant("rnn_forward", "time reversed", _rnn(order="reversed(range(X.shape[1]))",
                                                result="np.stack(states[::-1], axis=1)"), "forwards"),
    Mutant("rnn_forward", "stacked on axis 0", _rnn(result="np.stack(states, axis=0)"), "time is axis 1"),
    # lstm_cell_forward
    Mutant("lstm_cell_forward", "gate order i, f, o, g",
           _lstm(slices="z[:, :H], z[:, H:2 * H], z[:, 3 * H:], z[:, 2 * H:3 * H]"), "i, f, g, o"),
    Mutant("lstm_cell_forward", "i and f swapped",
           _lstm(slices="z[:, H:2 * H], z[:, :H], z[:, 2 * H:3 * H], z[:, 3 * H:]"), "i, f, g, o"),
    Mutant("lstm_cell_forward", "b_hh forgotten", _lstm(pre="x_t @ W_ih.T + b_ih + h_prev @ W_hh.T"), "add b_hh"),
    Mutant("lstm_cell_forward", "no tanh on c", _lstm(h="o * c"), "h = sigmoid(o) * tanh(c)"),
    Mutant("lstm_cell_forward", "input gate forgotten", _lstm(c="f * c_prev + g"), "c = sigmoid(i) * tanh(g)"),
    Mutant("lstm_cell_forward", "sigmoid on g", _lstm(gact="sig"), "g gets tanh"),
    Mutant("lstm_cell_forward", "(c, h) returned", _lstm(result="c, h"), "in this order"),
    Mutant("lstm_cell_forward", "W_hh not transposed", _lstm(pre="x_t @ W_ih.T + b_ih + h_prev @ W_hh + b_hh"),
           "transpose"),
    Mutant("lstm_cell_forward", "unstable sigmoid", _lstm(sig="lambda a: np.exp(a) / (1.0 + np.exp(a))"),
           "overflow"),
    # gru_cell_forward
    Mutant("gru_cell_forward", "z and 1 - z swapped", _gru(h="z * n + (1 - z) * h_prev"), "swapped z and 1 - z"),
    Mutant("gru_cell_forward", "reset gate outside b_hn",
           _gru(n="gi[:, 2 * H:] + r * (h_prev @ W_hh[2 * H:].T) + b_hh[2 * H:]"), "including b_hn"),
    Mutant("gru_cell_forward", "reset applied before the product",
           _gru(n="gi[:, 2 * H:] + (r * h_prev) @ W_hh[2 * H:].T + b_hh[2 * H:]"), "reset gate multiplies the whole recurrent part"),
    Mutant("gru_cell_forward", "r and z rows swapped", _gru(r="H:2 * H", z=":H"), "r, z, n"),
    Mutant("gru_cell_forward", "b_hh forgotten", _gru(gh="h_prev @ W_hh.T"), "add b_hh"),
    Mutant("gru_cell_forward", "old state dropped", _gru(h="(1 - z) * n"), "update gate z"),
    # clip_grad_norm
    Mutant("clip_grad_norm", "norm per array",
           _clip(body="return [np.asarray(g) * min(max_norm / (np.linalg.norm(g) + 1e-6), 1.0) for g in grads], total"),
           "same factor"),
    Mutant("clip_grad_norm", "always scaled", _clip(body="return [np.asarray(g) * scale for g in grads], total"),
           "unchanged"),
    Mutant("clip_grad_norm", "squared norm", _clip(total="float(sum(np.sum(np.asarray(g, dtype=float) ** 2) "
                                                         "for g in grads))"), "square ROOT"),
    Mutant("clip_grad_norm", "norm after clipping",
           _clip(body="return [np.asarray(g) * min(scale, 1.0) for g in grads], min(total, max_norm)"), "BEFORE"),
    Mutant("clip_grad_norm", "element-wise np.clip",
           _clip(body="return [np.clip(g, -max_norm, max_norm) for g in grads], total"), "np.clip"),
    Mutant("clip_grad_norm", "no 1e-6", _clip(scale="max_norm / total if total else 1.0"), "1e-6"),
    Mutant("clip_grad_norm", "in place", _clip(body="for g in grads:\n        g *= min(scale, 1.0)\n"
                                                    "    return grads, total"), "modified its argument"),
    # forecast
    Mutant("forecast", "window grows", _f(update="window = window + [value]"), "keep its length"),
    Mutant("forecast", "not recursive", _f(update="pass"), "recursive"),
    Mutant("forecast", "newest dropped", _f(update="window = [value] + window[:-1]"), "oldest"),
    Mutant("forecast", "history returned too", _f(result="np.concatenate([np.asarray(history, dtype=float), out])"),
           "not the history"),
    Mutant("forecast", "history shifted in place", _F_INPLACE, "modified its argument"),
]
