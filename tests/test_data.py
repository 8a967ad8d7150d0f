"""course_utils.datasets: toy sets, and Fashion-MNIST's search path, verification and error paths."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import http.server
import threading

import numpy as np
import pytest

from course_utils import datasets as data
from course_utils.datasets import fashion, files

DEBIAN = files.DEBIAN_DIRS["fashion-mnist"]
LABELS = fashion.FASHION_MNIST_FILES[("test", "labels")]


def test_logic_gates_are_truth_tables():
    X, y = data.logic_gate("XOR")
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [0, 1, 1, 0]
    assert data.logic_gate("and")[1].tolist() == [0, 0, 0, 1]
    with pytest.raises(ValueError, match="unknown gate"):
        data.logic_gate("maybe")


def test_linearly_separable_has_a_margin_and_is_reproducible():
    X, y = data.linearly_separable(200, margin=0.4, seed=3)
    X2, y2 = data.linearly_separable(200, margin=0.4, seed=3)
    assert X.shape == (200, 2) and np.array_equal(X, X2) and np.array_equal(y, y2)
    assert 0 < y.mean() < 1
    from sklearn.svm import LinearSVC

    assert LinearSVC(C=1000, max_iter=100_000).fit(X, y).score(X, y) == 1.0


def test_classification_split_is_standardised_on_train():
    X_train, X_test, y_train, y_test = data.classification_split(n_samples=500)
    assert X_train.shape == (400, 20) and X_test.shape == (100, 20)
    assert X_train.dtype == np.float32 and y_train.dtype == np.int64
    np.testing.assert_allclose(X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(X_train.std(axis=0), 1, atol=1e-3)


def test_circles_and_digits():
    X, y = data.circles(300)
    assert X.shape == (300, 2) and set(y) == {0, 1}
    images, labels = data.digits()
    assert images.shape == (1797, 8, 8) and labels.max() == 9


def test_subsample_is_stratified():
    X, y = np.arange(1000).reshape(-1, 1), np.repeat(np.arange(10), 100)
    Xs, ys = data.subsample(X, y, 100)
    assert len(ys) == 100 and np.bincount(ys).tolist() == [10] * 10
    assert data.subsample(X, y, None)[0] is X


def test_fashion_mnist_from_the_debian_package():
    images, labels = data.fashion_mnist("test", download=False)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1000] * 10
    assert len(data.FASHION_MNIST_CLASSES) == 10


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No Debian copy, an empty search path and cache, and an unreachable download URL."""
    monkeypatch.setitem(files.DEBIAN_DIRS, "fashion-mnist", tmp_path / "no-debian")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "search"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "search").mkdir()
    for key, remote in list(fashion.FASHION_MNIST_FILES.items()):
        monkeypatch.setitem(fashion.FASHION_MNIST_FILES, key,
                            dataclasses.replace(remote, url=f"http://127.0.0.1:9/{remote.name}"))
    return tmp_path


def test_offline_miss_raises_one_clear_error(isolated):
    with pytest.raises(data.DatasetUnavailable) as info:
        data.fashion_mnist("test")
    message = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in message
    assert str(isolated / "search") in message and "download from http://127.0.0.1:9/" in message
    assert "apt-get install dataset-fashion-mnist" in message and "COURSE_DATA_DIR" in message


def test_search_path_copy_is_used(isolated):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (isolated / "search" / name).write_bytes((DEBIAN / name).read_bytes())
    images, labels = data.fashion_mnist("test", download=False)
    assert images.shape == (10000, 28, 28)


def test_corrupt_file_is_detected_not_used(isolated):
    content = bytearray(gzip.decompress((DEBIAN / LABELS.name).read_bytes()))
    content[100] = (content[100] + 1) % 10  # one label changed: still a valid IDX file
    (isolated / "search" / LABELS.name).write_bytes(gzip.compress(bytes(content)))
    with pytest.raises(data.DatasetUnavailable, match="wrong content"):
        files.fetch_file("fashion-mnist", fashion.FASHION_MNIST_FILES[("test", "labels")], download=False)


