"""Run a command in a bubblewrap sandbox with resource limits.

The sandboxed process sees a read-only view of the system and of the Python
environment, the ``course_utils`` package and nothing else of the course (no
``solutions/``, gradebook, submissions or home directory), has no network, a
private scratch ``/tmp`` (a size-limited tmpfs) and limits on memory, CPU time,
processes, file size and output. When the grader runs as root, each sandbox
gets an unprivileged user id of its own, leased with a lock file, so that the
process limit holds per sandbox and concurrent grading runs (two instructors,
two workers) never share, or clean up, each other's user.

Limits for the whole sandbox: a cgroup
--------------------------------------
Where the machine allows it, each sandbox is one cgroup (v1 or v2, a child of the
grader's own cgroup): ``Limits.memory_mb`` is the memory of all its processes
together (the kernel's OOM killer stops a process of the sandbox beyond it),
``Limits.processes`` the tasks (processes and threads) of all of them, and
``Limits.cpus`` (default one CPU) a CPU quota for all of them together
(cpu.cfs_quota_us / cpu.max). Every sandbox has the same CPU weight (cpu.shares
1024 / cpu.weight 100): sandboxes running in parallel share the CPUs evenly, and
a busy loop in many processes gets no more than its quota, so it cannot starve
an honest neighbour (the environment asks numerical libraries for one thread).
The process joins its cgroup before anything of the submission runs: a tiny
wrapper (the grader's Python, ``-I -S``) writes its own pid into
``cgroup.procs``, sets the rlimits and execs bwrap; no ``preexec_fn`` (unsafe
in the grader's worker threads). The cgroup is emptied (SIGKILL) and
removed after the run. ``COURSE_SANDBOX_CGROUPS=0`` turns cgroups off.

Where cgroups are not available (not root, read-only, controllers missing) the
rlimits alone apply, per process: ``Completed.isolation`` says so in a note for
the instructor (e.g. "no cgroup (...): memory limit per process ..."). The
rlimits apply in either case: RLIMIT_AS (``memory_mb`` per process, so a single
too-large allocation is a MemoryError rather than an OOM kill), RLIMIT_CPU
(``cpu_s`` per process), RLIMIT_NPROC, RLIMIT_FSIZE, RLIMIT_NOFILE, no core files.

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
  (``Completed.cpu_wait_s``). A sleeping or blocked process waits for no CPU,
  so ``wall_s`` holds for it in full; a sandbox that gets a CPU's worth of time
  is never excused, whatever it runs.
* Backstop: whatever was excused, a run ends after
  ``max(wall_s, 3 * cpu_s)`` seconds of wall time.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import course_utils

BWRAP_ENV = "COURSE_BWRAP"  # path of the bwrap binary (default: found on PATH)
FIRST_SANDBOX_UID = 61000  # first of the unprivileged uids sandboxes run as when grading as root
SANDBOX_UIDS = 256         # how many of them (at most this many sandboxes at once on one machine)
CGROUPS_ENV = "COURSE_SANDBOX_CGROUPS"  # "0": no cgroups, the rlimits alone (per process)
CGROUP_PREFIX = "course-sandbox-"       # the sandboxes' cgroups, children of the grader's own cgroup
CPU_SHARES = 1024  # cgroup v1 cpu.shares of every sandbox (equal shares: an even split of the CPUs)
CPU_WEIGHT = 100   # cgroup v2 cpu.weight of every sandbox
CPU_PERIOD_US = 100_000  # the period of the CPU quota (Limits.cpus)
SAMPLE_S = 0.2     # how often the run's CPU waiting is measured


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start, so student code must not run."""


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


