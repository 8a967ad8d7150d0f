"""Finding, verifying and downloading the files of real data sets (offline first).

A file is looked up in this order, and its *decompressed* content is verified by
SHA-256 before it is used:

1. each folder in ``COURSE_DATA_DIR`` (``os.pathsep``-separated), directly or
   in a sub-folder named after the data set;
2. the Debian package location (``/usr/share/datasets/...``, :data:`DEBIAN_DIRS`);
3. the download cache (``data/`` in a course checkout, or ``COURSE_CACHE_DIR``);
4. a checksummed download with pooch, for users who have internet.

When nothing works, :class:`DatasetUnavailable` says where it looked, what was
wrong with each file it found, and how to get the data. A new data set describes
its files as :class:`RemoteFile` records and reads them with :func:`fetch_file`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path


class DatasetUnavailable(RuntimeError):
    """A data set could not be found, verified or downloaded."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set: its name, content checksum and download source."""

    name: str
    content_sha256: str  # of the decompressed bytes: compressed bytes differ between mirrors
    url: str
    download_hash: str  # pooch ``known_hash`` of the file as served at ``url``


#: data set -> the folder a Debian package installs its files in
DEBIAN_DIRS = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}


def cache_dir() -> Path:
    """Where downloads are cached: ``COURSE_CACHE_DIR``, else ``data/`` of the
    course checkout this package lives in, else the user cache folder."""
    if os.environ.get("COURSE_CACHE_DIR"):
        return Path(os.environ["COURSE_CACHE_DIR"])
    checkout = Path(__file__).resolve().parents[2]  # course_utils/datasets/files.py -> the checkout
    if (checkout / "pyproject.toml").exists() and os.access(checkout, os.W_OK):
        return checkout / "data"
    import pooch

    return Path(pooch.os_cache("deep-learning-course"))


def search_dirs(dataset: str) -> list[Path]:
    """Folders searched for ``dataset``'s files, in order (see the module docstring)."""
    dirs: list[Path] = []
    for entry in os.environ.get("COURSE_DATA_DIR", "").split(os.pathsep):
        if entry:
            dirs += [Path(entry) / dataset, Path(entry)]
    if dataset in DEBIAN_DIRS:
        dirs.append(DEBIAN_DIRS[dataset])
    dirs.append(cache_dir() / dataset)
    return dirs


def read_verified(path: Path, expected_sha256: str) -> bytes:
    """Return the decompressed content of ``path`` if its SHA-256 matches.

    Raises ``ValueError`` describing the problem (truncated or corrupt gzip,
    checksum mismatch) otherwise. Plain (non-gzip) files are accepted too.
    """
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"{path} is truncated or not a valid gzip file ({exc})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected_sha256:
        raise ValueError(
            f"{path} has the wrong content (sha256 {digest[:12]}..., expected "
            f"{expected_sha256[:12]}...): the file is corrupt or a different version"
        )
    return raw


def _download(remote: RemoteFile, dataset: str) -> Path:
    import pooch

    target = cache_dir() / dataset
    target.mkdir(parents=True, exist_ok=True)
    return Path(pooch.retrieve(remote.url, known_hash=remote.download_hash, fname=remote.name,
                               path=target, progressbar=False))


def fetch_file(dataset: str, remote: RemoteFile, *, download: bool = True, how_to_get: str = "") -> bytes:
    """Find ``remote`` locally (or download it) and return its verified content."""
    problems: list[str] = []
    for folder in search_dirs(dataset):
        candidate = folder / remote.name
        if candidate.is_file():
            try:
                return read_verified(candidate, remote.content_sha256)
            except (ValueError, OSError) as exc:
                problems.append(str(exc))
    looked = [str(folder) for folder in search_dirs(dataset)]
    if download:
        try:
            return read_verified(_download(remote, dataset), remote.content_sha256)
        except Exception as exc:  # offline, HTTP error, checksum mismatch: all reported below
            problems.append(f"download from {remote.url} failed: {type(exc).__name__}: {exc}")
    else:
        problems.append("downloading was switched off")
    raise DatasetUnavailable(
        f"Could not load {remote.name} of the {dataset} data set.\n"
        f"Looked in: {', '.join(looked)}\n"
        + "".join(f"- {p}\n" for p in problems)
        + (how_to_get or "")
    )
