"""The course's kernel: IPython's own, which also collects the processes it ends.

At shutdown and restart, ipykernel sends its child processes SIGTERM, then SIGKILL, and
waits until none is left; but it never collects one that ended, and a process that ended
stays its child (a zombie) until collected. So a kernel with any child (the checker's fork
server and multiprocessing's resource tracker, which ignores SIGTERM, or a learner's
background process) waited until Jupyter killed it, 2.5 seconds later, and being killed it
left multiprocessing's temporary folder behind. This kernel ends and collects its children
first. The course's profile (``.ipython/profile_default``) makes it the kernel.

A module of its own, importing nothing of the course: the kernel class is imported before the
kernel sends its output to the notebook, and what is imported then keeps the process's own
output (Alembic's ``Config`` takes ``sys.stdout`` as it is when Alembic is imported).
"""

from __future__ import annotations

import os
from typing import Any

from ipykernel.ipkernel import IPythonKernel

try:
    import psutil
except ImportError:  # ipykernel then ends no child either
    psutil = None

GRACE_SECONDS = 0.5  # for a child to end on SIGTERM before it is killed


class CourseKernel(IPythonKernel):
    """IPython's kernel, whose shutdown first ends and collects its children."""

    def do_shutdown(self, restart: bool) -> Any:
        end_children()
        return super().do_shutdown(restart)


def end_children() -> None:
    """Ask this process's children in its process group to end, kill those that do not
    within ``GRACE_SECONDS``, and collect them all (a child in a group of its own has
    left the kernel's care, as ipykernel leaves it)."""
    if psutil is None:
        return
    group = os.getpgrp()
    children = []
    for child in psutil.Process().children():
        try:
            if os.getpgid(child.pid) == group:
                child.terminate()
                children.append(child)
        except (psutil.NoSuchProcess, ProcessLookupError):
            continue
    _, alive = psutil.wait_procs(children, timeout=GRACE_SECONDS)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(alive, timeout=GRACE_SECONDS)
