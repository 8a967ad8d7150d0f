"""nbgrader's apps run in this process, as ``nbgrader COMMAND ARGS`` would run them.

nbgrader takes ~10 s to import, so one import serves every step of the instructor
commands; each app runs with the course root as working directory, its log is
appended to the course's ``instructor.log`` and only its errors are raised.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import logging.config
import os
import re
import sys
import time
import unittest.mock
import warnings
from pathlib import Path

from course_grader.course import InstructorError

# nbgrader command -> app class in nbgrader.apps
APPS = {
    "db student import": "DbStudentImportApp", "db assignment add": "DbAssignmentAddApp",
    "generate_assignment": "GenerateAssignmentApp", "release_assignment": "ReleaseAssignmentApp",
    "fetch_assignment": "FetchAssignmentApp", "submit": "SubmitApp", "collect": "CollectApp",
    "zip_collect": "ZipCollectApp", "autograde": "AutogradeApp", "generate_feedback": "GenerateFeedbackApp",
    "release_feedback": "ReleaseFeedbackApp", "export": "ExportApp",
}


def _forget_existing_handlers() -> None:
    """What dictConfig does to the handlers it replaces, without closing the host's streams."""
    logging._handlers.clear()  # type: ignore[attr-defined]  # the registry of named handlers


@functools.cache
def _alembic_head() -> str:
    """The gradebook schema version, from alembic's API in this process."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    return str(ScriptDirectory.from_config(config).get_current_head())


def run_nbgrader(command: str, args: list[str], cwd: Path, log: Path) -> str:
    """Run an nbgrader app in this process, as ``nbgrader COMMAND ARGS`` run in ``cwd`` would.

    Its output is appended to ``log``; a failure raises InstructorError with the
    errors nbgrader logged. Not thread-safe: it changes the working directory while it runs.
    """
    import nbgrader.api
    import nbgrader.apps

    # nbgrader stamps a new gradebook with the output of `alembic heads` run in a new
    # Python (15 s on two busy cores); alembic's API gives the same answer in 2 s.
    app_class = getattr(nbgrader.apps, APPS[command])
    captured = io.StringIO()
    status: object = 0
    here, path = os.getcwd(), list(sys.path)  # nbgrader puts its working directory on sys.path
    # traitlets configures an app's logging with logging.config.dictConfig, which closes every
    # handler of this process; absl's handler (imported with TensorFlow) would then close the
    # stream it writes to, e.g. a Jupyter kernel's or pytest's stderr. The host keeps its handlers.
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured), \
            warnings.catch_warnings(record=True) as warned, \
            unittest.mock.patch.object(logging.config, "_clearExistingHandlers", _forget_existing_handlers), \
            unittest.mock.patch.object(nbgrader.api, "get_alembic_version", _alembic_head):
        warnings.simplefilter("always")
        os.chdir(cwd)
        try:
            app = app_class()
            app.initialize([*args, "--log-level=INFO"])
            app.start()
        except SystemExit as stop:
            status = stop.code
        except Exception as error:  # noqa: BLE001 (reported with nbgrader's log)
            import traceback

            traceback.print_exc()
            status = f"{type(error).__name__}: {error}"
        finally:
            os.chdir(here)
            sys.path[:] = path
    output = captured.getvalue() + "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
                                           for w in warned)
    shown = re.sub(r"(://[^/:@\s]+:)[^@\s]+@", r"\1***@", " ".join(args))  # no database passwords in logs
    with open(log, "a") as handle:
        handle.write(f"\n$ nbgrader {command} {shown}   # {time.strftime('%Y-%m-%d %H:%M:%S')}\n{output}")
    if status not in (0, None):
        errors = [line for line in output.splitlines() if "ERROR" in line or "Error" in line]
        detail = "\n".join(errors[-8:]) or output.strip()[-2000:] or str(status)
        raise InstructorError(f"nbgrader {command} failed:\n{detail}\n(full log: {log})")
    return output
