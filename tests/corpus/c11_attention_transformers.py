"""Correct answers to module 11 (attention and transformers), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

ALTERNATIVES = [
    # scaled_dot_product_attention
    Alternative("scaled_dot_product_attention", "einsum, large negative fill, explicit stable softmax", '''
import torch as th


def scaled_dot_product_attention(Q, K, V, mask=None):
    scale = Q.size(-1) ** -0.5
    scores = th.einsum("...qd,...kd->...qk", Q, K) * scale
    if mask is not None:
        scores = scores.masked_fill(mask.logical_not(), -1e9)
    scores = scores - scores.amax(dim=-1, keepdim=True)
    e = scores.exp()
    weights = e / e.sum(dim=-1, keepdim=True)
    output = th.einsum("...qk,...kv->...qv", weights, V)
    return output, weights
'''),
    Alternative("scaled_dot_product_attention", "torch.where with -inf, matmul and mT", '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    """Attention with the scale applied to the queries (a new tensor, the input stays as it is)."""
    d_k = K.shape[-1]
    q = Q / d_k ** 0.5
    scores = torch.matmul(q, K.mT)
    if mask is not None:
        scores = torch.where(mask, scores, torch.tensor(float("-inf"), dtype=scores.dtype))
    weights = scores.softmax(-1)
    out = torch.matmul(weights, V)
    return (out, weights)
'''),
    Alternative("scaled_dot_product_attention", "torch.nn.functional, float additive mask, numpy math", '''
import numpy as np
import torch.nn.functional as F


def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ K.transpose(-1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        additive = torch.zeros(mask.shape, dtype=scores.dtype)
        additive[~mask.expand(mask.shape)] = float("-inf")
        scores = scores + additive
    weights = F.softmax(scores, dim=scores.dim() - 1)
    return weights @ V, weights
'''),
    Alternative("scaled_dot_product_attention", "weights from F.scaled_dot_product_attention over the identity", '''
import torch.nn.functional as F


def scaled_dot_product_attention(Q, K, V, mask=None):
    Tk = K.shape[-2]
    identity = torch.eye(Tk, dtype=Q.dtype).expand(*K.shape[:-1], Tk)
    weights = F.scaled_dot_product_attention(Q, K, identity, attn_mask=mask)
    output = F.scaled_dot_product_attention(Q, K, V, attn_mask=mask)
    print("attention computed for", tuple(Q.shape))
    return output, weights
'''),
    Alternative("scaled_dot_product_attention", "keys scaled, log-sum-exp softmax, float mask turned boolean", '''
def scaled_dot_product_attention(Q, K, V, mask=None):
    keys = K * (1.0 / math.sqrt(K.shape[-1]))
    scores = Q.matmul(keys.swapaxes(-1, -2))
    if mask is not None:
        allowed = mask.to(torch.bool)
        scores = scores.masked_fill(allowed == False, -torch.inf)  # noqa: E712
    weights = torch.exp(scores - torch.logsumexp(scores, dim=-1, keepdim=True))
    return weights.matmul(V), weights
'''),
    # causal_mask
    Alternative("causal_mask", "torch.tril of a bool tensor", '''
def causal_mask(T):
    return torch.tril(torch.ones((T, T), dtype=torch.bool))
'''),
    Alternative("causal_mask", "compare positions with broadcasting", '''
def causal_mask(T):
    """Key s <= query t."""
    positions = torch.arange(T)
    return positions[None, :] <= positions[:, None]
'''),
    Alternative("causal_mask", "loops in NumPy, converted", '''
import numpy as np


def causal_mask(T):
    m = np.zeros((T, T), dtype=bool)
    for t in range(T):
        for s in range(t + 1):
            m[t, s] = True
    return torch.from_numpy(m)
'''),
    Alternative("causal_mask", "not the strict upper triangle", '''
def causal_mask(T):
    future = torch.triu(torch.ones(T, T), diagonal=1).bool()
    return ~future
'''),
    # positional_encoding
    Alternative("positional_encoding", "NumPy loops converted to float32", '''
import numpy as np


def positional_encoding(T, d):
    pe = np.zeros((T, d), dtype=np.float32)
    for t in range(T):
        for i in range(0, d, 2):
            pe[t, i] = np.sin(t / 10000 ** (i / d))
            if i + 1 < d:
                pe[t, i + 1] = np.cos(t / 10000 ** (i / d))
    return torch.tensor(pe)
'''),
    Alternative("positional_encoding", "exp-log frequencies in float32, the PyTorch tutorial way", '''
def positional_encoding(T, d):
    position = torch.arange(T, dtype=torch.float32).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(T, d)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)[:, : d // 2]
    return pe
'''),
    Alternative("positional_encoding", "stacked pairs, padded and cut for odd d", '''
def positional_encoding(T, d):
    d_even = d + d % 2
    t = torch.arange(T, dtype=torch.float64)[:, None]
    freq = 1.0 / torch.pow(torch.tensor(10000.0, dtype=torch.float64),
                           torch.arange(0, d_even, 2, dtype=torch.float64) / d)
    pairs = torch.stack([torch.sin(t * freq), torch.cos(t * freq)], dim=-1)    # (T, d_even/2, 2)
    return pairs.reshape(T, d_even)[:, :d].contiguous()
'''),
    Alternative("positional_encoding", "numpy where over columns, as_tensor", '''
import numpy as np


def positional_encoding(T, d):
    cols = np.arange(d)
    rates = np.power(10000.0, -(cols - cols % 2) / d)
    angles = np.outer(np.arange(T), rates)
    return torch.as_tensor(np.where(cols % 2 == 0, np.sin(angles), np.cos(angles)))
'''),
    # split_heads
    Alternative("split_heads", "view and permute", '''
def split_heads(x, n_heads):
    batch, length, width = x.size()
    return x.contiguous().view(batch, length, n_heads, width // n_heads).permute(0, 2, 1, 3)
'''),
    Alternative("split_heads", "unflatten and transpose, a contiguous copy", '''
def split_heads(x, n_heads):
    head_dim = x.shape[-1] // n_heads
    return x.unflatten(-1, (n_heads, head_dim)).transpose(1, 2).contiguous()
'''),
    Alternative("split_heads", "stack of feature slices", '''
def split_heads(x, n_heads):
    """One slice of consecutive features per head, stacked on a new axis 1."""
    size = x.shape[2] // n_heads
    heads = []
    for h in range(n_heads):
        heads.append(x[:, :, h * size:(h + 1) * size])
    return torch.stack(heads, dim=1)
'''),
    Alternative("split_heads", "einops-style rearrange by hand with chunk", '''
def split_heads(x, n_heads):
    return torch.stack(torch.chunk(x, n_heads, dim=-1), dim=1).clone()
'''),
    # merge_heads
    Alternative("merge_heads", "permute and contiguous view", '''
def merge_heads(x):
    n, h, t, d = x.size()
    return x.permute(0, 2, 1, 3).contiguous().view(n, t, h * d)
'''),
    Alternative("merge_heads", "transpose and flatten", '''
def merge_heads(x):
    return x.transpose(1, 2).flatten(start_dim=2)
'''),
    Alternative("merge_heads", "concatenate the heads", '''
def merge_heads(x):
    """Head 0's features, then head 1's, ... for every position."""
    return torch.cat([x[:, h] for h in range(x.shape[1])], dim=-1)
'''),
]
