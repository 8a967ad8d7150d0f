"""Photos that ship with scikit-image and scikit-learn, and a small patch data set made from them.

Module 05 (transfer learning) needs natural images without a download. scikit-image
and scikit-learn ship a few photos; :func:`photo_patches` cuts them into square
patches: the task is to tell from which photo (scene or material) a patch comes.
Training patches come from the **left half** of each photo and test patches from the
**right half**, so a model is always tested on regions it has never seen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _skimage(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import skimage.data

        return getattr(skimage.data, name)()

    return load


def _sklearn(index: int) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from sklearn.datasets import load_sample_images

        return load_sample_images().images[index]

    return load


def _retina() -> np.ndarray:
    import skimage.data

    return skimage.data.retina()[300:1100:2, 300:1100:2]   # the inside of the eye, at half size


#: name -> loader of every photo used here (all offline: they ship with the packages)
PHOTOS: dict[str, Callable[[], np.ndarray]] = {
    "cat": _skimage("chelsea"), "coffee": _skimage("coffee"), "astronaut": _skimage("astronaut"),
    "rocket": _skimage("rocket"), "palace": _sklearn(0), "flower": _sklearn(1),
    "galaxies": _skimage("hubble_deep_field"), "tissue": _skimage("immunohistochemistry"),
    "retina": _retina, "brick": _skimage("brick"), "grass": _skimage("grass"), "gravel": _skimage("gravel"),
    "moon": _skimage("moon"), "camera": _skimage("camera"), "coins": _skimage("coins"), "text": _skimage("text"),
}


def photo(name: str) -> np.ndarray:
    """One photo as a writable RGB ``uint8`` array (H, W, 3); grey photos are repeated on 3 channels."""
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of {list(PHOTOS)}")
    image = np.asarray(PHOTOS[name]())
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    return np.array(image[:, :, :3], dtype=np.uint8, order="C")   # a writable copy


def photo_patches(
    n_per_class: int,
    part: str = "train",
    size: int = 96,
    classes: tuple[str, ...] | list[str] | None = None,
    min_side: int = 32,
    max_side: int = 128,
    grey: bool = False,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Random square patches of the photos: ``X`` float32 (N, 3, size, size) in [0, 1], labels ``y`` (N,).

    ``part="train"`` cuts the patches from the left half of every photo, ``"test"``
    from the right half. Each patch has a random side between ``min_side`` and
    ``max_side`` pixels (so the zoom varies) and is resized to ``size`` x ``size``.
    Label ``k`` is the ``k``-th name of ``classes`` (default: all of :data:`PHOTOS`).
    The patches of a class are a fixed sequence: asking for fewer gives a prefix
    of the same patches (nested training sets). With ``grey=True`` every patch is
    turned grey (the mean of its channels, repeated on all three), so that colour
    alone cannot tell the photos apart.
    """
    import torch
    import torch.nn.functional as F

    if part not in ("train", "test"):
        raise ValueError(f"part must be 'train' or 'test', not {part!r}")
    names = list(PHOTOS) if classes is None else list(classes)
    images, labels = [], []
    for label, name in enumerate(names):
        image = photo(name)
        if grey:
            image = np.repeat(image.mean(axis=2, keepdims=True), 3, axis=2).round().astype(np.uint8)
        height, width = image.shape[:2]
        half = width // 2
        left = 0 if part == "train" else half
        rng = np.random.default_rng([seed, list(PHOTOS).index(name), int(part == "test")])
        top_side = min(max_side, half, height)
        for _ in range(n_per_class):
            side = int(rng.integers(min(min_side, top_side), top_side + 1))
            y0 = int(rng.integers(0, height - side + 1))
            x0 = left + int(rng.integers(0, half - side + 1))
            patch = torch.from_numpy(image[y0:y0 + side, x0:x0 + side].copy()).permute(2, 0, 1).float()[None] / 255
            images.append(F.interpolate(patch, size=(size, size), mode="bilinear", antialias=True,
                                        align_corners=False)[0].clamp(0, 1))
            labels.append(label)
    X = torch.stack(images).numpy() if images else np.zeros((0, 3, size, size), np.float32)
    return X.astype(np.float32), np.asarray(labels, dtype=np.int64)