@dataclass
class Completed:
    """What a sandboxed run left behind."""

    returncode: int
    stdout: bytes
    stderr: bytes
    result: bytes  # what the process wrote to fd 3
    timed_out: bool
    output_truncated: bool
    seconds: float
    cpu_s: float | None = None          # CPU time of the whole sandbox (None: not measured)
    cpu_wait_s: float = 0.0             # wall time not counted against wall_s: waiting for a CPU (see module doc)
    memory_peak_mb: float | None = None  # the cgroup's peak memory (None: no memory cgroup, or not reported)
    oom_kills: int = 0                  # processes the kernel killed for the cgroup's memory limit
    cgroup: str = ""                    # "v1" or "v2": the sandbox was a cgroup; "": rlimits only
    isolation: list[str] = field(default_factory=list)  # notes for the instructor: limits weaker than asked

    @property
    def signal_name(self) -> str | None:
        """The signal that ended the process (bwrap reports a signal N as exit status 128 + N)."""
        number = -self.returncode if self.returncode < 0 else self.returncode - 128
        try:
            return signal.Signals(number).name if number > 0 else None
        except ValueError:
            return None


def bwrap_path() -> str:
    """The bubblewrap binary, or SandboxUnavailable saying how to install it."""
    found = os.environ.get(BWRAP_ENV) or shutil.which("bwrap")
    if not found or not os.access(found, os.X_OK):
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so student code cannot be sandboxed. "
            "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap) and run again; "
            "only if you trust every submission, pass --unsafe-no-sandbox."
        )
    return found


def _readonly_paths() -> list[Path]:
    """Everything the sandboxed Python needs, read-only: system, interpreter, venv, course_utils."""
    paths = [Path(p) for p in ("/usr", "/etc/ld.so.cache", "/etc/fonts", "/etc/alternatives", "/etc/localtime")]
    paths += [Path(sys.base_prefix).resolve(), Path(sys.prefix), Path(course_utils.__file__).resolve().parent,
              Path(__file__).resolve().parent]
    unique: list[Path] = []
    for path in paths:
        if path.exists() and not any(path == p or p in path.parents for p in unique):
            unique.append(path)
    return unique


def _environment(extra: dict[str, str]) -> dict[str, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }
    env.update(extra)
    return env


