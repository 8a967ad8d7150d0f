"""Unit tests of the course_utils helpers added for module 04 (CNN).

- ``checks.trace_call``: counts the lines of notebook code a call runs and the library functions it uses;
- ``image_folders``: painted leaf photos and class-per-folder PNG sets.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torchvision import datasets

from course_utils import checks
from course_utils.datasets import image_folders

# ---------------------------------------------------------------------------
# checks.trace_call
# ---------------------------------------------------------------------------

# Functions compiled from source, as in a notebook cell: their file is not part of any installed package.
_CELL = '''
import numpy as np

def loop_sum(x):
    total = 0.0
    for value in x:
        total += value
    return total

def vector_sum(x):
    return np.sum(x)

def calls_helper(x):
    return sum(loop_sum(row) for row in x)

def fails(x):
    raise ValueError("bad input")
'''
_NAMESPACE: dict = {}
exec(compile(_CELL, "<ipython-input-1-cnn>", "exec"), _NAMESPACE)


def test_trace_call_counts_lines_of_a_python_loop():
    result, lines, _ = checks.trace_call(_NAMESPACE["loop_sum"], np.ones(100))
    assert result == 100.0
    assert 200 <= lines <= 210  # two lines per iteration, plus set-up and return


def test_trace_call_does_not_count_library_code():
    result, lines, called = checks.trace_call(_NAMESPACE["vector_sum"], np.ones(10_000))
    assert result == 10_000.0
    assert lines == 1  # only the notebook line; NumPy's Python wrappers are not counted
    assert any(name.startswith("numpy") for name in called)


def test_trace_call_counts_helpers_defined_in_other_cells():
    _, lines, _ = checks.trace_call(_NAMESPACE["calls_helper"], np.ones((10, 10)))
    assert lines > 200


def test_trace_call_names_library_functions_and_c_builtins():
    x = np.ones((1, 1, 5, 5), dtype=np.float32)
    kernel = torch.ones(1, 1, 3, 3)
    _, _, called = checks.trace_call(lambda a: torch.nn.functional.conv2d(torch.from_numpy(a), kernel), x)
    assert "torch.conv2d" in called
    assert "sys.settrace" not in called and "sys.setprofile" not in called


def test_trace_call_restores_tracing_and_propagates_errors():
    import sys

    before_trace, before_profile = sys.gettrace(), sys.getprofile()
    with pytest.raises(ValueError, match="bad input"):
        checks.trace_call(_NAMESPACE["fails"], 1)
    assert sys.gettrace() is before_trace
    assert sys.getprofile() is before_profile


def test_trace_call_passes_keyword_arguments():
    result, _, _ = checks.trace_call(lambda a, scale=1: a * scale, 3, scale=4)
    assert result == 12


# ---------------------------------------------------------------------------
# image_folders
# ---------------------------------------------------------------------------


def test_synthetic_leaves_shapes_labels_and_balance():
    images, labels = image_folders.synthetic_leaves(5, size=32, seed=1)
    assert images.shape == (10, 32, 32, 3) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and sorted(labels.tolist()) == [0] * 5 + [1] * 5
    assert image_folders.LEAF_CLASSES == tuple(sorted(image_folders.LEAF_CLASSES))


def test_synthetic_leaves_are_reproducible_and_seed_dependent():
    a, la = image_folders.synthetic_leaves(3, seed=7)
    b, lb = image_folders.synthetic_leaves(3, seed=7)
    c, _ = image_folders.synthetic_leaves(3, seed=8)
    assert np.array_equal(a, b) and np.array_equal(la, lb)
    assert not np.array_equal(a, c)


def test_diseased_leaves_have_yellow_halos():
    images, labels = image_folders.synthetic_leaves(50, seed=0)
    rgb = images.astype(int)
    yellow = ((rgb[..., 0] > 130) & (rgb[..., 1] > 110) & (rgb[..., 2] < 70)).sum(axis=(1, 2))
    # a few backgrounds are yellowish too, so compare the classes on average
    assert yellow[labels == 0].mean() > 5 * yellow[labels == 1].mean()
    assert (yellow[labels == 0] > 0).all()


def test_synthetic_leaves_rejects_empty_request():
    with pytest.raises(ValueError, match="at least 1"):
        image_folders.synthetic_leaves(0)


def test_write_image_folder_layout_and_round_trip(tmp_path):
    from PIL import Image

    images, labels = image_folders.synthetic_leaves(2, size=16, seed=3)
    paths = image_folders.write_image_folder(tmp_path / "train", images, labels, image_folders.LEAF_CLASSES,
                                             prefix="leaf")
    assert len(paths) == 4
    assert sorted(p.name for p in (tmp_path / "train").iterdir()) == ["diseased", "healthy"]
    for path, image, label in zip(paths, images, labels):
        assert path.parent.name == image_folders.LEAF_CLASSES[label] and path.suffix == ".png"
        assert path.name.startswith("leaf_")
        assert np.array_equal(np.asarray(Image.open(path)), image)  # PNG is lossless


def test_write_image_folder_grey_images_and_empty_classes(tmp_path):
    from PIL import Image

    grey = np.arange(2 * 8 * 8, dtype=np.uint8).reshape(2, 8, 8)
    paths = image_folders.write_image_folder(tmp_path, grey, [0, 0], ["a", "b", "c"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "c"]  # one folder per class, even if empty
    assert np.array_equal(np.asarray(Image.open(paths[1])), grey[1])


def test_write_image_folder_rejects_bad_input(tmp_path):
    images = np.zeros((2, 4, 4), dtype=np.uint8)
    with pytest.raises(ValueError, match="must match"):
        image_folders.write_image_folder(tmp_path, images, [0], ["a"])
    with pytest.raises(ValueError, match="uint8"):
        image_folders.write_image_folder(tmp_path, images.astype(float), [0, 0], ["a"])


def test_torchvision_image_folder_reads_what_was_written(tmp_path):
    images, labels = image_folders.synthetic_leaves(3, size=16, seed=5)
    image_folders.write_image_folder(tmp_path, images, labels, image_folders.LEAF_CLASSES)
    folder = datasets.ImageFolder(tmp_path)
    assert folder.class_to_idx == {"diseased": 0, "healthy": 1}
    assert sorted(folder.targets) == sorted(labels.tolist())
