"""What stands between learner code and the grader for a grading run: the isolation chosen
(Linux namespaces, a separate user per check, or none for trusted submissions), how the
outputs name it, and the files a separate user must not read made private meanwhile."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ..judge import boundary, cgroups, sandbox, separate_user

ISOLATIONS = ("auto", sandbox.NAMESPACES, sandbox.SEPARATE_USER)
ISOLATED = "linux namespaces"
SEPARATED = "a separate user per check"
TRUSTED = "none: submissions trusted"


class IsolationUnavailable(RuntimeError):
    """Learner code cannot be isolated here, and the submissions were not declared trusted."""


def choose(trusted_submissions: bool, asked: str = "auto") -> tuple[str | None, str]:
    """The isolation learner code will run behind (None when trusted) and how the outputs
    describe it; an error if the one ``asked`` for cannot be set up here."""
    if trusted_submissions:
        return None, TRUSTED
    bounded = f"memory and processes bounded {cgroups.describe()}"
    no_namespaces = boundary.probe()
    if asked != sandbox.SEPARATE_USER and no_namespaces is None:
        return sandbox.NAMESPACES, f"{ISOLATED}; {bounded}"
    no_separate_user = separate_user.probe()
    if asked != sandbox.NAMESPACES and no_separate_user is None:
        why = f"no namespaces here: {no_namespaces}" if no_namespaces else "as asked"
        return sandbox.SEPARATE_USER, f"{SEPARATED} ({why}); {bounded}"
    reasons = []
    if asked != sandbox.SEPARATE_USER:
        reasons.append(f"Linux namespaces cannot be used here ({no_namespaces})")
    if asked != sandbox.NAMESPACES:
        reasons.append(f"a separate user per check cannot be used ({no_separate_user})")
    raise IsolationUnavailable(
        f"grading isolates learner code, and {'; '.join(reasons)}. Grade on Linux, as "
        "root in a container, or in one that allows namespaces; or pass "
        "--trusted-submissions if you trust every submission."
    )


@contextlib.contextmanager
def hidden_from_learner_code(chosen: str | None, folders: list[Path]) -> Iterator[None]:
    """As a separate user per check, learner code could read what other users may: for
    the grading, the course's files and ``folders`` are made unreadable to them."""
    if chosen != sandbox.SEPARATE_USER:
        yield
        return
    for folder in folders:
        Path(folder).mkdir(parents=True, exist_ok=True)
    paths = separate_user.course_paths() + [Path(folder) for folder in folders]
    with separate_user.private_to_the_grader(list(dict.fromkeys(paths))):
        yield
