"""A control group per check: the memory, processes and CPU of everything a check's learner
code starts count together, however many processes it forks.

Per-process limits (``RLIMIT_AS``) bound each process, not the check: learner code that
forks natively holds a gigabyte per process. A control group bounds them all. The grader
makes one per clean helper (which runs one check at a time, its children born in the
group) and kills everything in it but the helper after each check, where the kernel lets
it (as root, or in a subtree delegated to it, as systemd-run and container runtimes do):
cgroup v2 where its controllers are enabled, otherwise the v1 hierarchies of the
controllers that are mounted and writable. Where neither works, ``probe`` says why, and
grading records that its limits are per process.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu")
PROCESSES = 64
CPU_PERIOD_US = 100_000  # a check may use one core's worth of CPU time
PREFIX = "course-check-"

_tidied = False  # the groups of ended grading processes removed


@dataclass(frozen=True)
class CheckGroup:
    """The folders of one check's group, one per hierarchy (a single one on v2)."""

    folders: tuple[str, ...]

    def join(self, pid: int = 0) -> None:
        """Move a process (0: the calling one) into the group, in every hierarchy."""
        for folder in self.folders:
            Path(folder, "cgroup.procs").write_text(str(pid))

    def empty(self, sparing: int | None = None) -> bool:
        """Kill every process in the group but ``sparing``; whether none is left."""
        if sparing is None:
            for folder in self.folders:
                kill = Path(folder, "cgroup.kill")
                if kill.exists():
                    with contextlib.suppress(OSError):
                        kill.write_text("1")
        for _ in range(50):
            left = self._processes() - {sparing}
            for pid in left:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if not left:
                return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        """Kill what is left in the group, then remove it."""
        self.empty()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                os.rmdir(folder)

    def _processes(self) -> set[int]:
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                text = Path(folder, "cgroup.procs").read_text()
                found |= {int(line) for line in text.split()}
        return found


def own_group(hierarchy: Path, controller: str | None) -> Path:
    """This process's group in a hierarchy (v2 when ``controller`` is None)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        number, controllers, path = line.split(":", 2)
        if (controller is None and number == "0") or (
            controller is not None and controller in controllers.split(",")
        ):
            return hierarchy / path.lstrip("/")
    raise OSError(f"this process is in no {controller or 'v2'} group")


def parents() -> tuple[str, dict[str, Path]]:
    """Where check groups can be made: ("v2", {"": folder}) or ("v1", {controller: folder})."""
    if (ROOT / "cgroup.controllers").exists():
        mine = own_group(ROOT, None)
        enabled = (mine / "cgroup.subtree_control").read_text().split()
        if {"memory", "pids"} <= set(enabled) and os.access(mine, os.W_OK):
            return "v2", {"": mine}
        raise OSError("cgroup v2 without the memory and pids controllers enabled for us")
    found = {}
    for controller in V1_CONTROLLERS:
        hierarchy = ROOT / controller
        if hierarchy.is_dir():
            folder = own_group(hierarchy, controller)
            if os.access(folder, os.W_OK):
                found[controller] = folder
    if not {"memory", "pids"} <= set(found):
        raise OSError("no writable memory and pids control groups")
    return "v1", found


def create(memory_bytes: int) -> CheckGroup:
    """A new group for one check, limited to ``memory_bytes`` of memory (swap included
    where the kernel counts it), ``PROCESSES`` processes and one core."""
    version, folders = parents()
    name = f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    made = []
    try:
        for controller, parent in folders.items():
            folder = parent / name
            folder.mkdir()
            made.append(str(folder))
            for setting, value in limits(version, controller, memory_bytes).items():
                if (folder / setting).exists():
                    (folder / setting).write_text(value)
    except OSError:
        CheckGroup(tuple(made)).close()
        raise
    return CheckGroup(tuple(made))


def limits(version: str, controller: str, memory_bytes: int) -> dict[str, str]:
    """The settings files of a group and what to write in them."""
    if version == "v2":
        return {
            "memory.max": str(memory_bytes),
            "memory.swap.max": "0",
            "pids.max": str(PROCESSES),
            "cpu.max": f"{CPU_PERIOD_US} {CPU_PERIOD_US}",
        }
    return {
        "memory": {
            "memory.limit_in_bytes": str(memory_bytes),
            "memory.memsw.limit_in_bytes": str(memory_bytes),
        },
        "pids": {"pids.max": str(PROCESSES)},
        "cpu": {"cpu.cfs_period_us": str(CPU_PERIOD_US), "cpu.cfs_quota_us": str(CPU_PERIOD_US)},
    }[controller]


def for_helper(memory_bytes: int) -> CheckGroup:
    """A group for a clean helper and the checks it forks one at a time, limited to
    ``memory_bytes``, where groups can be made here; otherwise an empty one, which joins
    and closes nothing (the per-process limits are all there is). A child forked in the
    group starts in it: moving each check's child into a group of its own would cost
    more than the child itself (cgroup v1 waits for RCU on every move)."""
    global _tidied
    if probe() is not None:
        return CheckGroup(())
    if not _tidied:
        _tidied = True
        remove_stale()
    return create(memory_bytes)


def remove_stale() -> None:
    """Remove the groups of grading processes that have ended."""
    with contextlib.suppress(OSError):
        for parent in parents()[1].values():
            for folder in parent.glob(f"{PREFIX}*"):
                owner = folder.name[len(PREFIX) :].split("-", 1)[0]
                if owner.isdigit() and not _running(int(owner)):
                    CheckGroup((str(folder),)).close()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.lru_cache(maxsize=1)
def probe() -> str | None:
    """Why no group per check can be made here, or None when one can (asked once)."""
    try:
        create(2**20).close()
    except OSError as error:
        return str(error)
    return None


def describe() -> str:
    """What bounds a check's memory and processes, as results.json and the summary say."""
    reason = probe()
    if reason is None:
        version, folders = parents()
        controllers = ", ".join(sorted(c for c in folders if c)) or "memory, pids, cpu"
        return f"per check (cgroup {version}: {controllers})"
    return f"per process only (no control group: {reason})"
