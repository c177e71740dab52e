"""The boundary where namespaces are refused: learner code as a user of its own.

Containers run with Docker's default seccomp profile (Gradescope's, PrairieLearn's) refuse
new user and mount namespaces, but their grader runs as root. There each check's child
becomes a user that exists for that check alone (``uid_for``): it keeps no capability,
cannot gain one (``no_new_privs``), and can signal only its own processes. Its one private
folder is its scratch (mode 0700, owned by it); the course package, the submissions and the
outputs are made unreadable to other users for the grading (``private_to_the_grader``).
When the check ends, every process of its user is killed (``kill_every_process_of``), the
ones it detached with ``setsid`` included.

What this mode does not give, where namespaces do: a network of its own (learner code can
reach the network), a private view of the file system (it can read what any user may read
and write where any user may write, such as ``/tmp``) and a bound on its scratch's total
size (each file is bounded by ``RLIMIT_FSIZE``, the writing by the step's time limit).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from . import boundary

FIRST_UID = 1_500_000_000  # far above any account a system creates
KILL_ROUNDS = 100
COURSE_DISTRIBUTION = "migrations-course"


def uid_for(pid: int) -> int:
    """The user (and group) of the check whose child is ``pid``: unique while it lives."""
    return FIRST_UID + pid


def scratch_for(scratch_root: str, pid: int) -> str:
    """The scratch folder of the check whose child is ``pid``."""
    return os.path.join(scratch_root, str(uid_for(pid)))


def enter(scratch_root: str, send_scratch: Callable[[int, str], None]) -> str:
    """Become the check's own user, in a session of its own, with a fresh private scratch
    folder under ``scratch_root`` (handed to the checker by ``send_scratch`` first).
    Returns the scratch folder's path, the child's working folder."""
    helper = os.getppid()
    uid = uid_for(os.getpid())
    os.setsid()
    scratch = scratch_for(scratch_root, os.getpid())
    os.mkdir(scratch, 0o700)
    os.chown(scratch, uid, uid)
    descriptor = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
    send_scratch(descriptor, scratch)
    os.close(descriptor)
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for capability in range(last + 1):
        boundary.prctl(boundary.PR_CAPBSET_DROP, capability)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from root to another user: every capability is gone
    boundary.prctl(boundary.PR_SET_NO_NEW_PRIVS, 1)
    boundary.die_with_parent(lambda: os.getppid() == helper)
    os.chdir(scratch)
    return scratch


def kill_every_process_of(uid: int) -> None:
    """Kill every process running as ``uid``, from a process of that user: ``kill(-1)``
    signals exactly the processes its user may signal. Repeated, so that a process forked
    while one round ran dies in the next."""
    pid = os.fork()
    if pid == 0:
        with contextlib.suppress(OSError):
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for _ in range(KILL_ROUNDS):
                os.kill(-1, signal.SIGKILL)
        os._exit(0)
    os.waitpid(pid, 0)


def probe() -> str | None:
    """Why checks cannot run as users of their own here, or None when they can: the
    grader must be root, and another user must be able to read Python and the packages
    learner code imports."""
    if sys.platform != "linux":
        return f"it needs Linux, and this is {sys.platform}"
    if os.geteuid() != 0:
        return "it needs the grader to run as root"
    needed = [os.path.dirname(os.__file__), *boundary.learner_packages()]

    def attempt() -> None:
        os.setgroups([])
        os.setresgid(FIRST_UID, FIRST_UID, FIRST_UID)
        os.setresuid(FIRST_UID, FIRST_UID, FIRST_UID)
        for path in needed:
            os.listdir(path) if os.path.isdir(path) else open(path, "rb").close()

    return boundary.refusal_in_a_fork(
        attempt, lambda error: f"another user cannot read {error.filename or 'Python'}"
    )


def course_paths() -> list[Path]:
    """Where the course's files are: the package graded from; in a checkout, everything
    but the environment Python runs from; every installed copy of the course's
    distribution (its packages and metadata). Never the environment learner code runs in."""
    package = Path(__file__).resolve().parents[1]
    found = [package]
    checkout = package.parent
    needed = [Path(sys.prefix).resolve(), *map(Path, boundary.site_folders())]
    if (checkout / "pyproject.toml").is_file():
        for entry in checkout.iterdir():
            real = entry.resolve()
            if not any(real == path or real in path.parents for path in needed):
                found.append(entry)
    try:
        distribution = importlib.metadata.distribution(COURSE_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        distribution = None
    for file in (distribution.files or []) if distribution is not None else []:
        if file.parts and file.parts[0] not in ("..", "__pycache__"):
            found.append(Path(distribution.locate_file(file.parts[0])).resolve())
    return [path for path in dict.fromkeys(found) if path.exists()]


@contextlib.contextmanager
def private_to_the_grader(paths: list[Path]) -> Iterator[list[Path]]:
    """Take every permission of other users off ``paths`` (not their contents: a folder
    others cannot enter hides all it holds) for the duration, then give them back. Yields
    the paths it changed."""
    changed: list[tuple[Path, int]] = []
    try:
        for path in paths:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode & 0o007 and not path.is_symlink():
                path.chmod(mode & ~0o007)
                changed.append((path, mode))
        yield [path for path, _ in changed]
    finally:
        for path, mode in changed:
            with contextlib.suppress(OSError):
                path.chmod(mode)
