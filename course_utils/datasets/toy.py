"""Small generated data sets: logic gates, separable points, ``make_classification``, circles."""

from __future__ import annotations

import numpy as np

_GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input gate: ``X`` (4, 2) and labels ``y`` (4,), ints.

    ``name`` is one of ``"and"``, ``"or"``, ``"nand"``, ``"nor"``, ``"xor"``.
    """
    key = name.lower()
    if key not in _GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(_GATES)}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    return X, np.array(_GATES[key])


def linearly_separable(
    n_samples: int = 100, margin: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random 2-D points labelled by a random line, with a gap of ``margin``.

    Points closer than ``margin / 2`` to the line are redrawn, so the two
    classes are strictly separable and a perceptron converges.
    """
    if n_samples < 2:
        raise ValueError("n_samples must be at least 2")
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.5, 0.5)
    points: list[np.ndarray] = []
    while sum(len(p) for p in points) < n_samples:
        candidates = rng.uniform(-3, 3, size=(2 * n_samples, 2))
        distance = candidates @ normal + offset
        points.append(candidates[np.abs(distance) >= margin / 2])
    X = np.concatenate(points)[:n_samples]
    y = (X @ normal + offset > 0).astype(int)
    return X, y


def classification_split(
    n_samples: int = 1000,
    n_features: int = 20,
    test_size: float = 0.2,
    seed: int = 42,
    **make_classification_kwargs,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``sklearn.datasets.make_classification``, split and standardised.

    Returns ``X_train, X_test, y_train, y_test`` (float32 features, int64
    labels). The scaler is fitted on the training part only. Defaults: 10
    informative and 10 redundant features, one cluster per class.
    """
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    options = {"n_informative": n_features // 2, "n_redundant": n_features - n_features // 2,
               "n_clusters_per_class": 1}
    options.update(make_classification_kwargs)
    X, y = make_classification(n_samples=n_samples, n_features=n_features, random_state=seed, **options)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return (scaler.transform(X_train).astype(np.float32), scaler.transform(X_test).astype(np.float32),
            y_train.astype(np.int64), y_test.astype(np.int64))


def circles(
    n_samples: int = 300, noise: float = 0.1, factor: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles (``sklearn.datasets.make_circles``): inner circle is class 1."""
    from sklearn.datasets import make_circles

    return make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
