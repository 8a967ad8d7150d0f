"""Helpers of module 10: models, training loops, the classifier judge, toy clusters, diffusion, plots, probes."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from course_utils import plots  # noqa: E402
from course_utils.datasets import clusters  # noqa: E402
from course_utils.models import diffusion, fashion_classifier, generative, probes  # noqa: E402
from course_utils.training import generative as gen_train  # noqa: E402


def _kl(mu, log_var):
    return (-0.5 * (1 + log_var - mu ** 2 - log_var.exp()).sum(dim=1)).mean()


def _vae_loss(x, logits, mu, log_var):
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x) + _kl(mu, log_var)


def _reparameterize(mu, log_var, eps):
    return mu + torch.exp(0.5 * log_var) * eps


def _images(n: int, seed: int = 0) -> torch.Tensor:
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed))


def test_model_shapes():
    x = _images(5)
    ae = generative.Autoencoder(latent_dim=3)
    assert ae.encode(x).shape == (5, 3) and ae(x).shape == (5, 1, 28, 28)
    with torch.no_grad():
        assert float(ae(x).min()) >= 0 and float(ae(x).max()) <= 1
    vae = generative.VAE(latent_dim=4, hidden=16)
    logits, mu, log_var = vae(x)
    assert logits.shape == (5, 784) and mu.shape == log_var.shape == (5, 4)
    eps = torch.zeros(5, 4)
    assert torch.equal(vae(x, eps)[0], vae.decode(vae.encode(x)[0]))      # eps = 0 decodes the mean
    assert generative.Generator(latent_dim=6, out_dim=2)(torch.randn(7, 6)).shape == (7, 2)
    assert generative.Discriminator(in_dim=2)(torch.randn(7, 2)).shape == (7,)
    forger = generative.ConvGenerator(latent_dim=6, channels=4)
    images = forger(torch.randn(7, 6)).detach()
    assert images.shape == (7, 1, 28, 28) and float(images.min()) >= 0 and float(images.max()) <= 1
    detective = generative.ConvDiscriminator(channels=4)
    assert detective(images).shape == (7,) and detective(images.reshape(7, 784)).shape == (7,)


def test_fit_autoencoder_lowers_the_loss_and_denoises():
    torch.manual_seed(0)
    x = _images(64)
    for noise in (0.0, 0.3):
        ae = generative.Autoencoder(latent_dim=8, hidden=(32, 16))
        history = gen_train.fit_autoencoder(ae, x, epochs=15, noise=noise, batch_size=16, lr=3e-3)
        assert len(history["loss"]) == len(history["seconds"]) == 15
        assert history["loss"][-1] < history["loss"][0]


def test_fit_vae_and_negative_elbo():
    torch.manual_seed(0)
    x, test = (_images(64) > 0.5).float(), (_images(32, seed=1) > 0.5).float()
    vae = generative.VAE(latent_dim=2, hidden=16)
    history = gen_train.fit_vae(vae, x, 3, _vae_loss, _reparameterize, test_images=test, batch_size=16)
    assert set(history) == {"loss", "test_loss", "seconds"} and len(history["test_loss"]) == 3
    vae.train()
    value = gen_train.negative_elbo(vae, test, _vae_loss, _reparameterize)
    assert vae.training, "negative_elbo must restore the training mode"
    assert value == pytest.approx(gen_train.negative_elbo(vae, test, _vae_loss, _reparameterize))  # seeded
    assert 0 < value < 784 * np.log(2) * 2


def test_fit_gan_history_and_sampling():
    torch.manual_seed(0)
    points = torch.as_tensor(clusters.gaussian_ring(256, seed=0))
    forger, detective = generative.Generator(latent_dim=2, out_dim=2, hidden=16), generative.Discriminator(2, 16)

    def d_loss(real, fake):
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def g_loss(fake):
        return F.softplus(-fake).mean()

    history = gen_train.fit_gan(forger, detective, points, 2, d_loss, g_loss, batch_size=64, snapshots=3)
    steps = 2 * 4
    assert all(len(history[key]) == steps for key in ("d_loss", "g_loss", "d_real", "d_fake"))
    assert history["snapshot_steps"] == [0, 4, 8] and len(history["snapshots"]) == 3
    assert history["snapshots"][0].shape == (16, 2)
    assert all(0 <= p <= 1 for p in history["d_real"] + history["d_fake"])
    samples = gen_train.sample_gan(forger, 5, seed=3)
    assert samples.shape == (5, 2) and not forger.training
    assert torch.equal(samples, gen_train.sample_gan(forger, 5, seed=3))


def test_fit_gan_on_images_calls_on_epoch():
    torch.manual_seed(0)
    forger, detective = generative.ConvGenerator(latent_dim=4, channels=4), generative.ConvDiscriminator(channels=4)
    seen = []
    history = gen_train.fit_gan(forger, detective, _images(32), 2, lambda r, f: F.softplus(-r).mean()
                                + F.softplus(f).mean(), lambda f: F.softplus(-f).mean(), batch_size=16, snapshots=2,
                                on_epoch=seen.append)
    assert seen == [1, 2] and len(history["d_loss"]) == 4 and history["snapshots"][-1].shape == (16, 1, 28, 28)


def test_the_shipped_dcgan_generator_loads():
    forger = generative.shipped_dcgan_generator()
    assert not forger.training and forger.latent_dim == generative.DCGAN_SETTINGS["latent_dim"]
    assert gen_train.sample_gan(forger, 3, seed=0).shape == (3, 1, 28, 28)


def test_a_missing_or_changed_dcgan_generator_says_what_to_do(monkeypatch):
    monkeypatch.setattr(generative, "SHIPPED_DCGAN_SHA256", "0" * 64)
    with pytest.raises(ValueError, match="SHA-256 of the shipped generator"):
        generative.shipped_dcgan_generator()
    monkeypatch.setattr(generative, "SHIPPED_DCGAN_EPOCHS", 999)
    with pytest.raises(FileNotFoundError, match="train-dcgan.py"):
        generative.shipped_dcgan_generator()


def test_gaussian_ring_and_modes_covered():
    ring = clusters.gaussian_ring(800, modes=8, seed=1)
    assert ring.shape == (800, 2) and ring.dtype == np.float32
    assert np.allclose(np.linalg.norm(ring, axis=1).mean(), 2.0, atol=0.05)
    assert clusters.ring_modes_covered(ring) == 8
    one_cluster = clusters.ring_centres()[[0]] + 0.01 * np.random.default_rng(0).standard_normal((100, 2))
    assert clusters.ring_modes_covered(one_cluster) == 1
    assert clusters.ring_modes_covered(np.zeros((50, 2))) == 0        # the centre reaches no cluster


def test_diffusion_forward_process_and_sampling():
    schedule = diffusion.linear_schedule(steps=50)
    assert torch.all(schedule.alpha_bars[1:] < schedule.alpha_bars[:-1]) and schedule.alpha_bars[-1] < 0.01
    x0, eps = torch.ones(4, 2), torch.zeros(4, 2)
    assert torch.allclose(diffusion.add_noise(x0, 0, eps, schedule), schedule.alpha_bars[0].sqrt() * x0)
    per_point = diffusion.add_noise(x0, torch.tensor([0, 10, 20, 49]), torch.ones(4, 2), schedule)
    want = schedule.alpha_bars[[0, 10, 20, 49]].sqrt() + (1 - schedule.alpha_bars[[0, 10, 20, 49]]).sqrt()
    assert torch.allclose(per_point[:, 0], want)
    torch.manual_seed(0)
    model = diffusion.Denoiser(dim=2, hidden=16, steps=50)
    history = diffusion.fit_denoiser(model, torch.as_tensor(clusters.gaussian_ring(256)), schedule, steps=30)
    assert len(history["loss"]) == 30
    kept = diffusion.sample(model, 10, schedule, keep=[49, 0], seed=0)
    assert list(kept) == [49, 0] and kept[0].shape == (10, 2) and torch.isfinite(kept[0]).all()


class _FixedLogits(torch.nn.Module):
    """A stand-in classifier: logits given per image by its first pixel's row in a table."""

    def __init__(self, table: torch.Tensor) -> None:
        super().__init__()
        self.table = table

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.table[x[:, 0, 0, 0].long()]


