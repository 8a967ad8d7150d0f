"""Correct answers to module 10 (autoencoders and generative models), written in styles other than the reference."""

from __future__ import annotations

from corpus import Alternative

ALTERNATIVES = [
    # reconstruction_errors
    Alternative("reconstruction_errors", "flatten, F.mse_loss without reduction, mode restored in finally", '''
import torch.nn.functional as F


def reconstruction_errors(model, x):
    mode = model.training
    try:
        model.eval()
        with torch.no_grad():
            out = model(x)
        return F.mse_loss(out.flatten(1), x.flatten(1), reduction="none").mean(dim=1)
    finally:
        model.train(mode)
'''),
    Alternative("reconstruction_errors", "inference_mode, loop over samples, NumPy result", '''
import numpy as np


def reconstruction_errors(model, x):
    """One squared-error mean per sample, returned as a NumPy array."""
    previous = model.training
    model.eval()
    with torch.inference_mode():
        rebuilt = model(x)
    model.train(previous)
    errors = []
    for original, copy in zip(x, rebuilt):
        errors.append(float(((copy - original) ** 2).mean()))
    return np.array(errors)
'''),
    Alternative("reconstruction_errors", "mean over explicit dims, eval only when training", '''
def reconstruction_errors(model, x):
    restore = model.training
    if restore:
        model.eval()
    with torch.no_grad():
        squared = (model(x) - x).pow(2)
    if restore:
        model.train()
    dims = tuple(range(1, x.dim()))
    return squared.mean(dim=dims) if dims else squared
'''),
    Alternative("reconstruction_errors", "sum then divide, float64", '''
def reconstruction_errors(model, x):
    was = model.training
    model.eval()
    with torch.set_grad_enabled(False):
        diff = (model(x).double() - x.double()).reshape(x.shape[0], -1)
    model.train(was)
    return (diff * diff).sum(dim=1) / diff.shape[1]
'''),
    # reparameterize
    Alternative("reparameterize", "std via sqrt of exp", '''
def reparameterize(mu, log_var, eps):
    std = torch.sqrt(torch.exp(log_var))
    return mu + std * eps
'''),
    Alternative("reparameterize", "torch.distributions rsample-style with addcmul", '''
def reparameterize(mu, log_var, eps):
    """z = mu + sigma * eps, written with addcmul."""
    sigma = (log_var / 2).exp()
    return torch.addcmul(mu, sigma, eps)
'''),
    Alternative("reparameterize", "exp of half log-variance with math constants", '''
import math


def reparameterize(mu, log_var, eps):
    half = 0.5
    z = eps * torch.exp(log_var * half)
    z = z + mu
    return z
'''),
    # kl_divergence
    Alternative("kl_divergence", "torch.distributions", '''
from torch.distributions import Normal, kl_divergence as kl_between


def kl_divergence(mu, log_var):
    q = Normal(mu, torch.exp(0.5 * log_var))
    p = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return kl_between(q, p).sum(dim=1).mean()
'''),
    Alternative("kl_divergence", "sum over everything divided by the batch size", '''
def kl_divergence(mu, log_var):
    n = mu.shape[0]
    total = 0.5 * torch.sum(mu.pow(2) + log_var.exp() - log_var - 1)
    return total / n
'''),
    Alternative("kl_divergence", "loop over the rows", '''
def kl_divergence(mu, log_var):
    rows = []
    for m, lv in zip(mu, log_var):
        variance = torch.exp(lv)
        rows.append(0.5 * torch.sum(variance + m * m - 1.0 - lv))
    return torch.stack(rows).mean()
'''),
    # vae_loss
    Alternative("vae_loss", "softplus formula", '''
import torch.nn.functional as F


def vae_loss(x, logits, mu, log_var):
    bce = x * F.softplus(-logits) + (1 - x) * F.softplus(logits)
    return bce.sum(dim=1).mean() + kl_divergence(mu, log_var)
'''),
    Alternative("vae_loss", "logsigmoid formula, KL written out", '''
import torch.nn.functional as F


def vae_loss(x, logits, mu, log_var):
    log_p = F.logsigmoid(logits)          # log sigmoid(l)
    log_not_p = F.logsigmoid(-logits)     # log (1 - sigmoid(l))
    reconstruction = -(x * log_p + (1 - x) * log_not_p).sum(dim=-1).mean()
    kl = -0.5 * torch.sum(1 + log_var - mu ** 2 - torch.exp(log_var), dim=-1).mean()
    return reconstruction + kl
'''),
    Alternative("vae_loss", "BCEWithLogitsLoss module, mean times pixels", '''
def vae_loss(x, logits, mu, log_var):
    per_pixel = torch.nn.BCEWithLogitsLoss()(logits, x)   # mean over N * P values
    return per_pixel * x.shape[1] + kl_divergence(mu, log_var)
'''),
    Alternative("vae_loss", "max-trick formula by hand", '''
def vae_loss(x, logits, mu, log_var):
    # stable BCE: max(l, 0) - l * x + log(1 + exp(-|l|))
    bce = torch.clamp(logits, min=0) - logits * x + torch.log1p(torch.exp(-logits.abs()))
    return bce.sum() / len(x) + kl_divergence(mu, log_var)
'''),
    # discriminator_loss
    Alternative("discriminator_loss", "softplus", '''
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
'''),
    Alternative("discriminator_loss", "BCEWithLogitsLoss with full_like labels", '''
def discriminator_loss(real_logits, fake_logits):
    criterion = torch.nn.BCEWithLogitsLoss()
    real_loss = criterion(real_logits, torch.full_like(real_logits, 1.0))
    fake_loss = criterion(fake_logits, torch.full_like(fake_logits, 0.0))
    return real_loss + fake_loss
'''),
    Alternative("discriminator_loss", "logsigmoid, sum then divide", '''
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    real_part = -F.logsigmoid(real_logits).sum() / real_logits.numel()
    fake_part = -F.logsigmoid(-fake_logits).sum() / fake_logits.numel()
    return real_part + fake_part
'''),
    # generator_loss
    Alternative("generator_loss", "BCE with logits against ones", '''
import torch.nn.functional as F


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
'''),
    Alternative("generator_loss", "negative logsigmoid", '''
import torch.nn.functional as F


def generator_loss(fake_logits):
    """-log D(G(z)), with log D = logsigmoid(logit)."""
    return -F.logsigmoid(fake_logits).mean()
'''),
    Alternative("generator_loss", "max-trick by hand, sum then divide", '''
def generator_loss(fake_logits):
    # -log sigmoid(l) = max(-l, 0) + log(1 + exp(-|l|))
    per_sample = torch.relu(-fake_logits) + torch.log1p(torch.exp(-torch.abs(fake_logits)))
    return per_sample.sum() / len(fake_logits)
'''),
]
