"""Helpers for the deep-learning course notebooks.

One module per concern:

- :mod:`course_utils.data`      toy sets, Fashion-MNIST, digits (offline first, checksummed)
- :mod:`course_utils.plots`     decision boundaries, curves, activations, optimizer paths, images
- :mod:`course_utils.training`  seeding, a PyTorch fit loop with history, evaluation
- :mod:`course_utils.checks`    assertion helpers for graded test cells
- :mod:`course_utils.widgets`   ``interact`` that also runs headless (grading, benchmarks)
- :mod:`course_utils.results`   headline figures for the benchmark

``FAST`` is true when ``COURSE_FAST=1`` or when nbgrader executes the notebook
(``NBGRADER_EXECUTION`` is set); notebooks then shrink data and epochs.
"""

from __future__ import annotations

import os

# Quieten TensorFlow's C++ start-up chatter before any notebook imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import importlib.util  # noqa: E402
import sys  # noqa: E402

from course_utils.settings import fast_mode, progress_enabled, widgets_enabled  # noqa: E402

# PyTorch loads its Triton compiler lazily (at the first optimizer step); if
# TensorFlow is already loaded by then, the process dies with a segmentation
# fault (torch 2.13 + TensorFlow 2.21). Loading Triton first (~0.4 s) makes
# `import keras` safe anywhere in a notebook that imports course_utils first.
if "tensorflow" not in sys.modules and importlib.util.find_spec("triton") is not None:
    import triton  # noqa: E402, F401

FAST: bool = fast_mode()

__all__ = ["FAST", "fast_mode", "progress_enabled", "widgets_enabled"]
__version__ = "0.1.0"
