"""Opening up a pretrained transformer encoder (11): the tokens and attention weights of one sentence.

Works on the all-MiniLM-L6-v2 ``SentenceTransformer`` of :mod:`course_utils.models.sentence_encoder`
(a BERT encoder: 6 layers of 12 heads over 384 features).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def encoder_parts(model: Any) -> tuple[Any, Any]:
    """The Hugging Face encoder (a ``BertModel``) and its tokenizer inside a ``SentenceTransformer``."""
    first = model[0]
    return first.auto_model, first.tokenizer


def sentence_attentions(model: Any, sentence: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Tokens (T,) of ``sentence``, attention weights (layers, heads, T, T) and hidden states (layers + 1, T, D).

    ``hidden[l]`` is the input of layer ``l`` (``hidden[0]``: the embeddings with positions added).
    The encoder runs with the plain ("eager") attention, the only one that returns its weights;
    its previous attention implementation is restored afterwards.
    """
    encoder, tokenizer = encoder_parts(model)
    batch = tokenizer(sentence, return_tensors="pt")
    previous = encoder.config._attn_implementation
    encoder.set_attn_implementation("eager")
    try:
        with torch.no_grad():
            out = encoder(**batch, output_attentions=True, output_hidden_states=True)
    finally:
        encoder.set_attn_implementation(previous)
    tokens = tokenizer.convert_ids_to_tokens(batch["input_ids"][0])
    weights = torch.stack([a[0] for a in out.attentions]).numpy()
    hidden = torch.stack([h[0] for h in out.hidden_states]).numpy()
    return tokens, weights, hidden


def layer_projections(model: Any, layer: int) -> dict[str, torch.nn.Linear]:
    """The query, key and value projections (``torch.nn.Linear``, D -> D) of one encoder layer, and its head count."""
    encoder, _ = encoder_parts(model)
    attention = encoder.encoder.layer[layer].attention.self
    return {"query": attention.query, "key": attention.key, "value": attention.value,
            "n_heads": encoder.config.num_attention_heads}
