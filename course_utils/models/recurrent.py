"""An LSTM for the toy sequence tasks of module 11, the recurrent baseline for the transformer.

The LSTM of module 07 with one change for sequence-to-sequence tasks: it reads the whole
input, then ``length`` more steps of a "now answer" token, and predicts one output token
at each of those steps. Everything it knows about the input has to pass through its fixed
state (h, c) at the end of reading, the bottleneck that attention removes.
"""

from __future__ import annotations

import torch


class ReadThenWriteLSTM(torch.nn.Module):
    """Tokens (N, T) int64 -> logits (N, T, vocab): read T tokens, then write T answers."""

    def __init__(self, vocab: int, hidden: int = 128, embed: int = 32, layers: int = 1):
        super().__init__()
        self.vocab = vocab
        self.embed = torch.nn.Embedding(vocab + 1, embed)       # id ``vocab`` is the "now answer" token
        self.lstm = torch.nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        answer = torch.full_like(tokens, self.vocab)
        states, _ = self.lstm(self.embed(torch.cat([tokens, answer], dim=1)))   # (N, 2T, hidden)
        return self.head(states[:, tokens.shape[1]:])