def bwrap_command(argv: list[str], limits: Limits, env: dict[str, str], uid: int | None) -> list[str]:
    """The bwrap command line that runs ``argv`` isolated (see the module docstring).

    As root, bwrap builds the sandbox with its own privileges (it can read a Python
    installed under /root), then ``setpriv`` drops to the slot's unprivileged ``uid``
    with no capabilities; otherwise bwrap uses an unprivileged user namespace.
    """
    command = [bwrap_path(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "sandbox",
               "--proc", "/proc", "--dev", "/dev",
               "--size", str(limits.file_mb * 1024 * 1024), "--perms", "1777", "--tmpfs", "/tmp",
               "--chdir", "/tmp", "--clearenv"]
    if uid is None:
        command += ["--unshare-user", "--cap-drop", "ALL"]
    for link in ("/lib", "/lib64", "/bin", "/sbin"):
        if Path(link).is_symlink():
            command += ["--symlink", os.readlink(link), link]
    made: set[Path] = set()
    for path in _readonly_paths():
        for parent in reversed(path.parents[:-1]):  # mount points bwrap creates must be traversable
            if parent not in made:
                made.add(parent)
                command += ["--perms", "0755", "--dir", str(parent)]
        command += ["--ro-bind", str(path), str(path)]
    for key, value in env.items():
        command += ["--setenv", key, value]
    if uid is not None:
        command += ["--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all"]
    return [*command, "--", *argv]


def _pids_of(uid: int) -> list[int]:
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if status.split("Uid:", 1)[1].split()[0] == str(uid):
            pids.append(int(pid))
    return pids


def _reap(uid: int, timeout_s: float = 10.0) -> None:
    """Kill whatever still runs as the slot's user (a fork bomb's children) and wait until it is gone."""
    deadline = time.monotonic() + timeout_s
    while (pids := _pids_of(uid)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.05)


@contextlib.contextmanager
def _leased_uid(slot: int) -> Iterator[int]:
    """An unprivileged uid no other sandbox on this machine uses meanwhile (root only).

    Tries ``FIRST_SANDBOX_UID + slot`` first; a lock file per uid (released by the
    kernel even if the grader dies) keeps concurrent grading runs apart. Whatever a
    previous, killed grader left running as the uid is reaped first.
    """
    folder = Path(tempfile.gettempdir()) / "course-sandbox-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    for offset in range(SANDBOX_UIDS):
        uid = FIRST_SANDBOX_UID + (slot + offset) % SANDBOX_UIDS
        handle = open(folder / f"{uid}.lock", "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        try:
            _reap(uid)
            yield uid
            return
        finally:
            handle.close()   # releases the lock
    raise SandboxUnavailable(f"all {SANDBOX_UIDS} sandbox uids are in use: too many grading workers at once")


def _tasks_of_this_user() -> int:
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


# --- cgroups: limits for the sandbox as a whole -------------------------------------------------

_V1_WANTED = ("memory", "pids", "cpu", "cpuacct")
_V2_WANTED = ("memory", "pids", "cpu")
_group_numbers = itertools.count()


def _unescape(path: str) -> str:
    """A path from /proc/self/mountinfo (spaces and the like are octal escapes there)."""
    return path.encode().decode("unicode_escape") if "\\" in path else path


def _hierarchies(mountinfo: str, proc_cgroup: str) -> tuple[dict[str, Path], Path | None]:
    """Where the grader's own cgroups are: v1 controller -> folder, and the v2 folder (or None).

    ``mountinfo`` and ``proc_cgroup`` are the texts of /proc/self/mountinfo and
    /proc/self/cgroup. A hierarchy whose mount does not show the grader's cgroup
    (a bind mount of another subtree) is left out.
    """
    own_v1: dict[str, str] = {}
    own_v2: str | None = None
    for line in proc_cgroup.splitlines():
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if number == "0" and controllers == "":
            own_v2 = path
        else:
            for controller in controllers.split(","):
                own_v1[controller] = path
    v1: dict[str, Path] = {}
    v2: Path | None = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        after = line.split(" - ", 1)[1].split()
        if len(after) < 3 or after[0] not in ("cgroup", "cgroup2"):
            continue
        root, mount = _unescape(fields[3]), Path(_unescape(fields[4]))

        def inside(own: str | None) -> Path | None:
            if own is None:
                return None
            if root == "/":
                return mount / own.lstrip("/")
            if own == root or own.startswith(root.rstrip("/") + "/"):
                return mount / own[len(root):].lstrip("/")
            return None

        if after[0] == "cgroup2":
            v2 = inside(own_v2) if v2 is None else v2
            continue
        for controller in after[2].split(","):
            if controller in _V1_WANTED and controller in own_v1 and controller not in v1:
                found = inside(own_v1[controller])
                if found is not None:
                    v1[controller] = found
    return v1, v2


def _write(path: Path, value: str) -> None:
    with open(path, "w") as handle:
        handle.write(value)


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _stat_field(text: str | None, key: str) -> int | None:
    """The value of ``key`` in a "key value" per line file (memory.events, cpu.stat, memory.oom_control)."""
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == key and parts[1].isdigit():
            return int(parts[1])
    return None


class _Cgroup:
    """One sandbox's cgroup: a folder per v1 hierarchy, or one v2 folder."""

    def __init__(self, version: str, folders: dict[str, Path]):
        self.version = version
        self.folders = folders  # controller -> folder; v1 controllers of one hierarchy share a folder

    @property
    def distinct(self) -> list[Path]:
        return list(dict.fromkeys(self.folders.values()))

    def procs_files(self) -> list[str]:
        """What the wrapper writes its pid into: ``cgroup.procs`` of every folder."""
        return [str(folder / "cgroup.procs") for folder in self.distinct]

    def tasks(self) -> list[int]:
        """The tasks (threads) in the cgroup now."""
        name = "tasks" if self.version == "v1" else "cgroup.threads"
        for folder in self.distinct:
            text = _read(folder / name)
            if text is not None:
                return [int(t) for t in text.split()]
        return []

    def _procs(self) -> list[int]:
        found: set[int] = set()
        for folder in self.distinct:
            found.update(int(p) for p in (_read(folder / "cgroup.procs") or "").split())
        return sorted(found)

    def cpu_seconds(self) -> float | None:
        if self.version == "v1":
            folder = self.folders.get("cpuacct")
            text = _read(folder / "cpuacct.usage") if folder else None
            return int(text) / 1e9 if text and text.strip().isdigit() else None
        usage = _stat_field(_read(self.folders["cpu.stat"] / "cpu.stat"), "usage_usec")
        return None if usage is None else usage / 1e6

    def memory(self) -> tuple[float | None, int]:
        """The peak memory (MB) and the number of OOM kills."""
        folder = self.folders.get("memory")
        if folder is None:
            return None, 0
        if self.version == "v1":
            peak = _read(folder / "memory.max_usage_in_bytes")
            kills = _stat_field(_read(folder / "memory.oom_control"), "oom_kill")
        else:
            peak = _read(folder / "memory.peak")
            kills = _stat_field(_read(folder / "memory.events"), "oom_kill")
        peak_mb = int(peak) / 2**20 if peak and peak.strip().isdigit() else None
        return peak_mb, kills or 0

    def kill_all(self, timeout_s: float = 10.0) -> None:
        """SIGKILL everything in the cgroup (again and again: a fork bomb forks meanwhile) until it is empty."""
        if self.version == "v2":
            with contextlib.suppress(OSError):
                _write(self.folders["cpu.stat"] / "cgroup.kill", "1")
        deadline = time.monotonic() + timeout_s
        while (pids := self._procs()) and time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)

    def remove(self, timeout_s: float = 5.0) -> None:
        self.kill_all()
        for folder in self.distinct:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:  # EBUSY while the killed tasks are being released
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        break
                    self.kill_all(timeout_s=1.0)
                    time.sleep(0.05)


def _remove_stale(parent: Path, name: str, version: str) -> None:
    """A cgroup of this name left by a killed grader: empty and remove it."""
    folder = parent / name
    if folder.is_dir():
        _Cgroup(version, {"memory": folder, "cpu.stat": folder}).remove()


def _stale_names(parent: Path) -> list[str]:
    """This grader's kind of cgroups in ``parent`` whose grader (the pid in the name) is gone."""
    stale = []
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            parts = entry.name[len(CGROUP_PREFIX):].split("-")
            if entry.name.startswith(CGROUP_PREFIX) and len(parts) == 2 and parts[0].isdigit() \
                    and not Path(f"/proc/{parts[0]}").exists():
                stale.append(entry.name)
    return stale


def _cgroup_name(uid: int | None) -> str:
    """The uid when the sandbox leased one (unique on this machine), else this grader's pid and a number."""
    return f"{CGROUP_PREFIX}uid{uid}" if uid is not None else f"{CGROUP_PREFIX}{os.getpid()}-{next(_group_numbers)}"


def _errno_text(error: OSError) -> str:
    return error.strerror or str(error)


def _make_cgroup(name: str, limits: Limits, *, mountinfo: str | None = None,
                 proc_cgroup: str | None = None) -> tuple[_Cgroup | None, list[str]]:
    """Create the sandbox's cgroup with its limits; None and the notes for what is missing.

    The notes say what holds instead (see the module docstring); they are empty
    when memory, tasks and CPU share all apply to the whole sandbox.
    """
    if os.environ.get(CGROUPS_ENV, "1").strip().lower() in ("0", "no", "false", "off"):
        return None, _no_cgroup_notes(f"{CGROUPS_ENV}=0", _V1_WANTED)
    try:
        mountinfo = Path("/proc/self/mountinfo").read_text() if mountinfo is None else mountinfo
        proc_cgroup = Path("/proc/self/cgroup").read_text() if proc_cgroup is None else proc_cgroup
    except OSError as error:
        return None, _no_cgroup_notes(f"cannot read /proc/self: {_errno_text(error)}", _V1_WANTED)
    v1, v2 = _hierarchies(mountinfo, proc_cgroup)
    if any(c in v1 for c in _V2_WANTED):
        return _make_v1(name, limits, v1)
    if v2 is not None:
        return _make_v2(name, limits, v2)
    return None, _no_cgroup_notes("no cgroup hierarchy with memory, pids or cpu is mounted", _V1_WANTED)


def _quota(limits: Limits) -> str:
    """The CPU quota per period in microseconds; "-1": none."""
    return "-1" if limits.cpus is None else str(max(1000, round(limits.cpus * CPU_PERIOD_US)))


def _no_cgroup_notes(why: str, missing) -> list[str]:
    texts = {"memory": "memory limit per process (RLIMIT_AS), not for the whole sandbox",
             "pids": "process limit per user (RLIMIT_NPROC), not per sandbox",
             "cpu": "no CPU share or quota: a busy neighbour can slow this run down",
             "cpuacct": f"CPU time sampled per process every {SAMPLE_S:g} s (approximate)"}
    return [f"no cgroup ({why}): {texts[c]}" for c in _V1_WANTED if c in missing]


def _make_v1(name: str, limits: Limits, hierarchies: dict[str, Path]) -> tuple[_Cgroup | None, list[str]]:
    memory = str(limits.memory_mb * 2**20)
    settings = {"memory": [("memory.limit_in_bytes", memory, True), ("memory.memsw.limit_in_bytes", memory, False)],
                "pids": [("pids.max", str(limits.processes), True)],
                "cpu": [("cpu.shares", str(CPU_SHARES), True), ("cpu.cfs_period_us", str(CPU_PERIOD_US), True),
                        ("cpu.cfs_quota_us", _quota(limits), True)],
                "cpuacct": []}
    made: dict[Path, Path] = {}   # the grader's cgroup -> the sandbox's, per hierarchy
    folders: dict[str, Path] = {}
    why: dict[str, str] = {}
    for controller in _V1_WANTED:
        parent = hierarchies.get(controller)
        if parent is None:
            why[controller] = f"the {controller} controller is not mounted"
            continue
        try:
            if parent not in made:
                for stale in [name, *_stale_names(parent)]:
                    _remove_stale(parent, stale, "v1")
                (parent / name).mkdir()
                made[parent] = parent / name
            for file, value, required in settings[controller]:
                try:
                    _write(made[parent] / file, value)
                except OSError:
                    if required:
                        raise
        except OSError as error:
            why[controller] = f"{parent / name}: {_errno_text(error)}"
            continue
        folders[controller] = made[parent]
    unused = [f for f in made.values() if f not in folders.values()]
    if unused:   # a hierarchy whose settings failed
        _Cgroup("v1", {str(i): f for i, f in enumerate(unused)}).remove()
    if not any(c in folders for c in _V2_WANTED):
        _Cgroup("v1", {str(i): f for i, f in enumerate(made.values())}).remove()
        reason = "; ".join(dict.fromkeys(why.values()))
        return None, _no_cgroup_notes(reason, _V1_WANTED)
    notes = [note for c in _V1_WANTED if c in why for note in _no_cgroup_notes(why[c], [c])]
    return _Cgroup("v1", folders), notes


def _make_v2(name: str, limits: Limits, parent: Path) -> tuple[_Cgroup | None, list[str]]:
    available = set((_read(parent / "cgroup.controllers") or "").split())
    enabled = set((_read(parent / "cgroup.subtree_control") or "").split())
    why: dict[str, str] = {}
    for controller in _V2_WANTED:
        if controller not in available:
            why[controller] = f"cgroup v2: {parent} has no {controller} controller"
        elif controller not in enabled:
            try:
                _write(parent / "cgroup.subtree_control", f"+{controller}")
                enabled.add(controller)
            except OSError as error:
                hint = " (the grader's cgroup has processes: run it in a delegated cgroup of its own)" \
                    if error.errno == errno.EBUSY else ""
                why[controller] = f"cgroup v2: cannot enable {controller} in {parent}: {_errno_text(error)}{hint}"
    usable = [c for c in _V2_WANTED if c not in why]
    if not usable:
        return None, _no_cgroup_notes("; ".join(dict.fromkeys(why.values())), _V1_WANTED)
    folder = parent / name
    try:
        for stale in [name, *_stale_names(parent)]:
            _remove_stale(parent, stale, "v2")
        folder.mkdir()
        settings = {"memory": [("memory.max", str(limits.memory_mb * 2**20), True), ("memory.swap.max", "0", False)],
                    "pids": [("pids.max", str(limits.processes), True)],
                    "cpu": [("cpu.weight", str(CPU_WEIGHT), True),
                            ("cpu.max", f"{'max' if limits.cpus is None else _quota(limits)} {CPU_PERIOD_US}", True)]}
        for controller in usable:
            for file, value, required in settings[controller]:
                try:
                    _write(folder / file, value)
                except OSError as error:
                    if required:
                        why[controller] = f"cgroup v2: {folder / file}: {_errno_text(error)}"
    except OSError as error:
        _Cgroup("v2", {"cpu.stat": folder}).remove()
        return None, _no_cgroup_notes(f"cgroup v2: {folder}: {_errno_text(error)}", _V1_WANTED)
    folders = {c: folder for c in _V2_WANTED if c not in why}
    folders["cpu.stat"] = folder   # cpu.stat usage_usec is there with or without the cpu controller
    notes = [note for c in _V2_WANTED if c in why for note in _no_cgroup_notes(why[c], [c])]
    return _Cgroup("v2", folders), notes


# --- starting the sandbox: the wrapper, the rlimits, and the clock --------------------------------

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


def _wrapped(command: list[str], cgroups: list[str], rlimits: list[tuple[str, int]]) -> list[str]:
    """``command`` started through the wrapper, which joins ``cgroups`` and sets ``rlimits`` first."""
    spec = json.dumps({"cgroups": cgroups, "rlimits": rlimits})
    return [str(Path(sys.executable)), "-I", "-S", "-c", _WRAPPER, spec, *command]


def _rlimits(limits: Limits, own_uid: bool) -> list[tuple[str, int]]:
    """The rlimits, which bwrap and everything in the sandbox inherit.

    The process limit counts all processes of a user: with a user of its own (grading
    as root) it is the sandbox's alone, otherwise it comes on top of what runs already.
    """
    processes = limits.processes if own_uid else _tasks_of_this_user() + limits.processes
    return [("RLIMIT_AS", limits.memory_mb * 2**20), ("RLIMIT_CPU", int(limits.cpu_s)),
            ("RLIMIT_FSIZE", limits.file_mb * 2**20), ("RLIMIT_NOFILE", limits.open_files),
            ("RLIMIT_CORE", 0), ("RLIMIT_NPROC", processes)]


def _descendants(pid: int) -> list[int]:
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


def _threads(pids: list[int]) -> list[int]:
    tids = []
    for pid in pids:
        try:
            tids += [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            continue
    return tids


class _Clock:
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


def _drain(stream, limit: int, sink: list[bytes], truncated: list[bool]) -> None:
    kept = 0
    while chunk := stream.read(65536):
        if kept < limit:
            sink.append(chunk[: limit - kept])
        if kept + len(chunk) > limit:
            truncated.append(True)
        kept += len(chunk)


def run(argv: list[str], stdin: bytes, limits: Limits, *, sandbox: bool = True, slot: int = 0,
        env: dict[str, str] | None = None, extra_fds: tuple[int, ...] = ()) -> Completed:
    """Run ``argv`` (a command inside the sandbox's view) with ``stdin``; never raises for what it does.

    ``{result_fd}`` in ``argv`` is replaced by the number of a file descriptor the
    process may write its result to. With ``sandbox=False`` the same limits apply
    but nothing is isolated (the instructor's explicit opt-out). ``extra_fds`` are
    inherited by the process under the same numbers (e.g. one end of a socket pair).
    Safe to call from several threads at once (the grader's workers).
    """
    with _leased_uid(slot) if sandbox and os.geteuid() == 0 else contextlib.nullcontext(None) as uid:
        group, notes = _make_cgroup(_cgroup_name(uid), limits)
        try:
            return _run(argv, stdin, limits, sandbox, uid, env, extra_fds, group, notes)
        finally:
            if group is not None:
                group.remove()


def _run(argv: list[str], stdin: bytes, limits: Limits, sandbox: bool, uid: int | None,
         env: dict[str, str] | None, extra_fds: tuple[int, ...] = (), group: _Cgroup | None = None,
         notes: list[str] | None = None) -> Completed:
    environment = _environment(env or {})
    result_read, result_write = os.pipe()
    argv = [arg.replace("{result_fd}", str(result_write)) for arg in argv]
    try:
        command = bwrap_command(argv, limits, environment, uid) if sandbox else argv
        command = _wrapped(command, group.procs_files() if group else [], _rlimits(limits, uid is not None))
        start = time.monotonic()
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            pass_fds=(result_write, *extra_fds), env={} if sandbox else environment, start_new_session=True,
        )
    finally:
        os.close(result_write)
    outputs: dict[str, list[bytes]] = {"stdout": [], "stderr": [], "result": []}
    truncated: list[bool] = []
    threads = [threading.Thread(target=_drain, args=(stream, limits.output_kb * 1024, outputs[name], truncated))
               for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr),
                                    ("result", os.fdopen(result_read, "rb")))]
    threads.append(threading.Thread(target=_feed, args=(proc.stdin, stdin)))
    exited = threading.Event()

    def wait() -> None:
        """Until the process has ended; it stays a zombie (its pid and group stay ours) until reaped below."""
        try:
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass
        finally:
            exited.set()

    waiter = threading.Thread(target=wait, daemon=True)
    for thread in (*threads, waiter):
        thread.start()
    clock = _Clock(group.tasks if group else lambda: _threads(_descendants(proc.pid)),
                   min(1.0, limits.cpus or 1.0) if group and "cpu" in group.folders else 1.0)
    backstop = max(limits.wall_s, 3 * limits.cpu_s)
    timed_out = False
    while not exited.wait(SAMPLE_S):
        clock.sample()
        if clock.counted() >= limits.wall_s or clock.elapsed() >= backstop:
            timed_out = True
            break
    _kill_group(proc.pid)
    if group is not None:
        group.kill_all()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    waiter.join(timeout=5)
    if sandbox and uid is not None:
        _reap(uid)
    for thread in threads:
        thread.join(timeout=5)
    seconds = time.monotonic() - start
    cpu_s = group.cpu_seconds() if group else None
    if cpu_s is None:  # bwrap does not wait for the sandbox's processes: their rusage is lost
        cpu_s = max(usage.ru_utime + usage.ru_stime, clock.cpu_ns / 1e9)
    peak_mb, oom_kills = group.memory() if group else (None, 0)
    return Completed(proc.returncode, b"".join(outputs["stdout"]), b"".join(outputs["stderr"]),
                     b"".join(outputs["result"]), timed_out, bool(truncated), seconds,
                     cpu_s=round(cpu_s, 3), cpu_wait_s=round(clock.excused, 3), memory_peak_mb=peak_mb,
                     oom_kills=oom_kills, cgroup=group.version if group else "", isolation=list(notes or []))


def _feed(stream, data: bytes) -> None:
    """Write stdin in a thread of its own: a sandbox that does not read it cannot stop the clock."""
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, OSError, ValueError):
        pass


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def check_available() -> None:
    """Start a trivial sandbox; raise SandboxUnavailable with the reason if it cannot."""
    python = str(Path(sys.executable))
    done = run([python, "-I", "-c", "import course_utils"], b"", Limits(wall_s=60))
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise SandboxUnavailable(
            "bubblewrap could not start a sandbox here (" + " / ".join(detail or [f"exit {done.returncode}"]) + "). "
            "It needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or root. "
            "Fix that and run again; only if you trust every submission, pass --unsafe-no-sandbox."
        )
