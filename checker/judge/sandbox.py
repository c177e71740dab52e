"""Run learner code in a child process with time, memory and file limits, behind a boundary.

A ``Session`` is one child serving one answer: the checker asks it to run steps (functions
of ``checker.judge.inside``) one after another, each with its own time limit, and
inspects what they did itself between steps. Results come back as JSON, never a pickle,
so a result cannot smuggle code or rigged objects into the checker. The checker reaches
the child's scratch folder only through ``Scratch`` (``scratch.py``).

Two launchers start the child, and the caller passes the one it wants:

- ``Isolated`` (grading on Linux): forked from a clean helper that holds nothing of the
  course (``zygote``), behind a boundary: Linux namespaces (``boundary``: a read-only view
  of the system, a private size-limited ``/scratch``, no network, its own processes), or
  where they are refused and the grader is root, a user of the check's own
  (``separate_user``); in a control group of its own (``cgroups``) where one can be made,
  so that memory, processes and CPU are bounded for the check as a whole;
- ``IN_PROCESS`` (the learner's own checks, everywhere): forked from the caller, or from a
  fork server when the caller has threads (a notebook kernel), in a process group of its
  own, with an audit hook (``guard``) against writes elsewhere and new processes. A learner
  can only fool themselves there.

The module's 320 lines are the session and both launchers, which share its child state.
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


class SandboxFailed(RuntimeError):
    """The sandbox itself could not be set up: the grader's problem, not the learner's."""


@dataclass(frozen=True)
class ChildResult:
    """How a step ended: ``ok`` with the JSON value it returned, ``timed out`` or ``crashed``."""

    status: str
    value: Any = None
    exit_code: int | None = None


class Launcher:
    """How a session's child is started and stopped. ``isolation`` names what stands
    between the child and the caller: None for the learner's own checks (``InProcess``),
    ``NAMESPACES`` or ``SEPARATE_USER`` behind the boundary (``Isolated``)."""

    isolation: str | None = None

    def start(self, session: Session) -> None:
        """Start the session's child: set its ``scratch``, channel and pid."""
        raise NotImplementedError

    def stop(self, session: Session) -> int | None:
        """Kill the session's child and everything it started; its exit code if known."""
        raise NotImplementedError

    def child_socket_path(self, session: Session, host_path: str) -> str:
        """Where the child finds one of the session's ``sockets``."""
        return host_path


