"""Small MLP autoencoders, a variational autoencoder and a GAN for 28x28 images (10).

Images are float tensors ``(N, 1, 28, 28)`` (or ``(N, 784)``) with pixels in [0, 1]; every
model flattens its input. The GAN's two MLPs work on points (N, D): codes of an autoencoder
or 2-D toy data.
"""

from __future__ import annotations

import torch
from torch import nn

PIXELS = 28 * 28


class Autoencoder(nn.Module):
    """784 -> 512 -> 128 -> ``latent_dim`` -> 128 -> 512 -> 784 (sigmoid), ReLU between.

    ``encode`` maps images (N, 1, 28, 28) to codes (N, latent_dim); ``decode`` maps codes back
    to images (N, 1, 28, 28) in [0, 1]; ``forward`` does both.
    """

    def __init__(self, latent_dim: int = 2, hidden: tuple[int, int] = (512, 128)) -> None:
        super().__init__()
        wide, narrow = hidden
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(PIXELS, wide), nn.ReLU(),
                                     nn.Linear(wide, narrow), nn.ReLU(), nn.Linear(narrow, latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, narrow), nn.ReLU(), nn.Linear(narrow, wide), nn.ReLU(),
                                     nn.Linear(wide, PIXELS), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class VAE(nn.Module):
    """Encoder 784 -> ``hidden`` -> (mu, log_var), each (N, latent_dim); decoder
    latent_dim -> ``hidden`` -> 784 logits (N, 784), one Bernoulli logit per pixel.

    ``forward(x, eps)`` returns ``(logits, mu, log_var)`` with z = mu + exp(log_var / 2) * eps,
    eps (N, latent_dim) standard normal noise drawn here when not given.
    """

    def __init__(self, latent_dim: int = 20, hidden: int = 400) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(PIXELS, hidden), nn.ReLU())
        self.mu = nn.Linear(hidden, latent_dim)
        self.log_var = nn.Linear(hidden, latent_dim)
        self.decoder = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, PIXELS))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.mu(h), self.log_var(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor, eps: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, log_var = self.encode(x)
        if eps is None:
            eps = torch.randn_like(mu)
        return self.decode(mu + torch.exp(0.5 * log_var) * eps), mu, log_var


class Generator(nn.Module):
    """Noise (N, latent_dim) -> points (N, out_dim): an MLP with two LeakyReLU hidden layers and a
    linear output (the points are codes of an autoencoder, or 2-D points)."""

    def __init__(self, latent_dim: int = 16, out_dim: int = 20, hidden: int = 256) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(nn.Linear(latent_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, out_dim))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """Points (N, in_dim) -> one logit each (N,): high means "real"."""

    def __init__(self, in_dim: int = 20, hidden: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)
