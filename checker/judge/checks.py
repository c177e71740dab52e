"""Checks declared once, as named functions: what each enforces, its points, its visibility.

An exercise kind declares its checks as methods decorated with ``@check``; the first line
of the docstring is what the learner reads. The planned checks, the maximum points and the
number of hidden checks are all read from these declarations::

    @check("upgrade-schema", needs="history")
    def upgrade_schema(self, trial):
        '''after upgrade, the schema is the target schema'''

A check passes unless it raises ``CheckFailed``. ``Checks`` runs the declared checks in
order and records each result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .outcomes import AnswerProblem, CheckFailed, CheckResult, Status

MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Check:
    """One named requirement of an exercise.

    ``needs`` names a check that must have passed for this one to mean anything (a
    schema check needs a history Alembic can load); ``after`` places a check that an
    exercise adds right after one its kind declares. A ``slow`` check takes seconds and
    works on a database of its own, so no later check depends on what it did: when only
    whether an answer passes matters (``until_failure``), it runs after the others.
    """

    name: str
    description: str
    points: int = 1
    hidden: bool = False
    needs: str | None = None
    after: str | None = None
    method: str = ""
    slow: bool = False


def check(
    name: str,
    *,
    points: int = 1,
    hidden: bool = False,
    needs: str | None = None,
    after: str | None = None,
    slow: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a method as the check ``name``; its docstring's first line describes it."""

    def declare(method: Callable[..., None]) -> Callable[..., None]:
        description = (method.__doc__ or "").strip().splitlines()[0]
        if not description:
            raise TypeError(f"check {name!r} needs a docstring saying what it enforces")
        method.declared_check = Check(  # type: ignore[attr-defined]
            name, description, points, hidden, needs, after, method.__name__, slow
        )
        return method

    return declare


def declared_checks(cls: type) -> list[Check]:
    """The checks a class declares, its bases' first, each placed after its ``after``."""
    ordered: list[Check] = []
    for klass in reversed(cls.__mro__):
        for attribute in vars(klass).values():
            declared = getattr(attribute, "declared_check", None)
            if declared is None:
                continue
            ordered = [c for c in ordered if c.name != declared.name]
            if declared.after is None:
                ordered.append(declared)
                continue
            position = next((i for i, c in enumerate(ordered) if c.name == declared.after), None)
            if position is None:
                raise TypeError(
                    f"{cls.__name__}: check {declared.name!r} is declared after "
                    f"{declared.after!r}, which is no check of it or of its kind"
                )
            ordered.insert(position + 1, declared)
    return ordered


def require_known_needs(owner: str, checks: list[Check]) -> None:
    """Every ``needs`` names a check that runs before it: a typo would otherwise silently
    keep a check from ever running."""
    earlier: set[str] = set()
    for declared in checks:
        if declared.needs is not None and declared.needs not in earlier:
            raise TypeError(
                f"{owner}: check {declared.name!r} needs {declared.needs!r}, which is no "
                "check that runs before it"
            )
        earlier.add(declared.name)


def with_points(checks: list[Check], points: dict[str, int]) -> list[Check]:
    """The checks with some points set otherwise (an exercise's own weighting)."""
    unknown = set(points) - {c.name for c in checks}
    if unknown:
        raise ValueError(f"points given for checks that do not exist: {sorted(unknown)}")
    return [replace(c, points=points.get(c.name, c.points)) for c in checks]


def slow_last(checks: list[Check]) -> list[Check]:
    """The checks in order, but the slow ones, and those that need one, after the rest."""
    slow: set[str] = set()
    for declared in checks:
        if declared.slow or declared.needs in slow:
            slow.add(declared.name)
    return [c for c in checks if c.name not in slow] + [c for c in checks if c.name in slow]


class Checks:
    """Runs declared checks and collects their results.

    Each result's duration is the time since the previous one, so the sandboxed steps a
    check waits for count towards it.
    """

    def __init__(self) -> None:
        self.results: list[CheckResult] = []
        self._since = time.perf_counter()

    def run_all(
        self, checks: list[Check], verify: Callable[[Check], Any], *, until_failure: bool = False
    ) -> None:
        """Run each check in order; one whose ``needs`` did not pass is not run.

        A problem that stops the whole answer (learner code that raised, timed out or
        crashed) is recorded against the check it stopped, then goes on up. With
        ``until_failure``, the first failed check ends the run (to tell only whether an
        answer passes, as mutation testing does), and ``slow`` checks run last.
        """
        passed: set[str] = set()
        for declared in slow_last(checks) if until_failure else checks:
            if until_failure and any(r.status is Status.FAILED for r in self.results):
                return
            if declared.needs is not None and declared.needs not in passed:
                needed = next((c for c in checks if c.name == declared.needs), None)
                reason = f"needs this to pass first: {needed.description if needed else ''}"
                self._add(declared, Status.NOT_RUN, reason)
                continue
            if self.run(declared, lambda declared=declared: verify(declared)):
                passed.add(declared.name)

    def run(self, declared: Check, verify: Callable[[], Any]) -> bool:
        """Run one check: passed unless ``verify`` raises ``CheckFailed``."""
        try:
            verify()
        except AnswerProblem as problem:
            self._add(declared, Status.FAILED, problem.message)
            raise
        except CheckFailed as failure:
            self._add(declared, Status.FAILED, str(failure))
            return False
        self._add(declared, Status.PASSED, "")
        return True

    def _add(self, declared: Check, status: Status, message: str) -> None:
        now = time.perf_counter()
        self.results.append(
            CheckResult(
                declared.name,
                declared.description,
                status,
                bounded_message(message),
                declared.hidden,
                round(now - self._since, 4),
                declared.points,
            )
        )
        self._since = now


def bounded_message(message: str) -> str:
    """A check's message within ``MAX_MESSAGE_CHARS``: one built from what learner code
    left (an enum's labels, a value) is cut, saying how much was left out."""
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    left_out = len(message) - MAX_MESSAGE_CHARS
    return f"{message[:MAX_MESSAGE_CHARS]}… ({left_out} more characters left out)"
