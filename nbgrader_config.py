"""nbgrader configuration for the course (instructor side).

Source notebooks (with solutions and hidden tests) live in ``solutions/``; the
student versions that nbgrader generates go to ``notebooks/``.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "deep-learning-course"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# A shared gradebook for a team of graders (README, "A shared gradebook"): PostgreSQL via psycopg2.
if os.environ.get("COURSE_DB_URL"):
    from course_grader.course import gradebook_url

    c.CourseDirectory.db_url = gradebook_url(os.environ["COURSE_DB_URL"])

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding: instead of nbgrader's Execute (the whole notebook in one kernel, as the
# instructor), each exercise is graded on its own in a bubblewrap sandbox, with the
# instructor's setup and test cells (course_grader, README "Grading").
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,  # noqa: E402
                                    GetGrades, IgnorePattern, LimitOutput, SaveAutoGrades)

from course_grader.nbgrader_ext import SandboxedExecute  # noqa: E402
from course_grader.nbgrader_normalize import NormalizeSubmission, NormalizingExporter  # noqa: E402
from nbgrader.preprocessors import (ClearOutput, DeduplicateIds, OverwriteCells,  # noqa: E402
                                    OverwriteKernelspec)

# Sanitizing a submission: first repair what a student's notebook may do to nbgrader (a
# copy-pasted answer cell, metadata or sources that are not what nbgrader expects), then
# nbgrader's own steps (its defaults, in its order).
c.Autograde.exporter_class = NormalizingExporter  # repairs what nbconvert's reader would fail on
c.Autograde.sanitize_preprocessors = [NormalizeSubmission, ClearOutput, DeduplicateIds, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]

c.Autograde.autograde_preprocessors = [SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.SandboxedExecute.sandbox = True  # False runs student code unprotected: only for trusted submissions
c.SandboxedExecute.exercise_timeout = 60
c.SandboxedExecute.submission_timeout = 600
c.OverwriteCells.add_missing_cells = True  # a deleted test cell comes back (and is reported)
# Feedback shows each test's points and message, never the hidden tests, and nothing a
# student wrote runs as script in it: outputs are sanitised before rendering (nbconvert's
# SanitizeHTML), the rendered page's body after (bleach) (course_grader.report).
from course_grader.report import FeedbackHTMLExporter, SanitizeFeedback  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, SanitizeFeedback, CSSHTMLHeaderPreprocessor]
c.GenerateFeedback.exporter_class = FeedbackHTMLExporter

# `nbgrader validate` still executes whole notebooks with Execute; nbgrader sets
# NBGRADER_EXECUTION then, so course_utils.FAST is on.
c.Execute.timeout = 180  # seconds per cell
c.Execute.interrupt_on_timeout = True
c.Execute.allow_errors = True

# Files in a module folder that are not handed out.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", ".*"]
