"""A tiny denoising diffusion model (DDPM, Ho et al. 2020) for points (N, dim), e.g. 2-D toy data (10).

Forward process: ``x_t = sqrt(alpha_bar[t]) * x_0 + sqrt(1 - alpha_bar[t]) * eps`` for steps
t = 0 .. T-1 (t = T-1 is almost pure noise). A small MLP learns to predict ``eps`` from
``(x_t, t)``; :func:`sample` runs the reverse process from pure noise.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class Schedule:
    """Noise levels of the T steps: ``betas``, ``alphas = 1 - betas`` and their running products
    ``alpha_bars``, each a float32 tensor (T,)."""

    betas: torch.Tensor
    alphas: torch.Tensor
    alpha_bars: torch.Tensor

    @property
    def steps(self) -> int:
        return len(self.betas)


def linear_schedule(steps: int = 100, beta_start: float = 1e-4, beta_end: float = 0.2) -> Schedule:
    """Betas rising linearly from ``beta_start`` to ``beta_end`` over ``steps`` steps."""
    betas = torch.linspace(beta_start, beta_end, steps)
    alphas = 1 - betas
    return Schedule(betas, alphas, torch.cumprod(alphas, dim=0))


def add_noise(x0: torch.Tensor, t: int | torch.Tensor, eps: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    """``x_t`` (N, dim) from clean points ``x0`` (N, dim), noise ``eps`` (N, dim) and step ``t``
    (an int, or one step per point (N,))."""
    alpha_bar = schedule.alpha_bars[t]
    if alpha_bar.dim() == 1:
        alpha_bar = alpha_bar[:, None]
    return alpha_bar.sqrt() * x0 + (1 - alpha_bar).sqrt() * eps


class Denoiser(nn.Module):
    """Predicts the noise (N, dim) in ``x_t`` (N, dim) at steps ``t`` (N,): an MLP on the point and
    sine/cosine features of t/T."""

    def __init__(self, dim: int = 2, hidden: int = 128, steps: int = 100, frequencies: int = 4) -> None:
        super().__init__()
        self.steps = steps
        self.register_buffer("frequencies", math.pi * 2.0 ** torch.arange(frequencies, dtype=torch.float32))
        self.net = nn.Sequential(nn.Linear(dim + 2 * frequencies, hidden), nn.SiLU(), nn.Linear(hidden, hidden),
                                 nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        phase = (t.float() / self.steps)[:, None] * self.get_buffer("frequencies")
        return self.net(torch.cat([x, torch.sin(phase), torch.cos(phase)], dim=1))


def fit_denoiser(model: Denoiser, points: torch.Tensor, schedule: Schedule, steps: int = 3000,
                 batch_size: int = 256, lr: float = 2e-3, seed: int = 0) -> dict:
    """Train ``model`` to predict the noise added to random ``points`` (N, dim) at random steps (mean squared
    error). Returns ``{"loss": [one per training step], "seconds": total}``."""
    rng = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    start = time.perf_counter()
    model.train()
    for _ in range(steps):
        x0 = points[torch.randint(len(points), (batch_size,), generator=rng)]
        t = torch.randint(schedule.steps, (batch_size,), generator=rng)
        eps = torch.randn(x0.shape, generator=rng)
        loss = nn.functional.mse_loss(model(add_noise(x0, t, eps, schedule), t), eps)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {"loss": losses, "seconds": time.perf_counter() - start}


def sample(model: Denoiser, n: int, schedule: Schedule, keep: list[int] | None = None, dim: int = 2,
           seed: int = 0) -> dict[int, torch.Tensor]:
    """Run the reverse process on ``n`` points of pure noise; return the points (n, dim) after the reverse step
    of each ``t`` in ``keep`` (default: only t = 0, the samples), as ``{t: points}`` in the order of ``keep``."""
    keep = [0] if keep is None else list(keep)
    rng = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=rng)
    kept: dict[int, torch.Tensor] = {}
    model.eval()
    with torch.no_grad():
        for t in reversed(range(schedule.steps)):
            eps = model(x, torch.full((n,), t))
            beta, alpha, alpha_bar = schedule.betas[t], schedule.alphas[t], schedule.alpha_bars[t]
            x = (x - beta / (1 - alpha_bar).sqrt() * eps) / alpha.sqrt()
            if t > 0:
                x = x + beta.sqrt() * torch.randn(x.shape, generator=rng)
            if t in keep:
                kept[t] = x.clone()
    return {t: kept[t] for t in keep}
