"""The course's commands as an instructor types them, for the tests: ``python -m checker ...``
in a process of its own, ``grade`` with the workers a test may use, and the solutions of every
exercise, which the grading tests hand in as an all-right learner's answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from checker.content.catalogue import EXERCISES

SOLUTIONS = {exercise_id: exercise.solution for exercise_id, exercise in EXERCISES.items()}
GRADING_JOBS = 2  # each test worker's grading on a two-core machine: a core per check


def checker(
    *arguments: str | Path,
    python: str = sys.executable,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run ``python -m checker ARGUMENTS`` and return what it did, output captured."""
    return subprocess.run(
        [python, "-m", "checker", *map(str, arguments)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def grade(
    submissions: Path,
    out: Path,
    *options: str | Path,
    python: str = sys.executable,
    cwd: Path | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """``grade SUBMISSIONS --out OUT`` with ``GRADING_JOBS`` workers (an option given later
    overrides it, as on the command line)."""
    return checker(
        "grade", submissions, "--out", out, f"--jobs={GRADING_JOBS}", *options,
        python=python, cwd=cwd, timeout=timeout,
    )  # fmt: skip
