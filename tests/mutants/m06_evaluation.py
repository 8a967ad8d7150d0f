"""Wrong answers to module 06 (model evaluation) that the hidden tests must reject."""

from __future__ import annotations

from mutants import Mutant

# ---------------------------------------------------------------------------
# confusion_matrix(y_true, y_pred, n_classes)
# ---------------------------------------------------------------------------

_CM = '''
def confusion_matrix(y_true, y_pred, n_classes):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    n = {n}
    cm = np.zeros((n, n), dtype={dtype})
    {count}
    return {result}
'''
_GOOD_CM = dict(n="n_classes", dtype="int", count="np.add.at(cm, (y_true, y_pred), 1)", result="cm")


def _cm(**changes):
    return _CM.format(**{**_GOOD_CM, **changes})


_CM_INPLACE_BINCOUNT = '''
def confusion_matrix(y_true, y_pred, n_classes):
    flat = np.asarray(y_true)
    flat *= n_classes          # reuses (and overwrites) the caller's array
    flat += np.asarray(y_pred)
    return np.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)
'''

_CM_UNIQUE = '''
def confusion_matrix(y_true, y_pred, n_classes):
    classes = np.unique(np.concatenate([y_true, y_pred]))
    cm = np.zeros((len(classes), len(classes)), dtype=int)
    np.add.at(cm, (np.searchsorted(classes, y_true), np.searchsorted(classes, y_pred)), 1)
    return cm
'''

_CM_LOOP_OFF_BY_ONE = '''
def confusion_matrix(y_true, y_pred, n_classes):
    cm = np.zeros((n_classes, n_classes), dtype=int)
    for i in range(n_classes - 1):
        for j in range(n_classes - 1):
            cm[i, j] = np.sum((y_true == i) & (y_pred == j))
    return cm
'''

# ---------------------------------------------------------------------------
# precision_recall_f1(cm)
# ---------------------------------------------------------------------------

_PRF = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm, dtype=float)
    tp = np.diag(cm).copy()
    col, row = cm.sum(axis={col_axis}), cm.sum(axis={row_axis})
    precision = {precision}
    recall = {recall}
    both = precision + recall
    f1 = {f1}
    return {result}
'''
_SAFE = "np.divide({a}, {b}, out=np.{fill}_like({a}), where={b} > 0)"
_GOOD_PRF = dict(col_axis="0", row_axis="1", precision=_SAFE.format(a="tp", b="col", fill="zeros"),
                 recall=_SAFE.format(a="tp", b="row", fill="zeros"),
                 f1=_SAFE.format(a="2 * precision * recall", b="both", fill="zeros"),
                 result="precision, recall, f1")


def _prf(**changes):
    return _PRF.format(**{**_GOOD_PRF, **changes})


_PRF_NAN_SILENCED = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm, dtype=float)
    tp = np.diag(cm)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = tp / cm.sum(axis=0)
        recall = tp / cm.sum(axis=1)
        f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1
'''

_PRF_F1_NAN = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm, dtype=float)
    tp = np.diag(cm)
    col, row = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, col, out=np.zeros_like(tp), where=col > 0)
    recall = np.divide(tp, row, out=np.zeros_like(tp), where=row > 0)
    with np.errstate(invalid="ignore"):
        f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1
'''

_PRF_INTEGER_DIVISION = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm)
    tp = np.diag(cm)
    col, row = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.where(col > 0, tp // np.maximum(col, 1), 0)
    recall = np.where(row > 0, tp // np.maximum(row, 1), 0)
    both = precision + recall
    f1 = np.where(both > 0, 2 * precision * recall / np.maximum(both, 1), 0.0)
    return precision, recall, f1
'''

_PRF_NORMALISES_IN_PLACE = '''
def precision_recall_f1(cm):
    cm = np.asarray(cm, dtype=float)      # no copy when cm is already a float array
    tp = np.diag(cm).copy()
    row = cm.sum(axis=1)
    cm /= np.maximum(cm.sum(axis=0, keepdims=True), 1)   # column-normalised: the diagonal is the precision
    precision = np.diag(cm).copy()
    recall = np.divide(tp, row, out=np.zeros_like(tp), where=row > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(tp), where=both > 0)
    return precision, recall, f1
'''

