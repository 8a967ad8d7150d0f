"""The instructor commands: the nbgrader cycle, with sandboxed autograding.

Run as ``scripts/instructor SUBCOMMAND ...`` (``--help`` lists them). This module
parses the command line and dispatches: the course (:mod:`course_grader.course`),
the steps of the cycle (:mod:`course_grader.steps`), collecting from the exchange
(:mod:`course_grader.exchange`) and from LMS zips (:mod:`course_grader.lms`), and
``demo``, the whole cycle on a throwaway copy of the course (:mod:`course_grader.demo`).
Each step runs the nbgrader command of the same name in this process
(:mod:`course_grader.nbgrader_run`); nbgrader's log goes to ``<course>/instructor.log``
and only its errors are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course_grader import demo, exchange, lms, steps
from course_grader.course import EXCHANGE_ENV, Course, InstructorError, say
from course_grader.folders import REPO_ROOT


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", type=Path, default=REPO_ROOT, metavar="DIR",
                        help="nbgrader course root, the folder with nbgrader_config.py (default: %(default)s)")
    common.add_argument("--db-url", default=os.environ.get("COURSE_DB_URL"), metavar="URL",
                        help="gradebook database, e.g. postgresql://user:password@host/db (default: "
                             "$COURSE_DB_URL, else nbgrader_config.py's, else sqlite gradebook.db in the course)")
    common.add_argument("--exchange", type=Path, metavar="DIR",
                        help=f"nbgrader exchange folder (default: ${EXCHANGE_ENV}, else nbgrader_config.py's "
                             "Exchange.root, else nbgrader's /usr/local/share/nbgrader/exchange)")
    main = argparse.ArgumentParser(prog="scripts/instructor", description=__doc__.split("\n\n")[0])
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("roster", parents=[common], help="add or update students from a roster CSV")
    p.add_argument("file", type=Path, help="CSV with the columns id,first_name,last_name,email")
    p = sub.add_parser("release", parents=[common], help="generate student versions and release them")
    p.add_argument("modules", nargs="+", metavar="MODULE")
    p.add_argument("--no-exchange", action="store_true", help="only generate notebooks/ (hand out via an LMS)")
    p.add_argument("--force", action="store_true", help="replace a release already in the exchange")
    p = sub.add_parser("collect", parents=[common], help="collect submissions (exchange and/or LMS zips)")
    p.add_argument("module", metavar="MODULE")
    p.add_argument("--lms-zip", type=Path, action="append", default=[], metavar="FILE.zip",
                   help="an LMS bulk download; file names <student_id>_<anything>_<notebook>.ipynb (repeatable)")
    p.add_argument("--name-regexp", help="regular expression for those file names, with the groups "
                                         "(?P<student_id>...) and (?P<file_id>...), matched against the full path")
    p.add_argument("--force", action="store_true", help="let a zip replace a student's collected submission")
    p = sub.add_parser("autograde", parents=[common], help="grade in the sandbox, record, report")
    p.add_argument("module", metavar="MODULE")
    p.add_argument("--workers", type=int, default=2, help="submissions graded in parallel (default: 2)")
    p.add_argument("--exercise-timeout", type=float, default=60.0, metavar="S", help="per exercise (default: 60)")
    p.add_argument("--submission-timeout", type=float, default=600.0, metavar="S",
                   help="per submitted notebook (default: 600)")
    p.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="run student code without isolation (only if you trust every submission)")
    p = sub.add_parser("feedback", parents=[common], help="HTML feedback, released to the exchange if used")
    p.add_argument("module", metavar="MODULE")
    p = sub.add_parser("export", parents=[common], help="grades of every student and module to CSV")
    p.add_argument("--to", type=Path, default=Path("grades.csv"), help="output CSV (default: %(default)s)")
    p = sub.add_parser("demo", help="the whole cycle with five demo students on a throwaway copy")
    p.add_argument("directory", nargs="?", type=Path, help="a new or empty folder (default: a new temp folder)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--unsafe-no-sandbox", action="store_true", help="grade without the sandbox")
    return main


def run(args: argparse.Namespace) -> None:
    if args.command == "demo":
        demo.demo(args.directory, workers=args.workers, sandbox=not args.unsafe_no_sandbox)
        return
    course = Course(args.course, db_url=args.db_url, exchange=args.exchange)
    if args.command == "roster":
        rows = steps.import_roster(course, args.file)
        say(f"roster: {rows} students imported; the gradebook has {len(course.student_ids())} students")
    elif args.command == "release":
        for module in args.modules:
            say(f"release {module}")
            steps.release(course, module, to_exchange=not args.no_exchange, force=args.force)
    elif args.command == "collect":
        if not args.lms_zip or args.exchange is not None or course.exchange is not None:
            result = exchange.collect_exchange(course, args.module)
            students = result.collected
            say(f"collect {args.module}: {len(students)} new submission(s) from the exchange "
                f"{course.exchange_root()}" + (f": {', '.join(students)}" if students else "")
                + (f"; {len(result.skipped)} thing(s) skipped, listed above" if result.skipped else ""))
        if args.lms_zip:
            found = lms.collect_zips(course, args.module, args.lms_zip, args.name_regexp, force=args.force)
            say(f"collect {args.module}: {len(found)} submission(s) from {len(args.lms_zip)} zip(s): "
                + ", ".join(sorted(found)))
    elif args.command == "autograde":
        say(f"autograde {args.module}")
        steps.autograde(course, args.module, workers=args.workers, exercise_timeout=args.exercise_timeout,
                        submission_timeout=args.submission_timeout, sandbox=not args.unsafe_no_sandbox,
                        students=args.student)
    elif args.command == "feedback":
        say(f"feedback {args.module}")
        steps.feedback(course, args.module)
    elif args.command == "export":
        exported = steps.export(course, args.to)
        say(f"{steps.grades_table(exported)}\nexported {len(exported)} rows to {args.to.resolve()}")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        run(args)
    except InstructorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
