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
            pins[name.lower().replace("_", "-")] = version
    return pins


def _lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text())


def _locked() -> dict[str, str]:
    return {p["name"]: p["version"] for p in _lock()["package"]}


def _project() -> dict:
    """The course's own entry in uv.lock."""
    return next(p for p in _lock()["package"] if p["name"] == "course-utils")


def _runtime_dependencies() -> set[str]:
    """What students get (plain scripts/setup): the project's dependencies in uv.lock, no group, no extra."""
    return {d["name"] for d in _project()["dependencies"]}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement)[0].lower().replace("_", "-")


def test_the_lock_matches_pyproject_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {_name(d) for d in project["dependencies"]} == _runtime_dependencies(), (
        "pyproject.toml's dependencies differ from uv.lock's: run uv lock"
    )


def test_every_runtime_dependency_is_pinned_to_the_locked_version():
    pins, locked = _pins(), _locked()
    for name in sorted(_runtime_dependencies()):
        assert name in pins, f"binder/requirements.txt lacks {name}"
    for name, version in pins.items():
        assert version.split("+")[0] == locked.get(name), (
            f"binder pins {name}=={version} but uv.lock has {locked.get(name)}: regenerate binder/requirements.txt"
        )


def test_binder_installs_no_dev_tools_or_extras():
    project = _project()
    groups = {d["name"] for deps in project.get("dev-dependencies", {}).values() for d in deps}
    extras = {d["name"] for deps in project.get("optional-dependencies", {}).values() for d in deps}
    assert {"pytest", "nbval"} <= groups and "psycopg2-binary" in extras
    pinned = set(_pins())
    assert not pinned & (groups | extras), f"binder/requirements.txt installs {sorted(pinned & (groups | extras))}"
    assert pinned <= _runtime_dependencies(), (
        f"binder/requirements.txt pins {sorted(pinned - _runtime_dependencies())}, which students do not get"
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
