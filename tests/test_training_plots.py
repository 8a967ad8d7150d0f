"""course_utils.settings, training, results and plots."""

from __future__ import annotations

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from course_utils import datasets as data, plots, results, settings, training  # noqa: E402


@pytest.mark.parametrize("env,fast", [({}, False), ({"COURSE_FAST": "1"}, True), ({"COURSE_FAST": "0"}, False),
                                      ({"NBGRADER_EXECUTION": "autograde"}, True)])
def test_fast_mode(env, fast):
    assert settings.fast_mode(env) is fast


@pytest.mark.parametrize("env,shown", [({}, True), ({"CI": "true"}, False), ({"NBGRADER_EXECUTION": "validate"}, False),
                                       ({"COURSE_PROGRESS": "0"}, False), ({"CI": "1", "COURSE_PROGRESS": "1"}, True)])
def test_progress_bars_off_under_grading_and_ci(env, shown):
    assert settings.progress_enabled(env) is shown


def test_package_exposes_fast():
    import course_utils

    assert course_utils.FAST == settings.fast_mode()


def test_seed_everything_makes_numpy_and_torch_repeatable():
    training.seed_everything(7)
    a = (np.random.rand(3), torch.rand(3))
    training.seed_everything(7)
    b = (np.random.rand(3), torch.rand(3))
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_fit_learns_a_separable_problem_and_records_history(capsys):
    X, y = data.linearly_separable(400, seed=1)
    training.seed_everything(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    loader = training.make_loader(X, y, batch_size=32, shuffle=True)
    history = training.fit(model, loader, torch.nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), 0.05),
                           epochs=5, val_loader=training.make_loader(X, y))
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy", "seconds"}
    assert all(len(v) == 5 for v in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] >= 0.97
    assert "epoch   5/5" in capsys.readouterr().out
    scores = training.evaluate(model, loader, torch.nn.CrossEntropyLoss())
    assert scores["accuracy"] >= 0.97 and scores["loss"] < 0.2
    assert training.predict(model, X).shape == (400, 2)


def test_evaluate_handles_a_single_logit():
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0), model.bias.fill_(0.0)
    loader = training.make_loader(np.array([[-1.0], [2.0], [3.0]]), np.array([0.0, 1.0, 0.0]))
    assert training.evaluate(model, loader)["accuracy"] == pytest.approx(2 / 3)


def test_make_loader_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="must match"):
        training.make_loader(np.zeros((3, 2)), np.zeros(4))


def test_record_prints_and_logs(tmp_path, monkeypatch, capsys):
    log = tmp_path / "results.jsonl"
    monkeypatch.setenv("COURSE_RESULTS_FILE", str(log))
    results.record("accuracy", 0.9123, target=">= 0.9")
    assert "[result] accuracy = 0.9123   (target >= 0.9)" in capsys.readouterr().out
    assert json.loads(log.read_text()) == {"name": "accuracy", "value": 0.9123, "target": ">= 0.9"}


def test_decision_boundary_shades_the_predicted_regions():
    X, y = data.logic_gate("and")
    ax = plots.plot_decision_boundary(lambda P: (P.sum(axis=1) > 1.5).astype(int), X, y, resolution=50)
    assert len(ax.collections) >= 2
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        plots.plot_decision_boundary(lambda P: P[:, 0], np.zeros((4, 3)), y)
    with pytest.raises(ValueError, match="one label per row"):
        plots.plot_decision_boundary(lambda P: np.zeros(3), X, y)
    plt.close("all")


def test_other_plots_draw():
    ax = plots.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    assert len(ax.lines) == 2
    with pytest.raises(KeyError, match="accuracy"):
        plots.plot_history({"loss": [1.0]}, metrics=("accuracy",))
    fig = plots.plot_functions({"relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0)})
    assert fig.axes[0].get_title() == "relu"
    path = np.array([[1.5, 1.5], [1.0, 0.5], [0.0, 0.0]])
    ax = plots.plot_optimizer_paths(lambda a, b: a**2 + b**2, {"sgd": path}, minimum=(0, 0))
    assert ax.get_legend() is not None
    fig = plots.show_images(np.zeros((3, 28, 28)), labels=[0, 1, 2], predictions=[0, 2, 2],
                            class_names=data.FASHION_MNIST_CLASSES)
    assert fig.axes[1].title.get_color() == "red"
    plt.close("all")


@pytest.mark.parametrize("env,shown", [({}, True), ({"NBGRADER_EXECUTION": "autograde"}, False),
                                       ({"COURSE_WIDGETS": "0"}, False)])
def test_widgets_off_under_grading(env, shown):
    assert settings.widgets_enabled(env) is shown


def test_interact_draws_once_with_initial_values_when_widgets_are_off(monkeypatch):
    from ipywidgets import FloatSlider, fixed

    from course_utils import widgets

    monkeypatch.setenv("COURSE_WIDGETS", "0")
    calls = []

    def demo(lr=0.1, epochs=5, data=None):
        calls.append((lr, epochs, data))
        return "drawn"

    assert widgets.interact(demo, lr=FloatSlider(value=0.3, min=0, max=1), epochs=(1, 50), data=fixed("xy")) == "drawn"
    assert calls == [(0.3, 5, "xy")]
    with pytest.raises(ValueError, match="default value"):
        widgets.interact(lambda n: n, n=(1, 5))


@pytest.mark.slow   # a fresh Python imports TensorFlow, Keras and torch (over 10 s)
def test_importing_course_utils_first_makes_keras_then_torch_optimizers_safe():
    """Regression: TensorFlow loaded before torch's Triton used to segfault the kernel."""
    import subprocess

    code = ("import course_utils, keras, torch\n"
            "p = torch.zeros(2, requires_grad=True)\n"
            "opt = torch.optim.Adam([p], lr=0.1)\n"
            "p.sum().backward(); opt.step(); print(p.tolist())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
