"""The hidden tests of 08's pad_sequences compare with outputs recorded from keras.utils.pad_sequences:
run that test cell with Keras' own function as the answer, so the recorded outputs stay Keras' semantics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

NOTEBOOK = Path(__file__).resolve().parents[1] / "solutions" / "08_nlp" / "08_nlp.ipynb"


def _cell(grade_id: str) -> str:
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(cell["source"])
    raise KeyError(grade_id)


def test_pad_sequences_hidden_tests_are_keras_semantics():
    import importlib

    from course_utils import checks  # course_utils before keras, as in the notebooks

    keras = importlib.import_module("keras")

    def keras_pad(seqs, maxlen, padding="pre", truncating="pre", value=0):
        return keras.utils.pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating, value=value)

    source = _cell("test_pad_sequences")
    assert "### BEGIN HIDDEN TESTS" in source and source.count("_check_pad(") >= 10
    exec(compile(source, "test_pad_sequences", "exec"), {"np": np, "checks": checks, "pad_sequences": keras_pad})
