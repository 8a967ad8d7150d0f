"""Train the DCGAN whose generator module 10 loads (data/models/dcgan-generator-*.pt).

The notebook trains the same networks with the same loop for one epoch, which is what fits in its
time budget; this script trains them longer. It uses the same code (``models.generative.ConvGenerator``
and ``ConvDiscriminator``, ``training.generative.fit_gan``) and the reference versions of the student's
two losses of module 10 (Exercises 5 and 6). Usage, from the checkout (two cores: about 45 s per epoch):

    OMP_NUM_THREADS=2 PYTHONPATH=. python scripts/train-dcgan.py [EPOCHS]

It writes the generator's state dict after every epoch (the file of the last epoch is the one shipped)
and prints its SHA-256.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

from course_utils.datasets import fashion_mnist
from course_utils.models import generative
from course_utils.training import generative as gen_train


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Exercise 5: mean BCE of the real logits against 1 plus mean BCE of the fake logits against 0."""
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Exercise 6: the non-saturating loss, mean of -log sigmoid(fake_logits)."""
    return F.softplus(-fake_logits).mean()


def main(epochs: int) -> None:
    torch.set_num_threads(2)
    X_train, _ = fashion_mnist("train")
    images = torch.as_tensor(X_train[:, None] / 255.0, dtype=torch.float32)      # (60000, 1, 28, 28)
    torch.manual_seed(0)
    forger = generative.ConvGenerator(**generative.DCGAN_SETTINGS)
    detective = generative.ConvDiscriminator(channels=generative.DCGAN_SETTINGS["channels"])
    out = Path(__file__).resolve().parents[1] / "data" / "models"

    def save(epoch: int) -> None:
        path = out / f"dcgan-generator-{epoch}ep.pt"
        torch.save(forger.state_dict(), path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"epoch {epoch}: {path.name} SHA-256 {digest}", flush=True)

    history = gen_train.fit_gan(forger, detective, images, epochs, discriminator_loss, generator_loss,
                                batch_size=64, lr=2e-4, snapshots=2, on_epoch=save)
    print(f"{len(history['d_loss'])} steps in {sum(history['seconds']):.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
