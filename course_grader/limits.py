"""The limits of a sandboxed run: what they are, how they are applied, and the clock.

The sandbox's first process is a tiny wrapper (the grader's Python, ``-I -S``): it
joins the sandbox's cgroups (:mod:`course_grader.cgroups`), sets the rlimits and
execs bwrap; no ``preexec_fn`` (unsafe in the grader's worker threads). The
rlimits apply with or without a cgroup: RLIMIT_AS (``memory_mb`` per process, so
a single too-large allocation is a MemoryError rather than an OOM kill),
RLIMIT_CPU (``cpu_s`` per process), RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_NOFILE, no
core files.

Time limits
-----------
* CPU time: ``Limits.cpu_s`` per process (RLIMIT_CPU, SIGXCPU then SIGKILL).
  ``Completed.cpu_s`` is the CPU time of the whole sandbox (the cgroup's
  cpuacct.usage / cpu.stat usage_usec; without a cgroup the processes' CPU
  time sampled every ``SAMPLE_S``, so approximate).
* Wall clock: ``Limits.wall_s``, but time the sandbox spent waiting for a CPU
  because of others does not count: during an interval in which one of its
  tasks waited on a run queue (the kernel's schedstat run_delay) and the sandbox
  as a whole got less than one CPU (or its quota ``Limits.cpus``, if smaller),
  the time waited (at most the interval less the CPU it got) is excused
  (``Completed.cpu_wait_s``, :class:`Clock`). A sleeping or blocked process waits
  for no CPU, so ``wall_s`` holds for it in full; a sandbox that gets a CPU's
  worth of time is never excused, whatever it runs.
* Backstop: whatever was excused, a run ends after
  ``max(wall_s, 3 * cpu_s)`` seconds of wall time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_S = 0.2     # how often the run's CPU waiting is measured


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed run."""

    wall_s: float = 60.0
    cpu_s: int = 120
    memory_mb: int = 4096
    processes: int = 512  # threads count too (PyTorch starts one per core)
    file_mb: int = 64  # largest file, and the size of the scratch /tmp
    output_kb: int = 256  # stdout and stderr kept, each
    open_files: int = 256
    cpus: float | None = 1.0  # CPU quota of the whole sandbox, in CPUs (cgroup only; None: no quota)


def tasks_of_this_user() -> int:
    """Processes and threads this user runs now (what RLIMIT_NPROC counts)."""
    uid, count = str(os.getuid()), 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("Uid", "").split()[:1] == [uid]:
            count += int(fields.get("Threads", "1"))
    return count


# Runs as the sandbox's first process (the grader's Python, -I -S): joins the cgroups, sets the
# rlimits, execs the command. Nothing of the submission runs before that; no preexec_fn is needed.
_WRAPPER = """\
import json, os, resource, sys
spec = json.loads(sys.argv[1])
try:
    for path in spec["cgroups"]:
        with open(path, "w") as f:
            f.write(str(os.getpid()))
    for name, value in spec["rlimits"]:
        resource.setrlimit(getattr(resource, name), (value, value))
except (OSError, ValueError) as error:
    sys.stderr.write("sandbox: cannot apply the limits: %s\\n" % (error,))
    os._exit(125)
try:
    os.execvp(sys.argv[2], sys.argv[2:])
except OSError as error:
    sys.stderr.write("sandbox: cannot start %s: %s\\n" % (sys.argv[2], error))
    os._exit(127)
"""


def wrapped(command: list[str], cgroups: list[str], rlimits: list[tuple[str, int]]) -> list[str]:
    """``command`` started through the wrapper, which joins ``cgroups`` and sets ``rlimits`` first."""
    spec = json.dumps({"cgroups": cgroups, "rlimits": rlimits})
    return [str(Path(sys.executable)), "-I", "-S", "-c", _WRAPPER, spec, *command]


def rlimits(limits: Limits, own_uid: bool) -> list[tuple[str, int]]:
    """The rlimits, which bwrap and everything in the sandbox inherit.

    The process limit counts all processes of a user: with a user of its own (grading
    as root) it is the sandbox's alone, otherwise it comes on top of what runs already.
    """
    processes = limits.processes if own_uid else tasks_of_this_user() + limits.processes
    return [("RLIMIT_AS", limits.memory_mb * 2**20), ("RLIMIT_CPU", int(limits.cpu_s)),
            ("RLIMIT_FSIZE", limits.file_mb * 2**20), ("RLIMIT_NOFILE", limits.open_files),
            ("RLIMIT_CORE", 0), ("RLIMIT_NPROC", processes)]


def descendants(pid: int) -> list[int]:
    """``pid`` and the processes under it (without a cgroup to list them)."""
    children: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def thread_ids(pids: list[int]) -> list[int]:
    tids = []
    for pid in pids:
        try:
            tids += [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            continue
    return tids


class Clock:
    """Wall time that counts against ``wall_s``: wall time less what waiting for a CPU excuses.

    Every ``SAMPLE_S`` it reads the kernel's per-task schedstat (CPU time, time
    waited on a run queue) of the sandbox's tasks. In an interval of ``dt``
    seconds in which the sandbox got ``cpu`` seconds of CPU and one of its tasks
    waited ``wait`` seconds, ``min(wait, dt * cpus - cpu)`` is excused (nothing
    once it got a whole CPU, or its quota if that is smaller).
    """

    def __init__(self, tasks, cpus: float = 1.0):
        self.tasks = tasks  # () -> the sandbox's task ids now
        self.cpus = cpus    # the CPU share it is owed: what it gets beyond that is not a neighbour's fault
        self.start = self.last = time.monotonic()
        self.excused = 0.0
        self.cpu_ns = 0  # CPU time of the tasks seen (not what they used after their last sample)
        self.seen: dict[int, tuple[int, int]] = {}

    def sample(self) -> None:
        now = time.monotonic()
        cpu = waited = 0
        seen: dict[int, tuple[int, int]] = {}
        for tid in self.tasks():
            try:
                ran, wait = (int(v) for v in Path(f"/proc/{tid}/schedstat").read_text().split()[:2])
            except (OSError, ValueError):
                continue
            before = self.seen.get(tid, (0, 0))
            seen[tid] = (ran, wait)
            cpu += max(0, ran - before[0])
            waited = max(waited, wait - before[1])
        self.seen = seen
        self.cpu_ns += cpu
        dt = now - self.last
        self.excused += max(0.0, min(waited / 1e9, dt * self.cpus - cpu / 1e9))
        self.last = now

    def counted(self) -> float:
        return time.monotonic() - self.start - self.excused

    def elapsed(self) -> float:
        return time.monotonic() - self.start
