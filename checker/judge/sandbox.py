"""Run learner code in a child process with a time limit, a memory limit and a write guard.

A ``Session`` is one child process serving one check: the checker asks it to run steps
(functions of ``checker.judge.inside``) one after another, each with its own time limit, and
inspects the databases itself between steps. The child is forked from a process that has
already imported SQLAlchemy and Alembic, so starting one costs milliseconds rather than
the ~0.5 s of a fresh interpreter: forked directly from a single-threaded caller (the
grader's workers, the command line), or from a fork server otherwise (a notebook kernel
has threads, and forking it is unsafe). The child works in a scratch folder, in its own
process group (so everything it starts can be killed), with its output discarded and
every inherited file descriptor but its channel closed; an audit hook (``guard``) stops
it from writing outside the scratch folder and from starting processes. Results come
back as JSON: never a pickle, so a result cannot smuggle code or objects with rigged
comparisons into the checker's process.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import multiprocessing
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import guard

PRELOAD = ["checker.judge.inside", "sqlalchemy.dialects.sqlite", "alembic.ddl.sqlite"]
GUARDED_IMPORTS = ["checker.judge.inside", "ctypes"]  # importing ctypes loads a C library itself
MAX_RESULT_BYTES = 2_000_000
DEFAULT_MEMORY_MB = 1024
MAX_FILE_BYTES = 64 * 2**20

_context = None


@dataclass(frozen=True)
class ChildResult:
    """How a step ended: ``ok`` with the JSON value it returned, ``timed out`` or ``crashed``."""

    status: str
    value: Any = None
    exit_code: int | None = None


class Session:
    """A sandboxed child process in ``workdir`` that runs steps until the session ends.

    Each step may run for ``timeout`` seconds of wall-clock time. Use it as a context
    manager; the child and everything it started are killed on exit. After a step times
    out or the child dies, every later step reports the same.
    """

    def __init__(
        self, workdir: Path, *, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB
    ) -> None:
        self.workdir = str(Path(workdir).resolve())
        self.timeout = timeout
        self.memory_bytes = memory_mb * 2**20
        self.ended: ChildResult | None = None
        self._channel = None
        self._pid: int | None = None
        self._process = None
        self._exit_status: int | None = None

    def __enter__(self) -> Session:
        if _may_fork_directly():
            self._fork()
        else:
            self._start_from_server()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop()

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

    def _fork(self) -> None:
        parent_end, child_end = multiprocessing.Pipe(duplex=True)
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited page
        pid = os.fork()
        if pid == 0:
            try:
                parent_end.close()
                _serve(child_end, self.workdir, self.memory_bytes)
            finally:
                os._exit(0)
        gc.unfreeze()
        child_end.close()
        self._channel, self._pid = parent_end, pid

    def _start_from_server(self) -> None:
        context = _server_context()
        parent_end, child_end = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_serve, args=(child_end, self.workdir, self.memory_bytes), daemon=True
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
        """Kill the child's process group and reap the child (once)."""
        if self._pid is None:
            return
        if self._channel is not None:
            self._channel.close()
        if hasattr(os, "killpg"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._pid, signal.SIGKILL)
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
            self._exit_status = self._process.exitcode
        else:
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


def _serve(channel, workdir: str, memory_bytes: int) -> None:
    """The child: set the limits, then run each requested step and send back its result."""
    if hasattr(os, "setsid"):
        os.setsid()
    _limit_resources(memory_bytes)
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


def _limit_resources(memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no limits, only the timeout
        return
    if sys.platform != "darwin":  # macOS does not enforce RLIMIT_AS
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _discard_output() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for descriptor in (0, 1, 2):
        os.dup2(devnull, descriptor)
    os.close(devnull)
