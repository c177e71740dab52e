"""The embedded PostgreSQL server never outlives the process that started it.

Each test starts a server in a child process, ends the child one way, and checks that
within a few seconds the server has stopped and its folder is gone; a kernel shut down or
restarted from Jupyter, and a pytest-xdist worker torn down, are owners too. Then: a
process reuses its server, and a start removes what killed supervisors left behind, and
nothing else.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kernel_sockets import LocalSocketKernelManager
from notebook_tools import ROOT

from checker.db import postgres
from checker.db.postgres_supervisor import OWNER_FILE, SESSION_VARIABLE

pytestmark = pytest.mark.skipif(
    bool(os.environ.get(postgres.EXISTING_SERVER_VARIABLE)), reason="an existing server is used"
)

STARTS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from checker.db import postgres
    url = postgres.start()
    pgdata = Path(postgres.socket_file(url)).parent
    pid = int((pgdata / "postmaster.pid").read_text().split()[0])
    print(json.dumps({"folder": str(pgdata.parent), "server": pid}), flush=True)
    """
)
GONE_WITHIN = 20.0


def assert_gone(server: dict) -> None:
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline:
        if not postgres.running(server["server"]) and not Path(server["folder"]).exists():
            return
        time.sleep(0.2)
    raise AssertionError(f"still there after {GONE_WITHIN} s: {server}")


def owner(ending: str) -> tuple[subprocess.Popen, dict]:
    """A child that starts a server, says where it is, then ends as ``ending`` says."""
    child = subprocess.Popen(
        [sys.executable, "-c", STARTS + ending],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    server = json.loads(child.stdout.readline())
    assert postgres.running(server["server"]) and Path(server["folder"]).is_dir()
    return child, server


@pytest.mark.parametrize(
    "ending",
    [
        "sys.exit(0)",
        "import os; os._exit(3)",
        "raise RuntimeError('the owner failed')",
        "postgres.stop(); print('stopped', flush=True)",
    ],
    ids=["exit", "os._exit", "exception", "stop"],
)
def test_the_server_ends_with_its_owner(ending):
    child, server = owner(ending)
    child.wait(30)
    assert_gone(server)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGKILL, signal.SIGHUP])
def test_the_server_ends_when_its_owner_is_killed(number):
    # The signal's default action, whatever the test run inherited (nohup ignores SIGHUP).
    default = f"signal.signal({int(number)}, signal.SIG_DFL)" if number != signal.SIGKILL else ""
    child, server = owner(f"import signal, time\n{default}\ntime.sleep(600)")
    child.send_signal(number)
    assert child.wait(30) == -number
    assert_gone(server)


def test_a_forked_child_of_the_owner_does_not_keep_the_server():
    child, server = owner("import os, time\nif os.fork() == 0:\n    time.sleep(40)\nos._exit(0)")
    child.wait(30)
    assert_gone(server)


@pytest.mark.parametrize("how", ["shutdown", "shutdown now", "restart"])
def test_a_kernel_shut_down_or_restarted_from_jupyter_leaves_nothing(how):
    manager = LocalSocketKernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(ROOT), stderr=subprocess.DEVNULL)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        printed = []
        client.execute_interactive(
            STARTS,
            timeout=120,
            output_hook=lambda m: printed.append(m["content"].get("text", "")),
        )
        server = json.loads("".join(printed))
        if how == "restart":
            manager.restart_kernel(now=False)
        else:
            manager.shutdown_kernel(now=how == "shutdown now")
        assert_gone(server)
    finally:
        client.stop_channels()
        if manager.is_alive():
            manager.shutdown_kernel(now=True)


def test_a_pytest_xdist_worker_torn_down_leaves_nothing(tmp_path):
    record = tmp_path / "server.json"
    (tmp_path / "test_uses_postgres.py").write_text(
        textwrap.dedent(
            f"""
            import json
            from pathlib import Path
            from checker.db import postgres

            def test_starts_a_server():
                url = postgres.start()
                pgdata = Path(postgres.socket_file(url)).parent
                pid = int((pgdata / "postmaster.pid").read_text().split()[0])
                server = {{"folder": str(pgdata.parent), "server": pid}}
                Path({str(record)!r}).write_text(json.dumps(server))
            """
        )
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "1", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path / "test_uses_postgres.py")],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert_gone(json.loads(record.read_text()))


def test_a_process_reuses_its_own_server():
    child = subprocess.run(
        [sys.executable, "-c", STARTS + "print(postgres.start() == url, flush=True)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    first, reused = child.stdout.splitlines()
    assert reused == "True"
    assert_gone(json.loads(first))


def test_a_start_removes_only_what_dead_owners_left(tmp_path):
    child, server = owner("import time; time.sleep(600)")
    marker = json.loads((Path(server["folder"]) / OWNER_FILE).read_text())
    os.kill(marker["supervisor"], signal.SIGKILL)  # killed outright: it cannot clean up
    time.sleep(0.5)
    child.kill()
    child.wait(30)
    assert postgres.running(server["server"]) and Path(server["folder"]).is_dir()

    unmarked = Path(postgres.tempfile.mkdtemp(prefix=postgres.FOLDER_PREFIX))
    living = Path(postgres.tempfile.mkdtemp(prefix=postgres.FOLDER_PREFIX))
    (living / OWNER_FILE).write_text(json.dumps({"owner": os.getpid(), "supervisor": 1}))
    try:
        removed = postgres.remove_stale()
        assert Path(server["folder"]) in removed
        assert_gone(server)
        assert unmarked.is_dir() and living.is_dir()
    finally:
        unmarked.rmdir()
        (living / OWNER_FILE).unlink()
        living.rmdir()


def test_the_session_counts_only_the_servers_it_started():
    child = subprocess.Popen(
        [sys.executable, "-c", STARTS + "import time; time.sleep(600)"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, SESSION_VARIABLE: "an instructor grading meanwhile"},
    )
    try:
        server = json.loads(child.stdout.readline())
        folders = {str(folder) for folder, _ in postgres.course_servers()}
        assert server["folder"] in folders
        ours = {str(f) for f, _ in postgres.course_servers(session=os.environ[SESSION_VARIABLE])}
        assert server["folder"] not in ours
    finally:
        child.kill()
        child.wait(30)
    assert_gone(server)
