"""The nbgrader preprocessor that replaces ``Execute`` in ``nbgrader autograde``.

Instead of running the whole submitted notebook in one kernel, it grades each
exercise in the sandbox (:mod:`course_grader.runner`) and writes the result
into the test cell's output: nothing extra when it passed, an error carrying only
the check's message when it failed. nbgrader then scores the cells as usual
(``SaveAutoGrades``), so the gradebook, formgrader, feedback and export work
unchanged. A result cached by ``scripts/instructor autograde`` (same submitted
file, same source notebook) is reused instead of grading again.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Int

from course_grader.folders import course_folders
from course_grader.runner import GradingOptions, NotebookResult, cache_path, grade_notebook, submission_key


class SandboxedExecute(NbGraderPreprocessor):
    """Grade a submission exercise by exercise in the sandbox and record the results in its test cells."""

    sandbox = Bool(True, help="Run student code in the bubblewrap sandbox. Set False only if you trust "
                              "every submission.").tag(config=True)
    exercise_timeout = Float(60.0, help="Seconds one exercise may run.").tag(config=True)
    submission_timeout = Float(600.0, help="Seconds one submitted notebook may take.").tag(config=True)
    memory_mb = Int(4096, help="Memory limit of the sandbox, in MB.").tag(config=True)

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        info = resources["nbgrader"]
        assignment, student, notebook = info["assignment"], info["student"], info["notebook"]
        # the course's folders as nbgrader's apps see them: the same function as scripts/instructor's
        folders = course_folders(CourseDirectory(config=self.config))
        files = folders.grading_files(student, assignment, notebook)
        submitted, source, released = files.submitted, files.source, files.released
        result = self._cached(folders, assignment, student, notebook, submitted, source)
        if result is None:
            options = GradingOptions(sandbox=self.sandbox, exercise_timeout_s=self.exercise_timeout,
                                     submission_timeout_s=self.submission_timeout, memory_mb=self.memory_mb)
            result = grade_notebook(submitted, source, released, options=options, student=student,
                                    assignment=assignment)
            target = files.cache
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(result.to_json())
        for reason in result.suspicious:
            self.log.warning("%s/%s/%s suspicious: %s", student, assignment, notebook, reason)
        record_results(nb, result)
        return nb, resources

    @staticmethod
    def _cached(course, assignment: str, student: str, notebook: str, submitted: Path,
                source: Path) -> NotebookResult | None:
        """The cached result, if it graded these files with this code; ``course``: see ``runner.cache_path``."""
        path = cache_path(course, assignment, student, notebook)
        if not path.exists():
            return None
        result = NotebookResult.from_json(path.read_text())
        return result if result.key == submission_key(submitted, source) else None


def record_results(nb: nbformat.NotebookNode, result: NotebookResult) -> None:
    """Write each exercise's outcome into its test cell; clear every other code cell's outputs."""
    by_test = {f"test_{e.name}": e for e in result.exercises}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        exercise = by_test.get(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"))
        if exercise is None:
            continue
        if exercise.passed:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text=f"Passed: {exercise.name} ({exercise.max_points:g} points)\n")]
        else:
            message = exercise.message or "the test failed"
            cell.outputs = [nbformat.v4.new_output("error", ename="Failed", evalue=message,
                                                   traceback=[f"{exercise.name} failed: {message}"])]
