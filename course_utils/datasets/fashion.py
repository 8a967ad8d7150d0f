"""Fashion-MNIST (Zalando's 70,000 28x28 photos of clothing in ten classes), offline first.

The Debian package ``dataset-fashion-mnist`` ships the four IDX files; see
:mod:`course_utils.datasets.files` for where else they are looked for and how
they are verified.
"""

from __future__ import annotations

import numpy as np

from course_utils.datasets.files import DatasetUnavailable, RemoteFile, fetch_file

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

FASHION_MNIST_HELP = (
    "To get Fashion-MNIST offline: `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), "
    "or put the four *-ubyte.gz files in a folder and set COURSE_DATA_DIR to it; "
    "with internet, the files are downloaded and cached automatically."
)


def _parse_idx(content: bytes, name: str) -> np.ndarray:
    """Parse an IDX file (the MNIST format) into a uint8 array."""
    if len(content) < 8 or content[:2] != b"\x00\x00" or content[2] != 0x08:
        raise DatasetUnavailable(f"{name} is not an IDX file of unsigned bytes")
    ndim = content[3]
    shape = tuple(int.from_bytes(content[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(content, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(shape)


def fashion_mnist(split: str = "train", *, download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST images ``(N, 28, 28)`` uint8 and labels ``(N,)`` int64.

    ``split`` is ``"train"`` (60,000) or ``"test"`` (10,000). Class names are in
    :data:`FASHION_MNIST_CLASSES`. See :mod:`course_utils.datasets.files` for
    where the files are looked for.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    images = _parse_idx(fetch_file("fashion-mnist", FASHION_MNIST_FILES[(split, "images")],
                                   download=download, how_to_get=FASHION_MNIST_HELP), "images")
    labels = _parse_idx(fetch_file("fashion-mnist", FASHION_MNIST_FILES[(split, "labels")],
                                   download=download, how_to_get=FASHION_MNIST_HELP), "labels")
    return images, labels.astype(np.int64)
