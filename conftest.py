"""Marks the notebook cells nbval collects from solutions/ `slow` (test files under tests/ mark their own).

An executed notebook is slow: ``scripts/test -m "not slow"`` is the quick suite.
Here at the root so that ``pytest solutions --nbval-lax`` alone marks them too.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)   # before pytest's own -m deselection
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.split("::")[0].endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
