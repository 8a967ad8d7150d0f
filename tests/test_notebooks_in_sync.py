"""notebooks/ is exactly what nbgrader generates from solutions/."""

from __future__ import annotations

import shutil

import pytest

from nbtools import NOTEBOOKS, ROOT, SOLUTIONS, module_ids, nbgrader


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(SOLUTIONS, course / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    # one nbgrader process for every module: the assignment id is a glob over source/ (here solutions/)
    nbgrader("generate_assignment", "*", "--force", "--no-db", f"--CourseDirectory.root={course}", cwd=course)
    return course / "notebooks"


def test_every_module_has_a_student_notebook():
    assert module_ids(), "no modules found in solutions/"
    assert sorted(p.name for p in NOTEBOOKS.iterdir() if p.is_dir()) == module_ids()


@pytest.mark.slow   # nbgrader generate_assignment for every module (about 10 s)
@pytest.mark.parametrize("module", module_ids())
def test_student_notebook_is_generated_not_edited(regenerated, module):
    expected = sorted(p.relative_to(regenerated / module) for p in (regenerated / module).rglob("*") if p.is_file())
    actual = sorted(p.relative_to(NOTEBOOKS / module) for p in (NOTEBOOKS / module).rglob("*") if p.is_file())
    assert actual == expected, f"notebooks/{module} files differ from what nbgrader generates"
    for name in expected:
        assert (NOTEBOOKS / module / name).read_bytes() == (regenerated / module / name).read_bytes(), (
            f"notebooks/{module}/{name} is not what nbgrader generates from solutions/: "
            "run scripts/generate-notebooks and commit the result (never edit notebooks/ by hand)"
        )


@pytest.mark.parametrize("module", module_ids())
def test_student_notebook_hides_solutions_and_hidden_tests(module):
    text = (NOTEBOOKS / module / f"{module}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"notebooks/{module} still contains '{marker}'"
    assert "raise NotImplementedError()" in text