# ---------------------------------------------------------------------------
# roc_curve_points(y_true, scores)
# ---------------------------------------------------------------------------

_ROC = '''
def roc_curve_points(y_true, scores):
    y_true = np.asarray(y_true, dtype=float)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], y_true[order]
    tps, fps = np.cumsum(y), np.cumsum(1 - y)
    keep = {keep}
    tpr = {start}tps[keep] / {pos}
    fpr = {start}fps[keep] / {neg}
    return {result}
'''
_GOOD_ROC = dict(keep="np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]", start="np.r_[0.0, ",
                 pos="tps[-1]]", neg="fps[-1]]", result="fpr, tpr")


def _roc(**changes):
    source = _ROC.format(**{**_GOOD_ROC, **changes})
    if changes.get("start") == "":  # no starting point: the brackets of np.r_[0.0, ...] go too
        source = source.replace("tps[keep] / tps[-1]]", "tps[keep] / tps[-1]").replace(
            "fps[keep] / fps[-1]]", "fps[keep] / fps[-1]")
    return source


_ROC_ASCENDING = '''
def roc_curve_points(y_true, scores):
    y_true, scores = np.asarray(y_true), np.asarray(scores)
    n_pos, n_neg = np.sum(y_true == 1), np.sum(y_true == 0)
    fpr, tpr = [], []
    for t in np.unique(scores):               # ascending
        positive = scores >= t
        tpr.append(np.sum(positive & (y_true == 1)) / n_pos)
        fpr.append(np.sum(positive & (y_true == 0)) / n_neg)
    return np.array(fpr + [0.0]), np.array(tpr + [0.0])
'''

_ROC_STRICT = '''
def roc_curve_points(y_true, scores):
    y_true, scores = np.asarray(y_true), np.asarray(scores)
    n_pos, n_neg = np.sum(y_true == 1), np.sum(y_true == 0)
    fpr, tpr = [0.0], [0.0]
    for t in np.unique(scores)[::-1]:
        positive = scores > t
        tpr.append(np.sum(positive & (y_true == 1)) / n_pos)
        fpr.append(np.sum(positive & (y_true == 0)) / n_neg)
    return np.array(fpr), np.array(tpr)
'''

_ROC_SORTS_IN_PLACE = '''
def roc_curve_points(y_true, scores):
    order = np.argsort(-scores, kind="stable")
    y = np.asarray(y_true, dtype=float)[order]
    scores.sort()                   # sorts the caller's array
    s = scores[::-1]
    tps, fps = np.cumsum(y), np.cumsum(1 - y)
    keep = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]
    return np.r_[0.0, fps[keep]] / fps[-1], np.r_[0.0, tps[keep]] / tps[-1]
'''

_ROC_SKLEARN_DEFAULT = '''
def roc_curve_points(y_true, scores):
    fpr, tpr, _ = sklearn.metrics.roc_curve(y_true, scores)   # drop_intermediate=True by default
    return fpr, tpr
'''

# ---------------------------------------------------------------------------
# auc(fpr, tpr)
# ---------------------------------------------------------------------------

_AUC = '''
def auc(fpr, tpr):
    x, y = np.asarray(fpr, dtype=float), np.asarray(tpr, dtype=float)
    return {result}
'''


def _auc(result):
    return _AUC.format(result=result)


# ---------------------------------------------------------------------------
# k_fold_indices(n, k)
# ---------------------------------------------------------------------------

_FOLDS = '''
def k_fold_indices(n, k):
    {check}
    sizes = {sizes}
    folds, start = [], 0
    for size in sizes:
        stop = start + size
        val_idx = {val}
        train_idx = {train}
        folds.append((train_idx, val_idx))
        start = stop
    return folds
'''
_GOOD_FOLDS = dict(check='if k < 2 or k > n:\n        raise ValueError("2 <= k <= n")',
                   sizes="[n // k + 1] * (n % k) + [n // k] * (k - n % k)",
                   val="np.arange(start, stop)",
                   train="np.concatenate([np.arange(0, start), np.arange(stop, n)])")


