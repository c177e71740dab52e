"""The operating-system boundary around learner code at grading, built from Linux namespaces.

``isolate`` runs in a freshly forked child of the clean helper (``zygote``) and returns
only in a grandchild that:

- lives in new user (unless the grader is root), mount, PID, network, IPC and UTS
  namespaces: it sees and can signal only its own processes, and when it ends (it is PID 1
  of its namespace) everything it started ends too; it has no network but loopback, down;
- sees a root file system made of read-only binds of what Python needs (``/usr``, ``/etc``,
  the interpreter, the virtual environment), a private ``/proc`` and ``/dev``, and one
  writable folder, ``/scratch``: a tmpfs with a size limit, from which nothing can be
  executed or loaded as a library. Every site-packages folder is
  hidden under an empty tmpfs, and only the distributions learner code may use
  (``LEARNER_DISTRIBUTIONS`` and what they require) are bound back into it: the course's
  own package and its metadata are not in the child's view however the course is
  installed, and neither are the submissions or the grader's own files;
- runs without privileges: as ``nobody`` when the grader is root, with every capability
  and the capability bounding set dropped otherwise, ``no_new_privs`` either way.

It uses the kernel directly (``unshare(2)``, ``mount(2)``, ``chroot``), the mechanism
bubblewrap packages, because a per-check ``bwrap`` must exec a fresh interpreter (about
0.37 s with SQLAlchemy and Alembic) where a fork of the clean helper costs about 13 ms;
``benchmarks/grading_throughput.py`` measures both.

The module is longer than most (about 350 lines) because the namespaces, the view of the
file system and the dropping of privileges are one sequence, each step relying on the
one before, best read in one place.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.metadata
import os
import re
import select
import signal
import site
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND = 32, 1024, 2048, 4096
MS_MOVE, MS_REC, MS_PRIVATE, MS_RELATIME = 8192, 16384, 1 << 18, 1 << 21
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
LINUX_CAPABILITY_VERSION_3 = 0x20080522
NOBODY = 65534
SCRATCH = "/scratch"
DEVICES = ("null", "zero", "random", "urandom")
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
# What learner code may import besides the standard library; what they require comes along.
LEARNER_DISTRIBUTIONS = (
    "alembic",
    "flask",
    "flask-migrate",
    "flask-sqlalchemy",
    "sqlalchemy",
    "psycopg",
    "psycopg-binary",
)
# statvfs flags a read-only remount must keep (the kernel locks them in a user namespace)
KEPT_FLAGS = (
    (os.ST_NOSUID, MS_NOSUID),
    (os.ST_NODEV, MS_NODEV),
    (os.ST_NOEXEC, MS_NOEXEC),
    (os.ST_NOATIME, MS_NOATIME),
    (os.ST_NODIRATIME, MS_NODIRATIME),
    (os.ST_RELATIME, MS_RELATIME),
)

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


class BoundaryError(OSError):
    """The boundary could not be set up (the kernel refused a namespace or a mount)."""


@dataclass(frozen=True)
class Plan:
    """The child's world: an empty folder to build its root on, what it may read, the Unix
    sockets it may connect to (host path, path in the child), and its scratch size."""

    new_root: str
    read_only: tuple[str, ...] = field(default_factory=tuple)
    sockets: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    scratch_mb: int = 128
    hidden: tuple[str, ...] = field(default_factory=tuple)
    shown: tuple[str, ...] = field(default_factory=tuple)


def default_read_only() -> tuple[str, ...]:
    """What Python needs to run: system folders, the interpreter and its environment.

    A symbolic link among them (``/bin`` on merged-``/usr`` systems) is recreated as a link.
    """
    wanted = [*SYSTEM_PATHS, sys.base_prefix, sys.prefix, sys.exec_prefix]
    present: list[str] = []
    for path in wanted:
        if os.path.islink(path):
            present.append(path)
            continue
        real = os.path.realpath(path)
        if os.path.isdir(real) and not any(_inside(real, kept) for kept in present):
            present.append(real)
    return tuple(dict.fromkeys(present))


def site_folders() -> tuple[str, ...]:
    """The folders Python finds installed packages in (site-packages), the base
    interpreter's included, which the child sees only through ``learner_packages``."""
    prefixes = [sys.prefix, sys.base_prefix, sys.exec_prefix]
    found = [*site.getsitepackages(prefixes), site.getusersitepackages(), *sys.path]
    return tuple(
        dict.fromkeys(
            os.path.realpath(path)
            for path in found
            if path.rstrip("/").endswith(("site-packages", "dist-packages")) and os.path.isdir(path)
        )
    )


