"""Objects that test cells hand to the student's code: seeded models with probes, a plain optimizer, a Keras layer.

Test cells create them with ``checks.build(probes.seeded_sequential, ...)``, so
that under grading they are built where the student's code runs (see
``checks.build``); in a notebook ``build`` just calls the function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch


class ModeProbe(torch.nn.Module):
    """Passes its input through; records the training flag and whether gradients were on at each call."""

    def __init__(self) -> None:
        super().__init__()
        self.modes: list[bool] = []
        self.grads: list[bool] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.modes.append(self.training)
        self.grads.append(torch.is_grad_enabled())
        return x


class PlainSGD:
    """Gradient descent with the optimizer interface (``torch.optim``'s first use costs seconds)."""

    def __init__(self, params, lr: float) -> None:
        self.params, self.lr = list(params), lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        with torch.no_grad():
            for p in self.params:
                if p.grad is not None:
                    p -= self.lr * p.grad


def seeded_sequential(seed: int, *layers: tuple, random_running_stats: bool = False) -> torch.nn.Sequential:
    """``torch.nn.Sequential`` of layer specs such as ``("Linear", 3, 4)`` or ``("ModeProbe",)``.

    A spec names a class of ``torch.nn`` (or ``ModeProbe``) and its arguments.
    Weights come from ``seed`` without touching the caller's random state; with
    ``random_running_stats`` batch norm layers get running means in [-1, 1] and
    variances in [0.5, 2] (so that evaluation mode visibly differs from training).
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        modules = [ModeProbe() if name == "ModeProbe" else getattr(torch.nn, name)(*args)
                   for name, *args in layers]
        model = torch.nn.Sequential(*modules)
        if random_running_stats:
            with torch.no_grad():
                for module in model.modules():
                    if isinstance(module, torch.nn.modules.batchnorm._BatchNorm) and module.running_mean is not None \
                            and module.running_var is not None:
                        module.running_mean.uniform_(-1, 1)
                        module.running_var.uniform_(0.5, 2.0)
    return model


def tied_pair(features: int) -> torch.nn.Sequential:
    """Linear -> ReLU -> Linear whose two weight matrices are one shared parameter (tied weights)."""
    model = torch.nn.Sequential(torch.nn.Linear(features, features), torch.nn.ReLU(),
                                torch.nn.Linear(features, features))
    model[2].weight = model[0].weight
    return model


def backward_of_sum(model: torch.nn.Module, x: torch.Tensor) -> None:
    """``model(x).sum().backward()``: fills the gradients of whatever takes part."""
    model(x).sum().backward()


def gradient_of_sum(function: Callable[..., Any], x: torch.Tensor, *args: Any) -> torch.Tensor | None:
    """The gradient of ``function(x, *args).sum()`` with respect to a copy of ``x`` (None when the result is
    not a tensor connected to ``x``): a test's way to check that a student's function is differentiable."""
    return gradient_of_sum_at(function, 0, x, *args)


def gradient_of_sum_at(function: Callable[..., Any], position: int, *args: Any) -> torch.Tensor | None:
    """The gradient of ``function(*args).sum()`` with respect to a copy of ``args[position]`` (a tensor), or None
    when the result is not a tensor connected to it."""
    leaf = args[position].detach().clone().requires_grad_(True)
    out = function(*args[:position], leaf, *args[position + 1:])
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return None
    out.sum().backward()
    return leaf.grad


def keras_dense(n_in: int, n_out: int, kernel=None, bias=None, activation: str | None = None):
    """A built ``keras.layers.Dense(n_out)`` for ``n_in`` inputs, with ``kernel`` (n_in, n_out) and ``bias`` if given.

    Keras is imported here, on whichever backend the process has (see ``course_utils``: PyTorch
    inside the grading sandbox), so that a test can hand a real Keras layer to student code.
    """
    import keras
    import numpy as np

    layer = keras.layers.Dense(n_out, activation=activation)
    layer.build((None, n_in))
    if kernel is not None:
        layer.set_weights([np.asarray(kernel, dtype="float32"), np.asarray(bias, dtype="float32")])
    return layer
