"""nbgrader configuration for the course (instructor side).

Source notebooks (with solutions and hidden tests) live in ``solutions/``; the
student versions that nbgrader generates go to ``notebooks/``.
"""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "deep-learning-course"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Execution while validating and autograding: nbgrader sets NBGRADER_EXECUTION,
# so course_utils.FAST is on and the notebooks run their small configuration.
c.Execute.timeout = 180  # seconds per cell
c.Execute.interrupt_on_timeout = True
c.Execute.allow_errors = True

# Files in a module folder that are not handed out.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".*"]
