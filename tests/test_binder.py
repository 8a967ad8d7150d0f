"""binder/ stays buildable and consistent with the locked environment."""

from __future__ import annotations

import re
import tomllib

from nbtools import ROOT

BINDER = ROOT / "binder"


def _pins() -> dict[str, str]:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def _locked() -> dict[str, str]:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    return {p["name"]: p["version"] for p in lock["package"]}


def _direct_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [re.split(r"[<>=!~ \[;]", d)[0].lower() for d in project["dependencies"]]


def test_every_dependency_is_pinned_to_the_locked_version():
    pins, locked = _pins(), _locked()
    for name in _direct_dependencies():
        assert name in pins, f"binder/requirements.txt lacks {name}"
        assert pins[name].split("+")[0] == locked[name], (
            f"binder pins {name}=={pins[name]} but uv.lock has {locked[name]}: regenerate binder/requirements.txt"
        )


def test_binder_uses_cpu_only_torch():
    pins = _pins()
    assert pins["torch"].endswith("+cpu") and pins["torchvision"].endswith("+cpu")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in (BINDER / "requirements.txt").read_text()


def test_python_version_matches_the_project():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    assert ">=3.11" in requires and "<3.12" in requires


def test_data_and_course_utils_are_installed():
    assert "dataset-fashion-mnist" in (BINDER / "apt.txt").read_text().split()
    post_build = (BINDER / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert "@jupyter/nbgrader:formgrader" in post_build
