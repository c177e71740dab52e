"""What learner code may not do inside a sandboxed child, enforced with an audit hook.

Once ``confine(folder)`` has run, the process may read anything but write only inside
``folder``; starting processes, sending signals and loading C libraries through ctypes
raise ``PermissionError``. Audit hooks cannot be removed, so learner code cannot switch
this off. It is a guard against accidents and casual tampering, not a security boundary
against native code; the resource limits and the process group cover the rest.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
PATH_EVENTS = {
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.link": (0, 1),
    "os.mkdir": (0,),
    "os.remove": (0,),
    "os.rename": (0, 1),
    "os.rmdir": (0,),
    "os.symlink": (1,),
    "os.truncate": (0,),
    "os.utime": (0,),
    "shutil.rmtree": (0,),
}
FORBIDDEN_EVENTS = {
    "ctypes.dlopen": "loading C libraries",
    "os.exec": "starting programs",
    "os.fork": "starting processes",
    "os.forkpty": "starting processes",
    "os.kill": "sending signals",
    "os.killpg": "sending signals",
    "os.posix_spawn": "starting programs",
    "os.spawn": "starting programs",
    "os.system": "starting programs",
    "pty.spawn": "starting programs",
    "subprocess.Popen": "starting programs",
    # a profile or trace function sees the checker's own steps return, and could rewrite
    # what they observed before it reaches the checker
    "sys.setprofile": "watching the checker's own functions",
    "sys.settrace": "watching the checker's own functions",
    "sys.monitoring.register_callback": "watching the checker's own functions",
}
SPECIAL_DATABASES = {"", ":memory:"}


def confine(folder: str) -> None:
    """Allow writes only under ``folder`` for the rest of this process's life."""
    root = Path(folder).resolve()
    tempfile.tempdir = str(root)
    sys.dont_write_bytecode = True

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            path, _, flags = args
            if isinstance(flags, int) and flags & WRITE_FLAGS:
                _require_inside(root, path)
        elif event in PATH_EVENTS:
            for index in PATH_EVENTS[event]:
                _require_inside(root, args[index])
        elif event == "sqlite3.connect":
            database = args[0]
            if not (isinstance(database, str) and database in SPECIAL_DATABASES):
                _require_inside(root, database)
        elif event in FORBIDDEN_EVENTS:
            raise PermissionError(f"{FORBIDDEN_EVENTS[event]} is not allowed while checking")

    sys.addaudithook(hook)


class ForbiddenImports(importlib.abc.MetaPathFinder):
    """Refuses to import some modules (and their submodules), each with its own reason."""

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        reason = self.reasons.get(name.split(".", 1)[0])
        if reason is not None:
            raise ImportError(reason)


def forbid_imports(reasons: dict[str, str]) -> None:
    """Make the modules named in ``reasons`` unimportable, even if already imported."""
    if not reasons:
        return
    for name in list(sys.modules):
        if name.split(".", 1)[0] in reasons:
            del sys.modules[name]
    sys.meta_path.insert(0, ForbiddenImports(reasons))


def _require_inside(root: Path, path: Any) -> None:
    if isinstance(path, int):  # an open file descriptor: the check happened when it opened
        return
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    text = str(path)
    if text == os.devnull:
        return
    resolved = Path(text.removeprefix("file:").split("?", 1)[0]).resolve()
    if resolved != root and root not in resolved.parents:
        raise PermissionError(f"writing outside the scratch folder is not allowed: {text}")
