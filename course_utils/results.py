"""Headline results that notebooks print and the benchmark collects.

``record("fashion_mlp_test_accuracy", 0.885, target=">= 0.88")`` prints one
line for the reader and, when ``COURSE_RESULTS_FILE`` is set (the benchmark
sets it), appends the value to that JSON-lines file.
"""

from __future__ import annotations

import json
import os


def record(name: str, value: float, target: str | None = None) -> float:
    """Print a named result (with its target, if any) and log it for the benchmark."""
    value = float(value)
    print(f"[result] {name} = {value:.4g}" + (f"   (target {target})" if target else ""))
    path = os.environ.get("COURSE_RESULTS_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"name": name, "value": value, "target": target}) + "\n")
    return value
