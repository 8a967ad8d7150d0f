"""Correct answers to module 08 (NLP), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

ALTERNATIVES = [
    # tokenize
    Alternative("tokenize", "character loop", '''
def tokenize(text):
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789'")
    tokens, current = [], ""
    for ch in text.lower():
        if ch in allowed:
            current += ch
        elif current:
            tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    return tokens
'''),
    Alternative("tokenize", "re.split and a filter", '''
import re as regex

SEPARATOR = regex.compile(r"[^a-z0-9']+")


def tokenize(text):
    return [piece for piece in SEPARATOR.split(text.lower()) if piece]
'''),
    Alternative("tokenize", "translate to spaces and str.split", '''
import string


def tokenize(text):
    """Everything that is not a-z, 0-9 or an apostrophe becomes a space."""
    keep = set(string.ascii_lowercase + string.digits + "'")
    cleaned = "".join(c if c in keep else " " for c in text.lower())
    return cleaned.split()
'''),
    Alternative("tokenize", "finditer returning a tuple", '''
import re


def tokenize(text):
    return tuple(m.group(0) for m in re.finditer("[a-z0-9']+", text.lower()))
'''),
    # build_vocab
    Alternative("build_vocab", "plain dict and one sort", '''
def build_vocab(token_lists, max_size=None, min_freq=1):
    counts = {}
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    vocab = {"<pad>": 0, "<unk>": 1}
    for token, count in ranked:
        if max_size is not None and len(vocab) >= max_size:
            break
        if count >= min_freq:
            vocab[token] = len(vocab)
    return vocab
'''),
    Alternative("build_vocab", "Counter and two stable sorts", '''
from collections import Counter
import itertools


def build_vocab(token_lists, max_size=None, min_freq=1):
    counter = Counter(itertools.chain.from_iterable(token_lists))
    tokens = sorted(counter)                                   # alphabetical first ...
    tokens.sort(key=counter.__getitem__, reverse=True)         # ... then by count, stable
    tokens = [t for t in tokens if counter[t] >= min_freq]
    specials = ["<pad>", "<unk>"]
    if max_size is not None:
        tokens = tokens[:max(0, max_size - len(specials))]
    return {token: index for index, token in enumerate(specials + tokens)}
'''),
    Alternative("build_vocab", "numpy unique and lexsort", '''
def build_vocab(token_lists, max_size=None, min_freq=1):
    flat = [t for tokens in token_lists for t in tokens]
    vocab = {"<pad>": 0, "<unk>": 1}
    if not flat:
        return vocab
    words, counts = np.unique(np.array(flat, dtype=object).astype(str), return_counts=True)
    order = np.lexsort((words, -counts))                       # last key first: counts, then words
    for i in order:
        if counts[i] < min_freq or (max_size is not None and len(vocab) >= max_size):
            continue
        vocab[str(words[i])] = len(vocab)
    return vocab
'''),
    # encode
    Alternative("encode", "try and except", '''
def encode(tokens, vocab):
    ids = []
    for token in tokens:
        try:
            ids.append(vocab[token])
        except KeyError:
            ids.append(1)
    return ids
'''),
    Alternative("encode", "map with a default", '''
UNK = 1


def encode(tokens, vocab):
    return list(map(lambda token: vocab.get(token, UNK), tokens))
'''),
    Alternative("encode", "numpy array result", '''
def encode(tokens, vocab):
    return np.array([vocab[t] if t in vocab else 1 for t in tokens], dtype=np.int64)
'''),
    # pad_sequences
    Alternative("pad_sequences", "lists, then one array", '''
def pad_sequences(seqs, maxlen, padding="pre", truncating="pre", value=0):
    rows = []
    for seq in seqs:
        seq = list(seq)
        if len(seq) > maxlen:
            seq = seq[len(seq) - maxlen:] if truncating == "pre" else seq[:maxlen]
        pad = [value] * (maxlen - len(seq))
        rows.append(pad + seq if padding == "pre" else seq + pad)
    return np.array(rows, dtype=np.int32).reshape(len(rows), maxlen)
'''),
    Alternative("pad_sequences", "torch tensors", '''
import torch


def pad_sequences(seqs, maxlen, padding="pre", truncating="pre", value=0):
    result = torch.full((len(seqs), maxlen), int(value), dtype=torch.long)
    for i, s in enumerate(seqs):
        t = torch.as_tensor(list(s), dtype=torch.long)
        t = t[-maxlen:] if truncating == "pre" else t[:maxlen]
        n = t.numel()
        if n == 0:
            continue
        if padding == "pre":
            result[i, maxlen - n:] = t
        else:
            result[i, :n] = t
    return result.numpy()
'''),
    Alternative("pad_sequences", "np.pad per row", '''
def pad_sequences(seqs, maxlen, padding="pre", truncating="pre", value=0):
    def one(seq):
        seq = np.asarray(list(seq), dtype=np.int64)
        if seq.size > maxlen:
            seq = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        missing = maxlen - seq.size
        widths = (missing, 0) if padding == "pre" else (0, missing)
        return np.pad(seq, widths, constant_values=value)
    if len(seqs) == 0:
        return np.zeros((0, maxlen), dtype=np.int64)
    return np.stack([one(s) for s in seqs])
'''),
    # bag_of_words
    Alternative("bag_of_words", "np.add.at", '''
def bag_of_words(seqs, vocab_size):
    counts = np.zeros((len(seqs), vocab_size))
    for i, seq in enumerate(seqs):
        ids = np.asarray(list(seq), dtype=int)
        np.add.at(counts[i], ids[ids != 0], 1)
    return counts
'''),
    Alternative("bag_of_words", "bincount per row", '''
def bag_of_words(seqs, vocab_size):
    rows = []
    for seq in seqs:
        row = np.bincount(np.asarray(seq, dtype=np.int64).ravel(), minlength=vocab_size).astype(np.float32)
        row[0] = 0.0                                   # padding
        rows.append(row)
    return np.array(rows, dtype=np.float32).reshape(len(seqs), vocab_size)
'''),
    Alternative("bag_of_words", "Counter", '''
from collections import Counter


def bag_of_words(seqs, vocab_size):
    out = np.zeros((len(seqs), vocab_size), dtype=float)
    for i, seq in enumerate(seqs):
        for token_id, n in Counter(int(t) for t in seq).items():
            if token_id:
                out[i, token_id] = n
    return out
'''),
    Alternative("bag_of_words", "scipy sparse matrix", '''
import scipy.sparse


def bag_of_words(seqs, vocab_size):
    rows, cols = [], []
    for i, seq in enumerate(seqs):
        for token_id in seq:
            if token_id != 0:
                rows.append(i)
                cols.append(int(token_id))
    matrix = scipy.sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(seqs), vocab_size))
    return matrix.toarray()                            # duplicates are summed
'''),
    # masked_mean
    Alternative("masked_mean", "torch.where and einsum", '''
def masked_mean(embedded, mask):
    m = torch.where(mask, 1.0, 0.0).to(embedded.dtype)
    total = torch.einsum("ntd,nt->nd", embedded, m)
    count = m.sum(dim=1, keepdim=True)
    return total / torch.maximum(count, torch.ones_like(count))
'''),
    Alternative("masked_mean", "loop over rows", '''
def masked_mean(embedded, mask):
    rows = []
    for n in range(embedded.shape[0]):
        real = embedded[n][mask[n]]
        rows.append(real.mean(dim=0) if real.shape[0] > 0 else embedded.new_zeros(embedded.shape[2]))
    return torch.stack(rows)
'''),
    Alternative("masked_mean", "batched matrix product", '''
import torch.nn.functional as F


def masked_mean(embedded, mask):
    weights = mask.unsqueeze(1).type_as(embedded)            # (N, 1, T)
    summed = torch.bmm(weights, embedded).squeeze(1)          # (N, D)
    lengths = weights.sum(dim=2)                              # (N, 1)
    return summed / lengths.clamp_min(1)
'''),
    # top_k_similar
    Alternative("top_k_similar", "torch cosine_similarity and a stable sort", '''
import torch


def top_k_similar(query, matrix, k):
    m = torch.as_tensor(np.asarray(matrix, dtype=np.float64))
    q = torch.as_tensor(np.asarray(query, dtype=np.float64))
    m_unit = m / m.norm(dim=1, keepdim=True)
    q_unit = q / q.norm()
    sims = m_unit @ q_unit
    order = torch.sort(sims, descending=True, stable=True).indices
    return order[:k].numpy()
'''),
    Alternative("top_k_similar", "python sorted", '''
import math


def top_k_similar(query, matrix, k):
    def norm(v):
        return math.sqrt(sum(float(x) * float(x) for x in v))
    q = [float(x) for x in query]
    scores = []
    for i, row in enumerate(matrix):
        dot = sum(float(a) * b for a, b in zip(row, q))
        scores.append((-(dot / (norm(row) * norm(q))), i))
    return np.array([i for _, i in sorted(scores)[:k]], dtype=int)
'''),
    Alternative("top_k_similar", "lexsort on normalised rows", '''
def top_k_similar(query, matrix, k):
    M = np.array(matrix, dtype=float)
    M = M / np.linalg.norm(M, axis=1, keepdims=True)
    q = np.array(query, dtype=float)
    q = q / np.linalg.norm(q)
    cos = M @ q
    order = np.lexsort((np.arange(len(cos)), -cos))
    return order[:k]
'''),
]
