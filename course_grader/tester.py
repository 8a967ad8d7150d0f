"""The grader's process: holds the hidden tests and runs them against the student's process.

Run as ``python -I -m course_grader.tester CONTROL_FD`` (the other end of the
student's control socket, see :mod:`course_grader.student_side`) with one JSON
job on stdin::

    {"setup": "<setup cell>", "exercise_timeout_s": 60, "setup_timeout_s": 300,
     "exercises": [{"name": "step", "test": "<test cell>", "defines": ["step"], "graded": true}, ...]}

For each graded exercise it opens a fresh channel to a forked child of the
student's process, binds the names the exercises so far define to
:class:`~course_grader.remote.Remote` stand-ins, and runs the test cell here.
One JSON line per graded exercise goes to stdout::

    {"exercise": "step", "passed": false, "message": "...", "flags": [...], "notes": [...], "status": "exit 0"}

Only the check's hint (its first line) is reported when a check of the hidden
part fails, so feedback never repeats a hidden test's input.
"""

from __future__ import annotations

import json
import os
import select
import socket
import sys
import time
import traceback
import types
import warnings
from typing import Any

from course_grader.channel import ChannelClosed, ChannelError, receive
from course_grader.remote import Client, ExerciseTimeout, builder

TEST_FILE = "<test cell test_{}>"
HIDDEN_MARK = "### BEGIN HIDDEN TESTS"



def _hidden_from(test: str) -> int:
    """The first line number of the hidden part of a test cell (a huge number if it has none)."""
    for number, line in enumerate(test.splitlines(), start=1):
        if line.strip().startswith(HIDDEN_MARK):
            return number
    return 10**9


def _checks_dir(checks: types.ModuleType) -> str:
    """Files of the checks (a check failing raises from one of them)."""
    return os.path.dirname(os.path.abspath(str(checks.__file__))) + os.sep


def describe(exc: BaseException, test: str, test_file: str, checks_file: str) -> tuple[str, bool]:
    """The feedback for an exception in a test, and whether it is a check failing (a wrong answer).

    ``checks_file``: the path (or folder, ending in a separator) of the checks' source files.
    """
    student = getattr(exc, "course_student", None)
    if isinstance(exc, ExerciseTimeout):
        return "", False
    if isinstance(student, dict):
        kind = student["type"]
        if kind == "SystemExit":
            return "your code called exit() (or sys.exit()) during the test", False
        if kind == "NotImplementedError" and student["stub"]:
            return "not answered yet (the cell still raises NotImplementedError)", False
        if kind == "MemoryError":
            return "your code ran out of memory (the grader's memory limit)", False
        where = f" at line {student['line']} of your answer cell" if student["line"] else ""
        return f"your code raised {kind}{where}", False
    frames = [(frame.f_code.co_filename, line) for frame, line in traceback.walk_tb(exc.__traceback__)]
    in_test = [line for filename, line in frames if filename == test_file]
    after = [filename for filename, _ in frames[frames.index((test_file, in_test[-1])) + 1:]] if in_test else []
    if type(exc) is AssertionError and in_test and all(f.startswith(checks_file) for f in after) \
            and exc.args and type(exc.args[0]) is str:
        message = exc.args[0]
        hidden = any(line >= _hidden_from(test) for line in in_test)
        return (message.split("\n", 1)[0] if hidden else message)[:2000], True
    kind = type(exc).__name__ if type(exc).__module__ == "builtins" else "an exception"
    return f"the test stopped with {kind} - check what your function returns (types, shapes)", False


