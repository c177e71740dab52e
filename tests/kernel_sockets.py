"""Kernels the tests start talk to their clients through Unix sockets, not TCP ports.

Over TCP, jupyter_client picks free ports and the kernel binds them a moment later; a kernel
or a connection that another test worker opens in between can take one, and the kernel dies
("Address already in use") while its client waits a minute for it. A socket file whose name
no one else uses cannot be taken. jupyter_client removes the files when the kernel stops.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager, KernelManager
from traitlets import default


class LocalSockets:
    """The kernel's five channels are socket files ``<ip>-1`` to ``<ip>-5`` in the temporary
    folder, named for this kernel alone (an absolute path: the kernel runs elsewhere)."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return os.path.join(tempfile.gettempdir(), f"kernel-{uuid.uuid4().hex}")


class LocalSocketKernelManager(LocalSockets, KernelManager):
    """jupyter_client's kernel manager (what nbval starts kernels with), on Unix sockets."""


class AsyncLocalSocketKernelManager(LocalSockets, AsyncKernelManager):
    """jupyter_client's asynchronous kernel manager (nbclient's), on Unix sockets."""
