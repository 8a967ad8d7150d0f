"""Training loops for the autoencoders, the VAE and the GAN of module 10.

The loops take the losses as arguments, so the notebook trains with the functions the
student wrote (``vae_loss``, ``discriminator_loss``, ...). Images are float tensors
``(N, 1, 28, 28)`` with pixels in [0, 1]. Each loop returns a history dict of lists.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
from torch import nn

from course_utils.models.generative import VAE, ConvGenerator, Generator


def _batches(n: int, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """Shuffled index batches covering range(n) once."""
    return list(torch.randperm(n, generator=generator).split(batch_size))


def fit_autoencoder(model: nn.Module, images: torch.Tensor, epochs: int, *, noise: float = 0.0,
                    batch_size: int = 128, lr: float = 1e-3, seed: int = 0) -> dict[str, list[float]]:
    """Train ``model`` to map ``images`` (N, 1, 28, 28) to themselves with the mean squared error.

    With ``noise`` > 0 it is a denoising autoencoder: the input is the image plus Gaussian
    noise of that standard deviation (clipped to [0, 1]), the target the clean image.
    History: ``loss`` (mean per epoch) and ``seconds``.
    """
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"loss": [], "seconds": []}
    model.train()
    for _ in range(epochs):
        start, total = time.perf_counter(), 0.0
        for index in _batches(len(images), batch_size, generator):
            clean = images[index]
            inputs = clean
            if noise > 0:
                inputs = (clean + noise * torch.randn(clean.shape, generator=generator)).clamp(0, 1)
            loss = nn.functional.mse_loss(model(inputs), clean)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        history["loss"].append(total / len(images))
        history["seconds"].append(time.perf_counter() - start)
    return history


def vae_step_loss(model: VAE, images: torch.Tensor, loss_fn: Callable, reparameterize: Callable,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """The VAE loss of one batch: encode, reparameterise with fresh noise, decode, ``loss_fn``.

    ``model`` has ``encode(x) -> (mu, log_var)`` and ``decode(z) -> logits (N, 784)``;
    ``loss_fn(x (N, 784), logits, mu, log_var)`` and ``reparameterize(mu, log_var, eps)``.
    """
    mu, log_var = model.encode(images)
    eps = torch.randn(mu.shape, generator=generator)
    return loss_fn(images.flatten(1), model.decode(reparameterize(mu, log_var, eps)), mu, log_var)


def fit_vae(model: VAE, images: torch.Tensor, epochs: int, loss_fn: Callable, reparameterize: Callable, *,
            test_images: torch.Tensor | None = None, batch_size: int = 128, lr: float = 1e-3,
            seed: int = 0) -> dict[str, list[float]]:
    """Train a VAE by minimising ``loss_fn`` (the negative ELBO per image) on ``images``.

    History: ``loss`` (mean over each epoch, in train mode), ``test_loss`` (the negative ELBO
    on ``test_images`` after each epoch, if given) and ``seconds``.
    """
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"loss": [], "seconds": []}
    if test_images is not None:
        history["test_loss"] = []
    for _ in range(epochs):
        start, total = time.perf_counter(), 0.0
        model.train()
        for index in _batches(len(images), batch_size, generator):
            loss = vae_step_loss(model, images[index], loss_fn, reparameterize, generator)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
        history["loss"].append(total / len(images))
        if test_images is not None:
            history["test_loss"].append(negative_elbo(model, test_images, loss_fn, reparameterize, seed=seed))
        history["seconds"].append(time.perf_counter() - start)
    return history


def negative_elbo(model: VAE, images: torch.Tensor, loss_fn: Callable, reparameterize: Callable, *,
                  batch_size: int = 1000, seed: int = 0) -> float:
    """Mean of ``loss_fn`` (negative ELBO, nats per image) over ``images``, one noise draw each, eval mode."""
    generator = torch.Generator().manual_seed(seed)
    was_training = model.training
    model.eval()
    total = 0.0
    with torch.no_grad():
        for batch in images.split(batch_size):
            total += vae_step_loss(model, batch, loss_fn, reparameterize, generator).item() * len(batch)
    model.train(was_training)
    return total / len(images)


def fit_gan(generator_net: Generator | ConvGenerator, discriminator: nn.Module, real_data: torch.Tensor, epochs: int,
            d_loss_fn: Callable, g_loss_fn: Callable, *,
            fixed_noise: torch.Tensor | None = None, snapshots: int = 6, batch_size: int = 128, lr: float = 2e-4,
            seed: int = 0, on_epoch: Callable[[int], None] | None = None) -> dict[str, list]:
    """Train a GAN on ``real_data`` (N, ...): images, or points such as 2-D toy data.

    Each step trains the discriminator on a real and a generated batch with
    ``d_loss_fn(real_logits, fake_logits)``, then the generator with ``g_loss_fn(fake_logits)``,
    both with Adam (lr, betas 0.5 and 0.999, as in the DCGAN paper). ``generator_net`` has an
    attribute ``latent_dim``. History: ``d_loss`` and ``g_loss`` per step, ``d_real`` and
    ``d_fake`` (mean sigmoid of the discriminator's logits on the real and the fake batch) per
    step, ``snapshot_steps`` and ``snapshots`` (``generator(fixed_noise)`` at evenly spaced
    steps), and ``seconds`` per epoch.
    ``on_epoch(epoch)``, if given, is called after each epoch (1, 2, ...), e.g. to save a checkpoint.
    """
    rng = torch.Generator().manual_seed(seed)
    latent_dim = generator_net.latent_dim
    if fixed_noise is None:
        fixed_noise = torch.randn(16, latent_dim, generator=rng)
    opt_g = torch.optim.Adam(generator_net.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999))
    steps_per_epoch = -(-len(real_data) // batch_size)
    total_steps = epochs * steps_per_epoch
    snap_at = {round(i * total_steps / max(snapshots - 1, 1)) for i in range(snapshots)}
    history: dict[str, list] = {"d_loss": [], "g_loss": [], "d_real": [], "d_fake": [],
                                "snapshot_steps": [], "snapshots": [], "seconds": []}

    def snapshot(step: int) -> None:
        history["snapshots"].append(sample_gan(generator_net, noise=fixed_noise))
        history["snapshot_steps"].append(step)
        generator_net.train()

    step = 0
    generator_net.train()
    discriminator.train()
    snapshot(0)
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for index in _batches(len(real_data), batch_size, rng):
            real = real_data[index]
            fake = generator_net(torch.randn(len(index), latent_dim, generator=rng))
            real_logits, fake_logits = discriminator(real), discriminator(fake.detach())
            d_loss = d_loss_fn(real_logits, fake_logits)
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()

            g_loss = g_loss_fn(discriminator(fake))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()

            step += 1
            history["d_loss"].append(d_loss.item())
            history["g_loss"].append(g_loss.item())
            history["d_real"].append(torch.sigmoid(real_logits).mean().item())
            history["d_fake"].append(torch.sigmoid(fake_logits).mean().item())
            if step in snap_at:
                snapshot(step)
        history["seconds"].append(time.perf_counter() - start)
        if on_epoch is not None:
            on_epoch(epoch)
    return history


def sample_gan(generator_net: Generator | ConvGenerator, n: int = 16, *, seed: int = 0,
               noise: torch.Tensor | None = None) -> torch.Tensor:
    """The generator's output for ``n`` noise vectors drawn with
    ``seed`` (or the given ``noise`` (n, latent_dim)), in eval mode without gradients."""
    if noise is None:
        noise = torch.randn(n, generator_net.latent_dim, generator=torch.Generator().manual_seed(seed))
    generator_net.eval()
    with torch.no_grad():
        return generator_net(noise)
