"""Datasets for the course: small toy sets and real data, offline first.

Real data sets are looked up in this order, and every file is verified by the
SHA-256 of its *decompressed* content before it is used:

1. each folder in ``COURSE_DATA_DIR`` (``os.pathsep``-separated), directly or
   in a sub-folder named after the data set;
2. the Debian package location (``/usr/share/datasets/...``);
3. the download cache (``data/`` in a course checkout, or ``COURSE_CACHE_DIR``);
4. a checksummed download with pooch, for users who have internet.

When nothing works, :class:`DatasetUnavailable` says where it looked, what was
wrong with each file it found, and how to get the data.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class DatasetUnavailable(RuntimeError):
    """A data set could not be found, verified or downloaded."""


# --------------------------------------------------------------------------
# toy data sets
# --------------------------------------------------------------------------

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
    labels). The scaler is fitted on the training part only. Defaults follow
    the seeds: 10 informative and 10 redundant features, one cluster per class.
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


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits shipped with scikit-learn: images (1797, 8, 8) in [0, 16], labels."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return bunch.images.astype(np.float32), bunch.target.astype(np.int64)


# --------------------------------------------------------------------------
# locating, verifying and downloading files
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: its name, content checksum and download source."""

    name: str
    content_sha256: str  # of the decompressed bytes: compressed bytes differ between mirrors
    url: str
    download_hash: str  # pooch ``known_hash`` of the file as served at ``url``


DEBIAN_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}

_FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
FASHION_MNIST_FILES = {
    ("train", "images"): RemoteFile(
        "train-images-idx3-ubyte.gz",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        _FASHION_URL + "train-images-idx3-ubyte.gz", "md5:8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
    ("train", "labels"): RemoteFile(
        "train-labels-idx1-ubyte.gz",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        _FASHION_URL + "train-labels-idx1-ubyte.gz", "md5:25c81989df183df01b3e8a0aad5dffbe"),
    ("test", "images"): RemoteFile(
        "t10k-images-idx3-ubyte.gz",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        _FASHION_URL + "t10k-images-idx3-ubyte.gz", "md5:bef4ecab320f06d8554ea6380940ec79"),
    ("test", "labels"): RemoteFile(
        "t10k-labels-idx1-ubyte.gz",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        _FASHION_URL + "t10k-labels-idx1-ubyte.gz", "md5:bb300cfdad3c16e7a12a480ee83cd310"),
}

FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


def cache_dir() -> Path:
    """Where downloads are cached: ``COURSE_CACHE_DIR``, else ``data/`` of the
    course checkout this package lives in, else the user cache folder."""
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"])
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists() and os.access(checkout, os.W_OK):
        return checkout / "data"
    import pooch

    return Path(pooch.os_cache("deep-learning-course"))


def search_dirs(dataset: str) -> list[Path]:
    """Folders searched for ``dataset``'s files, in order (see module docstring)."""
    dirs: list[Path] = []
    for entry in os.environ.get("COURSE_DATA_DIR", "").split(os.pathsep):
        if entry:
            dirs += [Path(entry) / dataset, Path(entry)]
    if dataset in DEBIAN_DIRS:
        dirs.append(DEBIAN_DIRS[dataset])
    dirs.append(cache_dir() / dataset)
    return dirs


def read_verified(path: Path, expected_sha256: str) -> bytes:
    """Return the decompressed content of ``path`` if its SHA-256 matches.

    Raises ``ValueError`` describing the problem (truncated or corrupt gzip,
    checksum mismatch) otherwise. Plain (non-gzip) files are accepted too.
    """
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"{path} is truncated or not a valid gzip file ({exc})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise ValueError(
            f"{path} has the wrong content (sha256 {digest[:12]}..., expected "
            f"{expected_sha256[:12]}...): the file is corrupt or a different version"
        )
    return raw


def _download(remote: RemoteFile, dataset: str) -> Path:
    import pooch

    target = cache_dir() / dataset
    target.mkdir(parents=True, exist_ok=True)
    return Path(pooch.retrieve(remote.url, known_hash=remote.download_hash, fname=remote.name,
                               path=target, progressbar=False))


def fetch_file(dataset: str, remote: RemoteFile, *, download: bool = True, how_to_get: str = "") -> bytes:
    """Find ``remote`` locally (or download it) and return its verified content."""
    problems: list[str] = []
    for folder in search_dirs(dataset):
        candidate = folder / remote.name
        if candidate.is_file():
            try:
                return read_verified(candidate, remote.content_sha256)
            except (ValueError, OSError) as exc:
                problems.append(str(exc))
    looked = [str(folder) for folder in search_dirs(dataset)]
    if download:
        try:
            return read_verified(_download(remote, dataset), remote.content_sha256)
        except Exception as exc:  # offline, HTTP error, checksum mismatch: all reported below
            problems.append(f"download from {remote.url} failed: {type(exc).__name__}: {exc}")
    else:
        problems.append("downloading was switched off")
    raise DatasetUnavailable(
        f"Could not load {remote.name} of the {dataset} data set.\n"
        f"Looked in: {', '.join(looked)}\n"
        + "".join(f"- {p}\n" for p in problems)
        + (how_to_get or "")
    )


def _parse_idx(content: bytes, name: str) -> np.ndarray:
    """Parse an IDX file (the MNIST format) into a uint8 array."""
    if len(content) < 8 or content[:2] != b"\x00\x00" or content[2] != 0x08:
        raise DatasetUnavailable(f"{name} is not an IDX file of unsigned bytes")
    ndim = content[3]
    shape = tuple(int.from_bytes(content[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(shape)


FASHION_MNIST_HELP = (
    "To get Fashion-MNIST offline: `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), "
    "or put the four *-ubyte.gz files in a folder and set COURSE_DATA_DIR to it; "
    "with internet, the files are downloaded and cached automatically."
)


def fashion_mnist(split: str = "train", *, download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST images ``(N, 28, 28)`` uint8 and labels ``(N,)`` int64.

    ``split`` is ``"train"`` (60,000) or ``"test"`` (10,000). Class names are in
    :data:`FASHION_MNIST_CLASSES`. See the module docstring for where the
    files are looked for.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    images = _parse_idx(fetch_file("fashion-mnist", FASHION_MNIST_FILES[(split, "images")],
                                   download=download, how_to_get=FASHION_MNIST_HELP), "images")
    labels = _parse_idx(fetch_file("fashion-mnist", FASHION_MNIST_FILES[(split, "labels")],
                                   download=download, how_to_get=FASHION_MNIST_HELP), "labels")
    return images, labels.astype(np.int64)


def subsample(X: np.ndarray, y: np.ndarray, n: int | None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A stratified random subset of ``n`` samples (all of them when ``n`` is None or too big)."""
    if n is None or n >= len(y):
        return X, y
    from sklearn.model_selection import train_test_split

    X_small, _, y_small, _ = train_test_split(X, y, train_size=n, stratify=y, random_state=seed)
    return X_small, y_small

