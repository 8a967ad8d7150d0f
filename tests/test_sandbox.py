"""The sandbox's refusals, each shown to hold, and the refusal to grade without a sandbox."""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from course_grader import cgroups, runner, sandbox
from course_grader.sandbox import Limits, SandboxUnavailable
from nbtools import ROOT

PYTHON = str(Path(sys.executable))


def _run(code: str, limits: Limits = Limits(wall_s=60), **kwargs) -> sandbox.Completed:
    return sandbox.run([PYTHON, "-I", "-c", code], b"", limits, **kwargs)


def _out(done: sandbox.Completed) -> str:
    return done.stdout.decode(errors="replace")


# A course that lives under /tmp (a CI clone, say) is mounted read-only inside the scratch /tmp.
MOUNTS_IN_TMP = sorted({p.relative_to("/tmp").parts[0] for p in sandbox._readonly_paths() if Path("/tmp") in p.parents})


def test_no_network():
    done = _run("import socket\n"
                "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=3)\n    print('connected')\n"
                "except OSError as e:\n    print('refused', e.errno)\n"
                "print(sorted(n for n in socket.if_nameindex()))")
    assert "connected" not in _out(done) and "refused" in _out(done), _out(done)
    assert "eth" not in _out(done), "only the loopback interface may exist"


@pytest.mark.parametrize("path", ["solutions", "gradebook.db", "submitted", "nbgrader_config.py", ".git"])
def test_course_files_are_invisible(path):
    target = ROOT / path
    done = _run(f"import os\nprint(os.path.exists({str(target)!r}), os.listdir({str(ROOT)!r}))")
    assert _out(done).startswith("False") and "course_utils" in _out(done), _out(done)


def test_home_and_environment_are_hidden(monkeypatch):
    monkeypatch.setenv("INSTRUCTOR_SECRET", "s3cret")
    done = _run("import os\nprint(os.environ.get('INSTRUCTOR_SECRET'), os.path.expanduser('~'), "
                "os.listdir(os.path.expanduser('~')), os.path.exists('/root/.ssh'))")
    assert _out(done).strip() == f"None /tmp {MOUNTS_IN_TMP} False", _out(done)


@pytest.mark.parametrize("target", ["{course_utils}/evil.py", "/usr/evil", "/evil", "{venv}/evil"])
def test_writing_outside_scratch_fails(target):
    path = target.format(course_utils=ROOT / "course_utils", venv=sys.prefix)
    done = _run(f"try:\n    open({path!r}, 'w').write('x')\n    print('written')\n"
                f"except OSError as e:\n    print('refused', e.strerror)\n"
                "open('/tmp/scratch.txt', 'w').write('ok')\nprint(open('/tmp/scratch.txt').read())")
    assert "refused" in _out(done) and "written" not in _out(done) and _out(done).strip().endswith("ok"), _out(done)
    assert not Path(path).exists()


def test_scratch_is_private_and_size_limited():
    done = _run("import os\nprint(os.listdir('/tmp'))\n"
                "try:\n    open('/tmp/big', 'wb').write(b'0' * (200 * 1024 * 1024))\n    print('wrote 200 MB')\n"
                "except OSError as e:\n    print('refused', e.strerror)", Limits(wall_s=60, file_mb=64))
    assert _out(done).startswith(str(MOUNTS_IN_TMP)) and "refused" in _out(done), _out(done)


def test_runs_as_an_unprivileged_user_without_capabilities():
    done = _run("import os\nprint(os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])")
    uid, caps = _out(done).split()
    assert uid != "0" and int(caps, 16) == 0, _out(done)


@pytest.mark.slow
def test_fork_bomb_is_contained():
    code = ("import os, time\nprint('uid', os.getuid(), flush=True)\ncount = 0\nwhile True:\n    try:\n        os.fork()\n        count += 1\n"
            "    except OSError:\n        print('fork refused after', count, flush=True)\n        time.sleep(30)\n")
    done = _run(code, Limits(wall_s=15, processes=64), slot=5)
    assert done.timed_out or done.returncode != 0
    assert "fork refused" in _out(done), _out(done)
    uid = int(_out(done).split()[1])
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == uid]
    assert not leftovers, f"processes of the sandbox survived it: {leftovers}"


