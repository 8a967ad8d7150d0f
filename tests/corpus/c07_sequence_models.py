"""Correct answers to module 07 (sequence models), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

ALTERNATIVES = [
    # make_windows
    Alternative("make_windows", "sliding_window_view", '''
from numpy.lib.stride_tricks import sliding_window_view


def make_windows(series, window):
    values = np.asarray(series, dtype=np.float64)
    X = sliding_window_view(values, window)[:len(values) - window]
    return X.copy(), values[window:].copy()
'''),
    Alternative("make_windows", "fancy indexing with an index matrix", '''
def make_windows(series, window):
    values = np.array(series, dtype=float)
    n = max(values.size - window, 0)
    idx = np.arange(n)[:, None] + np.arange(window)[None, :]
    return values[idx].reshape(n, window), values[window:window + n]
'''),
    Alternative("make_windows", "torch unfold", '''
import torch as T


def make_windows(series, window):
    t = T.as_tensor(np.asarray(series, dtype=np.float64))
    n = len(t) - window
    if n <= 0:
        return np.empty((0, window)), np.empty(0)
    X = t.unfold(0, window, 1)[:n]
    return X.numpy().copy(), t[window:].numpy().copy()
'''),
    # rnn_cell_forward
    Alternative("rnn_cell_forward", "torch", '''
import torch


def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))
    return torch.tanh(t(x_t) @ t(Wx) + t(h_prev) @ t(Wh) + t(b)).numpy()
'''),
    Alternative("rnn_cell_forward", "einsum and exp formula of tanh, stable", '''
def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    a = np.einsum("nd,dh->nh", x_t, Wx) + np.einsum("nk,kh->nh", h_prev, Wh) + b
    e = np.exp(-2 * np.abs(a))
    return np.sign(a) * (1 - e) / (1 + e)
'''),
    Alternative("rnn_cell_forward", "concatenated weights", '''
def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    stacked = np.concatenate([x_t, h_prev], axis=1)
    W = np.vstack([Wx, Wh])
    return np.tanh(stacked.dot(W) + b[None, :])
'''),
    # rnn_forward
    Alternative("rnn_forward", "preallocated output", '''
def rnn_forward(X, h0, Wx, Wh, b):
    N, T, _ = X.shape
    out = np.zeros((N, T, h0.shape[1]))
    h = h0.copy()
    for t in range(T):
        h = np.tanh(X[:, t, :] @ Wx + h @ Wh + b)
        out[:, t, :] = h
    return out
'''),
    Alternative("rnn_forward", "input projection first, transpose to time-major", '''
def rnn_forward(X, h0, Wx, Wh, b):
    projected = np.transpose(X @ Wx + b, (1, 0, 2))      # (T, N, H)
    h, states = h0, []
    for p in projected:
        h = np.tanh(p + h @ Wh)
        states.append(h)
    return np.transpose(np.array(states), (1, 0, 2))
'''),
    Alternative("rnn_forward", "torch loop", '''
import torch


def rnn_forward(X, h0, Wx, Wh, b):
    X, h = torch.from_numpy(np.asarray(X, dtype=float)), torch.from_numpy(np.asarray(h0, dtype=float))
    Wx, Wh, b = (torch.from_numpy(np.asarray(a, dtype=float)) for a in (Wx, Wh, b))
    hs = []
    for t in range(X.shape[1]):
        h = torch.tanh(X[:, t] @ Wx + h @ Wh + b)
        hs.append(h)
    return torch.stack(hs, dim=1).numpy()
'''),
    # lstm_cell_forward
    Alternative("lstm_cell_forward", "torch functional", '''
import torch
import torch.nn.functional as F


def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))
    gates = F.linear(t(x_t), t(W_ih), t(b_ih)) + F.linear(t(h_prev), t(W_hh), t(b_hh))
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * t(c_prev) + torch.sigmoid(i) * torch.tanh(g)
    h = torch.sigmoid(o) * torch.tanh(c)
    return h.numpy(), c.numpy()
'''),
    Alternative("lstm_cell_forward", "per-gate weight slices and scipy expit", '''
from scipy.special import expit


def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]

    def gate(k):
        rows = slice(k * H, (k + 1) * H)
        return x_t @ W_ih[rows].T + b_ih[rows] + h_prev @ W_hh[rows].T + b_hh[rows]

    i, f, g, o = expit(gate(0)), expit(gate(1)), np.tanh(gate(2)), expit(gate(3))
    c_new = f * c_prev + i * g
    return o * np.tanh(c_new), c_new
'''),
    Alternative("lstm_cell_forward", "np.split and a stable piecewise sigmoid", '''
def _sigmoid(a):
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1 / (1 + np.exp(-a[pos]))
    e = np.exp(a[~pos])
    out[~pos] = e / (1 + e)
    return out


def lstm_cell_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    pre = np.dot(x_t, W_ih.T) + np.dot(h_prev, W_hh.T) + (b_ih + b_hh)
    i, f, g, o = np.split(pre, 4, axis=1)
    c = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c
'''),
    # gru_cell_forward
    Alternative("gru_cell_forward", "torch functional", '''
import torch


def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float64))
    gi = torch.nn.functional.linear(t(x_t), t(W_ih), t(b_ih))
    gh = torch.nn.functional.linear(t(h_prev), t(W_hh), t(b_hh))
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (n + z * (t(h_prev) - n)).numpy()
'''),
    Alternative("gru_cell_forward", "separate weight blocks, scipy expit", '''
from scipy.special import expit as sigmoid


def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    W_ir, W_iz, W_in = W_ih[:H], W_ih[H:2 * H], W_ih[2 * H:]
    W_hr, W_hz, W_hn = W_hh[:H], W_hh[H:2 * H], W_hh[2 * H:]
    b_ir, b_iz, b_in = b_ih[:H], b_ih[H:2 * H], b_ih[2 * H:]
    b_hr, b_hz, b_hn = b_hh[:H], b_hh[H:2 * H], b_hh[2 * H:]
    r = sigmoid(x_t @ W_ir.T + b_ir + h_prev @ W_hr.T + b_hr)
    z = sigmoid(x_t @ W_iz.T + b_iz + h_prev @ W_hz.T + b_hz)
    n = np.tanh(x_t @ W_in.T + b_in + r * (h_prev @ W_hn.T + b_hn))
    return (1.0 - z) * n + z * h_prev
'''),
    Alternative("gru_cell_forward", "loop over samples", '''
def gru_cell_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    H = h_prev.shape[1]
    sig = lambda a: 0.5 * (np.tanh(a / 2) + 1)
    rows = []
    for x, h in zip(x_t, h_prev):
        gi, gh = W_ih @ x + b_ih, W_hh @ h + b_hh
        r, z = sig(gi[:H] + gh[:H]), sig(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        rows.append((1 - z) * n + z * h)
    return np.array(rows)
'''),
    # clip_grad_norm
    Alternative("clip_grad_norm", "concatenate and np.linalg.norm", '''
def clip_grad_norm(grads, max_norm):
    flat = np.concatenate([np.ravel(g) for g in grads]) if len(grads) else np.zeros(0)
    total_norm = np.linalg.norm(flat)
    if total_norm > max_norm:
        factor = max_norm / (total_norm + 1e-6)
        return [g * factor for g in grads], total_norm
    return [g.copy() for g in grads], total_norm
'''),
    Alternative("clip_grad_norm", "torch clip_grad_norm_ on copies", '''
import torch


def clip_grad_norm(grads, max_norm):
    params = []
    for g in grads:
        p = torch.zeros(np.shape(g), dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(np.asarray(g, dtype=np.float64))
        params.append(p)
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return [p.grad.numpy() for p in params], float(norm)
'''),
    Alternative("clip_grad_norm", "loop with math.sqrt and min", '''
import math


def clip_grad_norm(grads, max_norm):
    squares = 0.0
    for g in grads:
        squares += float((np.asarray(g, dtype=float) ** 2).sum())
    total_norm = math.sqrt(squares)
    coef = min(1.0, max_norm / (total_norm + 1e-6))
    clipped = tuple(np.asarray(g, dtype=float) * coef for g in grads)
    return list(clipped), total_norm
'''),
    # forecast
    Alternative("forecast", "collections.deque", '''
from collections import deque


def forecast(predict_next, history, steps):
    window = deque(np.asarray(history, dtype=float).tolist(), maxlen=len(history))
    preds = []
    for _ in range(steps):
        preds.append(float(predict_next(np.array(window))))
        window.append(preds[-1])
    return np.array(preds)
'''),
    Alternative("forecast", "np.roll on a copy", '''
def forecast(predict_next, history, steps):
    window = np.array(history, dtype=float)
    out = np.zeros(steps)
    for k in range(steps):
        out[k] = predict_next(window.copy())
        window = np.roll(window, -1)
        window[-1] = out[k]
    return out
'''),
    Alternative("forecast", "one growing array, sliced", '''
def forecast(predict_next, history, steps):
    w = len(history)
    values = np.concatenate([np.asarray(history, dtype=float), np.zeros(steps)])
    for t in range(w, w + steps):
        values[t] = float(np.asarray(predict_next(values[t - w:t].copy())).item())
    return values[w:]
'''),
]
