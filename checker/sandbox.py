"""Run learner code in a child process with a time limit and a memory limit.

Children are forked from a server process that has already imported SQLAlchemy and
Alembic, so starting one costs milliseconds rather than the ~0.5 s of a fresh interpreter.
Each child works in a scratch folder, in its own process group (so everything it starts
can be killed), with its output discarded, and sends its result back as JSON: never a
pickle, so a result cannot smuggle code or objects with rigged comparisons into the
checker's process.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _start_context():
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def run(
    target: str,
    *args: Any,
    workdir: Path,
    timeout: float,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> ChildResult:
    """Call ``module:function`` with JSON-able ``args`` in a sandboxed child process."""
    context = _start_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main,
        args=(sender, target, args, str(workdir), memory_mb * 2**20),
        daemon=True,
    )
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
    """Kill the child and everything it started."""
    if process.pid is None:
        return
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.is_alive():
        process.kill()
    process.join(5)


def _child_main(connection, target: str, args: tuple, workdir: str, memory_bytes: int) -> None:
    if hasattr(os, "setsid"):
        os.setsid()
    _limit_resources(memory_bytes)
    os.chdir(workdir)
    _discard_output()
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    try:
        payload = json.dumps(function(*args))
    except BaseException as error:  # the step functions report learner errors themselves
        payload = json.dumps({"error": f"{type(error).__name__}: {error}", "where": "checker"})
    connection.send_bytes(payload.encode())
    connection.close()


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
