"""Guardrails for moving code: both packages lint clean (ruff) and type-check clean (mypy).

The settings live in pyproject.toml ([tool.ruff], [tool.mypy]); both tools come with the
dev dependency group (scripts/setup --test-tools).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_in_either_package():
    done = _run(str(BIN / "ruff"), "check", "course_utils", "course_grader")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing_in_either_package():
    done = _run(str(BIN / "mypy"))
    assert done.returncode == 0 and "Success" in done.stdout, done.stdout + done.stderr