def test_truncated_file_is_detected(isolated):
    raw = (DEBIAN / LABELS.name).read_bytes()
    (isolated / "search" / LABELS.name).write_bytes(raw[: len(raw) // 2])
    with pytest.raises(data.DatasetUnavailable, match="truncated"):
        files.fetch_file("fashion-mnist", fashion.FASHION_MNIST_FILES[("test", "labels")], download=False)


def test_a_corrupt_copy_is_skipped_for_a_good_one_later_in_the_path(isolated, monkeypatch):
    bad, good = isolated / "bad", isolated / "good"
    bad.mkdir(), good.mkdir()
    (bad / LABELS.name).write_bytes(b"\x1f\x8b garbage")
    (good / LABELS.name).write_bytes((DEBIAN / LABELS.name).read_bytes())
    monkeypatch.setenv("COURSE_DATA_DIR", f"{bad}{__import__('os').pathsep}{good}")
    content = files.fetch_file("fashion-mnist", fashion.FASHION_MNIST_FILES[("test", "labels")], download=False)
    assert hashlib.sha256(content).hexdigest() == LABELS.content_sha256


@pytest.fixture
def file_server(tmp_path):
    """A local HTTP server (loopback only) serving tmp_path/served."""
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _point_download_at(monkeypatch, base_url: str, known_hash: str) -> files.RemoteFile:
    remote = dataclasses.replace(LABELS, url=base_url + LABELS.name, download_hash=known_hash)
    monkeypatch.setitem(fashion.FASHION_MNIST_FILES, ("test", "labels"), remote)
    return remote


def test_download_fallback_is_verified_and_cached(isolated, file_server, monkeypatch):
    served, url = file_server
    raw = (DEBIAN / LABELS.name).read_bytes()
    (served / LABELS.name).write_bytes(raw)
    remote = _point_download_at(monkeypatch, url, "md5:" + hashlib.md5(raw).hexdigest())
    content = files.fetch_file("fashion-mnist", remote)
    assert hashlib.sha256(content).hexdigest() == LABELS.content_sha256
    cached = isolated / "cache" / "fashion-mnist" / LABELS.name
    assert cached.read_bytes() == raw
    (served / LABELS.name).unlink()  # offline now: the cache answers
    assert files.fetch_file("fashion-mnist", remote, download=False) == content


def test_download_with_wrong_checksum_is_rejected(isolated, file_server, monkeypatch):
    served, url = file_server
    (served / LABELS.name).write_bytes(b"not the data set")
    remote = _point_download_at(monkeypatch, url, "md5:" + hashlib.md5(b"expected").hexdigest())
    with pytest.raises(data.DatasetUnavailable, match="download from .* failed"):
        files.fetch_file("fashion-mnist", remote)
    assert not (isolated / "cache" / "fashion-mnist" / LABELS.name).exists()


def test_bad_split_name():
    with pytest.raises(ValueError, match="train' or 'test"):
        data.fashion_mnist("validation")


# ---------------------------------------------------------------------------
# module 07: word list and time series
# ---------------------------------------------------------------------------

def test_words_missing_file_says_how_to_get_it(tmp_path, monkeypatch):
    import importlib

    words = importlib.import_module("course_utils.datasets.words")   # the package's `words` is the loader
    monkeypatch.setattr(words, "SYSTEM_WORDS", tmp_path / "no-such-words")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "empty"))
    with pytest.raises(data.DatasetUnavailable, match="apt-get install wamerican") as info:
        data.words()
    assert "COURSE_DATA_DIR" in str(info.value) and str(tmp_path / "no-such-words") in str(info.value)
    with pytest.raises(data.DatasetUnavailable, match="wamerican"):
        data.words(path=tmp_path / "missing")


def test_words_from_a_file_in_course_data_dir_are_filtered(tmp_path, monkeypatch):
    (tmp_path / "words").write_text("Boston\ncat\ncat's\ncats\ncafé\nab\nzebra\nextraordinarily\ncat\n", encoding="utf-8")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert data.words() == ["cat", "cats", "zebra"]
    assert data.words(min_length=2, max_length=15) == ["ab", "cat", "cats", "extraordinarily", "zebra"]


def test_words_an_empty_list_is_reported(tmp_path):
    (tmp_path / "words").write_text("A\nB\n")
    with pytest.raises(data.DatasetUnavailable, match="holds no words"):
        data.words(path=tmp_path / "words")


def test_words_real_system_list(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    found = data.words()
    assert len(found) > 20_000 and "house" in found and "boston" not in found
    assert all(w.isascii() and w.isalpha() and w.islower() and 3 <= len(w) <= 10 for w in found)
    assert found == sorted(set(found))


def test_series_sine_and_real_series():
    wave = data.sine_wave(100, step=0.1)
    assert wave.dtype == np.float32 and wave.shape == (100,)
    np.testing.assert_allclose(wave, np.sin(0.1 * np.arange(100)), atol=1e-6)
    assert not np.array_equal(data.sine_wave(100, noise=0.1, seed=1), wave)
    years, spots = data.sunspots()
    assert years[0] == 1700 and years[-1] == 2008 and len(spots) == 309 and spots.min() >= 0
    dates, ppm = data.co2()
    assert len(dates) == len(ppm) > 500 and np.isfinite(ppm).all() and 300 < ppm.mean() < 400


def test_series_without_statsmodels_raises_dataset_unavailable(monkeypatch):
    import sys

    from course_utils.datasets import series

    monkeypatch.setitem(sys.modules, "statsmodels.datasets", None)
    monkeypatch.setitem(sys.modules, "statsmodels", None)
    with pytest.raises(data.DatasetUnavailable, match="statsmodels"):
        series.sunspots()
