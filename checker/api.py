"""The checker's public API: list the exercises, check one answer, grade a class.

``python -m checker`` is a thin mirror of these functions: each command takes its options'
defaults from here and calls one function. Wrong use raises ``UsageError``, naming the
argument at fault.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .authoring.notebooks import write_notebooks
from .content.catalogue import EXERCISES
from .grading import batch, outputs
from .judge import answers, boundary
from .judge.kinds import Exercise
from .judge.outcomes import AnswerProblem, Report
from .judge.records import LearnerRecord

FORMATS = outputs.FORMATS
ISOLATED = "linux namespaces"
TRUSTED = "none: submissions trusted"


class BoundaryUnavailable(RuntimeError):
    """Learner code cannot be isolated here, and the submissions were not declared trusted."""


class UsageError(ValueError):
    """An argument is wrong; ``argument`` names it as the command line spells it."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument


@dataclass(frozen=True)
class GradingRun:
    """What ``grade`` did: the learners' records, the files it wrote and how long it took."""

    learners: list[LearnerRecord]
    written: list[Path]
    seconds: float
    isolation: str

    @property
    def items(self) -> int:
        """Exercises and quiz questions graded, over all learners."""
        return sum(len(learner.items) for learner in self.learners)


def generate_notebooks(course: Path = Path(".")) -> list[Path]:
    """Write the exercise and solution notebooks, and the lessons' Challenge cells.

    They are generated from the lesson modules of ``checker.content``; cells whose
    source did not change keep their outputs. Returns the notebooks written.
    """
    course = Path(course)
    if not (course / "notebooks").is_dir():
        raise UsageError("COURSE", f"{course} is not the course folder (it has no notebooks/)")
    return write_notebooks(course)


def list_exercises() -> list[Exercise]:
    """Every exercise of the course, in lesson order."""
    return list(EXERCISES.values())


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, or a ``UsageError`` pointing at ``python -m checker list``."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        raise UsageError(
            "EXERCISE_ID", f"no exercise {exercise_id!r} (see: python -m checker list)"
        )
    return exercise


def check(exercise_id: str, path: Path, *, hidden: bool = False) -> Report:
    """Judge the answer in ``path``: a script or module, or a notebook's last ``%%answer`` cell."""
    exercise = find_exercise(exercise_id)
    path = Path(path)
    if not path.is_file():
        raise UsageError("PATH", f"file {str(path)!r} does not exist")
    if path.suffix != ".ipynb":
        return exercise.judge_file(path, hidden=hidden)
    try:
        source = answers.from_notebook(path, exercise_id)
    except AnswerProblem as problem:
        return exercise.problem_report(problem, [], hidden=hidden, duration=0.0)
    return exercise.judge(source, hidden=hidden)


def grade(
    submissions: Path,
    out: Path = Path("grades"),
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    formats: tuple[str, ...] = outputs.DEFAULT_FORMATS,
    progress: bool | None = None,
    trusted_submissions: bool = False,
) -> GradingRun:
    """Grade every learner folder in ``submissions`` and write ``formats`` into ``out``.

    Every exercise (hidden checks included) and quiz of every learner is graded from the
    files alone; the learners' files are only read. Learner code runs behind a Linux
    boundary (namespaces); where there is none, grading stops unless
    ``trusted_submissions`` says every submission is trusted. ``jobs`` answers are graded
    at once (all cores by default), learner code may run ``timeout`` seconds per step, and
    a progress bar shows on a terminal unless ``progress`` says otherwise.
    """
    unknown = sorted(set(formats) - set(outputs.FORMATS))
    if unknown or not formats:
        raise UsageError(
            "--format",
            f"unknown format {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(outputs.FORMATS)}",
        )
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs", "--jobs must be at least 1")
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if not submissions.is_dir():
        raise UsageError("SUBMISSIONS", f"folder {str(submissions)!r} does not exist")
    if out == submissions or submissions in out.parents:
        raise UsageError(
            "--out",
            "the output folder must not be inside SUBMISSIONS (it would be graded as a learner)",
        )
    if not batch.learner_folders(submissions):
        raise UsageError("SUBMISSIONS", f"{submissions} holds no learner folders")
    isolation = ISOLATED
    if trusted_submissions:
        isolation = TRUSTED
    elif (reason := boundary.probe()) is not None:
        raise BoundaryUnavailable(
            f"grading isolates learner code with Linux namespaces, and this machine cannot "
            f"({reason}). Grade on Linux, or in a container that allows namespaces; or pass "
            "--trusted-submissions if you trust every submission."
        )
    started = time.perf_counter()
    learners = batch.grade_class(
        submissions, jobs=jobs, timeout=timeout, progress=progress, isolated=not trusted_submissions
    )
    written = outputs.write(learners, out, tuple(formats), isolation=isolation)
    return GradingRun(learners, written, time.perf_counter() - started, isolation)
