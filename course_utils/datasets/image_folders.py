"""Class-per-folder image sets for module 04's case study (plant disease detection).

A classic plant-disease case study classifies photos of healthy and diseased leaves stored as
``train/<class>/*.jpg``. That data set needs a download, so the course draws a
stand-in offline: :func:`synthetic_leaves` paints leaves (healthy ones, and
diseased ones with brown lesions) and :func:`write_image_folder` saves any
images in the same folder-per-class layout, as PNG files, for
``torchvision.datasets.ImageFolder`` and ``keras.utils.image_dataset_from_directory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

LEAF_CLASSES = ("diseased", "healthy")  # sorted, as ImageFolder numbers folders: diseased = 0, healthy = 1


def _leaf(rng: np.random.Generator, size: int, diseased: bool) -> np.ndarray:
    """One RGB leaf image (size, size, 3) as floats in [0, 1]."""
    from scipy.ndimage import gaussian_filter

    s = size / 64  # all lengths below are for 64 px and scale with the image
    rows, cols = np.mgrid[0:size, 0:size].astype(float)
    tint = rng.uniform(-0.08, 0.08, size=3) + [0.04, 0.0, -0.06]  # soil, paper or cloth behind the leaf
    image = np.ones((size, size, 3)) * np.clip(rng.uniform(0.35, 0.8) + tint, 0, 1)
    image *= (0.85 + 0.15 * (rng.uniform() * rows + rng.uniform() * cols) / size)[..., None]  # uneven light

    centre = size / 2 + rng.uniform(-5, 5, size=2) * s
    half_length, half_width = rng.uniform(20, 28) * s, rng.uniform(9, 15) * s
    angle = rng.uniform(-np.pi, np.pi)
    along = (rows - centre[0]) * np.cos(angle) + (cols - centre[1]) * np.sin(angle)
    across = -(rows - centre[0]) * np.sin(angle) + (cols - centre[1]) * np.cos(angle)
    leaf = (along / half_length) ** 2 + (across / half_width) ** 2 <= 1
    green = rng.uniform([0.10, 0.38, 0.05], [0.35, 0.65, 0.25])
    image[leaf] = green * rng.uniform(0.9, 1.1, size=(leaf.sum(), 1))
    midrib = leaf & (np.abs(across) < 0.7 * s) & (np.abs(along) < 0.9 * half_length)
    image[midrib] = np.minimum(green * 1.5, 1)

    inside = np.argwhere(leaf)

    def spot(radius: float, colour: np.ndarray, where: np.ndarray) -> None:
        image[leaf & ((rows - where[0]) ** 2 + (cols - where[1]) ** 2 <= radius ** 2)] = colour

    if diseased:  # brown lesions with a yellow halo, somewhere on the leaf
        for _ in range(rng.integers(2, 6)):
            where = inside[rng.integers(len(inside))]
            radius = rng.uniform(2.0, 3.5) * s
            spot(radius + rng.uniform(1.0, 2.0) * s, rng.uniform([0.6, 0.55, 0.05], [0.8, 0.7, 0.2]), where)
            spot(radius, rng.uniform([0.3, 0.18, 0.05], [0.5, 0.3, 0.12]), where)
    else:  # healthy leaves get a few small light reflections, so that "any spot" is not the answer
        for _ in range(rng.integers(0, 4)):
            spot(rng.uniform(1.5, 3.0) * s, np.minimum(green * 1.6 + 0.1, 1), inside[rng.integers(len(inside))])

    sigma = 0.7 * np.sqrt(max(s, 1.0))  # soften the painted edges as a camera's optics would, more in bigger images
    image = gaussian_filter(image, sigma=(sigma, sigma, 0), mode="nearest")  # not across colour channels
    image += rng.normal(0, 0.03, size=image.shape)
    return np.clip(image, 0, 1)


def synthetic_leaves(n_per_class: int, size: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Painted leaf photos: images ``(2 * n_per_class, size, size, 3)`` uint8 and labels int64.

    Label 0 is ``"diseased"`` (brown lesions with yellow halos), 1 is ``"healthy"``
    (see :data:`LEAF_CLASSES`). The order is shuffled; the same seed gives the same images.
    """
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be at least 1, not {n_per_class}")
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(2), n_per_class))
    images = np.stack([_leaf(rng, size, diseased=(label == 0)) for label in labels])
    return np.round(images * 255).astype(np.uint8), labels.astype(np.int64)


def write_image_folder(
    root: str | Path,
    images: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str],
    prefix: str = "img",
) -> list[Path]:
    """Save images as PNG files ``root/<class name>/<prefix>_<index>.png``; return the paths.

    ``images`` is (N, H, W) grey or (N, H, W, 3) RGB uint8; ``labels[i]`` indexes
    ``class_names``. Folders are created as needed (one per class, even if empty).
    """
    from PIL import Image

    images_array, labels_array = np.asarray(images), np.asarray(labels)
    if len(images_array) != len(labels_array):
        raise ValueError(f"{len(images_array)} images but {len(labels_array)} labels: they must match")
    if images_array.dtype != np.uint8:
        raise ValueError(f"images must be uint8 (0..255), not {images_array.dtype}")
    root = Path(root)
    for name in class_names:
        (root / name).mkdir(parents=True, exist_ok=True)
    paths = []
    for index, (image, label) in enumerate(zip(images_array, labels_array)):
        path = root / class_names[int(label)] / f"{prefix}_{index:05d}.png"
        Image.fromarray(image).save(path)
        paths.append(path)
    return paths
