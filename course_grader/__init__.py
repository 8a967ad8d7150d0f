"""Sandboxed, tamper-resistant autograding on top of nbgrader.

- :mod:`course_grader.scan`     static checks of a submission (outside the sandbox)
- :mod:`course_grader.sandbox`  bubblewrap isolation and resource limits
- :mod:`course_grader.harness`  runs inside the sandbox: one forked child per exercise
- :mod:`course_grader.runner`   grades notebooks and classes, caches results, writes reports
- :mod:`course_grader.nbgrader_ext`  the nbgrader preprocessor that replaces ``Execute``
- :mod:`course_grader.cli`      the instructor commands (``scripts/instructor``)
"""
