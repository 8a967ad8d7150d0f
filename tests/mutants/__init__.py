"""Wrong implementations that the hidden tests must reject, one file per module.

Each ``mNN_*.py`` file defines ``MUTANTS``: a list of :class:`Mutant`. A
mutant replaces one exercise cell; the exercise's test cell must then fail
with an ``AssertionError`` whose message contains ``expect`` (case-insensitive),
so the student is told what to look at.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    exercise: str  # the <name> in ex_<name>
    mistake: str  # what the student got wrong, for the test id
    source: str  # the wrong cell
    expect: str  # a fragment the failure message must contain


def all_mutants() -> dict[str, list[Mutant]]:
    """Mutants by module id, e.g. ``{"01_perceptron": [...]}``."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found[info.name[1:]] = module.MUTANTS
    return found
