"""Wrong answers to module 10 (autoencoders and generative models) that the hidden tests must reject."""

from __future__ import annotations

from collections.abc import Callable

from mutants import Mutant


def _answer(signature: str, imports: str = "") -> Callable[[str], str]:
    """A builder of wrong cells: ``def <signature>:`` with the given one-statement body (imports first)."""
    header = f"\n{imports}\n\n\n" if imports else "\n"
    return lambda body: f"{header}def {signature}:\n    {body}\n"


_F = "import torch.nn.functional as F"
_errors = _answer("reconstruction_errors(model, x)")
_reparam = _answer("reparameterize(mu, log_var, eps)")
_kl = _answer("kl_divergence(mu, log_var)")
_vae = _answer("vae_loss(x, logits, mu, log_var)", _F)
_d = _answer("discriminator_loss(real_logits, fake_logits)", _F)
_g = _answer("generator_loss(fake_logits)", _F)


_RESTORE = "was_training = model.training\n    model.eval()\n    with torch.no_grad():\n        out = model(x)\n" \
           "    model.train(was_training)\n    "
_KL_OK = "(-0.5 * (1 + log_var - mu ** 2 - log_var.exp()).sum(dim=1)).mean()"

MUTANTS = [
    # reconstruction_errors
    Mutant("reconstruction_errors", "train mode left on",
           _errors("with torch.no_grad():\n        out = model(x)\n"
                   "    return ((out - x) ** 2).reshape(len(x), -1).mean(dim=1)"), "model.eval()"),
    Mutant("reconstruction_errors", "gradients on",
           _errors("was_training = model.training\n    model.eval()\n    out = model(x)\n"
                   "    model.train(was_training)\n    return ((out - x) ** 2).reshape(len(x), -1).mean(dim=1)"),
           "torch.no_grad"),
    Mutant("reconstruction_errors", "mode not restored",
           _errors("model.eval()\n    with torch.no_grad():\n        out = model(x)\n"
                   "    return ((out - x) ** 2).reshape(len(x), -1).mean(dim=1)"), "restore the model's mode"),
    Mutant("reconstruction_errors", "always back to train mode",
           _errors("model.eval()\n    with torch.no_grad():\n        out = model(x)\n    model.train()\n"
                   "    return ((out - x) ** 2).reshape(len(x), -1).mean(dim=1)"), "restore the model's mode"),
    Mutant("reconstruction_errors", "sum instead of mean",
           _errors(_RESTORE + "return ((out - x) ** 2).reshape(len(x), -1).sum(dim=1)"), "do not sum"),
    Mutant("reconstruction_errors", "one number for the batch",
           _errors(_RESTORE + "return ((out - x) ** 2).mean()"), "one error per sample"),
    Mutant("reconstruction_errors", "root mean squared error",
           _errors(_RESTORE + "return ((out - x) ** 2).reshape(len(x), -1).mean(dim=1).sqrt()"), "square root"),
    Mutant("reconstruction_errors", "absolute error",
           _errors(_RESTORE + "return (out - x).abs().reshape(len(x), -1).mean(dim=1)"), "absolute"),
    Mutant("reconstruction_errors", "mean over dim 1 only",
           _errors(_RESTORE + "return ((out - x) ** 2).mean(dim=1)"), "all dimensions except the first"),
    Mutant("reconstruction_errors", "subtracts in place",
           _errors(_RESTORE + "x -= out\n    return (x ** 2).reshape(len(x), -1).mean(dim=1)"), "in place"),
    # reparameterize
    Mutant("reparameterize", "variance instead of std",
           _reparam("return mu + torch.exp(log_var) * eps"), "exp(0.5 * log_var)"),
    Mutant("reparameterize", "log_var used as std", _reparam("return mu + log_var * eps"), "logarithm"),
    Mutant("reparameterize", "0.5 outside the exp",
           _reparam("return mu + 0.5 * torch.exp(log_var) * eps"), "inside the exponential"),
    Mutant("reparameterize", "minus sign", _reparam("return mu - torch.exp(0.5 * log_var) * eps"), "add the scaled"),
    Mutant("reparameterize", "draws its own noise",
           _reparam("return mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)"), "draw no noise of your own"),
    Mutant("reparameterize", "no mean", _reparam("return torch.exp(0.5 * log_var) * eps"), "add the mean"),
    Mutant("reparameterize", "detached",
           _reparam("return (mu + torch.exp(0.5 * log_var) * eps).detach()"), "differentiable"),
    Mutant("reparameterize", "in place on mu",
           _reparam("return mu.add_(torch.exp(0.5 * log_var) * eps)"), "in place"),
    Mutant("reparameterize", "via numpy",
           _reparam("import numpy as np\n    return torch.as_tensor(mu.numpy() + np.exp(0.5 * log_var.numpy()) "
                    "* eps.numpy())"), "differentiable"),
    # kl_divergence
    Mutant("kl_divergence", "sign flipped",
           _kl("return (0.5 * (1 + log_var - mu ** 2 - log_var.exp()).sum(dim=1)).mean()"), "wrong sign"),
    Mutant("kl_divergence", "mean over the latent dimensions",
           _kl("return (-0.5 * (1 + log_var - mu ** 2 - log_var.exp())).mean()"), "averaged over the latent"),
    Mutant("kl_divergence", "summed over the batch",
           _kl("return (-0.5 * (1 + log_var - mu ** 2 - log_var.exp())).sum()"), "average over the batch"),
    Mutant("kl_divergence", "std for variance",
           _kl("return (-0.5 * (1 + log_var - mu ** 2 - torch.exp(0.5 * log_var)).sum(dim=1)).mean()"),
           "variance is exp(log_var)"),
    Mutant("kl_divergence", "mu not squared",
           _kl("return (-0.5 * (1 + log_var - mu - log_var.exp()).sum(dim=1)).mean()"), "square the mean"),
    Mutant("kl_divergence", "the 1 forgotten",
           _kl("return (-0.5 * (log_var - mu ** 2 - log_var.exp()).sum(dim=1)).mean()"), "keep the 1"),
    Mutant("kl_divergence", "per-sample vector",
           _kl("return -0.5 * (1 + log_var - mu ** 2 - log_var.exp()).sum(dim=1)"), "single number"),
    Mutant("kl_divergence", "python float", _kl(f"return {_KL_OK}.item()"), "differentiable"),
    # vae_loss
    Mutant("vae_loss", "KL forgotten",
           _vae("return F.binary_cross_entropy_with_logits(logits, x, reduction='sum') / len(x)"), "add the kl"),
    Mutant("vae_loss", "KL subtracted",
           _vae(f"return F.binary_cross_entropy_with_logits(logits, x, reduction='sum') / len(x) - {_KL_OK}"),
           "ADD the KL"),
    Mutant("vae_loss", "mean over pixels",
           _vae(f"return F.binary_cross_entropy_with_logits(logits, x) + {_KL_OK}"), "sum the cross-entropy"),
    Mutant("vae_loss", "reconstruction summed over the batch",
           _vae(f"return F.binary_cross_entropy_with_logits(logits, x, reduction='sum') + {_KL_OK}"),
           "average the reconstruction"),
    Mutant("vae_loss", "unstable sigmoid then log",
           _vae("p = torch.sigmoid(logits)\n    bce = -(x * torch.log(p) + (1 - x) * torch.log(1 - p))\n"
                f"    return bce.sum() / len(x) + {_KL_OK}"), "not finite"),
    Mutant("vae_loss", "sigmoid then F.binary_cross_entropy (clamped logs)",
           _vae(f"return F.binary_cross_entropy(torch.sigmoid(logits), x, reduction='sum') / len(x) + {_KL_OK}"),
           "from the logits"),
    Mutant("vae_loss", "arguments swapped",
           _vae(f"return F.binary_cross_entropy_with_logits(x, logits, reduction='sum') / len(x) + {_KL_OK}"),
           "argument order"),
    Mutant("vae_loss", "plain squared error",
           _vae(f"return ((torch.sigmoid(logits) - x) ** 2).sum() / len(x) + {_KL_OK}"), "BCE of x"),
    # discriminator_loss
    Mutant("discriminator_loss", "labels swapped",
           _d("return (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))\n"
              "            + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))"),
           "labels are swapped"),
    Mutant("discriminator_loss", "average of the two",
           _d("return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))\n"
              "            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))) / 2"),
           "sum of two means"),
    Mutant("discriminator_loss", "one mean over both batches",
           _d("logits = torch.cat([real_logits, fake_logits])\n"
              "    labels = torch.cat([torch.ones_like(real_logits), torch.zeros_like(fake_logits)])\n"
              "    return F.binary_cross_entropy_with_logits(logits, labels)"), "sum of two means"),
    Mutant("discriminator_loss", "sums instead of means",
           _d("return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits), reduction='sum')"
              "\n            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits), "
              "reduction='sum'))"), "do not sum"),
    Mutant("discriminator_loss", "unstable log of sigmoid",
           _d("return (-torch.log(torch.sigmoid(real_logits)).mean()\n"
              "            - torch.log(1 - torch.sigmoid(fake_logits)).mean())"), "not finite"),
    Mutant("discriminator_loss", "fakes forgotten",
           _d("return F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))"),
           "add the loss on the fakes"),
    Mutant("discriminator_loss", "sign flipped",
           _d("return F.logsigmoid(real_logits).mean() + F.logsigmoid(-fake_logits).mean()"), "wrong sign"),
    # generator_loss
    Mutant("generator_loss", "saturating loss",
           _g("return torch.log1p(-torch.sigmoid(fake_logits)).mean()"), "saturating"),
    Mutant("generator_loss", "saturating loss, stable",
           _g("return -F.softplus(fake_logits).mean()"), "saturating"),
    Mutant("generator_loss", "label 0",
           _g("return F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))"),
           "called REAL"),
    Mutant("generator_loss", "sign flipped", _g("return F.logsigmoid(fake_logits).mean()"), "wrong sign"),
    Mutant("generator_loss", "sum instead of mean", _g("return F.softplus(-fake_logits).sum()"), "do not sum"),
    Mutant("generator_loss", "unstable log of sigmoid",
           _g("return -torch.log(torch.sigmoid(fake_logits)).mean()"), "not finite"),
    Mutant("generator_loss", "python float", _g("return float(F.softplus(-fake_logits).mean())"), "differentiable"),
]
