"""Movie-review sentences for module 08: the sentence polarity data set v1.0 (Pang and Lee, 2005).

10,662 one-sentence snippets of Rotten Tomatoes reviews, 5,331 positive and 5,331 negative,
already lower-cased and tokenised (punctuation separated by spaces).

Where the files come from, in order (each file is verified before it is used):

1. the folders of ``COURSE_DATA_DIR`` and the download cache (:func:`files.search_dirs`);
2. the copy that ships with the course, ``data/rt-polaritydata/`` of the checkout (with its
   README and SHA-256 sums), so a clone works offline;
3. the authors' tarball ``rt-polaritydata.tar.gz`` from the Cornell movie-review page,
   downloaded with pooch into the cache, for installs without the shipped copy.

The authors' files are Latin-1 in the Windows flavour (cp1252: its dashes and ellipses are
bytes 0x85-0x97), the shipped copies UTF-8: a file is read as UTF-8 when it is valid UTF-8,
else as cp1252, else as Latin-1, and the *decoded text* is verified by the SHA-256 of its UTF-8
encoding, so both encodings of the same text are accepted and anything else (another
encoding, a truncated or edited file) is rejected. The tarball's own bytes are not pinned
(its checksum could not be recorded offline); its two members are verified this way instead.
When nothing works, :class:`DatasetUnavailable` says where it looked and how to get the data.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import numpy as np

from course_utils.datasets.files import DatasetUnavailable, cache_dir, search_dirs

DATASET = "rt-polaritydata"
#: SHA-256 of each file's text encoded as UTF-8 (the README of data/rt-polaritydata lists the same sums)
REVIEW_FILES = {
    "rt-polarity.pos": "4134882974a28d0c7b5151256f0e33a6169984ee7372c279e673f1114f475d58",
    "rt-polarity.neg": "2d11cfbc790f1cd96d78339f41ce53ced1efa83cd22d37d6788fa3fe3d17e2fd",
}
N_PER_CLASS = 5331
TARBALL = "rt-polaritydata.tar.gz"
TARBALL_URL = "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz"
HOW_TO_GET = (
    "The movie-review sentences ship with the course in data/rt-polaritydata/ (restore them with "
    "`git checkout -- data/rt-polaritydata`). Elsewhere, download rt-polaritydata.tar.gz from "
    "http://www.cs.cornell.edu/people/pabo/movie-review-data/ , unpack it and set COURSE_DATA_DIR "
    "to the folder that holds rt-polarity.pos and rt-polarity.neg (or to its parent)."
)


def shipped_dir() -> Path:
    """``data/rt-polaritydata`` of the checkout this package lives in."""
    return Path(__file__).resolve().parents[2] / "data" / DATASET


def decode_verified(raw: bytes, expected_sha256: str, where: str = "the file") -> str:
    """The text of ``raw`` (UTF-8, else cp1252, else Latin-1) if its UTF-8 encoding has SHA-256 ``expected_sha256``.

    Raises ``ValueError`` that names the problem otherwise.
    """
    for encoding in ("UTF-8", "cp1252", "Latin-1"):     # Latin-1 decodes any bytes: the loop always ends
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != expected_sha256:
        raise ValueError(
            f"{where} read as {encoding} does not have the expected text (sha256 {digest[:12]}..., expected "
            f"{expected_sha256[:12]}...): it is corrupt, truncated, another version, or in an encoding "
            "other than UTF-8 and Latin-1/cp1252 (UTF-16? converted twice?)"
        )
    return text


def _from_folder(folder: Path, problems: list[str]) -> dict[str, str] | None:
    texts = {}
    for name, sha in REVIEW_FILES.items():
        path = folder / name
        if not path.is_file():
            return None
        try:
            texts[name] = decode_verified(path.read_bytes(), sha, str(path))
        except (ValueError, OSError) as exc:
            problems.append(str(exc))
            return None
    return texts


def _from_tarball(path: Path) -> dict[str, str]:
    texts = {}
    with tarfile.open(path, "r:gz") as archive:
        members = {Path(m.name).name: m for m in archive.getmembers() if m.isfile()}
        for name, sha in REVIEW_FILES.items():
            if name not in members:
                raise ValueError(f"{path} has no member {name}")
            handle = archive.extractfile(members[name])
            assert handle is not None
            texts[name] = decode_verified(handle.read(), sha, f"{name} in {path}")
    return texts


def _download_tarball(url: str) -> Path:
    import pooch

    target = cache_dir() / f"{DATASET}-download"
    target.mkdir(parents=True, exist_ok=True)
    # The members are verified by content after the download (see the module docstring).
    return Path(pooch.retrieve(url, known_hash=None, fname=TARBALL, path=target, progressbar=False))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in io.StringIO(text) if line.strip()]


def movie_reviews(download: bool = True) -> tuple[list[str], np.ndarray]:
    """The 10,662 review sentences and their labels (1 positive, 0 negative), positives first.

    Raises :class:`DatasetUnavailable` (one message: where it looked, what was wrong, how to get
    the data) when no verified copy is found and the download is off or fails.
    """
    problems: list[str] = []
    folders = [*search_dirs(DATASET), shipped_dir()]
    texts = None
    for folder in folders:
        texts = _from_folder(folder, problems)
        if texts is not None:
            break
    if texts is None:
        cached = cache_dir() / f"{DATASET}-download" / TARBALL
        if cached.is_file():
            try:
                texts = _from_tarball(cached)
            except (ValueError, OSError, tarfile.TarError) as exc:
                problems.append(f"cached download {cached}: {exc}")
    if texts is None and download:
        try:
            texts = _from_tarball(_download_tarball(TARBALL_URL))
        except Exception as exc:  # offline, HTTP error, wrong content: all reported below
            problems.append(f"download from {TARBALL_URL} failed: {type(exc).__name__}: {exc}")
    elif texts is None:
        problems.append("downloading was switched off")
    if texts is None:
        raise DatasetUnavailable(
            "Could not load the movie-review sentences (rt-polarity.pos and rt-polarity.neg).\n"
            f"Looked in: {', '.join(str(f) for f in dict.fromkeys(folders))}\n"
            + "".join(f"- {p}\n" for p in problems) + HOW_TO_GET
        )
    positive, negative = _lines(texts["rt-polarity.pos"]), _lines(texts["rt-polarity.neg"])
    labels = np.concatenate([np.ones(len(positive), dtype=np.int64), np.zeros(len(negative), dtype=np.int64)])
    return positive + negative, labels
