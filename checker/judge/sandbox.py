"""Run learner code in a child process with time, memory and file limits, behind a boundary.

A ``Session`` is one child serving one answer: the checker asks it to run steps (functions
of ``checker.judge.inside``) one after another, each with its own time limit, and
inspects what they did itself between steps. Results come back as JSON, never a pickle,
so a result cannot smuggle code or rigged objects into the checker. The checker reaches
the child's scratch folder only through ``Scratch``: a folder descriptor, no links
followed, files copied out before they are read.

Two ways to start the child:

- **isolated** (grading on Linux, ``use_boundary``): forked from a clean helper that holds
  nothing of the course (``zygote``), inside Linux namespaces (``boundary``): a read-only
  view of the system, a private size-limited ``/scratch``, no network, its own processes;
- **process** (the learner's own checks, everywhere): forked from the caller, or from a fork
  server when the caller has threads (a notebook kernel), in a process group of its own,
  with an audit hook (``guard``) against writes elsewhere and new processes. A learner can
  only fool themselves there.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import multiprocessing
import os
import signal
import socket
import stat
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import boundary, guard
from .zygote import HelperFailed, Zygote

PRELOAD = ["checker.judge.inside", "sqlalchemy.dialects.sqlite", "alembic.ddl.sqlite"]
GUARDED_IMPORTS = ["checker.judge.inside", "ctypes"]  # importing ctypes loads a C library
MAX_RESULT_BYTES = 2_000_000
MAX_COPY_BYTES = 256 * 2**20
DEFAULT_MEMORY_MB = 1024
MAX_FILE_BYTES = 64 * 2**20
MAX_PROCESSES = 64
READY_SECONDS = 20

_context = None
_zygote: Zygote | None = None


class SandboxFailed(RuntimeError):
    """The sandbox itself could not be set up: the grader's problem, not the learner's."""


class ScratchTampered(RuntimeError):
    """Learner code left something in the scratch folder where the checker writes or reads."""


@dataclass(frozen=True)
class ChildResult:
    """How a step ended: ``ok`` with the JSON value it returned, ``timed out`` or ``crashed``."""

    status: str
    value: Any = None
    exit_code: int | None = None


def use_boundary(preload: list[str]) -> None:
    """From now on, start every child isolated, from a clean helper preloading ``preload``."""
    global _zygote
    if _zygote is None:
        _zygote = Zygote(preload)


def boundary_in_use() -> bool:
    """Whether children start isolated in this process."""
    return _zygote is not None


def close_boundary() -> None:
    """Stop the clean helper of this process, if any."""
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


class Scratch:
    """The child's scratch folder, seen from the checker through a folder descriptor.

    Files are written with ``O_EXCL`` and read with ``O_NOFOLLOW`` relative to that
    descriptor, so nothing the child planted (a link, a file where one is to be written, a
    pipe) can make the checker touch anything else. ``child_root`` is where the child sees
    the folder.
    """

    def __init__(self, descriptor: int, child_root: str) -> None:
        self.descriptor = descriptor
        self.child_root = child_root

    def child_path(self, relative: str) -> str:
        """Where the child sees ``relative``."""
        return f"{self.child_root}/{relative}"

    def write(self, relative: str, data: bytes) -> None:
        """Create a new file (and its folders) owned by the child; refuse anything there."""
        folder, name = self._parent(relative, create=True)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            handle = os.open(name, flags, 0o644, dir_fd=folder)
        except FileExistsError:
            raise ScratchTampered(f"{relative} was already in the scratch folder") from None
        finally:
            self._release(folder)
        with os.fdopen(handle, "wb") as stream:
            self._give_to_child(stream.fileno())
            stream.write(data)

    def copy_out(self, relative: str, destination: Path) -> bool:
        """Copy a regular file out of the scratch folder; False when there is none."""
        try:
            folder, name = self._parent(relative, create=False)
        except FileNotFoundError:
            return False
        try:
            handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as error:
            raise ScratchTampered(f"{relative} cannot be read ({error.strerror})") from None
        finally:
            self._release(folder)
        with os.fdopen(handle, "rb") as source:
            if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
                raise ScratchTampered(f"{relative} is not a regular file")
            data = source.read(MAX_COPY_BYTES + 1)
        if len(data) > MAX_COPY_BYTES:
            raise ScratchTampered(f"{relative} is larger than {MAX_COPY_BYTES // 2**20} MB")
        destination.write_bytes(data)
        return True

    def _parent(self, relative: str, *, create: bool) -> tuple[int, str]:
        """A descriptor of the folder holding ``relative`` (no link followed), and its name."""
        *folders, name = relative.split("/")
        current = self.descriptor
        for part in folders:
            made = False
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o755, dir_fd=current)
                    made = True
            flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
            try:
                following = os.open(part, flags, dir_fd=current)
            except OSError as error:
                self._release(current)
                if isinstance(error, FileNotFoundError) and not create:
                    raise
                raise ScratchTampered(f"{part}/ is not a plain folder") from None
            self._release(current)
            current = following
            if made:
                self._give_to_child(current)
        return current, name

    def _give_to_child(self, descriptor: int) -> None:
        """Make a file or folder the checker created belong to the scratch folder's owner."""
        owner = os.fstat(self.descriptor)
        if os.fstat(descriptor).st_uid != owner.st_uid:
            os.fchown(descriptor, owner.st_uid, owner.st_gid)

    def _release(self, descriptor: int) -> None:
        if descriptor != self.descriptor:
            os.close(descriptor)


