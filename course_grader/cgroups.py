"""The sandbox's cgroup: limits for all of its processes together.

Where the machine allows it, each sandbox is one cgroup (v1 or v2, a child of the
grader's own cgroup): ``Limits.memory_mb`` is the memory of all its processes
together (the kernel's OOM killer stops a process of the sandbox beyond it),
``Limits.processes`` the tasks (processes and threads) of all of them, and
``Limits.cpus`` (default one CPU) a CPU quota for all of them together
(cpu.cfs_quota_us / cpu.max). Every sandbox has the same CPU weight (cpu.shares
1024 / cpu.weight 100): sandboxes running in parallel share the CPUs evenly, and
a busy loop in many processes gets no more than its quota, so it cannot starve
an honest neighbour (the environment asks numerical libraries for one thread).
The process joins its cgroup before anything of the submission runs (the wrapper
of :mod:`course_grader.limits` writes its pid into ``cgroup.procs``). The cgroup is
emptied (SIGKILL) and removed after the run. ``COURSE_SANDBOX_CGROUPS=0`` turns
cgroups off.

Where cgroups are not available (not root, read-only, controllers missing) the
rlimits alone apply, per process: :func:`make_cgroup` returns notes for the
instructor saying so (e.g. "no cgroup (...): memory limit per process ..."),
which the run reports in ``Completed.isolation``.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import signal
import time
from pathlib import Path

from course_grader.limits import SAMPLE_S, Limits

CGROUPS_ENV = "COURSE_SANDBOX_CGROUPS"  # "0": no cgroups, the rlimits alone (per process)
CGROUP_PREFIX = "course-sandbox-"       # the sandboxes' cgroups, children of the grader's own cgroup
CPU_SHARES = 1024  # cgroup v1 cpu.shares of every sandbox (equal shares: an even split of the CPUs)
CPU_WEIGHT = 100   # cgroup v2 cpu.weight of every sandbox
CPU_PERIOD_US = 100_000  # the period of the CPU quota (Limits.cpus)
_V1_WANTED = ("memory", "pids", "cpu", "cpuacct")
_V2_WANTED = ("memory", "pids", "cpu")
_group_numbers = itertools.count()


def _unescape(path: str) -> str:
    """A path from /proc/self/mountinfo (spaces and the like are octal escapes there)."""
    return path.encode().decode("unicode_escape") if "\\" in path else path


def find_hierarchies(mountinfo: str, proc_cgroup: str) -> tuple[dict[str, Path], Path | None]:
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

        def inside(own: str | None, root: str = root, mount: Path = mount) -> Path | None:
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


class Cgroup:
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
        Cgroup(version, {"memory": folder, "cpu.stat": folder}).remove()


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


def cgroup_name(uid: int | None) -> str:
    """The uid when the sandbox leased one (unique on this machine), else this grader's pid and a number."""
    return f"{CGROUP_PREFIX}uid{uid}" if uid is not None else f"{CGROUP_PREFIX}{os.getpid()}-{next(_group_numbers)}"


def _errno_text(error: OSError) -> str:
    return error.strerror or str(error)


def make_cgroup(name: str, limits: Limits, *, mountinfo: str | None = None,
                 proc_cgroup: str | None = None) -> tuple[Cgroup | None, list[str]]:
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
    v1, v2 = find_hierarchies(mountinfo, proc_cgroup)
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


def _make_v1(name: str, limits: Limits, hierarchies: dict[str, Path]) -> tuple[Cgroup | None, list[str]]:
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
        Cgroup("v1", {str(i): f for i, f in enumerate(unused)}).remove()
    if not any(c in folders for c in _V2_WANTED):
        Cgroup("v1", {str(i): f for i, f in enumerate(made.values())}).remove()
        reason = "; ".join(dict.fromkeys(why.values()))
        return None, _no_cgroup_notes(reason, _V1_WANTED)
    notes = [note for c in _V1_WANTED if c in why for note in _no_cgroup_notes(why[c], [c])]
    return Cgroup("v1", folders), notes


def _make_v2(name: str, limits: Limits, parent: Path) -> tuple[Cgroup | None, list[str]]:
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
        Cgroup("v2", {"cpu.stat": folder}).remove()
        return None, _no_cgroup_notes(f"cgroup v2: {folder}: {_errno_text(error)}", _V1_WANTED)
    folders = {c: folder for c in _V2_WANTED if c not in why}
    folders["cpu.stat"] = folder   # cpu.stat usage_usec is there with or without the cpu controller
    notes = [note for c in _V2_WANTED if c in why for note in _no_cgroup_notes(why[c], [c])]
    return Cgroup("v2", folders), notes
