"""Run-mode switches read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping


def fast_mode(environ: Mapping[str, str] | None = None) -> bool:
    """True when notebooks should shrink data and epochs.

    That is when ``COURSE_FAST=1`` or when nbgrader is executing the notebook
    (it sets ``NBGRADER_EXECUTION`` while validating and autograding).
    """
    env = os.environ if environ is None else environ
    return env.get("COURSE_FAST", "") == "1" or bool(env.get("NBGRADER_EXECUTION"))


def progress_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """False under grading and CI, or when ``COURSE_PROGRESS=0``.

    Progress bars write to stderr, and nbgrader scores a cell that writes to
    stderr as failed, so they must stay off whenever nbgrader runs a notebook.
    """
    env = os.environ if environ is None else environ
    if env.get("COURSE_PROGRESS") in ("0", "1"):
        return env["COURSE_PROGRESS"] == "1"
    return not (env.get("NBGRADER_EXECUTION") or env.get("CI"))


def widgets_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """False while nbgrader executes a notebook, or when ``COURSE_WIDGETS=0``.

    See :mod:`course_utils.widgets` for why headless runs draw static figures.
    """
    env = os.environ if environ is None else environ
    return not env.get("NBGRADER_EXECUTION") and env.get("COURSE_WIDGETS", "1") != "0"
