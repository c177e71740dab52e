"""The clean helper that starts every isolated child at grading.

A grader's worker holds the course (solutions, hidden cases) in memory; a child forked
from it would too. So each worker starts this helper as a fresh interpreter
(``python -I -m checker.judge.zygote``) that imports only what the steps need, with an
environment holding nothing of the grader's. For each check the worker sends it the
child's end of a socket; the helper forks, the fork crosses the boundary
(``boundary.isolate``) and serves steps on that socket. Forking the helper costs
milliseconds where a fresh interpreter would cost a third of a second.

Requests and replies are JSON on a SOCK_SEQPACKET socket, one per packet:
``{"start": plan}`` with a descriptor -> ``{"pid": ...}`` or ``{"error": ...}``;
``{"stop": pid}`` -> ``{"exit_code": ...}``.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import boundary, cgroups, separate_user
from .child import SEPARATE_USER, serve_isolated

# What every child needs, whoever starts it (the clean helper, or the learner's fork server).
HELPER_PRELOAD = ["checker.judge.inside", "sqlalchemy.dialects.sqlite", "alembic.ddl.sqlite"]
KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "PYTHONPATH", "SYSTEMROOT")
MAX_PACKET = 65536
ROOT_FOLDER_PREFIX = "course-sandbox-root-"  # then the worker's process id
HELPER_LEAVING_SECONDS = 5  # time a helper told to end has to remove its folder and leave
PR_SET_CHILD_SUBREAPER = 36


class HelperFailed(RuntimeError):
    """The clean helper could not start a child."""


class Zygote:
    """The worker's handle on its clean helper process (started on first use), which
    runs in a control group of its own (``cgroups``) limited to ``memory_bytes``."""

    def __init__(self, preload: list[str], memory_bytes: int) -> None:
        self.preload = [*HELPER_PRELOAD, *preload]
        self.memory_bytes = memory_bytes
        self._control: socket.socket | None = None
        self._process: subprocess.Popen | None = None
        self._group = cgroups.CheckGroup(())

    def start_child(self, channel: socket.socket, plan: dict[str, Any]) -> int:
        """Fork an isolated child serving on ``channel``; returns its process id."""
        reply = self._ask({"start": plan}, [channel.fileno()])
        if "pid" not in reply:
            raise HelperFailed(str(reply.get("error", "no child was started")))
        return int(reply["pid"])

    def stop_child(self, pid: int) -> int | None:
        """Kill a child (everything in its namespace dies with it) and anything else in the
        helper's control group but the helper; returns the child's exit code."""
        code = self._ask({"stop": pid}, []).get("exit_code")
        if self._process is not None:
            self._group.empty(sparing=self._process.pid)
        return code

    def close(self) -> None:
        """End the helper; its children die with it. Told by the control socket's end, the
        helper leaves on its own and removes its root folder; it is killed if it lingers."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=HELPER_LEAVING_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        self._group.close()
        self._group = cgroups.CheckGroup(())

    def _ask(self, request: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        control = self._started()
        try:
            socket.send_fds(control, [json.dumps(request).encode()], fds)
            control.settimeout(30)
            return json.loads(control.recv(MAX_PACKET))
        except (OSError, ValueError) as error:
            self.close()
            raise HelperFailed(f"the clean helper stopped answering ({error})") from None

    def _started(self) -> socket.socket:
        if self._control is None:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            environment = {k: v for k, v in os.environ.items() if k in KEPT_ENVIRONMENT}
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-m", __name__, str(os.getpid()), str(theirs.fileno())]
                + self.preload,
                pass_fds=[theirs.fileno()],
                env={**environment, "HOME": "/nonexistent"},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            theirs.close()
            self._control = ours
            try:
                self._group = cgroups.for_helper(self.memory_bytes)
                self._group.join(self._process.pid)
            except OSError as error:
                self.close()
                raise HelperFailed(f"no control group for the checks: {error}") from None
        return self._control


def serve_requests(control: socket.socket, new_root: str) -> None:
    """The helper's loop: start and stop children until the worker goes away.

    The helper is a child subreaper: a confined process whose parent was killed is
    reparented to it, and reaped here with the rest. A child that ran as a user of its own
    leaves no process of that user and no scratch folder behind it.
    """

    ended: dict[int, int] = {}
    own_users: set[int] = set()  # children running as a user of their own
    while True:
        _reap(ended)
        try:
            message, fds, _, _ = socket.recv_fds(control, MAX_PACKET, 1)
        except OSError:
            return
        if not message:
            return
        request = json.loads(message)
        if "start" in request:
            shape = request["start"].pop("boundary")
            shape["read_only"] = tuple(shape["read_only"])
            shape["hidden"], shape["shown"] = tuple(shape["hidden"]), tuple(shape["shown"])
            shape["sockets"] = tuple(tuple(pair) for pair in shape["sockets"])
            plan = boundary.Plan(new_root=new_root, **shape)
            pid = os.fork()
            if pid == 0:
                control.close()
                serve_isolated(fds[0], plan, **request["start"])
            for fd in fds:
                os.close(fd)
            if request["start"].get("mode") == SEPARATE_USER:
                own_users.add(pid)
            control.send(json.dumps({"pid": pid}).encode())
        elif "stop" in request:
            pid = int(request["stop"])
            code = _stop(pid, ended)
            if pid in own_users:
                own_users.discard(pid)
                separate_user.kill_every_process_of(separate_user.uid_for(pid))
                shutil.rmtree(separate_user.scratch_for(new_root, pid), ignore_errors=True)
                _reap(ended)
            control.send(json.dumps({"exit_code": code}).encode())


def _reap(ended: dict[int, int]) -> None:
    """Collect every child that has ended, keeping its exit code for ``_stop``."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        ended[pid] = os.waitstatus_to_exitcode(status)


def _stop(pid: int, ended: dict[int, int]) -> int | None:
    if pid in ended:
        return ended.pop(pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return ended.pop(pid, None)
    return os.waitstatus_to_exitcode(status)


def main() -> None:
    """Entry point of the helper: preload, then serve the worker that started it.

    Isolated mode ignores ``PYTHONPATH``; the grader's own (where a course may be installed)
    is searched after the interpreter's path while the preloaded modules are imported,
    and dropped again before any child is forked: learner code never searches it."""
    worker, control = int(sys.argv[1]), socket.socket(fileno=int(sys.argv[2]))
    boundary.die_with_parent(lambda: os.getppid() == worker)
    boundary.prctl(PR_SET_CHILD_SUBREAPER, 1)
    own_path = list(sys.path)
    sys.path += [path for path in os.environ.get("PYTHONPATH", "").split(os.pathsep) if path]
    for module in sys.argv[3:]:
        importlib.import_module(module)
    sys.path[:] = own_path
    gc.freeze()
    remove_stale_roots()
    with tempfile.TemporaryDirectory(prefix=f"{ROOT_FOLDER_PREFIX}{worker}-") as new_root:
        os.chmod(new_root, 0o711)  # a check's own user enters its scratch folder here
        serve_requests(control, new_root)


def remove_stale_roots() -> None:
    """Remove the root folders of this user's helpers whose worker has ended: a helper
    killed with its worker (the process that named the folder) cannot remove its own."""
    for folder in Path(tempfile.gettempdir()).glob(f"{ROOT_FOLDER_PREFIX}*"):
        worker = folder.name.removeprefix(ROOT_FOLDER_PREFIX).split("-", 1)[0]
        try:
            if folder.is_symlink() or folder.stat().st_uid != os.getuid() or not worker.isdigit():
                continue
            os.kill(int(worker), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # another user's worker, or the folder went meanwhile
            continue


if __name__ == "__main__":
    main()
