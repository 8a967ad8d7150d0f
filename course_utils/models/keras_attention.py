"""``torch.nn.MultiheadAttention`` and ``keras.layers.MultiHeadAttention`` with the same weights (11).

PyTorch packs the three input projections in one ``in_proj_weight`` (3D, D), rows ``[W_q; W_k; W_v]``,
each (out features, in features); Keras keeps one kernel per projection, (D, heads, head_dim), and
an output kernel (heads, head_dim, D). Features are grouped by head in both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def keras_attention_like(torch_mha: torch.nn.MultiheadAttention, seq_len: int = 4) -> Any:
    """A built ``keras.layers.MultiHeadAttention`` computing what ``torch_mha`` computes (same weights)."""
    import keras

    d, heads = torch_mha.embed_dim, torch_mha.num_heads
    head_dim = d // heads
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=head_dim)
    probe = np.zeros((1, seq_len, d), dtype="float32")
    layer(probe, probe)                                      # builds the weights
    w_in = torch_mha.in_proj_weight.detach().numpy()
    b_in = torch_mha.in_proj_bias.detach().numpy()
    projections = []
    for part in range(3):                                    # query, key, value
        w = w_in[part * d:(part + 1) * d]                    # (out, in)
        projections += [w.T.reshape(d, heads, head_dim), b_in[part * d:(part + 1) * d].reshape(heads, head_dim)]
    w_out = torch_mha.out_proj.weight.detach().numpy()       # (D out, D in)
    weights = [*projections, w_out.T.reshape(heads, head_dim, d), torch_mha.out_proj.bias.detach().numpy()]
    layer.set_weights([w.astype("float32") for w in weights])
    return layer
