"""Seeding, a PyTorch training loop with history, and evaluation helpers.

The loop here is the one the course teaches in module 03 (``train_epoch``),
packaged with validation, a progress bar and a history for later modules.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable, Iterable

import numpy as np

from course_utils.settings import progress_enabled


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy, and PyTorch and TensorFlow/Keras if imported.

    Frameworks are only seeded when the notebook has already imported them, so
    seeding never costs a framework's start-up time: import first, then seed.
    """
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    elif "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)


def default_device() -> str:
    """``"cuda"`` when a GPU is available, else ``"cpu"``. The course never needs a GPU."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def make_loader(X, y, batch_size: int = 64, shuffle: bool = False, seed: int = 0):
    """A ``DataLoader`` over NumPy arrays or tensors (features as float32).

    Integer labels become int64 (for ``CrossEntropyLoss``); float labels stay
    float32 (for ``BCEWithLogitsLoss`` and regression).
    """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    features = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y = np.asarray(y)
    if len(features) != len(y):
        raise ValueError(f"X has {len(features)} samples but y has {len(y)}: they must match")
    label_dtype = torch.int64 if np.issubdtype(y.dtype, np.integer) else torch.float32
    labels = torch.as_tensor(y, dtype=label_dtype)
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(features, labels), batch_size=batch_size, shuffle=shuffle,
                      generator=generator)


def _progress(iterable: Iterable, total: int, desc: str):
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, leave=False, disable=not progress_enabled())


def _batch_accuracy(outputs, targets) -> float:
    """Correct predictions in a batch: argmax for several outputs, sign for one logit."""
    if outputs.ndim == 1 or outputs.shape[-1] == 1:
        predicted = (outputs.reshape(-1) > 0).long()
        return float((predicted == targets.reshape(-1).long()).sum())
    return float((outputs.argmax(dim=-1) == targets).sum())


def evaluate(model, loader, loss_fn: Callable | None = None, device: str | None = None) -> dict[str, float]:
    """Mean loss (if ``loss_fn`` is given) and accuracy of ``model`` over ``loader``, in eval mode."""
    import torch

    device = device or next(model.parameters()).device
    model.eval()
    total_loss, correct, count = 0.0, 0.0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            if loss_fn is not None:
                total_loss += float(loss_fn(outputs, targets)) * len(targets)
            correct += _batch_accuracy(outputs, targets)
            count += len(targets)
    result = {"accuracy": correct / count}
    if loss_fn is not None:
        result["loss"] = total_loss / count
    return result


def predict(model, X, batch_size: int = 512, device: str | None = None) -> np.ndarray:
    """Model outputs for an array of inputs, in eval mode, as a NumPy array."""
    import torch

    device = device or next(model.parameters()).device
    model.eval()
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    outputs = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            outputs.append(model(inputs[start:start + batch_size].to(device)).cpu())
    return torch.cat(outputs).numpy()


def fit(
    model,
    train_loader,
    loss_fn: Callable,
    optimizer,
    epochs: int,
    val_loader=None,
    device: str | None = None,
    verbose: bool = True,
) -> dict[str, list[float]]:
    """Train ``model`` for ``epochs`` and return its history.

    The history has ``loss`` and ``accuracy`` per epoch (measured during the
    epoch, in train mode) and, with ``val_loader``, ``val_loss`` and
    ``val_accuracy``; ``seconds`` is the wall time per epoch. A tqdm bar
    shows progress unless grading or CI switched it off; ``verbose`` prints
    one line per epoch.
    """
    device = device or default_device()
    model.to(device)
    history: dict[str, list[float]] = {"loss": [], "accuracy": [], "seconds": []}
    if val_loader is not None:
        history.update(val_loss=[], val_accuracy=[])
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        total_loss, correct, count = 0.0, 0.0, 0
        for inputs, targets in _progress(train_loader, len(train_loader), f"epoch {epoch}/{epochs}"):
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = loss_fn(outputs, targets)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(targets)
            correct += _batch_accuracy(outputs.detach(), targets)
            count += len(targets)
        history["loss"].append(total_loss / count)
        history["accuracy"].append(correct / count)
        line = f"epoch {epoch:>3}/{epochs}  loss {total_loss / count:.4f}  accuracy {correct / count:.4f}"
        if val_loader is not None:
            scores = evaluate(model, val_loader, loss_fn, device)
            history["val_loss"].append(scores["loss"])
            history["val_accuracy"].append(scores["accuracy"])
            line += f"  val_loss {scores['loss']:.4f}  val_accuracy {scores['accuracy']:.4f}"
        history["seconds"].append(time.perf_counter() - start)
        if verbose:
            print(line + f"  ({history['seconds'][-1]:.1f} s)")
    return history



def sequence_accuracy(model, X, Y, batch_size: int = 1000) -> tuple[float, float]:
    """Fraction of whole sequences right and of single tokens right: ``model(X)`` (N, T, V) logits vs ``Y`` (N, T).

    ``X`` and ``Y`` are integer arrays or tensors; the model runs in eval mode without gradients.
    """
    import torch

    device = next(model.parameters()).device
    inputs, targets = torch.as_tensor(np.asarray(X)), torch.as_tensor(np.asarray(Y))
    model.eval()
    whole, tokens = 0, 0
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            predicted = model(inputs[start:start + batch_size].to(device)).argmax(dim=-1).cpu()
            right = predicted == targets[start:start + batch_size]
            whole += int(right.all(dim=1).sum())
            tokens += int(right.sum())
    return whole / len(inputs), tokens / targets.numel()


def fit_for_seconds(model, X, Y, seconds: float, X_val, Y_val, lr: float = 3e-3, batch_size: int = 64,
                    eval_every: int = 50, seed: int = 0, verbose: bool = True) -> dict[str, list[float]]:
    """Train a sequence-to-sequence ``model`` ((N, T) tokens -> (N, T, V) logits) for ``seconds`` of training time.

    Adam with cross-entropy over every position, mini-batches of ``X``/``Y`` (int (N, T)) reshuffled each
    epoch. Every ``eval_every`` steps (and at the end) the history gets ``seconds`` (training time so far,
    evaluation not counted), ``steps``, ``loss`` (mean since the last evaluation) and, on the validation
    set, ``sequence_accuracy`` (whole sequences right) and ``token_accuracy``.
    """
    import torch

    device = next(model.parameters()).device
    inputs, targets = torch.as_tensor(np.asarray(X)), torch.as_tensor(np.asarray(Y))
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"seconds": [], "steps": [], "loss": [], "sequence_accuracy": [],
                                       "token_accuracy": []}
    elapsed, steps = 0.0, 0
    losses: list[float] = []

    def record() -> None:
        whole, token = sequence_accuracy(model, X_val, Y_val)
        for key, value in (("seconds", elapsed), ("steps", steps), ("loss", float(np.mean(losses))),
                           ("sequence_accuracy", whole), ("token_accuracy", token)):
            history[key].append(value)
        losses.clear()
        if verbose:
            print(f"{elapsed:5.1f} s  step {steps:>5}  loss {history['loss'][-1]:.4f}  "
                  f"whole sequences right {whole:.1%}  tokens right {token:.1%}")

    while elapsed < seconds:
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(inputs), batch_size):
            began = time.perf_counter()
            model.train()
            batch = order[start:start + batch_size]
            logits = model(inputs[batch].to(device))
            loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets[batch].to(device).flatten())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            elapsed += time.perf_counter() - began
            steps += 1
            losses.append(loss.item())
            if elapsed >= seconds:
                break
            if steps % eval_every == 0:
                record()
    record()
    return history
