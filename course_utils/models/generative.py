"""Small MLP autoencoders, a variational autoencoder and two GANs for 28x28 images (10).

Images are float tensors ``(N, 1, 28, 28)`` (or ``(N, 784)``) with pixels in [0, 1]; the MLP
models flatten their input. The MLP GAN (:class:`Generator`, :class:`Discriminator`) works on
points (N, D), such as 2-D toy data; the convolutional GAN (:class:`ConvGenerator`,
:class:`ConvDiscriminator`) is a small DCGAN that makes and judges images.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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
    """Noise (N, latent_dim) -> points (N, out_dim), such as 2-D toy data: an MLP with two LeakyReLU
    hidden layers and a linear output."""

    def __init__(self, latent_dim: int = 2, out_dim: int = 2, hidden: int = 64) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(nn.Linear(latent_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, out_dim))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """Points (N, in_dim) -> one logit each (N,): high means "real"."""

    def __init__(self, in_dim: int = 2, hidden: int = 64) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
                                 nn.LeakyReLU(0.2), nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


#: the DCGAN of module 10: the notebook trains it for one epoch, scripts/train-dcgan.py for longer
DCGAN_SETTINGS = {"latent_dim": 32, "channels": 32}
#: the generator scripts/train-dcgan.py trained for :data:`SHIPPED_DCGAN_EPOCHS` epochs, in data/models/
SHIPPED_DCGAN_EPOCHS = 30
SHIPPED_DCGAN_SHA256 = "a55646bd8788125dea4ff3f82a16fda58a9a93102482238733e30c932a7a874c"


class ConvGenerator(nn.Module):
    """A small DCGAN generator: noise (N, latent_dim) -> images (N, 1, 28, 28) in [0, 1].

    Linear -> (2c, 7, 7) -> BatchNorm, ReLU -> conv 3x3 -> (2c, 7, 7) -> BatchNorm, ReLU ->
    ConvTranspose 4x4 stride 2 -> (c, 14, 14) -> BatchNorm, ReLU -> ConvTranspose 4x4 stride 2
    -> (1, 28, 28) -> sigmoid, with c = ``channels``.
    """

    def __init__(self, latent_dim: int = 32, channels: int = 32) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        wide = 2 * channels
        self.net = nn.Sequential(
            nn.Linear(latent_dim, wide * 7 * 7, bias=False), nn.BatchNorm1d(wide * 7 * 7), nn.ReLU(),
            nn.Unflatten(1, (wide, 7, 7)),
            nn.Conv2d(wide, wide, 3, padding=1, bias=False), nn.BatchNorm2d(wide), nn.ReLU(),
            nn.ConvTranspose2d(wide, channels, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.ConvTranspose2d(channels, 1, 4, stride=2, padding=1), nn.Sigmoid())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class ConvDiscriminator(nn.Module):
    """A small DCGAN discriminator: images (N, 1, 28, 28) -> one logit each (N,), high means "real".

    Conv 4x4 stride 2 -> (c, 14, 14), LeakyReLU (no BatchNorm on the first layer) -> conv 4x4 stride 2
    -> (2c, 7, 7), BatchNorm, LeakyReLU -> conv 3x3 -> (2c, 7, 7), BatchNorm, LeakyReLU -> linear,
    with c = ``channels``.
    """

    def __init__(self, channels: int = 32) -> None:
        super().__init__()
        wide = 2 * channels
        self.net = nn.Sequential(
            nn.Conv2d(1, channels, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(channels, wide, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(wide), nn.LeakyReLU(0.2),
            nn.Conv2d(wide, wide, 3, padding=1, bias=False), nn.BatchNorm2d(wide), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(wide * 7 * 7, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(-1, 1, 28, 28)).squeeze(1)


def shipped_dcgan_generator() -> ConvGenerator:
    """The generator of :data:`DCGAN_SETTINGS` that ``scripts/train-dcgan.py`` trained for
    :data:`SHIPPED_DCGAN_EPOCHS` epochs on the 60,000 training images, loaded from ``data/models/``
    after checking its SHA-256, in eval mode."""
    path = (Path(__file__).resolve().parents[2] / "data" / "models"
            / f"dcgan-generator-{SHIPPED_DCGAN_EPOCHS}ep.pt")
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: restore it from the course repository (git checkout data/models) "
                                f"or recreate it with scripts/train-dcgan.py {SHIPPED_DCGAN_EPOCHS}")
    if hashlib.sha256(path.read_bytes()).hexdigest() != SHIPPED_DCGAN_SHA256:
        raise ValueError(f"{path} does not have the SHA-256 of the shipped generator; see data/models/README.md")
    forger = ConvGenerator(**DCGAN_SETTINGS)
    forger.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return forger.eval()
