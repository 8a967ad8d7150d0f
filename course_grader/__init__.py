"""Autograding on top of nbgrader, with the hidden tests on the other side of a process boundary.

Student code runs in one process (sandboxed); the hidden tests run in another and
reach the student's functions only through a narrow, value-only channel.

- :mod:`course_grader.notebook`      the notebook contract: setup, answer and test cells, helpers
- :mod:`course_grader.scan`          advisory static notes on a submission (never points)
- :mod:`course_grader.sandbox`       bubblewrap isolation, cgroups and resource limits
- :mod:`course_grader.channel`       the framed, value-only wire format between the two processes
- :mod:`course_grader.student_side`  the student's process (in the sandbox): one forked child per exercise
- :mod:`course_grader.remote`        the grader's stand-ins for the student's functions and objects
- :mod:`course_grader.tester`        the grader's process: runs the test cells against the stand-ins
- :mod:`course_grader.runner`        grades notebooks and classes, caches results
- :mod:`course_grader.report`        the instructor's report (escaped)
- :mod:`course_grader.nbgrader_ext`  the nbgrader preprocessor that replaces ``Execute``
- :mod:`course_grader.cli`           the instructor commands (``scripts/instructor``)
"""
