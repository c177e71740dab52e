"""Run learner code in a child process with time, memory and file limits, behind a boundary.

A ``Session`` is one child serving one answer: the checker asks it to run steps (functions
of ``checker.judge.inside``) one after another, each with its own time limit, and
inspects what they did itself between steps. Results come back as JSON, never a pickle,
so a result cannot smuggle code or rigged objects into the checker. The checker reaches
the child's scratch folder only through ``Scratch`` (``scratch.py``).

Two ways to start the child:

- **isolated** (grading on Linux, ``use_boundary``): forked from a clean helper that holds
  nothing of the course (``zygote``), behind a boundary: Linux namespaces (``boundary``:
  a read-only view of the system, a private size-limited ``/scratch``, no network, its own
  processes), or where they are refused and the grader is root, a user of the check's own
  (``separate_user``); in a control group of its own (``cgroups``) where one can be made,
  so that memory, processes and CPU are bounded for the check as a whole;
- **process** (the learner's own checks, everywhere): forked from the caller, or from a fork
  server when the caller has threads (a notebook kernel), in a process group of its own,
  with an audit hook (``guard``) against writes elsewhere and new processes. A learner can
  only fool themselves there.
"""

from __future__ import annotations

import contextlib
import gc
import json
import multiprocessing
import os
import signal
import socket
import tempfile
import threading
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import boundary, separate_user
from .child import NAMESPACES, SEPARATE_USER, serve
from .scratch import Scratch
from .zygote import HELPER_PRELOAD, HelperFailed, Zygote

MAX_RESULT_BYTES = 2_000_000
DEFAULT_MEMORY_MB = 1024
# a clean helper and the one check it runs at a time: a check's limit and the helper's share
HELPER_GROUP_BYTES = (DEFAULT_MEMORY_MB + 256) * 2**20
READY_SECONDS = 20

_context = None
_zygote: Zygote | None = None
_mode = NAMESPACES


class SandboxFailed(RuntimeError):
    """The sandbox itself could not be set up: the grader's problem, not the learner's."""


@dataclass(frozen=True)
class ChildResult:
    """How a step ended: ``ok`` with the JSON value it returned, ``timed out`` or ``crashed``."""

    status: str
    value: Any = None
    exit_code: int | None = None


def use_boundary(preload: list[str], mode: str = NAMESPACES) -> None:
    """From now on, start every child isolated, from a clean helper preloading ``preload``:
    behind Linux namespaces, or (``SEPARATE_USER``) as a user of the check's own."""
    global _zygote, _mode
    if _zygote is None:
        _zygote, _mode = Zygote(preload, HELPER_GROUP_BYTES), mode


def boundary_in_use() -> bool:
    """Whether children start isolated in this process."""
    return _zygote is not None


def restart_boundary() -> None:
    """Replace the clean helper of this process (if any) with a fresh one."""
    global _zygote
    if _zygote is not None:
        preload = _zygote.preload
        _zygote.close()
        _zygote = Zygote(preload[len(HELPER_PRELOAD) :], HELPER_GROUP_BYTES)


def close_boundary() -> None:
    """Stop the clean helper of this process, if any."""
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


