"""Helpers for the deep-learning course notebooks, grouped by concern.

- :mod:`course_utils.datasets`  data sets, offline first and checksummed: toy sets, digits,
  Fashion-MNIST, photos, image folders (imported as ``data`` in the notebooks)
- :mod:`course_utils.plots`     pictures, one file per kind: decision boundaries, training curves,
  activations, optimizer paths, images, graphs, confusion matrices
- :mod:`course_utils.models`    pretrained networks and the objects test cells hand to student code
- :mod:`course_utils.checks`    assertion helpers for graded test cells (what the grader imports)
- :mod:`course_utils.training`  seeding, data loaders, a PyTorch fit loop with history, evaluation;
  ``training.generative``: the loops of autoencoders, the VAE and the GAN (10)
- :mod:`course_utils.widgets`   ``interact`` that also runs headless (grading, benchmarks)
- :mod:`course_utils.results`   headline figures for the benchmark
- :mod:`course_utils.settings`  run-mode switches read from the environment

Importing ``course_utils`` (or ``checks``, ``datasets``, ``plots``) never imports a
deep-learning framework: modules that need PyTorch import it where they use it, or
are imported only by the notebooks that need them (``course_utils.models``).

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

# Keras picks its backend when it is first imported. Once PyTorch is loaded, TensorFlow needs more
# address space than the grading sandbox gives a process (RLIMIT_AS, 4 GB: "failed to map segment"),
# so under such a limit Keras runs on its PyTorch backend instead; the same Keras code works on both.
if "keras" not in sys.modules and "KERAS_BACKEND" not in os.environ:
    try:
        import resource  # noqa: E402 - POSIX only
    except ImportError:
        pass
    else:
        _limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if _limit != resource.RLIM_INFINITY and _limit < 8 * 2**30:
            os.environ["KERAS_BACKEND"] = "torch"

FAST: bool = fast_mode()

__all__ = ["FAST", "fast_mode", "progress_enabled", "widgets_enabled"]
__version__ = "0.1.0"
