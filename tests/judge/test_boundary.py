"""The Linux boundary around learner code at grading, probed from inside a confined child.

Each test runs code in an isolated child the way grading does (a fork of the clean helper,
inside namespaces) and checks what that code can see and do, with native code too: the
audit-hook guard is not what these tests rely on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from checker.judge import boundary, sandbox, zygote
from checker.judge.scratch import Scratch, ScratchTampered

ROOT = Path(__file__).resolve().parents[2]
UNAVAILABLE = boundary.probe()
pytestmark = pytest.mark.skipif(
    UNAVAILABLE is not None, reason=f"no Linux namespaces here: {UNAVAILABLE}"
)


@pytest.fixture
def child():
    """Evaluate Python expressions in an isolated child; returns the values."""
    launcher = sandbox.Isolated([])
    session = sandbox.Session(launcher, timeout=20)
    session.__enter__()

    def evaluate(expression: str):
        result = session.call("builtins:eval", expression)
        assert result.status == "ok", result
        return result.value

    yield evaluate
    session.__exit__(None, None, None)
    launcher.close()


def host_processes() -> str:
    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


def test_the_child_sees_only_what_python_needs(child):
    assert child("__import__('os').getcwd()") == "/scratch"
    python_homes = {Path(folder).parts[1] for folder in (ROOT, sys.prefix, sys.base_prefix)}
    assert set(child("__import__('os').listdir('/')")) <= python_homes | {
        "scratch", "proc", "dev", "usr", "etc", "bin", "lib", "lib64", "sbin", "lib32",
        "libx32", "root", "home", "opt", "tmp",
    }  # fmt: skip
    for secret in ("checker/content/solutions", "tests", "checker/content", "exercises"):
        assert child(f"__import__('os').path.exists({str(ROOT / secret)!r})") is False
    devices = child("sorted(__import__('os').listdir('/dev'))")
    assert devices == ["null", "random", "urandom", "zero"]


def test_the_child_holds_nothing_of_the_graders_environment(monkeypatch):
    monkeypatch.setenv("COURSE_POSTGRES_PASSWORD", "secret")
    with sandbox.Isolated([]) as launcher, sandbox.Session(launcher, timeout=10) as session:
        seen = session.call("builtins:eval", "dict(__import__('os').environ)").value
        modules = session.call("builtins:eval", "sorted(__import__('sys').modules)").value
    assert "COURSE_POSTGRES_PASSWORD" not in seen
    assert set(seen) <= {"PATH", "LANG", "LC_ALL", "PYTHONPATH", "HOME"}
    assert not [m for m in modules if m.startswith(("checker.content.lesson", "checker.grading"))]


def test_native_code_cannot_write_outside_scratch(child):
    libc_open = "__import__('ctypes').pythonapi.open"
    for target in (ROOT / "README.md", Path("/usr/pwned"), Path("/etc/pwned")):
        assert child(f"{libc_open}({str(target).encode()!r}, 0o1101, 0o644)") == -1
    assert child(f"{libc_open}(b'/scratch/mine', 0o101, 0o644)") >= 0


def test_no_privileges_and_no_network(child):
    status = child("open('/proc/self/status').read()")
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    assert fields["CapEff"].strip() == fields["CapBnd"].strip() == "0" * 16
    assert fields["NoNewPrivs"].strip() == "1"
    if os.geteuid() == 0:
        assert child("__import__('os').getuid()") == boundary.NOBODY
    error = child("repr(__import__('socket').socket().connect_ex(('127.0.0.1', 22)))")
    assert error != "0"


def test_the_child_sees_no_other_process(child):
    assert child("[p for p in __import__('os').listdir('/proc') if p.isdigit()]") == ["1"]
    assert child("__import__('ctypes').pythonapi.kill(-1, 9)") == -1  # nobody else to kill


def test_everything_the_child_starts_ends_with_its_check():
    with sandbox.Isolated([]) as launcher, sandbox.Session(launcher, timeout=10) as session:
        started = session.call(
            "builtins:eval", "__import__('ctypes').pythonapi.system(b'sleep 73.25 &')"
        )
        assert started.value == 0
        assert "sleep 73.25" in host_processes()
    time.sleep(0.5)
    assert "sleep 73.25" not in host_processes()


def test_the_helper_removes_its_root_folder_when_the_worker_closes_it():
    pattern = f"{zygote.ROOT_FOLDER_PREFIX}{os.getpid()}-*"
    before = set(Path(tempfile.gettempdir()).glob(pattern))
    with sandbox.Isolated([]) as launcher, sandbox.Session(launcher, timeout=10) as session:
        assert session.call("builtins:eval", "1 + 1").value == 2
        ours = set(Path(tempfile.gettempdir()).glob(pattern)) - before
        assert len(ours) == 1
    assert not any(folder.exists() for folder in ours)


def test_a_helper_removes_the_root_folders_its_killed_predecessors_left(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    left = Path(tempfile.gettempdir()) / f"{zygote.ROOT_FOLDER_PREFIX}{ended.stdout.strip()}-x"
    left.mkdir()
    alive = Path(tempfile.gettempdir()) / f"{zygote.ROOT_FOLDER_PREFIX}{os.getpid()}-kept"
    alive.mkdir()
    try:
        with sandbox.Isolated([]) as launcher, sandbox.Session(launcher, timeout=10) as session:
            assert session.call("builtins:eval", "1 + 1").value == 2
        assert not left.exists()
        assert alive.exists()  # its worker still runs
    finally:
        shutil.rmtree(left, ignore_errors=True)
        shutil.rmtree(alive, ignore_errors=True)


def test_scratch_has_a_size_limit(child):
    assert child("__import__('shutil').disk_usage('/scratch').total") <= 200 * 2**20
    outcome = child(
        "[__import__('os').write(__import__('os').open(f'big{n}', 0o101), b'x' * 60 * 2**20)"
        " for n in range(5)]"
    )
    assert outcome["error"] == "OSError: [Errno 28] No space left on device"


def test_the_checker_writes_no_file_over_what_the_child_left(tmp_path):
    (tmp_path / "visible.db").write_text("planted")
    (tmp_path / "link.db").symlink_to(ROOT / "README.md")
    os.mkfifo(tmp_path / "pipe.db")
    scratch = Scratch(os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY), str(tmp_path))
    with pytest.raises(ScratchTampered, match="already in the scratch folder"):
        scratch.write("visible.db", b"seeded")
    with pytest.raises(ScratchTampered, match="already in the scratch folder"):
        scratch.write("link.db", b"seeded")
    with pytest.raises(ScratchTampered):
        scratch.copy_out("link.db", tmp_path / "copy.db")
    with pytest.raises(ScratchTampered, match="not a regular file"):
        scratch.copy_out("pipe.db", tmp_path / "copy.db")
    assert (tmp_path / "visible.db").read_text() == "planted"
    assert not (tmp_path / "copy.db").exists()