def test_the_shipped_judge_is_found_and_loads():
    path = fashion_classifier._weights_path(fashion_classifier.JUDGE_EPOCHS, 60_000, 0)
    shipped = Path(fashion_classifier.__file__).resolve().parents[2] / "data" / "models" / path.name
    assert shipped.exists(), "data/models/ must hold the judge of the default settings"
    state = torch.load(shipped, map_location="cpu", weights_only=True)
    fashion_classifier.SimpleCNN().load_state_dict(state)


def test_train_one_cycle_learns_a_tiny_set():
    torch.manual_seed(0)
    labels = torch.arange(64) % 2
    images = 0.3 * torch.rand(64, 1, 28, 28) + 0.6 * labels[:, None, None, None]   # class 1: bright images
    model = fashion_classifier.SimpleCNN(num_classes=2)
    seconds = fashion_classifier.train_one_cycle(model, images, labels, epochs=8, max_lr=3e-3, batch_size=16)
    assert seconds > 0 and not model.training
    with torch.no_grad():
        assert bool((model(images).argmax(1) == labels).all())


def test_judge_samples():
    table = torch.full((3, 10), -10.0)
    table[0, 3] = 10.0                  # sure: class 3
    table[1, 7] = 10.0                  # sure: class 7
    table[2, :2] = 0.0                  # unsure between classes 0 and 1
    images = torch.zeros(4, 1, 28, 28)
    images[1, 0, 0, 0], images[2, 0, 0, 0], images[3, 0, 0, 0] = 1, 2, 1
    verdict = fashion_classifier.judge_samples(_FixedLogits(table), images)
    assert verdict["confident_share"] == pytest.approx(0.75)
    assert list(verdict["classes"]) == [3, 7, 0, 7]
    assert list(verdict["confident_counts"]) == [0, 0, 0, 1, 0, 0, 0, 2, 0, 0]
    assert verdict["classes_covered"] == ["Dress", "Sneaker"]


