"""Wrong answers to module 08 (NLP) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

_TOKENIZE = '''
def tokenize(text):
    import re
    return {expr}
'''

_VOCAB = '''
def build_vocab(token_lists, max_size=None, min_freq=1):
    from collections import Counter
    counts = Counter({counted})
    kept = {order}
    kept = [t for t in kept if counts[t] {cmp} min_freq]
    if max_size is not None:
        kept = kept[:{limit}]
    vocab = {{"<pad>": 0, "<unk>": 1}}
    for token in kept:
        vocab[token] = len(vocab){shift}
    return vocab
'''
_GOOD_VOCAB = dict(counted="t for tokens in token_lists for t in tokens",
                   order="sorted(counts, key=lambda t: (-counts[t], t))", cmp=">=", limit="max_size - 2", shift="")


def _vocab(**c):
    return _VOCAB.format(**{**_GOOD_VOCAB, **c})


_PAD = '''
def pad_sequences(seqs, maxlen, padding="{pad_default}", truncating="{trunc_default}", value=0):
    out = np.full((len(seqs), maxlen), {fill}, dtype={dtype})
    for row, seq in enumerate(seqs):
        seq = list(seq)
        kept = {kept}
        if padding == "{pad_front}":
            {front}
        else:
            out[row, :len(kept)] = kept
    return out
'''
_GOOD_PAD = dict(pad_default="pre", trunc_default="pre", fill="value", dtype="np.int64",
                 kept='seq[max(len(seq) - maxlen, 0):] if truncating == "pre" else seq[:maxlen]',
                 pad_front="pre", front="out[row, maxlen - len(kept):] = kept")


def _pad(**c):
    return _PAD.format(**{**_GOOD_PAD, **c})


_BOW = '''
def bag_of_words(seqs, vocab_size):
    counts = np.zeros((len(seqs), vocab_size), dtype={dtype})
    for row, seq in enumerate(seqs):
        for token_id in {ids}:
            if {keep}:
                counts[row, token_id] {op}
    return counts
'''
_GOOD_BOW = dict(dtype="np.float64", ids="seq", keep="token_id != 0", op="+= 1")


def _bow(**c):
    return _BOW.format(**{**_GOOD_BOW, **c})


_BOW_INPLACE = '''
def bag_of_words(seqs, vocab_size):
    counts = np.zeros((len(seqs), vocab_size))
    for row, seq in enumerate(seqs):
        if isinstance(seq, list):
            seq.sort()
        else:
            seq[:] = np.sort(seq)
        for token_id in seq:
            if token_id != 0:
                counts[row, token_id] += 1
    return counts
'''

_MEAN = '''
def masked_mean(embedded, mask):
    {body}
'''

_TOPK = '''
def top_k_similar(query, matrix, k):
    matrix = np.asarray(matrix, dtype=float)
    query = np.asarray(query, dtype=float)
    sim = {sim}
    return {result}
'''
_COS = "matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))"


def _topk(sim=_COS, result='np.argsort(-sim, kind="stable")[:k]'):
    return _TOPK.format(sim=sim, result=result)


MUTANTS = [
    # tokenize
    Mutant("tokenize", "split at spaces", _TOKENIZE.format(expr="text.lower().split()"), "punctuation separates"),
    Mutant("tokenize", "no lower-casing", _TOKENIZE.format(expr="re.findall(r\"[a-z0-9']+\", text)"), "lower-case"),
    Mutant("tokenize", "\\w keeps the underscore", _TOKENIZE.format(expr="re.findall(r\"[\\w']+\", text.lower())"),
           "underscore"),
    Mutant("tokenize", "apostrophe splits", _TOKENIZE.format(expr="re.findall(r\"[a-z0-9]+\", text.lower())"),
           "apostrophe"),
    Mutant("tokenize", "digits dropped", _TOKENIZE.format(expr="re.findall(r\"[a-z']+\", text.lower())"), "digits"),
    Mutant("tokenize", "isalnum keeps accented letters",
           _TOKENIZE.format(expr="''.join(c if c.isalnum() or c == \"'\" else ' ' for c in text.lower()).split()"),
           "accented"),
    Mutant("tokenize", "empty tokens kept", _TOKENIZE.format(expr="re.split(r\"[^a-z0-9']+\", text.lower())"),
           "empty strings"),
    # build_vocab
    Mutant("build_vocab", "ties by first appearance",
           _vocab(order="[t for t, _ in counts.most_common()]"), "alphabetically"),
    Mutant("build_vocab", "ascending counts", _vocab(order="sorted(counts, key=lambda t: (counts[t], t))"),
           "descending count"),
    Mutant("build_vocab", "min_freq strict", _vocab(cmp=">"), "at least min_freq"),
    Mutant("build_vocab", "max_size without the specials", _vocab(limit="max_size"), "specials included"),
    Mutant("build_vocab", "document frequency instead of counts",
           _vocab(counted="t for tokens in token_lists for t in set(tokens)"), "count every occurrence"),
    Mutant("build_vocab", "ids start at 1 after the specials", _vocab(shift=" + 1"), "without gaps"),
    Mutant("build_vocab", "specials forgotten", '''
def build_vocab(token_lists, max_size=None, min_freq=1):
    from collections import Counter
    counts = Counter(t for tokens in token_lists for t in tokens)
    kept = [t for t in sorted(counts, key=lambda t: (-counts[t], t)) if counts[t] >= min_freq]
    return {t: i for i, t in enumerate(kept[:max_size])}
''', '"<pad>" must have id 0'),
    # encode
    Mutant("encode", "unknown is 0", "def encode(tokens, vocab):\n    return [vocab.get(t, 0) for t in tokens]\n",
           "id 1"),
    Mutant("encode", "unknown tokens dropped",
           "def encode(tokens, vocab):\n    return [vocab[t] for t in tokens if t in vocab]\n", "id 1"),
    Mutant("encode", "repeats dropped",
           "def encode(tokens, vocab):\n    return [vocab.get(t, 1) for t in dict.fromkeys(tokens)]\n", "repeats"),
    # pad_sequences
    Mutant("pad_sequences", "padding sides swapped", _pad(pad_front="post"), "BEFORE"),
    Mutant("pad_sequences", "pre-truncation keeps the start",
           _pad(kept='seq[:maxlen] if truncating == "pre" else seq[-maxlen:]'), "drops tokens at the START"),
    Mutant("pad_sequences", "empty sequence breaks the slice", _pad(front="out[row, -len(kept):] = kept"),
           "empty ones"),
    Mutant("pad_sequences", "value ignored", _pad(fill="0"), "pad with `value`"),
    Mutant("pad_sequences", "float array", _pad(dtype="float"), "integer array"),
    Mutant("pad_sequences", "post defaults", _pad(pad_default="post", trunc_default="post"), "defaults"),
    Mutant("pad_sequences", "negative start for short sequences",
           _pad(kept='seq[len(seq) - maxlen:] if truncating == "pre" else seq[:maxlen]'), "kept whole"),
    # bag_of_words
    Mutant("bag_of_words", "padding counted", _bow(keep="True"), "id 0 is padding"),
    Mutant("bag_of_words", "presence instead of counts", _bow(op="= 1"), "count every occurrence"),
    Mutant("bag_of_words", "integer counts", _bow(dtype="int"), "float array"),
    Mutant("bag_of_words", "sorts the input in place", _BOW_INPLACE, "modified its argument"),
    # masked_mean
    Mutant("masked_mean", "padding averaged in", _MEAN.format(body="return embedded.mean(dim=1)"),
           "padding is averaged in"),
    Mutant("masked_mean", "divided by T", _MEAN.format(
        body="return (embedded * mask.unsqueeze(-1).to(embedded.dtype)).sum(dim=1) / embedded.shape[1]"),
        "over those only"),
    Mutant("masked_mean", "NaN for empty rows", _MEAN.format(
        body="w = mask.unsqueeze(-1).to(embedded.dtype)\n    return (embedded * w).sum(dim=1) / w.sum(dim=1)"),
        "not NaN"),
    Mutant("masked_mean", "NaN replaced after the division (NaN gradient)", _MEAN.format(
        body="w = mask.unsqueeze(-1).to(embedded.dtype)\n"
             "    return torch.nan_to_num((embedded * w).sum(dim=1) / w.sum(dim=1))"),
        "gradient reaches each real token"),
    Mutant("masked_mean", "one count for the whole batch", _MEAN.format(
        body="w = mask.unsqueeze(-1).to(embedded.dtype)\n"
             "    return (embedded * w).sum(dim=1) / w.sum().clamp(min=1)"), "over those only"),
    Mutant("masked_mean", "NumPy detour", _MEAN.format(
        body="e, m = embedded.detach().numpy(), mask.numpy()[..., None]\n"
             "    return torch.tensor((e * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1))"),
        "connected to the graph"),
    # top_k_similar
    Mutant("top_k_similar", "dot product", _topk(sim="matrix @ query"), "cosine similarity"),
    Mutant("top_k_similar", "least similar first", _topk(result='np.argsort(sim, kind="stable")[-k:]'),
           "most similar row must come first"),
    Mutant("top_k_similar", "ties by higher index",
           _topk(result="np.array(sorted(range(len(sim)), key=lambda i: (-sim[i], -i))[:k])"), "lower index"),
    Mutant("top_k_similar", "similarities returned", _topk(result="np.sort(sim)[::-1][:k]"), "integer indices"),
    Mutant("top_k_similar", "one too many", _topk(result='np.argsort(-sim, kind="stable")[:k + 1]'), "exactly k"),
]
