"""Autograding on top of nbgrader, with the hidden tests on the other side of a process boundary.

Student code runs in one process (sandboxed); the hidden tests run in another and
reach the student's functions only through a narrow, value-only channel.

Reading notebooks
- :mod:`course_grader.notebook`       the notebook contract: setup, answer and test cells, helpers
- :mod:`course_grader.notebook_io`    reading, validating and repairing notebook files
- :mod:`course_grader.definitions`    Python in cells: parsing, what top-level statements define
- :mod:`course_grader.scan`           advisory static notes on a submission (never points)

Running student code
- :mod:`course_grader.sandbox`        bubblewrap isolation, a leased user per sandbox, the run itself
- :mod:`course_grader.limits`         resource limits: the rlimits wrapper, the CPU-wait-aware clock
- :mod:`course_grader.cgroups`        one cgroup per sandbox (v1 or v2): limits for all its processes
- :mod:`course_grader.channel`        the framed, value-only wire format between the two processes
- :mod:`course_grader.student_side`   the student's process (in the sandbox): one forked child per exercise
- :mod:`course_grader.remote`         the grader's stand-ins for the student's functions and objects
- :mod:`course_grader.tester`         the grader's process: runs the test cells against the stand-ins

Grading a course
- :mod:`course_grader.folders`        the course's folders, from nbgrader's CourseDirectory (both phases)
- :mod:`course_grader.runner`         grades notebooks and classes, caches results
- :mod:`course_grader.report`         the instructor's report (escaped), the sanitised feedback
- :mod:`course_grader.nbgrader_ext`   the nbgrader preprocessor that replaces ``Execute``
- :mod:`course_grader.nbgrader_normalize`  the nbgrader preprocessor that repairs submissions first
- :mod:`course_grader.check`          a student's check of a saved notebook, as the grader grades it

The instructor commands (``scripts/instructor``)
- :mod:`course_grader.cli`            argument parsing and dispatch
- :mod:`course_grader.course`         the course: root, configuration, gradebook, exchange location
- :mod:`course_grader.nbgrader_run`   nbgrader's apps run in this process
- :mod:`course_grader.steps`          roster, release, autograde, feedback, export
- :mod:`course_grader.exchange`       the exchange: its folders and modes, release to it, collect from it
- :mod:`course_grader.lms`            collecting LMS bulk-download zips
- :mod:`course_grader.demo`           the demo course and students; submissions built from the solutions
"""
