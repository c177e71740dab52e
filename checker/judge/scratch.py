"""The child's scratch folder as the checker reaches it: through a folder descriptor.

Learner code owns everything inside the folder, so the checker never follows a link in it,
never writes over what is there, and copies a file out before reading it: nothing the
child planted (a link, a file where one is to be written, a pipe) can make the checker
touch anything else or wait forever.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

MAX_COPY_BYTES = 256 * 2**20


class ScratchTampered(RuntimeError):
    """Learner code left something in the scratch folder where the checker writes or reads."""


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