class Tester:
    """Grades the exercises of one submission, one channel per exercise."""

    def __init__(self, ctl: socket.socket, job: dict) -> None:
        self.ctl = ctl
        self.job = job
        self.base: dict[str, Any] = {"__name__": "__main__"}
        self.timeout = float(job.get("exercise_timeout_s", 60))

    def control(self, timeout: float) -> dict | None:
        """The next message from the student's process on the control socket (None on timeout or EOF)."""
        readable, _, _ = select.select([self.ctl], [], [], max(0.0, timeout))
        if not readable:
            return None
        raw = self.ctl.recv(65536)
        if not raw:
            return None
        try:
            message = json.loads(raw)
        except ValueError:
            return {"event": "garbage"}
        return message if type(message) is dict else {"event": "garbage"}

    def run(self) -> None:
        out = sys.stdout
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - printing is allowed and not graded
        exec(compile(self.job["setup"], "<setup cell>", "exec"), self.base)
        ready = self.control(float(self.job.get("setup_timeout_s", 300)))
        if not ready or ready.get("event") != "ready" or ready.get("ok") is not True:
            why = "the setup cell did not finish where your code runs"
            if ready and type(ready.get("message")) is str:
                why += f" ({ready['message'][:200]})"
            for exercise in self.job["exercises"]:
                if exercise["graded"]:
                    self.emit(out, {"exercise": exercise["name"], "passed": False, "message": "not graded: " + why,
                                    "flags": [], "notes": [], "status": "setup"})
            return
        for index, exercise in enumerate(self.job["exercises"]):
            if exercise["graded"]:
                self.emit(out, self.grade(index, exercise))
        self.ctl.send(json.dumps({"op": "quit"}).encode())

    @staticmethod
    def emit(out: Any, record: dict) -> None:
        out.write(json.dumps(record) + "\n")
        out.flush()

    def grade(self, index: int, exercise: dict) -> dict:
        name = exercise["name"]
        result: dict = {"exercise": name, "passed": False, "message": "", "flags": [], "notes": [], "status": ""}
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        references = [e["reference"] for e in self.job["exercises"][:index]]
        socket.send_fds(self.ctl, [json.dumps({"op": "run", "index": index, "references": references}).encode()],
                        [theirs.fileno()])
        theirs.close()
        start = time.monotonic()
        # The child's CPU time is limited to the timeout (RLIMIT_CPU); the wall clock gets twice as much,
        # so that an honest answer on a busy machine is not cut short, and a sleeping one still ends.
        client = Client(mine, start + 2 * self.timeout + 5)
        timed_out = False
        try:
            first, _ = receive(mine)
            if first.get("event") != "ready":
                raise ChannelError("the student's process did not start the exercise")
            if first.get("ok") is not True:
                from course_grader.remote import student_exception

                message, _ = describe(student_exception(first.get("err")), "", "", "")
                result["message"] = "your answer cell failed to run: " + message
            else:
                result.update(self.run_test(client, exercise))
        except ExerciseTimeout:
            timed_out = True
        except TimeoutError:
            timed_out = True
        except ChannelClosed:
            result["message"] = "crashed"
        except ChannelError as exc:
            result["message"] = f"your code sent the grader something it cannot read ({exc})"
            result["flags"].append(f"malformed message on the channel: {exc}")
        if timed_out:
            self.ctl.send(json.dumps({"op": "kill"}).encode())
        try:
            client.endpoint.send({"op": "bye"})
        except OSError:
            pass
        mine.close()
        ended: dict | None = None
        deadline = time.monotonic() + 15
        while ended is None and time.monotonic() < deadline:
            event = self.control(deadline - time.monotonic())
            if event is None:
                break
            if event.get("event") == "ended" and event.get("index") == index:
                ended = event
        status = str(ended.get("status")) if ended else "lost"
        result["status"] = status
        result["flags"] += client.flags
        if timed_out or status == "timeout" or status.startswith("signal SIGXCPU"):
            result.update(passed=False, message=f"your code took longer than {self.timeout:g} s (an endless loop?)")
        elif result["message"] == "crashed":
            result["passed"] = False
            if status.startswith("signal SIGKILL"):
                result["message"] = "your code was killed during the test (out of memory?)"
            elif status.startswith("signal"):
                result["message"] = f"your code crashed during the test ({status})"
            else:
                result["message"] = f"your code exited during the test ({status})"
        result["seconds"] = round(time.monotonic() - start, 3)
        return result

    def run_test(self, client: Client, exercise: dict) -> dict:
        import course_utils.checks as checks

        names = [n for e in self.job["exercises"][: self.job["exercises"].index(exercise) + 1] for n in e["defines"]]
        found = client.names(names)
        namespace = dict(self.base)
        for name in names:
            if name in found:
                namespace[name] = found[name]
            else:
                namespace.pop(name, None)
        wrapper = types.ModuleType(checks.__name__)
        wrapper.__dict__.update(vars(checks))
        wrapper.build = builder(client)  # type: ignore[attr-defined]
        for key, value in list(namespace.items()):
            if value is checks:
                namespace[key] = wrapper
        test, test_file = exercise["test"], TEST_FILE.format(exercise["name"])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(test, test_file, "exec"), namespace)
        except (ExerciseTimeout, ChannelError):
            raise
        except TimeoutError as exc:
            raise ExerciseTimeout() from exc
        except NameError as exc:
            missing = [n for n in names if n not in found and f"'{n}'" in str(exc)]
            if missing:
                return {"passed": False, "message": f"your answer cell does not define `{missing[0]}`"}
            return {"passed": False, "message": describe(exc, test, test_file, _checks_dir(checks))[0]}
        except BaseException as exc:  # noqa: BLE001
            if os.environ.get("COURSE_GRADER_DEBUG"):
                traceback.print_exc()
            message, _ = describe(exc, test, test_file, _checks_dir(checks))
            return {"passed": False, "message": message}
        return {"passed": True, "message": ""}


def main() -> None:
    ctl = socket.socket(fileno=int(sys.argv[1]))
    job = json.loads(sys.stdin.buffer.read())
    os.close(0)
    Tester(ctl, job).run()


if __name__ == "__main__":
    main()