class Session:
    """A sandboxed child that runs steps until the session ends; a context manager.

    Each step may run for ``timeout`` seconds of wall-clock time. The child and everything
    it started are killed on exit. After a step times out or the child dies, every later
    step reports the same. ``sockets`` are Unix sockets (host path, path in the child) the
    isolated child may connect to, such as a PostgreSQL server's; ``forbidden_imports``
    names modules the child may not import, each with the reason it is told.
    """

    def __init__(
        self,
        *,
        timeout: float,
        memory_mb: int = DEFAULT_MEMORY_MB,
        sockets: tuple[tuple[str, str], ...] = (),
        forbidden_imports: dict[str, str] | None = None,
    ) -> None:
        self.timeout = timeout
        self.memory_bytes = memory_mb * 2**20
        self.sockets = sockets
        self.forbidden_imports = dict(forbidden_imports or {})
        self.isolated = boundary_in_use()
        self.mode = _mode if self.isolated else None
        self.ended: ChildResult | None = None
        self.scratch: Scratch
        self._folder: tempfile.TemporaryDirectory | None = None
        self._channel: Connection | None = None
        self._pid: int | None = None
        self._process = None
        self._exit_status: int | None = None

    def __enter__(self) -> Session:
        if self.isolated:
            self._start_isolated()
        else:
            self._folder = tempfile.TemporaryDirectory(prefix="migrations-scratch-")
            workdir = str(Path(self._folder.name).resolve())
            descriptor = os.open(workdir, os.O_RDONLY | os.O_DIRECTORY)
            self.scratch = Scratch(descriptor, workdir)
            if _may_fork_directly():
                self._fork(workdir)
            else:
                self._start_from_server(workdir)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop()
        os.close(self.scratch.descriptor)
        if self._folder is not None:
            self._folder.cleanup()

    def call(self, target: str, *args: Any) -> ChildResult:
        """Run ``module:function(*args)`` in the child and wait at most ``timeout`` seconds."""
        if self.ended is not None:
            return self.ended
        try:
            self._channel.send_bytes(json.dumps([target, args]).encode())
            if not self._channel.poll(self.timeout):
                return self._end(ChildResult("timed out"))
            value = json.loads(self._channel.recv_bytes(MAX_RESULT_BYTES))
        except (EOFError, OSError, ValueError):  # died, or wrote too much or not JSON
            return self._end(ChildResult("crashed", exit_code=self._exit_code()))
        return ChildResult("ok", value=value)

    def _start_isolated(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        plan = boundary.Plan(
            new_root="",
            read_only=boundary.default_read_only(),
            sockets=self.sockets,
            hidden=boundary.site_folders(),
            shown=boundary.learner_packages(),
        )
        request = {
            "boundary": {k: v for k, v in asdict(plan).items() if k != "new_root"},
            "memory_bytes": self.memory_bytes,
            "forbidden_imports": self.forbidden_imports,
            "mode": self.mode,
        }
        try:
            self._pid = _zygote.start_child(theirs, request)
        except HelperFailed as error:
            raise SandboxFailed(str(error)) from None
        finally:
            theirs.close()
        ours.settimeout(READY_SECONDS)
        try:
            message, fds, _, _ = socket.recv_fds(ours, 4096, 1)
        except OSError as error:
            message, fds = f"no answer ({error})".encode(), []
        word, _, workdir = message.decode(errors="replace").partition(" ")
        if word != "ready" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            self._stop()
            raise SandboxFailed(f"the isolated child did not start: {message[:300]!r}")
        ours.settimeout(None)
        self.scratch = Scratch(fds[0], workdir)
        self._channel = Connection(ours.detach())
        if self.mode == SEPARATE_USER:
            self._let_the_user_reach_sockets()

    def child_socket_path(self, host_path: str) -> str:
        """Where the child finds one of ``sockets``: bound at its own path behind
        namespaces, at the host's path for a user of its own."""
        if self.mode == SEPARATE_USER:
            return host_path
        return dict(self.sockets)[host_path]

    def _let_the_user_reach_sockets(self) -> None:
        """Open each socket's folder to the check's own group, and to no other user."""
        group = separate_user.uid_for(self._pid)
        for host_path, _ in self.sockets:
            folder = os.path.dirname(host_path)
            os.chown(folder, os.geteuid(), group)
            os.chmod(folder, 0o710)

    def _fork(self, workdir: str) -> None:
        parent_end, child_end = multiprocessing.Pipe(duplex=True)
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited page
        pid = os.fork()
        if pid == 0:
            try:
                parent_end.close()
                serve(child_end, workdir, self.memory_bytes, None, self.forbidden_imports)
            finally:
                os._exit(0)
        gc.unfreeze()
        child_end.close()
        self._channel, self._pid = parent_end, pid

    def _start_from_server(self, workdir: str) -> None:
        context = _server_context()
        parent_end, child_end = context.Pipe(duplex=True)
        self._process = context.Process(
            target=serve,
            args=(child_end, workdir, self.memory_bytes, None, self.forbidden_imports),
            daemon=True,
        )
        self._process.start()
        child_end.close()
        self._channel, self._pid = parent_end, self._process.pid

    def _end(self, result: ChildResult) -> ChildResult:
        self._stop()
        self.ended = result
        return result

    def _exit_code(self) -> int | None:
        self._stop()
        return self._exit_status

    def _stop(self) -> None:
        """Kill the child and everything it started, and reap it (once)."""
        if self._pid is None:
            return
        if self._channel is not None:
            self._channel.close()
        if self.isolated:
            try:
                self._exit_status = _zygote.stop_child(self._pid)
            except HelperFailed:
                self._exit_status = None
        elif self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._pid, signal.SIGKILL)
            self._process.kill()
            self._process.join(5)
            self._exit_status = self._process.exitcode
        else:
            if hasattr(os, "killpg"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self._pid, signal.SIGKILL)
            _, status = os.waitpid(self._pid, 0)
            self._exit_status = os.waitstatus_to_exitcode(status)
        self._pid = None


def _may_fork_directly() -> bool:
    """Forking copies only the calling thread, so it is safe only without other threads."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _server_context():
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(HELPER_PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context
