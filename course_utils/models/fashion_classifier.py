"""Module 04's Fashion-MNIST CNN as a judge of generated images (10).

:func:`fashion_classifier` trains the CNN of module 04 (conv 32 -> pool -> conv 64 -> pool ->
FC 128 -> dropout -> FC 10) with module 04's recipe (AdamW, one-cycle learning rate) on the
Fashion-MNIST training set, by default for :data:`JUDGE_EPOCHS` epochs (longer than module 04's three:
the judge should be sure of real images), or loads its weights: those the course ships in ``data/models/``
(for the default settings; see ``data/models/README.md``), or those a previous run cached in the
data cache folder. :func:`judge_samples` scores images with it: the share classified with
confidence >= a threshold, and the classes of those.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from course_utils import training
from course_utils.datasets.fashion import FASHION_MNIST_CLASSES, fashion_mnist
from course_utils.datasets.files import cache_dir

#: epochs of the judge the course ships (module 04 trains 3; 15 make it sure of most real test images)
JUDGE_EPOCHS = 15


class SimpleCNN(nn.Module):
    """Module 04's CNN for (N, 1, 28, 28) images in [0, 1] -> (N, num_classes) logits."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5),
                                        nn.Linear(128, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def _weights_path(epochs: int, n_train: int, seed: int) -> Path:
    key = hashlib.sha256(json.dumps({"model": "SimpleCNN", "recipe": "AdamW one-cycle 5e-3, batch 128",
                                     "epochs": epochs, "n_train": n_train, "seed": seed}).encode()).hexdigest()[:16]
    return cache_dir() / "models" / f"fashion-cnn-{key}.pt"


def train_one_cycle(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epochs: int, max_lr: float = 5e-3,
                    batch_size: int = 128, seed: int = 0) -> float:
    """Module 04's recipe: AdamW (weight decay 1e-4) with a one-cycle learning rate peaking at ``max_lr``, the
    cross-entropy on images (N, 1, 28, 28) and labels (N,). Returns the training time in seconds."""
    loader = training.make_loader(images, labels.numpy(), batch_size=batch_size, shuffle=True, seed=seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=max_lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, total_steps=epochs * len(loader))
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    model.train()
    for _ in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss_fn(model(inputs), targets).backward()
            optimizer.step()
            scheduler.step()
    model.eval()
    return time.perf_counter() - start


def fashion_classifier(epochs: int = JUDGE_EPOCHS, n_train: int = 60_000, seed: int = 0, *, n_test: int = 10_000,
                       cache: bool = True) -> tuple[SimpleCNN, dict]:
    """Module 04's CNN trained with module 04's recipe on the first ``n_train`` Fashion-MNIST training images,
    in eval mode.

    Returns ``(model, info)``; ``info`` has ``test_accuracy`` (on the first ``n_test`` test images),
    ``seconds`` (training time, 0 when loaded) and ``loaded`` (True when the weights came from the cache of
    an earlier run with the same settings).
    """
    path = _weights_path(epochs, n_train, seed)
    shipped = Path(__file__).resolve().parents[2] / "data" / "models" / path.name   # in a course checkout
    if shipped.exists():
        path = shipped
    model = SimpleCNN()
    X_test, y_test = fashion_mnist("test")
    X_test, y_test = X_test[:n_test], y_test[:n_test]
    test_images = torch.as_tensor(X_test[:, None] / 255.0, dtype=torch.float32)
    info = {"loaded": False, "seconds": 0.0}
    if cache and path.exists():
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        info["loaded"] = True
    else:
        X_train, y_train = fashion_mnist("train")
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = SimpleCNN()
            images = torch.as_tensor(X_train[:n_train, None] / 255.0, dtype=torch.float32)
            info["seconds"] = train_one_cycle(model, images, torch.as_tensor(y_train[:n_train]), epochs, seed=seed)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.save(model.state_dict(), path)
    info["test_accuracy"] = float(np.mean(training.predict(model, test_images).argmax(1) == y_test))
    return model, info


def judge_samples(classifier: nn.Module, images: torch.Tensor, threshold: float = 0.9) -> dict:
    """Score generated images (N, 1, 28, 28) in [0, 1] with the classifier.

    Returns ``confident_share`` (share of images whose top class has probability >= threshold),
    ``classes`` (N,) the top class of each image, ``confidence`` (N,) its probability,
    ``confident_counts`` (10,) how many confident images fall in each class, and
    ``classes_covered`` (the names of the classes with at least one confident image).
    """
    classifier.eval()
    with torch.no_grad():
        probs = torch.softmax(classifier(images.reshape(-1, 1, 28, 28).float()), dim=1).numpy()
    confidence, classes = probs.max(axis=1), probs.argmax(axis=1)
    confident = confidence >= threshold
    counts = np.bincount(classes[confident], minlength=len(FASHION_MNIST_CLASSES))
    return {"confident_share": float(confident.mean()), "classes": classes, "confidence": confidence,
            "confident_counts": counts,
            "classes_covered": [FASHION_MNIST_CLASSES[c] for c in np.flatnonzero(counts)]}