class InProcess(Launcher):
    """The learner's own checks: the child is forked from the caller, or from a fork
    server when the caller has threads (a notebook kernel), in a process group of its own,
    with the audit hook of ``guard``; its scratch folder is a temporary one."""

    def start(self, session: Session) -> None:
        session._folder = tempfile.TemporaryDirectory(prefix="migrations-scratch-")
        workdir = str(Path(session._folder.name).resolve())
        descriptor = os.open(workdir, os.O_RDONLY | os.O_DIRECTORY)
        session.scratch = Scratch(descriptor, workdir)
        if _may_fork_directly():
            self._fork(session, workdir)
        else:
            self._start_from_server(session, workdir)

    def stop(self, session: Session) -> int | None:
        if hasattr(os, "killpg"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(session._pid, signal.SIGKILL)
        if session._process is not None:
            session._process.kill()
            session._process.join(5)
            return session._process.exitcode
        _, status = os.waitpid(session._pid, 0)
        return os.waitstatus_to_exitcode(status)

    def _fork(self, session: Session, workdir: str) -> None:
        parent_end, child_end = multiprocessing.Pipe(duplex=True)
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited page
        pid = os.fork()
        if pid == 0:
            try:
                parent_end.close()
                serve(child_end, workdir, session.memory_bytes, None, session.forbidden_imports)
            finally:
                os._exit(0)
        gc.unfreeze()
        child_end.close()
        session._channel, session._pid = parent_end, pid

    def _start_from_server(self, session: Session, workdir: str) -> None:
        context = _server_context()
        parent_end, child_end = context.Pipe(duplex=True)
        session._process = context.Process(
            target=serve,
            args=(child_end, workdir, session.memory_bytes, None, session.forbidden_imports),
            daemon=True,
        )
        session._process.start()
        child_end.close()
        session._channel, session._pid = parent_end, session._process.pid


IN_PROCESS = InProcess()


class Isolated(Launcher):
    """Grading on Linux: every child is forked from a clean helper of this launcher's
    (``zygote``) preloading ``preload``, and crosses the boundary: Linux namespaces, or
    (``SEPARATE_USER``) a user of the check's own. A context manager; ``close`` stops the
    helper."""

    def __init__(self, preload: list[str], isolation: str = NAMESPACES) -> None:
        self.preload = list(preload)
        self.isolation = isolation
        self._zygote = Zygote(self.preload, HELPER_GROUP_BYTES)

    def __enter__(self) -> Isolated:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def restart(self) -> None:
        """Replace the clean helper with a fresh one (the old one may be mid-request)."""
        self._zygote.close()
        self._zygote = Zygote(self.preload, HELPER_GROUP_BYTES)

    def close(self) -> None:
        self._zygote.close()

    def start(self, session: Session) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        plan = boundary.Plan(
            new_root="",
            read_only=boundary.default_read_only(),
            sockets=session.sockets,
            hidden=boundary.site_folders(),
            shown=boundary.learner_packages(),
        )
        request = {
            "boundary": {k: v for k, v in asdict(plan).items() if k != "new_root"},
            "memory_bytes": session.memory_bytes,
            "forbidden_imports": session.forbidden_imports,
            "mode": self.isolation,
        }
        try:
            session._pid = self._zygote.start_child(theirs, request)
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
            session._stop()
            raise SandboxFailed(f"the isolated child did not start: {message[:300]!r}")
        ours.settimeout(None)
        session.scratch = Scratch(fds[0], workdir)
        session._channel = Connection(ours.detach())
        if self.isolation == SEPARATE_USER:
            self._let_the_user_reach_sockets(session)

    def stop(self, session: Session) -> int | None:
        try:
            return self._zygote.stop_child(session._pid)
        except HelperFailed:
            return None

    def child_socket_path(self, session: Session, host_path: str) -> str:
        """Bound at its own path behind namespaces, at the host's path for a user of its own."""
        if self.isolation == SEPARATE_USER:
            return host_path
        return dict(session.sockets)[host_path]

    def _let_the_user_reach_sockets(self, session: Session) -> None:
        """Open each socket's folder to the check's own group, and to no other user."""
        group = separate_user.uid_for(session._pid)
        for host_path, _ in session.sockets:
            folder = os.path.dirname(host_path)
            os.chown(folder, os.geteuid(), group)
            os.chmod(folder, 0o710)


class Session:
    """A sandboxed child that runs steps until the session ends; a context manager.

    ``launcher`` starts the child (``IN_PROCESS`` for the learner's own checks, an
    ``Isolated`` one at grading). Each step may run for ``timeout`` seconds of wall-clock
    time. The child and everything it started are killed on exit. After a step times out or
    the child dies, every later step reports the same. ``sockets`` are Unix sockets (host
    path, path in the child) the isolated child may connect to, such as a PostgreSQL
    server's; ``forbidden_imports`` names modules the child may not import, each with the
    reason it is told.
    """

    def __init__(
        self,
        launcher: Launcher = IN_PROCESS,
        *,
        timeout: float,
        memory_mb: int = DEFAULT_MEMORY_MB,
        sockets: tuple[tuple[str, str], ...] = (),
        forbidden_imports: dict[str, str] | None = None,
    ) -> None:
        self.launcher = launcher
        self.timeout = timeout
        self.memory_bytes = memory_mb * 2**20
        self.sockets = sockets
        self.forbidden_imports = dict(forbidden_imports or {})
        self.ended: ChildResult | None = None
        self.scratch: Scratch
        self._folder: tempfile.TemporaryDirectory | None = None
        self._channel: Connection | None = None
        self._pid: int | None = None
        self._process = None
        self._exit_status: int | None = None

    def __enter__(self) -> Session:
        self.launcher.start(self)
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

    def child_socket_path(self, host_path: str) -> str:
        """Where the child finds one of ``sockets``."""
        return self.launcher.child_socket_path(self, host_path)

    def sibling(self) -> Session:
        """A new session with this one's launcher and limits: a child and a scratch folder
        of its own, which nothing the learner's code did in this one can reach."""
        return Session(
            self.launcher,
            timeout=self.timeout,
            memory_mb=self.memory_bytes // 2**20,
            sockets=self.sockets,
            forbidden_imports=self.forbidden_imports,
        )

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
        self._exit_status = self.launcher.stop(self)
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
