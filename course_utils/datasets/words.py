"""An English word list for the character-level word generator of module 07.

The list is the Debian package ``wamerican`` (``/usr/share/dict/words``, also in
Binder's ``apt.txt``); a copy named ``words`` in a folder of ``COURSE_DATA_DIR``
(directly or in a ``words/`` sub-folder) is used first. There is no download:
when no file is found, :class:`DatasetUnavailable` says how to get one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from course_utils.datasets.files import DatasetUnavailable, search_dirs

#: where the Debian/Ubuntu package ``wamerican`` puts the list
SYSTEM_WORDS = Path("/usr/share/dict/words")

_HOW_TO_GET = (
    "Install the word list with `sudo apt-get install wamerican` (Debian/Ubuntu; scripts/setup "
    "does it), or copy any plain-text list of words, one per line, to a file named `words` in a "
    "folder and `export COURSE_DATA_DIR=/that/folder`."
)


def word_list_path() -> Path:
    """The first word list found: ``COURSE_DATA_DIR`` folders (as :func:`files.search_dirs`), then
    ``/usr/share/dict/words``."""
    candidates = [folder / "words" for folder in search_dirs("words")] + [SYSTEM_WORDS]
    for path in candidates:
        if path.is_file():
            return path
    raise DatasetUnavailable(
        "No word list found (looked for " + ", ".join(str(p) for p in candidates) + "). " + _HOW_TO_GET
    )


def words(min_length: int = 3, max_length: int = 10, path: str | os.PathLike | None = None) -> list[str]:
    """Lower-case words of ``min_length`` to ``max_length`` letters a-z, sorted and without duplicates.

    Proper nouns (capitalised entries), possessives ("cat's") and words with accents or
    other characters are left out, so every word is spelled with the 26 letters only.
    ``path`` reads that file instead of searching for one.
    """
    file = Path(path) if path is not None else word_list_path()
    if not file.is_file():
        raise DatasetUnavailable(f"No word list at {file}. " + _HOW_TO_GET)
    pattern = re.compile(rf"[a-z]{{{min_length},{max_length}}}")
    text = file.read_text(encoding="utf-8", errors="replace")
    found = sorted({w for w in text.split() if pattern.fullmatch(w)})
    if not found:
        raise DatasetUnavailable(f"The word list {file} holds no words of {min_length}-{max_length} letters a-z. "
                                 + _HOW_TO_GET)
    return found