class Session:
    """A sandboxed child that runs steps until the session ends; a context manager.

    Each step may run for ``timeout`` seconds of wall-clock time. The child and everything
    it started are killed on exit. After a step times out or the child dies, every later
    step reports the same. ``sockets`` are Unix sockets (host path, path in the child) the
    isolated child may connect to, such as a PostgreSQL server's.
    """

    def __init__(
        self,
        *,
        timeout: float,
        memory_mb: int = DEFAULT_MEMORY_MB,
        sockets: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.timeout = timeout
        self.memory_bytes = memory_mb * 2**20
        self.sockets = sockets
        self.isolated = boundary_in_use()
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
            new_root="", read_only=boundary.default_read_only(), sockets=self.sockets
        )
        request = {
            "boundary": {k: v for k, v in asdict(plan).items() if k != "new_root"},
            "memory_bytes": self.memory_bytes,
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
        if message != b"ready" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            self._stop()
            reason = message.decode(errors="replace")[:300]
            raise SandboxFailed(f"the isolated child did not start: {reason}")
        ours.settimeout(None)
        self.scratch = Scratch(fds[0], boundary.SCRATCH)
        self._channel = Connection(ours.detach())

    def _fork(self, workdir: str) -> None:
        parent_end, child_end = multiprocessing.Pipe(duplex=True)
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited page
        pid = os.fork()
        if pid == 0:
            try:
                parent_end.close()
                serve(child_end, workdir, self.memory_bytes)
            finally:
                os._exit(0)
        gc.unfreeze()
        child_end.close()
        self._channel, self._pid = parent_end, pid

    def _start_from_server(self, workdir: str) -> None:
        context = _server_context()
        parent_end, child_end = context.Pipe(duplex=True)
        self._process = context.Process(
            target=serve, args=(child_end, workdir, self.memory_bytes), daemon=True
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
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def serve_isolated(channel_fd: int, plan: boundary.Plan, memory_bytes: int) -> None:
    """In the clean helper's fork: cross the boundary, then serve steps. Never returns."""
    channel = socket.socket(fileno=channel_fd)
    try:
        boundary._prctl(boundary.PR_SET_PDEATHSIG, signal.SIGKILL)
        boundary.isolate(plan, lambda fd: socket.send_fds(channel, [b"ready"], [fd]))
    except BaseException as error:  # report why, then leave: the checker sees no "ready"
        with contextlib.suppress(OSError):
            channel.send(f"{type(error).__name__}: {error}".encode()[:300])
        os._exit(70)
    try:
        serve(Connection(channel.detach()), boundary.SCRATCH, memory_bytes, MAX_PROCESSES)
    finally:
        os._exit(0)


def serve(
    channel: Connection, workdir: str, memory_bytes: int, max_processes: int | None = None
) -> None:
    """The child: set the limits, then run each requested step and send back its result."""
    if hasattr(os, "setsid"):
        with contextlib.suppress(PermissionError):  # the isolated child already leads one
            os.setsid()
    _limit_resources(memory_bytes, max_processes)
    os.chdir(workdir)
    _discard_output()
    if sys.platform != "win32":
        keep = channel.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, 2**16)
    for module in GUARDED_IMPORTS:
        importlib.import_module(module)
    guard.confine(workdir)
    while True:
        try:
            target, args = json.loads(channel.recv_bytes())
        except (EOFError, OSError):
            return
        module_name, function_name = target.split(":")
        try:
            function = getattr(importlib.import_module(module_name), function_name)
            payload = json.dumps(function(*args))
        except BaseException as error:  # the step functions report learner errors themselves
            payload = json.dumps({"error": f"{type(error).__name__}: {error}", "where": "checker"})
        channel.send_bytes(payload.encode())


def _limit_resources(memory_bytes: int, max_processes: int | None) -> None:
    try:
        import resource
    except ImportError:  # Windows: no limits, only the timeout
        return
    if sys.platform != "darwin":  # macOS does not enforce RLIMIT_AS
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if max_processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))


def _discard_output() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(devnull, descriptor)
    os.close(devnull)
