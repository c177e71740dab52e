"""The child's side of a sandbox session: limits, then steps served one by one.

``serve`` runs in every child; ``serve_isolated`` first takes a fork of the clean helper
across the boundary. Learner code runs only here, never in the checker's process.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import socket
import sys
from multiprocessing.connection import Connection

from . import boundary, guard, separate_user

GUARDED_IMPORTS = ["checker.judge.inside", "ctypes"]  # importing ctypes loads a C library
MAX_FILE_BYTES = 64 * 2**20
MAX_PROCESSES = 64
NAMESPACES, SEPARATE_USER = "namespaces", "separate-user"  # the ways to cross


def serve_isolated(
    channel_fd: int,
    plan: boundary.Plan,
    memory_bytes: int,
    forbidden_imports: dict[str, str],
    mode: str = NAMESPACES,
) -> None:
    """In the clean helper's fork (born in its control group, if any): cross the
    boundary (namespaces, or a user of the check's own in ``plan.new_root``), then serve
    steps. Never returns."""
    channel = socket.socket(fileno=channel_fd)

    def send_scratch(descriptor: int, path: str) -> None:
        socket.send_fds(channel, [f"ready {path}".encode()], [descriptor])

    try:
        helper = os.getppid()
        boundary.die_with_parent(lambda: os.getppid() == helper)
        if mode == SEPARATE_USER:
            workdir = separate_user.enter(plan.new_root, send_scratch)
        else:
            workdir = boundary.SCRATCH
            boundary.isolate(plan, lambda descriptor: send_scratch(descriptor, workdir))
        boundary.forget_native_calls()
    except BaseException as error:  # report why, then leave: the checker sees no "ready"
        with contextlib.suppress(OSError):
            channel.send(f"{type(error).__name__}: {error}".encode()[:300])
        os._exit(70)
    try:
        serve(Connection(channel.detach()), workdir, memory_bytes, MAX_PROCESSES, forbidden_imports)
    finally:
        os._exit(0)


def serve(
    channel: Connection,
    workdir: str,
    memory_bytes: int,
    max_processes: int | None = None,
    forbidden_imports: dict[str, str] | None = None,
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
    guard.forbid_imports(forbidden_imports or {})
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
