"""Run a command in a bubblewrap sandbox with resource limits.

The sandboxed process sees a read-only view of the system and of the Python
environment, the ``course_utils`` package and nothing else of the course (no
``solutions/``, gradebook, submissions or home directory), has no network, a
private scratch ``/tmp`` (a size-limited tmpfs) and limits on memory, CPU time,
processes, file size and output. When the grader runs as root, each sandbox
gets an unprivileged user id of its own, leased with a lock file, so that the
process limit holds per sandbox and concurrent grading runs (two instructors,
two workers) never share, or clean up, each other's user.

The limits (:class:`Limits`), how they are applied and the clock that enforces
the time limits are in :mod:`course_grader.limits`; the cgroup that holds the
limits for the whole sandbox, where the machine allows one, in
:mod:`course_grader.cgroups`.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import course_utils
from course_grader.cgroups import Cgroup, cgroup_name, make_cgroup
from course_grader.limits import SAMPLE_S, Clock, Limits, descendants, rlimits, thread_ids, wrapped

__all__ = ["SandboxUnavailable", "Limits", "Completed", "run", "check_available", "bwrap_path", "bwrap_command"]

BWRAP_ENV = "COURSE_BWRAP"  # path of the bwrap binary (default: found on PATH)
FIRST_SANDBOX_UID = 61000  # first of the unprivileged uids sandboxes run as when grading as root
SANDBOX_UIDS = 256         # how many of them (at most this many sandboxes at once on one machine)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start, so student code must not run."""


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
    cpu_wait_s: float = 0.0             # wall time not counted against wall_s: waiting for a CPU (course_grader.limits)
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
        handle = open(folder / f"{uid}.lock", "w")  # noqa: SIM115 - held while the uid is leased
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
        group, notes = make_cgroup(cgroup_name(uid), limits)
        try:
            return _run(argv, stdin, limits, sandbox, uid, env, extra_fds, group, notes)
        finally:
            if group is not None:
                group.remove()


def _run(argv: list[str], stdin: bytes, limits: Limits, sandbox: bool, uid: int | None,
         env: dict[str, str] | None, extra_fds: tuple[int, ...] = (), group: Cgroup | None = None,
         notes: list[str] | None = None) -> Completed:
    environment = _environment(env or {})
    result_read, result_write = os.pipe()
    argv = [arg.replace("{result_fd}", str(result_write)) for arg in argv]
    try:
        command = bwrap_command(argv, limits, environment, uid) if sandbox else argv
        command = wrapped(command, group.procs_files() if group else [], rlimits(limits, uid is not None))
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
    clock = Clock(group.tasks if group else lambda: thread_ids(descendants(proc.pid)),
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
