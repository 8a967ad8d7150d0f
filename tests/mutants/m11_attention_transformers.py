"""Wrong answers to module 11 (attention and transformers) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant


def _attention(scores: str = "Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])",
               masking: str = 'scores = scores.masked_fill(~mask, float("-inf"))',
               softmax: str = "weights = torch.softmax(scores, dim=-1)",
               after: str = "", result: str = "weights @ V, weights", before: str = "") -> str:
    """The reference attention with one part replaced."""
    return f'''
def scaled_dot_product_attention(Q, K, V, mask=None):
    {before or "pass"}
    scores = {scores}
    if mask is not None:
        {masking}
    {softmax}
    if mask is not None:
        {after or "pass"}
    return {result}
'''


_ATTENTION = [
    ("no sqrt(d_k) scaling", _attention(scores="Q @ K.transpose(-2, -1)"), "sqrt(d_k)"),
    ("divided by d_k", _attention(scores="Q @ K.transpose(-2, -1) / Q.shape[-1]"), "not by d_k"),
    ("scaled by sqrt(d_v)", _attention(scores="Q @ K.transpose(-2, -1) / math.sqrt(V.shape[-1])"),
     "not by V's last dimension"),
    ("softmax over the queries", _attention(softmax="weights = torch.softmax(scores, dim=-2)"), "over the KEYS"),
    ("softmax over the first axis", _attention(softmax="weights = torch.softmax(scores, dim=0)"),
     "the last axis"),
    ("scores K Q^T", _attention(scores="K @ Q.transpose(-2, -1) / math.sqrt(Q.shape[-1])"),
     "K.transpose(-2, -1)"),
    ("mask inverted", _attention(masking='scores = scores.masked_fill(mask, float("-inf"))'),
     "you excluded those where it is True"),
    ("mask applied after the softmax", _attention(masking="pass", after="weights = weights * mask"),
     "BEFORE the softmax"),
    ("mask multiplies the scores", _attention(masking="scores = scores * mask"), "weight exactly 0"),
    ("mask ignored", _attention(masking="pass"), "weight exactly 0"),
    ("boolean indexing does not broadcast", _attention(masking='scores[~mask] = float("-inf")'),
     "not boolean indexing"),
    ("returns (weights, output)", _attention(result="weights, weights @ V"), "(output, weights) in this order"),
    ("scales Q in place", _attention(before="Q /= math.sqrt(Q.shape[-1])", scores="Q @ K.transpose(-2, -1)"),
     "in place"),
    ("only 3-D tensors", _attention(scores="torch.bmm(Q, K.transpose(1, 2)) / math.sqrt(Q.shape[-1])"),
     "any leading batch and head dimensions"),
    ("transposes axes 1 and 2", _attention(scores="Q @ K.transpose(1, 2) / math.sqrt(Q.shape[-1])"),
     "last two axes"),
    ("unstable softmax by hand",
     _attention(softmax="weights = torch.exp(scores) / torch.exp(scores).sum(dim=-1, keepdim=True)"),
     "overflow"),
    ("returns NumPy arrays", _attention(result="(weights @ V).numpy(), weights.numpy()"), "torch tensors"),
]

_CAUSAL = [
    ("upper triangle", "def causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).triu()\n",
     "LOWER triangle"),
    ("diagonal excluded", "def causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).tril(-1)\n",
     "attend to itself"),
    ("one step into the future", "def causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).tril(1)\n",
     "off by one"),
    ("float mask", "def causal_mask(T):\n    return torch.ones(T, T).tril()\n", "boolean"),
    ("additive -inf mask",
     "def causal_mask(T):\n    return torch.full((T, T), float('-inf')).triu(1)\n", "boolean"),
    ("NumPy array", "import numpy as np\n\ndef causal_mask(T):\n    return np.tril(np.ones((T, T), dtype=bool))\n",
     "torch tensor"),
    ("fixed size", "def causal_mask(T):\n    return torch.ones(3, 3, dtype=torch.bool).tril()\n", "(T, T)"),
]


def _pe(body: str) -> str:
    return "def positional_encoding(T, d):\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())


_PE_LOOP = '''
pe = torch.zeros(T, d, dtype=torch.float64)
for t in range(T):
    for j in range(d):
        {line}
return pe
'''

_POSITIONAL = [
    ("sin and cos swapped", _pe(_PE_LOOP.format(
        line="pe[t, j] = math.cos(t / 10000 ** ((j - j % 2) / d)) if j % 2 == 0 else math.sin(t / 10000 ** "
             "((j - j % 2) / d))")), "swapped"),
    ("exponent from the column index", _pe(_PE_LOOP.format(
        line="pe[t, j] = math.sin(t / 10000 ** (j / d)) if j % 2 == 0 else math.cos(t / 10000 ** (j / d))")),
     "EVEN index 2i"),
    ("exponent i/d", _pe(_PE_LOOP.format(
        line="pe[t, j] = math.sin(t / 10000 ** ((j // 2) / d)) if j % 2 == 0 else math.cos(t / 10000 ** "
             "((j // 2) / d))")), "not i/d"),
    ("positions from 1", _pe(_PE_LOOP.format(
        line="pe[t, j] = math.sin((t + 1) / 10000 ** ((j - j % 2) / d)) if j % 2 == 0 else math.cos((t + 1) / "
             "10000 ** ((j - j % 2) / d))")), "t = 0"),
    ("base 1000", _pe(_PE_LOOP.format(
        line="pe[t, j] = math.sin(t / 1000 ** ((j - j % 2) / d)) if j % 2 == 0 else math.cos(t / 1000 ** "
             "((j - j % 2) / d))")), "10000"),
    ("sines then cosines", _pe('''
position = torch.arange(T, dtype=torch.float64).unsqueeze(1)
angle = position / 10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
return torch.cat([torch.sin(angle), torch.cos(angle)[:, : d // 2]], dim=1)
'''), "interleave"),
    ("odd d breaks", _pe('''
position = torch.arange(T, dtype=torch.float64).unsqueeze(1)
angle = position / 10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
pe = torch.zeros(T, d, dtype=torch.float64)
pe[:, 0::2] = torch.sin(angle)
pe[:, 1::2] = torch.cos(angle)
return pe
'''), "odd d"),
    ("odd d drops the last column", _pe('''
position = torch.arange(T, dtype=torch.float64).unsqueeze(1)
angle = position / 10000 ** (torch.arange(0, d - d % 2, 2, dtype=torch.float64) / d)
return torch.stack([torch.sin(angle), torch.cos(angle)], dim=2).reshape(T, -1)
'''), "odd d"),
    ("transposed (d, T)", _pe('''
position = torch.arange(T, dtype=torch.float64).unsqueeze(1)
angle = position / 10000 ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
pe = torch.zeros(T, d, dtype=torch.float64)
pe[:, 0::2] = torch.sin(angle)
pe[:, 1::2] = torch.cos(angle[:, : d // 2])
return pe.T
'''), "(T, d)"),
    ("NumPy array", "import numpy as np\n\n" + _pe('''
t = np.arange(T)[:, None]
column = np.arange(d)
angle = t / 10000 ** ((column - column % 2) / d)
return np.where(column % 2 == 0, np.sin(angle), np.cos(angle))
'''), "torch tensor"),
    ("integer positions", _pe('''
position = torch.arange(T).unsqueeze(1)
pe = torch.zeros(T, d, dtype=torch.long)
angle = position / 10000 ** (torch.arange(0, d, 2) / d)
pe[:, 0::2] = torch.sin(angle).long()
pe[:, 1::2] = torch.cos(angle[:, : d // 2]).long()
return pe
'''), "float"),
]

_SPLIT = [
    ("plain reshape", "def split_heads(x, n_heads):\n    N, T, D = x.shape\n"
                      "    return x.reshape(N, n_heads, T, D // n_heads)\n", "single reshape"),
    ("interleaved features", "def split_heads(x, n_heads):\n    N, T, D = x.shape\n"
                             "    return x.reshape(N, T, D // n_heads, n_heads).permute(0, 3, 1, 2)\n",
     "CONSECUTIVE features"),
    ("no transpose", "def split_heads(x, n_heads):\n    N, T, D = x.shape\n"
                     "    return x.reshape(N, T, n_heads, D // n_heads)\n", "heads axis comes before time"),
    ("heads last", "def split_heads(x, n_heads):\n    N, T, D = x.shape\n"
                   "    return x.reshape(N, T, n_heads, D // n_heads).permute(0, 2, 3, 1)\n",
     "(N, n_heads, T, D // n_heads)"),
    ("head size n_heads", "def split_heads(x, n_heads):\n    N, T, D = x.shape\n"
                          "    return x.reshape(N, T, D // n_heads, n_heads).transpose(1, 2)\n",
     "(N, n_heads, T, D // n_heads)"),
]

_MERGE = [
    ("plain reshape", "def merge_heads(x):\n    N, H, T, d = x.shape\n    return x.reshape(N, T, H * d)\n",
     "BEFORE the reshape"),
    ("view after transpose", "def merge_heads(x):\n    N, H, T, d = x.shape\n"
                             "    return x.transpose(1, 2).view(N, T, H * d)\n", "not view"),
    ("features interleaved", "def merge_heads(x):\n    N, H, T, d = x.shape\n"
                             "    return x.permute(0, 2, 3, 1).reshape(N, T, H * d)\n", "inverse of split_heads"),
    ("heads axis kept", "def merge_heads(x):\n    return x.transpose(1, 2)\n", "(N, T, n_heads * d)"),
    ("transposes in place", "def merge_heads(x):\n    N, H, T, d = x.shape\n"
                            "    return x.transpose_(1, 2).reshape(N, T, H * d)\n", "in place"),
]

MUTANTS = (
    [Mutant("scaled_dot_product_attention", mistake, source, expect) for mistake, source, expect in _ATTENTION]
    + [Mutant("causal_mask", *m) for m in _CAUSAL]
    + [Mutant("positional_encoding", *m) for m in _POSITIONAL]
    + [Mutant("split_heads", *m) for m in _SPLIT]
    + [Mutant("merge_heads", *m) for m in _MERGE]
)
