"""What judging an answer concluded, kept apart from how it is shown.

A ``Report`` is plain data: the outcome of an exercise, one ``CheckResult`` per check, and
enough to render it in a notebook, a terminal or a JSON record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum

from .. import __version__

# Python's parser stops at a depth of nesting: an answer deeper than that cannot run.
TOO_DEEP = (
    "The answer nests an expression too deeply to be read (a very long chain of `+`, or of "
    "brackets): write it in smaller parts."
)


class Outcome(str, Enum):
    """How an answer as a whole fared."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_ATTEMPTED = "not attempted"
    ERROR = "error"
    TIMED_OUT = "timed out"


class Status(str, Enum):
    """How one check fared."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_RUN = "not run"


class CheckFailed(Exception):
    """One check found the answer wrong; the message says what and how to see it."""


class AnswerProblem(Exception):
    """The answer could not be judged at all: not attempted, broken, or too slow."""

    def __init__(self, outcome: Outcome, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message
        self.detail = detail

    def __reduce__(self) -> tuple:
        return (AnswerProblem, (self.outcome, self.message, self.detail))


@dataclass(frozen=True)
class CheckResult:
    """One check's result; ``points`` is what the check is worth when it passes."""

    name: str
    description: str
    status: Status
    message: str = ""
    hidden: bool = False
    duration: float = 0.0
    points: int = 1


@dataclass
class Report:
    """What judging one answer concluded, check by check."""

    exercise_id: str
    outcome: Outcome
    message: str
    checks: list[CheckResult] = field(default_factory=list)
    detail: str = ""
    hidden_not_run: int = 0
    duration: float = 0.0
    checker_version: str = __version__

    @property
    def passed(self) -> bool:
        """Whether the answer passed every check that was run."""
        return self.outcome is Outcome.PASSED

    def to_record(self) -> dict:
        """A JSON-ready dictionary of everything the report says."""
        record = asdict(self)
        record["outcome"] = self.outcome.value
        record["checks"] = [
            {**asdict(check), "status": check.status.value} for check in self.checks
        ]
        record["duration"] = round(self.duration, 4)
        return record