@pytest.mark.slow
def test_concurrent_runs_get_their_own_uid_and_leave_each_other_alone():
    """Two grading runs on one machine (same worker slot): neither shares, nor cleans up, the other's user."""
    long_run: dict[str, sandbox.Completed] = {}
    thread = threading.Thread(target=lambda: long_run.update(
        done=_run("import os, time\nprint(os.getuid(), flush=True)\ntime.sleep(4)\nprint('finished')", slot=3)))
    thread.start()
    time.sleep(1.5)                       # the long run is inside its sandbox now
    short = _run("import os\nprint(os.getuid())", slot=3)
    thread.join()
    long_uid, finished = _out(long_run["done"]).split()
    assert finished == "finished" and long_run["done"].returncode == 0, long_run["done"]
    if os.geteuid() == 0:                 # as root every sandbox has a uid of its own
        assert _out(short).split()[0] != long_uid


def _uid(pid: str) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return int(status.split("Uid:")[1].split()[0])


def test_memory_bomb_is_refused():
    done = _run("try:\n    b = bytearray(8 * 1024 ** 3)\n    print('allocated')\nexcept MemoryError:\n"
                "    print('MemoryError')", Limits(wall_s=60, memory_mb=2048))
    assert _out(done).strip() == "MemoryError", _out(done)


@pytest.mark.slow
def test_cpu_time_and_wall_time_are_limited():
    busy = _run("while True:\n    pass", Limits(wall_s=60, cpu_s=2))
    assert busy.signal_name in ("SIGXCPU", "SIGKILL") and not busy.timed_out, busy
    assert 1.5 <= busy.cpu_s <= 4, busy   # the sandbox's CPU time, measured
    stuck = _run("import time\ntime.sleep(100)", Limits(wall_s=3))
    assert stuck.timed_out and stuck.seconds < 10


def test_output_is_capped():
    done = _run("import sys\nsys.stdout.write('x' * 10_000_000)", Limits(wall_s=60, output_kb=64))
    assert done.output_truncated and len(done.stdout) == 64 * 1024


def test_grading_refuses_without_bubblewrap(monkeypatch, tmp_path):
    monkeypatch.setenv(sandbox.BWRAP_ENV, str(tmp_path / "no-bwrap-here"))
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        runner.grade_assignment(tmp_path, "01_perceptron")