@functools.lru_cache(maxsize=1)
def learner_packages() -> tuple[str, ...]:
    """The files and folders, in site-packages, of ``LEARNER_DISTRIBUTIONS`` and of every
    distribution they require (extras aside): what the child may import."""
    wanted, seen, entries = list(LEARNER_DISTRIBUTIONS), set(), set()
    while wanted:
        name = re.sub(r"[-_.]+", "-", wanted.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in distribution.requires or []:
            if "extra ==" not in requirement:
                wanted.append(re.match(r"[A-Za-z0-9._-]+", requirement).group())
        for file in distribution.files or []:
            if file.parts and file.parts[0] not in ("..", "__pycache__"):
                entries.add(os.path.realpath(distribution.locate_file(file.parts[0])))
    folders = site_folders()
    return tuple(
        sorted(e for e in entries if os.path.dirname(e) in folders and os.path.exists(e))
    )


def isolate(plan: Plan, send_scratch: Callable[[int], None]) -> None:
    """Enter the boundary. Returns only in the confined grandchild; the caller's process
    waits for it and exits with its status. ``send_scratch(fd)`` hands the checker a
    descriptor of the scratch folder before any learner code can run.

    Each process dies with its parent (the parent-death signal is set again after every
    change of credentials, which clears it), so nothing outlives the clean helper.
    """
    helper = os.getppid()
    enter_namespaces()
    die_with_parent(lambda: os.getppid() == helper)
    build_root(plan)
    scratch = os.open(plan.new_root + SCRATCH, os.O_RDONLY | os.O_DIRECTORY)
    send_scratch(scratch)
    os.close(scratch)
    lifeline, held = os.pipe()
    child = os.fork()
    if child:
        os.close(lifeline)
        _, status = os.waitpid(child, 0)
        code = os.waitstatus_to_exitcode(status)
        os._exit(code if code >= 0 else 128 - code)
    os.close(held)
    _mount("proc", plan.new_root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    _mount(None, plan.new_root, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(plan.new_root)
    _mount(plan.new_root, "/", None, MS_MOVE)
    os.chroot(".")
    os.chdir(SCRATCH)
    os.setsid()
    drop_privileges()
    die_with_parent(lambda: not select.select([lifeline], [], [], 0)[0])
    os.close(lifeline)


def forget_native_calls() -> None:
    """Drop this module's handle on the C library: once the boundary is set up, nothing
    in the child needs one, and learner code must not find a ready one."""
    global _libc
    _libc = None


def die_with_parent(parent_alive: Callable[[], bool]) -> None:
    """Be killed when the parent dies; leave now if it already has."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if not parent_alive():
        os._exit(1)


def enter_namespaces() -> None:
    """New namespaces for this process; as a user without root, a user namespace first."""
    if os.geteuid() != 0:
        uid, gid = os.geteuid(), os.getegid()
        _unshare(CLONE_NEWUSER)
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"0 {uid} 1")
        _write("/proc/self/gid_map", f"0 {gid} 1")
    _unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)


def build_root(plan: Plan) -> None:
    """A tmpfs root holding read-only binds, devices, and the size-limited scratch tmpfs."""
    root = plan.new_root
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")
    for path in plan.read_only:
        if os.path.islink(path):
            os.makedirs(root + os.path.dirname(path), exist_ok=True)
            os.symlink(os.readlink(path), root + path)
            continue
        _make_mountpoint(root + path, directory=os.path.isdir(path))
        _mount(path, root + path, None, MS_BIND | MS_REC)
    for folder in plan.hidden:
        os.makedirs(root + folder, exist_ok=True)
        _mount("tmpfs", root + folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for path in plan.shown:
        _make_mountpoint(root + path, directory=os.path.isdir(path))
        _mount(path, root + path, None, MS_BIND | MS_REC)
    for host_path, child_path in plan.sockets:
        _make_mountpoint(root + child_path, directory=False)
        _mount(host_path, root + child_path, None, MS_BIND)
    for device in DEVICES:
        _make_mountpoint(f"{root}/dev/{device}", directory=False)
        _mount(f"/dev/{device}", f"{root}/dev/{device}", None, MS_BIND)
    _remount_read_only_below(root)
    os.makedirs(root + "/proc")
    os.makedirs(root + SCRATCH)
    owner = f",uid={NOBODY},gid={NOBODY}" if os.geteuid() == 0 else ""
    options = f"size={plan.scratch_mb}m,mode=0700,nr_inodes=4096{owner}"
    _mount("tmpfs", root + SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options)


def drop_privileges() -> None:
    """No capability now or after any exec; ``nobody`` when the grader is root."""
    last = int(_read("/proc/sys/kernel/cap_last_cap"))
    for capability in range(last + 1):
        prctl(PR_CAPBSET_DROP, capability)
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    if os.geteuid() == 0 and _read("/proc/self/uid_map").split()[1] == "0":
        os.setgroups([])
        os.setresgid(NOBODY, NOBODY, NOBODY)
        os.setresuid(NOBODY, NOBODY, NOBODY)
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    empty = (ctypes.c_uint32 * 6)()
    _check(_libc.capset(header, empty), "capset")
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def probe() -> str | None:
    """Why the boundary cannot be set up on this machine, or None when it can."""
    if _libc is None:
        return f"Linux namespaces are needed, and this is {sys.platform}"

    def attempt() -> None:
        enter_namespaces()
        _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")

    return refusal_in_a_fork(attempt, str)


def refusal_in_a_fork(attempt: Callable[[], None], reason: Callable[[OSError], str]) -> str | None:
    """Run ``attempt`` in a forked child, so that what it changes ends with it: None if it
    succeeded, else ``reason`` for the error it raised."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            attempt()
        except OSError as error:
            os.write(write_end, reason(error).encode()[:500])
            os._exit(1)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        said = reader.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return None
    return said or f"the probe ended with status {status}"


def _remount_read_only_below(root: str) -> None:
    """Make every mount under ``root`` read-only, keeping the flags the kernel locks."""
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        points = [_unescape(line.split()[4]) for line in mounts]
    for point in points:
        if not point.startswith(root + "/"):
            continue
        status = os.statvfs(point)
        kept = sum(flag for bit, flag in KEPT_FLAGS if status.f_flag & bit)
        devices = point.startswith(root + "/dev/")
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | (0 if devices else MS_NODEV) | kept
        _mount(None, point, None, flags)


def _make_mountpoint(path: str, *, directory: bool) -> None:
    if directory:
        os.makedirs(path, exist_ok=True)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.lexists(path):  # never truncate a file that is already there
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _unescape(field_text: str) -> str:
    """Mount points in mountinfo escape space, tab, newline and backslash as octal."""
    return field_text.encode().decode("unicode_escape").encode("latin-1").decode()


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _mount(source: str | None, target: str, kind: str | None, flags: int, data: str = "") -> None:
    encoded = [value.encode() if value else None for value in (source, target, kind, data)]
    _check(_libc.mount(*encoded[:3], ctypes.c_ulong(flags), encoded[3]), f"mount {target}")


def prctl(option: int, value: int) -> None:
    """prctl(2) with one argument, raising ``BoundaryError`` when it fails."""
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise BoundaryError(number, f"{what}: {os.strerror(number)}")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as stream:
        stream.write(text)


def _read(path: str) -> str:
    with open(path, encoding="ascii") as stream:
        return stream.read()
