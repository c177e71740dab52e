"""A PostgreSQL socket for one check that lets through a few connections at a time.

Confined learner code reaches the server only through a Unix socket bound into its view.
Given the server's own socket, it could open hundreds of connections without ever
authenticating, each holding one of the server's slots (the administrator's reserved ones
included) while a classmate's checks run beside it. Handed this socket instead, it holds at
most ``limit`` connections: more are closed at once, before they reach the server. The
relay runs in a thread of the checker's process and ends with the check.

The socket file is named as libpq expects (``.s.PGSQL.<port>``), so the child connects
with the same URL (``host=<folder>``, the server's port) it would use for the server.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import threading
from pathlib import Path

CHUNK = 65536
DEFAULT_LIMIT = 4
SEND_SECONDS = 5.0


class ConnectionLimit:
    """A listening Unix socket in ``folder`` that relays up to ``limit`` connections at
    once to ``server_socket``; a context manager (``path`` is the socket to hand over)."""

    def __init__(self, server_socket: str, folder: Path, limit: int = DEFAULT_LIMIT) -> None:
        self.server_socket = server_socket
        self.path = str(Path(folder) / Path(server_socket).name)
        self.limit = limit
        self.refused = 0
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._selector = selectors.DefaultSelector()
        self._peers: dict[socket.socket, socket.socket] = {}
        self._stop_read, self._stop_write = os.pipe()
        self._thread = threading.Thread(target=self._relay, daemon=True)

    def __enter__(self) -> ConnectionLimit:
        self._listener.bind(self.path)
        os.chmod(self.path, 0o777)  # the confined child runs as another user
        self._listener.listen(self.limit * 4)
        self._listener.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._selector.register(self._stop_read, selectors.EVENT_READ)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        os.write(self._stop_write, b"x")
        self._thread.join(5)
        for connection in list(self._peers):
            connection.close()
        self._listener.close()
        self._selector.close()
        os.close(self._stop_read)
        os.close(self._stop_write)
        Path(self.path).unlink(missing_ok=True)

    @property
    def open_connections(self) -> int:
        """Connections relayed now."""
        return len(self._peers) // 2

    def _relay(self) -> None:
        while True:
            for key, _ in self._selector.select():
                if key.fileobj == self._stop_read:
                    return
                if key.fileobj is self._listener:
                    self._accept()
                else:
                    self._forward(key.fileobj)

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        if self.open_connections >= self.limit:
            self.refused += 1
            client.close()
            return
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.connect(self.server_socket)
        except OSError:
            server.close()
            client.close()
            return
        for end in (client, server):
            end.setblocking(False)
            self._selector.register(end, selectors.EVENT_READ)
        self._peers[client], self._peers[server] = server, client

    def _forward(self, source: socket.socket) -> None:
        target = self._peers.get(source)
        if target is None:
            return
        try:
            data = source.recv(CHUNK)
            if data:
                target.settimeout(SEND_SECONDS)  # a peer that never reads is dropped
                target.sendall(data)
                target.setblocking(False)
                return
        except OSError:
            pass
        self._close_pair(source, target)

    def _close_pair(self, one: socket.socket, other: socket.socket) -> None:
        for end in (one, other):
            self._peers.pop(end, None)
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(end)
            end.close()
