"""Correct alternative answers to the graded exercises, one file per module.

Each ``cNN_*.py`` file defines ``ALTERNATIVES``: a list of :class:`Alternative`.
An alternative is a complete answer cell, written as a student might write it
(loops or vectorised, NumPy, SciPy or torch, imports and helpers in the cell,
docstrings, asserts, debug prints, local names that shadow modules), that the
exercise's test cell (hidden tests included) and the grader must accept: the
fairness rule of the course spec, section 5. They are the counterpart of the
wrong answers in ``tests/mutants``.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Alternative:
    exercise: str  # the <name> in ex_<name>
    style: str  # how it is written, for the test id (distinct per exercise)
    source: str  # the answer cell


def all_alternatives() -> dict[str, list[Alternative]]:
    """Alternatives by module id, e.g. ``{"01_perceptron": [...]}``."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("c"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found[info.name[1:]] = module.ALTERNATIVES
    return found
