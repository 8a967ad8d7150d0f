"""course_utils.plots.plot_confusion_matrix (module 06)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plots  # noqa: E402


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_counts_are_annotated_row_by_row_with_class_names():
    cm = np.array([[5, 1, 0], [0, 3, 2], [1, 0, 4]])
    ax = plots.plot_confusion_matrix(cm, ["a", "b", "c"], title="cm")
    assert _texts(ax) == ["5", "1", "0", "0", "3", "2", "1", "0", "4"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.get_title() == "cm"
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)
    plt.close("all")


def test_normalize_divides_rows_and_keeps_empty_rows_at_zero():
    cm = np.array([[3, 1], [0, 0]])
    _, ax = plt.subplots()
    returned = plots.plot_confusion_matrix(cm, ax=ax, normalize=True, colorbar=False)
    assert returned is ax
    assert _texts(ax) == ["0.75", "0.25", "0.00", "0.00"]
    np.testing.assert_allclose(ax.images[0].get_array(), [[0.75, 0.25], [0, 0]])
    plt.close("all")


def test_float_matrix_is_shown_with_decimals():
    ax = plots.plot_confusion_matrix(np.array([[0.5, 1.5], [2.0, 0.0]]), colorbar=False)
    assert _texts(ax) == ["0.50", "1.50", "2.00", "0.00"]
    plt.close("all")


@pytest.mark.parametrize("cm,names", [(np.zeros((2, 3)), None), (np.zeros(4), None), (np.zeros((2, 2)), ["a"])])
def test_bad_shapes_and_names_are_rejected(cm, names):
    with pytest.raises(ValueError):
        plots.plot_confusion_matrix(cm, names)


def test_dark_cells_get_white_text_and_the_colour_scale_starts_at_zero():
    ax = plots.plot_confusion_matrix(np.array([[9, 1], [2, 8]]), ["a", "b"], colorbar=False, cmap="Greens")
    assert [t.get_color() for t in ax.texts] == ["white", "black", "black", "white"]
    assert ax.images[0].get_clim() == (0, 9) and ax.images[0].get_cmap().name == "Greens"
    ax = plots.plot_confusion_matrix(np.array([[9, 1], [2, 8]]), normalize=True, colorbar=False)
    assert ax.images[0].get_clim() == (0, 1)
    plt.close("all")
