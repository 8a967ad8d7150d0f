"""The sandbox's refusals, each shown to hold, and the refusal to grade without a sandbox."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from course_grader import runner, sandbox
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


def test_fork_bomb_is_contained():
    code = ("import os, time\nprint('uid', os.getuid(), flush=True)\ncount = 0\nwhile True:\n    try:\n        os.fork()\n        count += 1\n"
            "    except OSError:\n        print('fork refused after', count, flush=True)\n        time.sleep(30)\n")
    done = _run(code, Limits(wall_s=15, processes=64), slot=5)
    assert done.timed_out or done.returncode != 0
    assert "fork refused" in _out(done), _out(done)
    uid = int(_out(done).split()[1])
    leftovers = [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == uid]
    assert not leftovers, f"processes of the sandbox survived it: {leftovers}"


def test_concurrent_runs_get_their_own_uid_and_leave_each_other_alone():
    """Two grading runs on one machine (same worker slot): neither shares, nor cleans up, the other's user."""
    import threading

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


def test_cpu_time_and_wall_time_are_limited():
    busy = _run("while True:\n    pass", Limits(wall_s=60, cpu_s=2))
    assert busy.signal_name in ("SIGXCPU", "SIGKILL") and not busy.timed_out, busy
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