def test_grading_refuses_when_the_sandbox_cannot_start(monkeypatch, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv(sandbox.BWRAP_ENV, str(fake))
    with pytest.raises(SandboxUnavailable, match="could not start a sandbox"):
        runner.grade_assignment(tmp_path, "01_perceptron")


# --- limits for the whole sandbox (cgroups), and their fallback -----------------------------------

MODES = ["auto", "off"]  # "auto": a cgroup where the machine allows it; "off": COURSE_SANDBOX_CGROUPS=0


@pytest.fixture
def mode(request, monkeypatch):
    if request.param == "off":
        monkeypatch.setenv(cgroups.CGROUPS_ENV, "0")
    else:
        monkeypatch.delenv(cgroups.CGROUPS_ENV, raising=False)
    return request.param


def _mechanism(done: sandbox.Completed) -> str:
    return f"cgroup {done.cgroup}" if done.cgroup else "rlimits only: " + "; ".join(done.isolation)


def _leftover_cgroups(uid: int) -> list[Path]:
    """Cgroups of this test's sandboxes (named by the sandbox's uid, or by this process) that exist now;
    other grading runs on the machine may have theirs meanwhile."""
    v1, v2 = cgroups.find_hierarchies(Path("/proc/self/mountinfo").read_text(), Path("/proc/self/cgroup").read_text())
    parents = set(v1.values()) | ({v2} if v2 else set())
    ours = (f"{cgroups.CGROUP_PREFIX}uid{uid}", f"{cgroups.CGROUP_PREFIX}{os.getpid()}-")
    return [child for parent in parents if parent.is_dir()
            for child in parent.iterdir() if child.name == ours[0] or child.name.startswith(ours[1])]


FORKED_MEMORY = """\
import os, time
print("uid", os.getuid(), flush=True)
r, w = os.pipe()
children = []
for _ in range({children}):
    pid = os.fork()
    if pid == 0:
        os.close(r)
        block = bytearray({child_mb} * 2**20)
        block[::4096] = b"x" * len(range(0, len(block), 4096))   # touched: resident, not just reserved
        os.write(w, b"h")
        time.sleep(2)
        os._exit(0)
    children.append(pid)
os.close(w)
held = 0
while os.read(r, 1):
    held += 1
print("held", held, flush=True)
print("ends", *[os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children], flush=True)
"""


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_forked_children_share_one_memory_limit(mode, capsys):
    """Four children of 200 MB each (800 MB together) under a 512 MB limit: with a cgroup the
    limit is the whole sandbox's, so the kernel stops children (OOM kill); with rlimits alone each
    process may use 512 MB, so all four hold their memory at once (the fallback's note says so)."""
    stale = None
    if mode == "auto":   # a cgroup a killed grader left behind is removed by the next run
        v1, v2 = cgroups.find_hierarchies(Path("/proc/self/mountinfo").read_text(),
                                          Path("/proc/self/cgroup").read_text())
        parent = v1.get("memory") or v2
        if parent is not None and os.access(parent, os.W_OK):
            stale = parent / f"{cgroups.CGROUP_PREFIX}{99999999}-0"
            stale.mkdir(exist_ok=True)
    done = _run(FORKED_MEMORY.format(children=4, child_mb=200), Limits(wall_s=60, memory_mb=512), slot=7)
    lines = dict(line.split(" ", 1) for line in _out(done).splitlines())
    held, ends = int(lines["held"]), [int(e) for e in lines["ends"].split()]
    with capsys.disabled():
        print(f"\n[{mode}] mechanism: {_mechanism(done)}; children that got their 200 MB: {held}/4, "
              f"exits {ends}, peak {done.memory_peak_mb} MB, OOM kills {done.oom_kills}, {done.seconds:.1f} s")
    if done.cgroup:
        assert mode == "auto"
        # 200 MB children: no more than two fit into 512 MB together, the kernel killed the others
        assert ends.count(0) <= 2 and ends.count(-9) >= 2 and done.oom_kills >= 2, (ends, done.oom_kills)
        assert done.memory_peak_mb is not None and done.memory_peak_mb <= 512, done
        assert not any("memory" in note for note in done.isolation), done.isolation
    else:
        assert held == 4 and ends == [0, 0, 0, 0], _out(done)   # 800 MB in one sandbox: per process only
        assert any(note.startswith("no cgroup") and "memory limit per process" in note for note in done.isolation)
        if mode == "off":
            assert any(f"{cgroups.CGROUPS_ENV}=0" in note for note in done.isolation), done.isolation
    assert not _leftover_cgroups(int(lines["uid"])), "the sandbox's cgroup outlived it"
    if stale is not None:
        assert not stale.exists()


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_fork_bomb_is_stopped_for_the_whole_sandbox(mode):
    """Processes counted for the sandbox: pids.max with a cgroup, RLIMIT_NPROC (the leased uid's) without."""
    code = ("import os, time\nprint(os.getuid(), flush=True)\ncount = 0\nwhile True:\n    try:\n"
            "        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        count += 1\n"
            "    except OSError:\n        print(count, flush=True)\n        break\n")
    done = _run(code, Limits(wall_s=30, processes=40), slot=9)
    uid, forked = (int(n) for n in _out(done).split())
    assert 20 <= forked <= 40, (forked, _mechanism(done))
    if done.cgroup:
        assert not any("process limit" in note for note in done.isolation)
    else:
        assert any("process limit per user (RLIMIT_NPROC)" in note for note in done.isolation), done.isolation
    assert not _leftover_cgroups(uid)


HONEST = "x = 0\nfor i in range(15_000_000):\n    x += i\nprint(x)"
BUSY = ("import os, time\nfor _ in range(5):\n    if os.fork() == 0:\n        break\n"   # six busy processes
        "end = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n")


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_a_busy_neighbour_does_not_time_out_an_honest_run(mode, capsys):
    """Two sandboxes in the grader's worker threads: six busy loops beside an honest computation
    whose wall limit is tight (1.5 times what it needs alone). With a cgroup the busy one gets one
    CPU at most (its quota, equal shares); whatever the machine's load, time the honest one waits
    for a CPU is not counted against its wall limit."""
    alone = _run(HONEST, Limits(wall_s=60))
    assert alone.returncode == 0 and not alone.timed_out
    tight = Limits(wall_s=round(1.5 * alone.seconds + 0.3, 2))
    with ThreadPoolExecutor(max_workers=2) as pool:
        busy_future = pool.submit(_run, BUSY.format(seconds=4), Limits(wall_s=30, cpu_s=30), slot=0)
        time.sleep(1.0)                   # the busy loops run now
        honest = pool.submit(_run, HONEST, tight, slot=1).result()
        busy = busy_future.result()
    with capsys.disabled():
        print(f"\n[{mode}] mechanism: {_mechanism(honest)}\n"
              f"  honest alone: {alone.seconds:.2f} s wall, {alone.cpu_s:.2f} s CPU; wall limit {tight.wall_s} s\n"
              f"  honest beside busy: {honest.seconds:.2f} s wall, {honest.cpu_s:.2f} s CPU, "
              f"{honest.cpu_wait_s:.2f} s excused (waiting for a CPU), timed out: {honest.timed_out}\n"
              f"  busy: {busy.seconds:.2f} s wall, {busy.cpu_s:.2f} s CPU ({busy.cpu_s / busy.seconds:.2f} CPUs)")
    assert not honest.timed_out and honest.returncode == 0, honest
    assert int(_out(honest)) == sum(range(15_000_000))
    assert honest.seconds - honest.cpu_wait_s < tight.wall_s
    assert busy.returncode == 0 and not busy.timed_out, busy
    if honest.cgroup:
        assert busy.cpu_s <= 1.0 * busy.seconds + 0.3, "the busy sandbox got more than its quota of one CPU"
    else:
        assert any("no CPU share" in note for note in honest.isolation), honest.isolation


@pytest.mark.slow
def test_waiting_for_a_cpu_is_not_counted_but_sleeping_is(capsys):
    """The wall-clock rule, worst case: busy loops and the honest run pinned to one and the same
    CPU. The honest run waits for it half the time or more; that waiting is excused, so it does
    not time out; a sleeping run waits for no CPU and times out at its wall limit."""
    pin = ["taskset", "-c", "0", PYTHON, "-I", "-c"]
    alone = sandbox.run([*pin, HONEST], b"", Limits(wall_s=60))
    tight = Limits(wall_s=round(1.3 * alone.seconds + 0.3, 2))
    with ThreadPoolExecutor(max_workers=2) as pool:
        busy_future = pool.submit(sandbox.run, [*pin, BUSY.format(seconds=4)], b"", Limits(wall_s=30), slot=0)
        time.sleep(1.0)
        honest = pool.submit(sandbox.run, [*pin, HONEST], b"", tight, slot=1).result()
        busy_future.result()
    with capsys.disabled():
        print(f"\n[pinned to CPU 0] mechanism: {_mechanism(honest)}; honest alone {alone.seconds:.2f} s, "
              f"limit {tight.wall_s} s, beside busy {honest.seconds:.2f} s wall, {honest.cpu_s:.2f} s CPU, "
              f"{honest.cpu_wait_s:.2f} s excused")
    assert not honest.timed_out and honest.returncode == 0, honest
    assert honest.cpu_wait_s > 0.2, honest
    stuck = _run("import time\ntime.sleep(100)", Limits(wall_s=2))
    assert stuck.timed_out and stuck.seconds < 4 and stuck.cpu_wait_s < 0.5, stuck


def test_limits_hold_in_the_graders_worker_threads_without_preexec_fn(monkeypatch):
    """Three sandboxes at once from a thread pool (as runner.grade_assignment does), each with its own
    limits: every one sees exactly its own, and nothing is started with a preexec_fn."""
    import subprocess
    real_popen, calls = subprocess.Popen, []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", spy)
    code = ("import resource\nnames = ['RLIMIT_AS', 'RLIMIT_CPU', 'RLIMIT_NOFILE', 'RLIMIT_FSIZE']\n"
            "print(*[resource.getrlimit(getattr(resource, n))[0] for n in names])\n"
            "try:\n    b = bytearray({big} * 2**20)\n    print('allocated')\n"
            "except MemoryError:\n    print('MemoryError')")
    limits = [Limits(wall_s=60, memory_mb=768 + 256 * i, cpu_s=30 + i, open_files=100 + i, file_mb=10 + i)
              for i in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = list(pool.map(lambda pair: _run(code.format(big=pair[1].memory_mb + 100), pair[1], slot=pair[0]),
                             enumerate(limits)))
    for got, want in zip(done, limits):
        seen, outcome = _out(got).splitlines()
        assert seen.split() == [str(want.memory_mb * 2**20), str(want.cpu_s), str(want.open_files),
                                str(want.file_mb * 2**20)], (_out(got), got.stderr)
        assert outcome == "MemoryError"
    assert len(calls) == 3 and all(call.get("preexec_fn") is None for call in calls), calls


def test_without_cgroups_the_run_says_which_limits_are_per_process(monkeypatch):
    monkeypatch.setenv(cgroups.CGROUPS_ENV, "0")
    done = _run("import resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0])", Limits(wall_s=60, memory_mb=1024))
    assert done.cgroup == "" and done.memory_peak_mb is None and done.returncode == 0
    assert int(_out(done)) == 1024 * 2**20   # the per-process rlimit still holds
    assert f"no cgroup ({cgroups.CGROUPS_ENV}=0): memory limit per process (RLIMIT_AS), not for the whole sandbox" \
        in done.isolation
    assert len(done.isolation) == 4 and all(note.startswith("no cgroup") for note in done.isolation)
    assert done.cpu_s is not None


def test_cgroup_v2_is_created_with_the_limits(tmp_path):
    """cgroup v2 (not on every machine: here a stand-in tree of plain files): the controllers are
    enabled for the grader's cgroup's children, the sandbox's cgroup gets the limits, the wrapper
    joins it through cgroup.procs."""
    own = tmp_path / "cg" / "grader.scope"
    own.mkdir(parents=True)
    (own / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (own / "cgroup.subtree_control").write_text("")
    mountinfo = f"41 31 0:38 / {tmp_path / 'cg'} rw,relatime - cgroup2 cgroup2 rw\n"
    group, notes = cgroups.make_cgroup("course-sandbox-test", Limits(memory_mb=300, processes=50, cpus=0.5),
                                       mountinfo=mountinfo, proc_cgroup="0::/grader.scope\n")
    folder = own / "course-sandbox-test"
    assert group is not None and group.version == "v2" and notes == []
    assert (own / "cgroup.subtree_control").read_text() == "+cpu"   # the last of +memory, +pids, +cpu
    assert (folder / "memory.max").read_text() == str(300 * 2**20)
    assert (folder / "memory.swap.max").read_text() == "0"
    assert (folder / "pids.max").read_text() == "50"
    assert (folder / "cpu.weight").read_text() == "100" and (folder / "cpu.max").read_text() == "50000 100000"
    assert group.procs_files() == [str(folder / "cgroup.procs")]


def test_cgroup_hierarchies_are_found_where_the_grader_is():
    mountinfo = ("32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                 "35 31 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                 "39 31 0:36 /other /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
                 "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n")
    proc_cgroup = "4:memory:/docker/abc/grader\n2:cpu,cpuacct:/\n8:pids:/docker/abc\n0::/user.slice\n"
    v1, v2 = cgroups.find_hierarchies(mountinfo, proc_cgroup)
    assert v1 == {"cpu": Path("/sys/fs/cgroup/cpu,cpuacct"), "cpuacct": Path("/sys/fs/cgroup/cpu,cpuacct"),
                  "memory": Path("/sys/fs/cgroup/memory/grader")}   # pids: its mount shows another subtree
    assert v2 == Path("/sys/fs/cgroup/unified/user.slice")


def test_an_unwritable_cgroup_falls_back_to_rlimits_and_says_why(tmp_path):
    """Not root, or a read-only /sys/fs/cgroup: no cgroup, and the notes name the reason."""
    mountinfo = (f"35 31 0:32 / {tmp_path / 'missing'} rw - cgroup cgroup rw,memory\n"
                 f"39 31 0:36 / {tmp_path / 'missing'} rw - cgroup cgroup rw,pids,cpu,cpuacct\n")
    group, notes = cgroups.make_cgroup("course-sandbox-test", Limits(), mountinfo=mountinfo,
                                       proc_cgroup="4:memory:/\n8:pids,cpu,cpuacct:/\n")
    assert group is None and len(notes) == 4
    assert notes[0].startswith("no cgroup (") and "No such file or directory" in notes[0]
    assert notes[0].endswith("memory limit per process (RLIMIT_AS), not for the whole sandbox")


def test_the_students_process_loads_the_heavy_libraries_its_cells_import_once():
    """Imports of the allow-listed libraries are loaded before the children fork; nothing else is imported."""
    import subprocess

    code = ("import sys\nfrom course_grader.student_side import warm_imports\n"
            "cells = ['import torch.nn as nn\\nfrom sklearn.linear_model import LogisticRegression\\n"
            "def f():\\n    import scipy.special\\n', 'import antigravity\\nfrom . import sibling\\n', 'def broken(:',"
            " 'import torch.nn']\n"
            "print(warm_imports(cells), 'antigravity' in sys.modules, 'scipy.special' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("]")[0] + "]" == "['torch.nn', 'sklearn.linear_model', 'scipy.special']", out
    assert out.split("]")[1].split() == ["False", "True"], out