def _folds(**changes):
    return _FOLDS.format(**{**_GOOD_FOLDS, **changes})


_FOLDS_SHUFFLED = '''
def k_fold_indices(n, k):
    if k < 2 or k > n:
        raise ValueError("2 <= k <= n")
    order = np.random.default_rng(0).permutation(n)
    return [(np.setdiff1d(order, val), np.sort(val)) for val in np.array_split(order, k)]
'''

_FOLDS_STRIDED = '''
def k_fold_indices(n, k):
    if k < 2 or k > n:
        raise ValueError("2 <= k <= n")
    return [(np.setdiff1d(np.arange(n), np.arange(i, n, k)), np.arange(i, n, k)) for i in range(k)]
'''

_FOLDS_GENERATOR = '''
def k_fold_indices(n, k):
    if k < 2 or k > n:
        raise ValueError("2 <= k <= n")
    for val in np.array_split(np.arange(n), k):
        yield np.setdiff1d(np.arange(n), val), val
'''

MUTANTS = [
    # confusion_matrix
    Mutant("confusion_matrix", "y_true and y_pred swapped", _cm(count="np.add.at(cm, (y_pred, y_true), 1)"),
           "swap y_true and y_pred"),
    Mutant("confusion_matrix", "size from the largest label", _cm(n="max(y_true.max(), y_pred.max()) + 1"),
           "take its size from n_classes"),
    Mutant("confusion_matrix", "size from the classes present", _CM_UNIQUE, "take its size from n_classes"),
    Mutant("confusion_matrix", "one row and column too many", _cm(n="n_classes + 1"), "one row and one column per class"),
    Mutant("confusion_matrix", "fancy-index += counts repeats once", _cm(count="cm[y_true, y_pred] += 1"),
           "counted every time"),
    Mutant("confusion_matrix", "float counts", _cm(dtype="float"), "integer"),
    Mutant("confusion_matrix", "rows normalised", _cm(dtype="float", result="cm / np.maximum(cm.sum(axis=1, "
                                                                            "keepdims=True), 1)"), "not rates"),
    Mutant("confusion_matrix", "loop misses the last class", _CM_LOOP_OFF_BY_ONE, "entry [i, j]"),
    Mutant("confusion_matrix", "overwrites y_true in place", _CM_INPLACE_BINCOUNT, "in place"),
    # precision_recall_f1
    Mutant("precision_recall_f1", "axes swapped", _prf(col_axis="1", row_axis="0"), "swap the axes"),
    Mutant("precision_recall_f1", "plain division: nan and warnings",
           _prf(precision="tp / col", recall="tp / row", f1="2 * precision * recall / both"), "no nan"),
    Mutant("precision_recall_f1", "nan where undefined, warnings silenced", _PRF_NAN_SILENCED, "not nan"),
    Mutant("precision_recall_f1", "f1 nan where precision + recall is 0", _PRF_F1_NAN, "f1 must be 0"),
    Mutant("precision_recall_f1", "1 where undefined",
           _prf(precision=_SAFE.format(a="tp", b="col", fill="ones"), recall=_SAFE.format(a="tp", b="row", fill="ones")),
           "not 1"),
    Mutant("precision_recall_f1", "F1 as the arithmetic mean", _prf(f1="(precision + recall) / 2"), "harmonic mean"),
    Mutant("precision_recall_f1", "micro averages instead of per class",
           _prf(result="tp.sum() / cm.sum(), tp.sum() / cm.sum(), tp.sum() / cm.sum()"), "one value per class"),
    Mutant("precision_recall_f1", "integer division", _PRF_INTEGER_DIVISION, "integer division"),
    Mutant("precision_recall_f1", "returns a dict", _prf(result="{'precision': precision, 'recall': recall, "
                                                                "'f1': f1}"), "tuple"),
    Mutant("precision_recall_f1", "normalises a float cm in place", _PRF_NORMALISES_IN_PLACE, "in place"),
    # roc_curve_points
    Mutant("roc_curve_points", "ties handled one sample at a time", _roc(keep="np.arange(len(s))"), "move together"),
    Mutant("roc_curve_points", "missing (0, 0) start", _roc(start=""), "start at (0, 0)"),
    Mutant("roc_curve_points", "thresholds ascending", _ROC_ASCENDING, "highest threshold down"),
    Mutant("roc_curve_points", "score > threshold", _ROC_STRICT, "end at (1, 1)"),
    Mutant("roc_curve_points", "returns (tpr, fpr)", _roc(result="tpr, fpr"), "in this order"),
    Mutant("roc_curve_points", "counts instead of rates", _roc(pos="1]", neg="1]"), "divide the counts"),
    Mutant("roc_curve_points", "rates over all samples", _roc(pos="len(s)]", neg="len(s)]"),
           "not by the number of samples"),
    Mutant("roc_curve_points", "sorts the scores in place", _ROC_SORTS_IN_PLACE, "in place"),
    Mutant("roc_curve_points", "sklearn's roc_curve with drop_intermediate", _ROC_SKLEARN_DEFAULT, "distinct score"),
    # auc
    Mutant("auc", "left rectangles", _auc("float(np.sum(np.diff(x) * y[:-1]))"), "not rectangles"),
    Mutant("auc", "right rectangles", _auc("float(np.sum(np.diff(x) * y[1:]))"), "not rectangles"),
    Mutant("auc", "wrong sign", _auc("float(np.sum((x[:-1] - x[1:]) * (y[:-1] + y[1:]) / 2))"), "wrong sign"),
    Mutant("auc", "np.trapz (deprecated in NumPy 2)", _auc("float(np.trapz(y, x))"), "np.trapz"),
    Mutant("auc", "x and y swapped", _auc("float(np.sum(np.diff(y) * (x[:-1] + x[1:]) / 2))"), "argument order"),
    Mutant("auc", "mean height, widths ignored", _auc("float(np.mean(y))"), "width"),
    Mutant("auc", "forgot the sum", _auc("np.diff(x) * (y[:-1] + y[1:]) / 2"), "single number"),
    # k_fold_indices
    Mutant("k_fold_indices", "shuffled folds", _FOLDS_SHUFFLED, "without shuffling"),
    Mutant("k_fold_indices", "strided folds", _FOLDS_STRIDED, "contiguous"),
    Mutant("k_fold_indices", "remainder in the last fold", _folds(sizes="[n // k] * (k - 1) + [n - (k - 1) * (n // k)]"),
           "first n % k folds"),
    Mutant("k_fold_indices", "ceil-sized folds", _folds(sizes="[-(-n // k)] * (k - 1) + [n - (k - 1) * -(-n // k)]"),
           "first n % k folds"),
    Mutant("k_fold_indices", "remainder dropped", _folds(sizes="[n // k] * k"), "exactly one validation fold"),
    Mutant("k_fold_indices", "validation fold kept in training", _folds(train="np.arange(n)"),
           "must not be in the training set"),
    Mutant("k_fold_indices", "train indices not sorted", _folds(train="np.concatenate([np.arange(stop, n), "
                                                                      "np.arange(0, start)])"), "ascending"),
    Mutant("k_fold_indices", "validation off by one", _folds(val="np.arange(start, stop + 1) % n"),
           "exactly one validation fold"),
    Mutant("k_fold_indices", "no error for k > n", _folds(check='if k < 2:\n        raise ValueError("k >= 2")'),
           "k > n"),
    Mutant("k_fold_indices", "no error for k < 2", _folds(check='if k > n:\n        raise ValueError("k <= n")'),
           "k < 2"),
    Mutant("k_fold_indices", "assert instead of ValueError", _folds(check='assert 2 <= k <= n, "bad k"'),
           "raise ValueError"),
    Mutant("k_fold_indices", "generator instead of a list", _FOLDS_GENERATOR, "not a list"),
]
