"""Correct answers to module 06 (evaluation), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

# ---------------------------------------------------------------------------
# confusion_matrix(y_true, y_pred, n_classes)
# ---------------------------------------------------------------------------

_CM_LOOP = '''
def confusion_matrix(y_true, y_pred, n_classes):
    cm = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(np.ravel(y_true), np.ravel(y_pred)):
        cm[t, p] += 1
    return cm
'''

_CM_BINCOUNT = '''
def confusion_matrix(y_true, y_pred, n_classes):
    """Each (true, predicted) pair becomes one cell number true * n_classes + predicted; count them."""
    cells = np.asarray(y_true, dtype=np.int64).ravel() * n_classes + np.asarray(y_pred, dtype=np.int64).ravel()
    return np.bincount(cells, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
'''

_CM_ONE_HOT = '''
def confusion_matrix(y_true, y_pred, n_classes):
    identity = np.eye(n_classes, dtype=np.int64)
    true_one_hot = identity[np.asarray(y_true).ravel()]     # (samples, classes)
    pred_one_hot = identity[np.asarray(y_pred).ravel()]
    return true_one_hot.T @ pred_one_hot
'''

_CM_COUNTER = '''
from collections import Counter


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    assert n_classes >= 1, "there must be at least one class"
    pairs = Counter(zip(np.ravel(y_true).tolist(), np.ravel(y_pred).tolist()))
    rows = [[pairs[(i, j)] for j in range(n_classes)] for i in range(n_classes)]
    return np.array(rows, dtype=int)
'''

# ---------------------------------------------------------------------------
# precision_recall_f1(cm)
# ---------------------------------------------------------------------------

_PRF_LOOP = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm, dtype=float)
    n = cm.shape[0]
    precision, recall, f1 = np.zeros(n), np.zeros(n), np.zeros(n)
    for k in range(n):
        tp = cm[k, k]
        predicted = cm[:, k].sum()
        actual = cm[k, :].sum()
        precision[k] = tp / predicted if predicted > 0 else 0.0
        recall[k] = tp / actual if actual > 0 else 0.0
        both = precision[k] + recall[k]
        f1[k] = 2 * precision[k] * recall[k] / both if both > 0 else 0.0
    return precision, recall, f1
'''

_PRF_ERRSTATE_WHERE = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm, dtype=float)
    tp = np.diagonal(cm)
    with np.errstate(divide="ignore", invalid="ignore"):    # 0/0 gives nan here; np.where replaces it
        precision = np.where(cm.sum(axis=0) > 0, tp / cm.sum(axis=0), 0.0)
        recall = np.where(cm.sum(axis=1) > 0, tp / cm.sum(axis=1), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return precision, recall, f1
'''

_PRF_COUNTS = '''
def precision_recall_f1(cm):
    """From counts: F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (row sum + column sum)."""
    cm = np.asarray(cm, dtype=float)
    tp = np.einsum("ii->i", cm)
    column_sums, row_sums = cm.sum(axis=0), cm.sum(axis=1)
    # counts are whole numbers: where a sum is 0 so is tp, and max(sum, 1) avoids 0 / 0
    precision = tp / np.maximum(column_sums, 1)
    recall = tp / np.maximum(row_sums, 1)
    f1 = 2 * tp / np.maximum(row_sums + column_sums, 1)
    return precision, recall, f1
'''

_PRF_RESULTS_DICT = '''
def precision_recall_f1(cm):
    counts = np.array(cm, dtype=float)
    results = {}
    for name, axis in (("precision", 0), ("recall", 1)):
        totals = counts.sum(axis=axis)
        results[name] = np.divide(np.diag(counts), totals, out=np.zeros(len(totals)), where=totals > 0)
    both = results["precision"] + results["recall"]
    results["f1"] = np.divide(2 * results["precision"] * results["recall"], both,
                              out=np.zeros_like(both), where=both > 0)
    return results["precision"], results["recall"], results["f1"]
'''

# ---------------------------------------------------------------------------
# roc_curve_points(y_true, scores), auc(fpr, tpr)
# ---------------------------------------------------------------------------

_ROC_LOOP = '''
def roc_curve_points(y_true, scores):
    labels = [int(v) for v in np.ravel(y_true)]
    values = [float(s) for s in np.ravel(scores)]
    positives = sum(labels)
    negatives = len(labels) - positives
    fpr, tpr = [0.0], [0.0]
    for threshold in sorted(set(values), reverse=True):
        tp = sum(1 for y, s in zip(labels, values) if s >= threshold and y == 1)
        fp = sum(1 for y, s in zip(labels, values) if s >= threshold and y == 0)
        tpr.append(tp / positives)
        fpr.append(fp / negatives)
    return np.array(fpr), np.array(tpr)
'''

_ROC_BROADCAST = '''
def roc_curve_points(y_true, scores):
    y = np.asarray(y_true).ravel() == 1
    s = np.asarray(scores, dtype=float).ravel()
    thresholds = np.unique(s)[::-1]                       # distinct scores, highest first
    predicted = s[np.newaxis, :] >= thresholds[:, np.newaxis]   # (thresholds, samples)
    tp = (predicted & y).sum(axis=1)
    fp = (predicted & ~y).sum(axis=1)
    tpr = np.concatenate([[0.0], tp / y.sum()])
    fpr = np.concatenate([[0.0], fp / (~y).sum()])
    return fpr, tpr
'''

_ROC_ADD_AT = '''
def roc_curve_points(y_true, scores):
    y = np.asarray(y_true, dtype=float).ravel()
    # unique of -scores: the distinct scores from the highest down, and each sample's group
    groups, group_of = np.unique(-np.asarray(scores, dtype=float).ravel(), return_inverse=True)
    pos_per_group = np.zeros(len(groups))
    neg_per_group = np.zeros(len(groups))
    np.add.at(pos_per_group, group_of.ravel(), y)
    np.add.at(neg_per_group, group_of.ravel(), 1.0 - y)
    tpr = np.r_[0.0, np.cumsum(pos_per_group)] / y.sum()
    fpr = np.r_[0.0, np.cumsum(neg_per_group)] / (len(y) - y.sum())
    return fpr, tpr
'''

_ROC_SKLEARN = '''
def roc_curve_points(y_true, scores):
    fpr, tpr, _thresholds = sklearn.metrics.roc_curve(np.ravel(y_true), np.ravel(scores), drop_intermediate=False)
    return fpr, tpr
'''

_AUC_LOOP = '''
def auc(fpr, tpr):
    area = 0.0
    for i in range(1, len(fpr)):
        area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2
    return float(area)
'''

_AUC_SCIPY = '''
from scipy.integrate import trapezoid


def auc(fpr, tpr):
    return float(trapezoid(np.asarray(tpr, dtype=float), np.asarray(fpr, dtype=float)))
'''

_AUC_DOT = '''
def auc(fpr, tpr):
    x = np.asarray(fpr, dtype=float)
    y = np.asarray(tpr, dtype=float)
    return np.dot(np.diff(x), y[1:] + y[:-1]) / 2
'''

_AUC_TORCH = '''
import torch


def auc(fpr, tpr):
    y = torch.as_tensor(np.asarray(tpr, dtype=np.float64))
    x = torch.as_tensor(np.asarray(fpr, dtype=np.float64))
    return torch.trapezoid(y, x).item()
'''

_AUC_RECURSIVE = '''
def auc(fpr, tpr):
    """Divide and conquer: the area of the first half of the segments plus that of the second half."""
    x, y = np.asarray(fpr, dtype=float), np.asarray(tpr, dtype=float)

    def area(lo, hi):          # segments lo .. hi - 1
        if hi - lo == 0:
            return 0.0
        if hi - lo == 1:
            return (x[lo + 1] - x[lo]) * (y[lo] + y[lo + 1]) / 2
        mid = (lo + hi) // 2
        return area(lo, mid) + area(mid, hi)

    return float(area(0, len(x) - 1))
'''

# ---------------------------------------------------------------------------
# k_fold_indices(n, k)
# ---------------------------------------------------------------------------

_KFOLD_ARRAY_SPLIT = '''
def k_fold_indices(n, k):
    if not 2 <= k <= n:
        raise ValueError(f"k must satisfy 2 <= k <= n = {n}; got {k}")
    everything = np.arange(n)
    return [(np.setdiff1d(everything, val), val) for val in np.array_split(everything, k)]
'''

_KFOLD_MASKS = '''
def k_fold_indices(n: int, k: int) -> list:
    """Fold i validates on a contiguous block; the first n % k blocks are one longer."""
    if k < 2:
        raise ValueError("k-fold cross-validation needs k >= 2")
    if k > n:
        raise ValueError(f"cannot split {n} samples into {k} non-empty folds")
    folds = []
    for i in range(k):
        start = i * (n // k) + min(i, n % k)
        stop = start + n // k + (1 if i < n % k else 0)
        in_val = np.zeros(n, dtype=bool)
        in_val[start:stop] = True
        folds.append((np.flatnonzero(~in_val), np.flatnonzero(in_val)))
    print(f"{k} folds of sizes {[len(v) for _, v in folds]}")
    return folds
'''

_KFOLD_RECURSIVE = '''
def _blocks(start, n_left, k_left):
    """(start, stop) of k_left contiguous blocks covering n_left samples, larger blocks first."""
    if k_left == 0:
        return []
    size = -(-n_left // k_left)        # ceil: the remainder goes to the first blocks
    return [(start, start + size)] + _blocks(start + size, n_left - size, k_left - 1)


def k_fold_indices(n, k):
    if k < 2 or k > n:
        raise ValueError(f"need 2 <= k <= n, got n={n}, k={k}")
    return [(np.array([i for i in range(n) if not lo <= i < hi], dtype=int), np.arange(lo, hi))
            for lo, hi in _blocks(0, n, k)]
'''

_KFOLD_SKLEARN = '''
from sklearn.model_selection import KFold


def k_fold_indices(n, k):
    if k < 2 or k > n:
        raise ValueError(f"k must be between 2 and n ({n}), got {k}")
    return list(KFold(n_splits=k).split(np.zeros((n, 1))))
'''

ALTERNATIVES = [
    Alternative("confusion_matrix", "loop over samples", _CM_LOOP),
    Alternative("confusion_matrix", "np.bincount of cell numbers", _CM_BINCOUNT),
    Alternative("confusion_matrix", "one-hot matrix product", _CM_ONE_HOT),
    Alternative("confusion_matrix", "collections.Counter, assert, type hints", _CM_COUNTER),
    Alternative("precision_recall_f1", "loop over classes", _PRF_LOOP),
    Alternative("precision_recall_f1", "np.errstate + np.where", _PRF_ERRSTATE_WHERE),
    Alternative("precision_recall_f1", "counts formula with np.maximum, np.einsum diagonal", _PRF_COUNTS),
    Alternative("precision_recall_f1", "local results dict assigned by key", _PRF_RESULTS_DICT),
    Alternative("roc_curve_points", "Python loop over sorted thresholds", _ROC_LOOP),
    Alternative("roc_curve_points", "broadcast comparison matrix", _ROC_BROADCAST),
    Alternative("roc_curve_points", "np.unique inverse + np.add.at", _ROC_ADD_AT),
    Alternative("roc_curve_points", "sklearn.metrics.roc_curve", _ROC_SKLEARN),
    Alternative("auc", "Python loop", _AUC_LOOP),
    Alternative("auc", "scipy.integrate.trapezoid", _AUC_SCIPY),
    Alternative("auc", "np.dot", _AUC_DOT),
    Alternative("auc", "torch.trapezoid", _AUC_TORCH),
    Alternative("auc", "divide-and-conquer recursion", _AUC_RECURSIVE),
    Alternative("k_fold_indices", "np.array_split + np.setdiff1d", _KFOLD_ARRAY_SPLIT),
    Alternative("k_fold_indices", "boolean masks, print, type hints", _KFOLD_MASKS),
    Alternative("k_fold_indices", "recursive block sizes", _KFOLD_RECURSIVE),
    Alternative("k_fold_indices", "sklearn KFold", _KFOLD_SKLEARN),
]
