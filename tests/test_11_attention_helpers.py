"""Helpers of module 11: toy sequence tasks, the LSTM baseline, time-budgeted training, attention plots,
Keras attention with PyTorch's weights, and the sentence encoder's attention maps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_utils import datasets as data  # noqa: E402
from course_utils import plots, training  # noqa: E402
from course_utils.models import encoder_attention, keras_attention, sentence_encoder  # noqa: E402
from course_utils.models.recurrent import ReadThenWriteLSTM  # noqa: E402


def test_toy_sequences_reverse_and_sort():
    X, Y = data.toy_sequences("reverse", 50, length=7, vocab=5, seed=3)
    assert X.shape == Y.shape == (50, 7) and X.dtype == np.int64
    assert X.min() >= 0 and X.max() <= 4
    np.testing.assert_array_equal(Y, X[:, ::-1])
    X2, Y2 = data.toy_sequences("sort", 50, length=7, vocab=5, seed=3)
    np.testing.assert_array_equal(X2, X)                      # same seed, same inputs
    np.testing.assert_array_equal(Y2, np.sort(X, axis=1))
    assert not np.array_equal(data.toy_sequences("reverse", 50, 7, 5, seed=4)[0], X)


def test_toy_sequences_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown task"):
        data.toy_sequences("copy", 5)
    with pytest.raises(ValueError, match="vocab >= 2"):
        data.toy_sequences("sort", 5, vocab=1)


def test_read_then_write_lstm_answers_every_position():
    torch.manual_seed(0)
    model = ReadThenWriteLSTM(vocab=6, hidden=16)
    logits = model(torch.randint(0, 6, (4, 9)))
    assert logits.shape == (4, 9, 6)
    # the answer at position 0 comes after reading all 9 inputs: changing the last input changes it
    tokens = torch.zeros(1, 9, dtype=torch.long)
    changed = tokens.clone()
    changed[0, -1] = 5
    assert not torch.allclose(model(tokens)[0, 0], model(changed)[0, 0])


class _Reverser(torch.nn.Module):
    """A perfect reverser (one-hot logits), with a parameter so that the helpers find a device."""

    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, tokens):
        return torch.nn.functional.one_hot(tokens.flip(1), self.vocab).float() + 0 * self.dummy


def test_sequence_accuracy_counts_whole_sequences_and_tokens():
    X, Y = data.toy_sequences("reverse", 30, 5, 4, seed=0)
    assert training.sequence_accuracy(_Reverser(4), X, Y) == (1.0, 1.0)
    Y_wrong = Y.copy()
    Y_wrong[:10, 0] = (Y_wrong[:10, 0] + 1) % 4               # one wrong token in 10 of 30 sequences
    whole, tokens = training.sequence_accuracy(_Reverser(4), X, Y_wrong, batch_size=7)
    assert whole == pytest.approx(20 / 30) and tokens == pytest.approx(1 - 10 / 150)


def test_fit_for_seconds_stops_on_time_and_learns():
    X, Y = data.toy_sequences("reverse", 512, 4, 3, seed=0)
    Xv, Yv = data.toy_sequences("reverse", 64, 4, 3, seed=1)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Embedding(3, 8), torch.nn.Flatten(), torch.nn.Linear(32, 12),
                                torch.nn.Unflatten(1, (4, 3)))
    history = training.fit_for_seconds(model, X, Y, 1.0, Xv, Yv, lr=0.05, batch_size=32, eval_every=20,
                                       verbose=False)
    assert set(history) == {"seconds", "steps", "loss", "sequence_accuracy", "token_accuracy"}
    assert 1.0 <= history["seconds"][-1] < 5.0 and history["steps"] == sorted(history["steps"])
    assert len({len(v) for v in history.values()}) == 1
    assert history["sequence_accuracy"][-1] > 0.9               # a linear map can reverse 4 tokens


def test_attention_plots_draw_heat_maps():
    weights = torch.softmax(torch.randn(3, 5, 5), dim=-1).numpy()
    ax = plots.plot_attention(weights[0], list("abcde"), list("vwxyz"), title="t", highlight=2, colorbar=True)
    assert ax.get_title() == "t" and [t.get_text() for t in ax.get_xticklabels()] == list("vwxyz")
    assert len(ax.patches) == 1                                  # the highlighted query's outline
    fig = plots.plot_attention_heads(weights, list("abcde"), ncols=2)
    assert len(fig.axes) == 4 and not fig.axes[3].axison        # 3 heads on a 2x2 grid
    with pytest.raises(ValueError, match="labels"):
        plots.plot_attention(weights[0], list("abc"))
    with pytest.raises(ValueError, match="Tq, Tk"):
        plots.plot_attention(weights)
    pe = np.sin(np.arange(20)[:, None] / (1 + np.arange(8)))
    fig = plots.plot_positional_encoding(pe, columns=(0, 1, 30))
    assert len(fig.axes[1].lines) == 2                          # a column past d is skipped
    plt.close("all")


def test_keras_attention_like_equals_torch():
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(12, 3, batch_first=True)
    layer = keras_attention.keras_attention_like(mha)
    x = torch.randn(2, 5, 12)
    allowed = torch.ones(5, 5, dtype=torch.bool).tril()
    want, want_weights = mha(x, x, x, attn_mask=~allowed, average_attn_weights=False)
    got, got_weights = layer(x.numpy(), x.numpy(), attention_mask=allowed.numpy(), return_attention_scores=True)
    np.testing.assert_allclose(np.asarray(got), want.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(np.asarray(got_weights), want_weights.detach().numpy(), atol=1e-6)


def test_sentence_attentions_of_the_encoder():
    model = sentence_encoder.load_minilm()
    encoder, _ = encoder_attention.encoder_parts(model)
    before = encoder.config._attn_implementation
    tokens, weights, hidden = encoder_attention.sentence_attentions(model, "the cat sat")
    assert tokens == ["[CLS]", "the", "cat", "sat", "[SEP]"]
    assert weights.shape == (6, 12, 5, 5) and hidden.shape == (7, 5, 384)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, atol=1e-5)
    assert encoder.config._attn_implementation == before         # restored
    parts = encoder_attention.layer_projections(model, 0)
    assert parts["n_heads"] == 12 and parts["query"].weight.shape == (384, 384)
    with torch.no_grad():                                        # layer 0's weights from its projections
        h = torch.as_tensor(hidden[0])
        q = parts["query"](h).reshape(5, 12, 32).transpose(0, 1)
        k = parts["key"](h).reshape(5, 12, 32).transpose(0, 1)
        scores = torch.softmax(q @ k.transpose(1, 2) / 32 ** 0.5, dim=-1)
    np.testing.assert_allclose(scores.numpy(), weights[0], atol=1e-5)