def test_fashion_classifier_loads_cached_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    path = fashion_classifier._weights_path(2, 60_000, 0)          # settings the course does not ship
    assert path.parent == tmp_path / "models" and path != fashion_classifier._weights_path(1, 60_000, 0)
    assert path != fashion_classifier._weights_path(2, 10_000, 0)
    torch.manual_seed(0)
    saved = fashion_classifier.SimpleCNN()
    path.parent.mkdir(parents=True)
    torch.save(saved.state_dict(), path)
    model, info = fashion_classifier.fashion_classifier(epochs=2, seed=0, n_test=500)
    assert info["loaded"] and info["seconds"] == 0.0 and 0.0 <= info["test_accuracy"] <= 1.0
    assert not model.training
    for a, b in zip(model.parameters(), saved.parameters()):
        assert torch.equal(a, b)


def test_plots_draw():
    codes, labels = np.random.default_rng(0).normal(size=(30, 2)), np.arange(30) % 3
    ax = plots.plot_latent_space(codes, labels, ["a", "b", "c"], title="codes")
    assert len(ax.collections) == 3
    with pytest.raises(ValueError):
        plots.plot_latent_space(np.zeros((3, 3)), labels[:3], ["a"])
    fig = plots.show_image_grid(np.random.default_rng(0).random((2, 3, 4, 4)), row_labels=["x", "y"], title="grid")
    assert fig.axes[0].images[0].get_array().shape == (2 * 5 - 1, 3 * 5 - 1)
    ax = plots.plot_roc_curve(np.array([0, 0.5, 1]), np.array([0, 0.8, 1]), label="score")
    assert len(ax.lines) == 2
    plt.close("all")


def test_gradient_of_sum_at():
    def f(a, b):
        return a * b ** 2

    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -1.0])
    assert torch.equal(probes.gradient_of_sum_at(f, 0, a, b), b ** 2)
    assert torch.equal(probes.gradient_of_sum_at(f, 1, a, b), 2 * a * b)
    assert probes.gradient_of_sum_at(lambda a, b: (a * b).detach(), 0, a, b) is None
    assert not a.requires_grad and a.grad is None              # the caller's tensors are untouched
