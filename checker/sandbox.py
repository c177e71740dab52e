"""Run learner code in a child process with a time limit, a memory limit and a write guard.

A child is forked from a process that has already imported SQLAlchemy and Alembic, so
starting one costs milliseconds rather than the ~0.5 s of a fresh interpreter: forked
directly from a single-threaded caller (the grader's workers, the command line), or from
a fork server otherwise (a notebook kernel has threads, and forking it is unsafe). Each
child works in a scratch folder, in its own process group (so everything it starts can be
killed), with its output discarded and every inherited file descriptor but its result
pipe closed. An audit hook stops it from writing outside the scratch folder, starting
processes, sending signals or loading C libraries. It sends its result back as JSON:
never a pickle, so a result cannot smuggle code or objects with rigged comparisons into
the checker's process.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import guard

PRELOAD = ["checker.steps", "checker.exercises", "sqlalchemy.dialects.sqlite", "alembic.ddl.sqlite"]
MAX_RESULT_BYTES = 2_000_000
DEFAULT_MEMORY_MB = 1024
MAX_FILE_BYTES = 64 * 2**20

_context = None


@dataclass(frozen=True)
class ChildResult:
    """How a child ended: ``ok`` with the JSON value it returned, ``timed out`` or ``crashed``."""

    status: str
    value: Any = None
    exit_code: int | None = None


def run(
    target: str,
    *args: Any,
    workdir: Path,
    timeout: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> ChildResult:
    """Call ``module:function`` with JSON-able ``args`` in a sandboxed child process."""
    job = (target, args, str(Path(workdir).resolve()), memory_mb * 2**20)
    if _may_fork_directly():
        return _run_forked(job, timeout)
    return _run_from_server(job, timeout)


def _may_fork_directly() -> bool:
    """Forking copies only the calling thread, so it is safe only without other threads."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _run_forked(job: tuple, timeout: float) -> ChildResult:
    receiver, sender = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(receiver)
        try:
            _child_main(lambda payload: _write_all(sender, payload), *job, keep=sender)
        finally:
            os._exit(0)
    os.close(sender)
    try:
        payload = _read_until_closed(receiver, time.monotonic() + timeout)
    finally:
        os.close(receiver)
    _kill_group(pid)
    _, status = os.waitpid(pid, 0)
    if payload == "timed out":
        return ChildResult("timed out")
    if payload is None:
        return ChildResult("crashed", exit_code=os.waitstatus_to_exitcode(status))
    return ChildResult("ok", value=json.loads(payload))


def _read_until_closed(descriptor: int, deadline: float) -> bytes | str | None:
    """What the child wrote before closing its end; "timed out" past the deadline."""
    chunks, size = [], 0
    poller = select.poll()
    poller.register(descriptor, select.POLLIN)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            return "timed out"
        chunk = os.read(descriptor, 65536)
        if not chunk:
            return b"".join(chunks) if chunks else None
        size += len(chunk)
        if size > MAX_RESULT_BYTES:
            return None
        chunks.append(chunk)


def _write_all(descriptor: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(descriptor, view) :]
    os.close(descriptor)


def _server_context():
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _run_from_server(job: tuple, timeout: float) -> ChildResult:
    context = _server_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_server_child_main, args=(sender, *job), daemon=True)
    process.start()
    sender.close()
    payload = None
    try:
        if receiver.poll(timeout):
            try:
                payload = receiver.recv_bytes(MAX_RESULT_BYTES)
            except (EOFError, OSError):
                payload = None
        else:
            _kill(process)
            return ChildResult("timed out")
    finally:
        receiver.close()
    process.join(5)
    _kill(process)
    if payload is None:
        return ChildResult("crashed", exit_code=process.exitcode)
    return ChildResult("ok", value=json.loads(payload))


def _kill(process) -> None:
    """Kill a fork server's child and everything it started."""
    if process.pid is None:
        return
    _kill_group(process.pid)
    if process.is_alive():
        process.kill()
    process.join(5)


def _kill_group(pid: int) -> None:
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def _server_child_main(connection, *job) -> None:
    keep = connection.fileno() if hasattr(connection, "fileno") else None
    _child_main(connection.send_bytes, *job, keep=keep)
    connection.close()


def _child_main(
    send, target: str, args: tuple, workdir: str, memory_bytes: int, *, keep: int | None
) -> None:
    """Set the limits, then call the target and send its JSON result (or the error)."""
    if hasattr(os, "setsid"):
        os.setsid()
    _limit_resources(memory_bytes)
    os.chdir(workdir)
    _discard_output()
    if keep is not None and sys.platform != "win32":
        os.closerange(3, keep)
        os.closerange(keep + 1, 2**16)
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    guard.confine(workdir)
    try:
        payload = json.dumps(function(*args))
    except BaseException as error:  # the step functions report learner errors themselves
        payload = json.dumps({"error": f"{type(error).__name__}: {error}", "where": "checker"})
    send(payload.encode())


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
