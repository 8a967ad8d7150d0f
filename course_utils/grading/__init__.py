"""Sandboxed, tamper-resistant autograding on top of nbgrader.

- :mod:`course_utils.grading.scan`     static checks of a submission (outside the sandbox)
- :mod:`course_utils.grading.sandbox`  bubblewrap isolation and resource limits
- :mod:`course_utils.grading.harness`  runs inside the sandbox: one forked child per exercise
- :mod:`course_utils.grading.runner`   grades notebooks and classes, caches results, writes reports
- :mod:`course_utils.grading.nbgrader_ext`  the nbgrader preprocessor that replaces ``Execute``
- :mod:`course_utils.grading.cli`      the instructor commands (``scripts/instructor``)
"""
