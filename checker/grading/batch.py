"""Grading a whole class in parallel: each learner's folder read once, then one task per
learner and exercise, and one for their quizzes.

Tasks run in a ``GradingPool``; each worker judges answers through confined children,
so learner code never runs in a worker. Whatever happens to a task (the grader failed,
its worker died, it ran too long) becomes an "error" record for that item alone: the
batch always finishes.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from ..content.catalogue import EXERCISES, QUESTIONS
from ..db import postgres
from ..judge.outcomes import AnswerProblem, Outcome
from ..judge.records import ItemRecord, LearnerRecord
from .items import exercise_record, grade_answer, grade_quizzes, quiz_record
from .pool import Failure, GradingPool
from .submission import Answer, Submission, read_submission, shared_files

QUIZZES = "quizzes"
STEPS_PER_EXERCISE = 10  # learner steps a migration exercise runs, with a margin


def learner_folders(submissions: Path) -> list[Path]:
    """One folder per learner, by name; hidden folders (``.name``, ``_name``) are left out."""
    return sorted(
        path
        for path in submissions.iterdir()
        if path.is_dir() and not path.name.startswith((".", "_"))
    )


def default_jobs() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def grade_class(
    submissions: Path,
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    progress: bool | None = None,
    isolated: bool = True,
) -> list[LearnerRecord]:
    """Grade every learner folder in ``submissions``; one record per learner, by name.

    ``isolated`` runs learner code behind the Linux boundary (``checker.judge.boundary``);
    ``progress`` None shows a progress bar only when standard error is a terminal.
    """
    learners = learner_folders(submissions)
    postgres_first = sorted(
        EXERCISES, key=lambda i: getattr(EXERCISES[i], "database_kind", "") != "postgresql"
    )
    items = [*postgres_first, QUIZZES]
    task_seconds = timeout * STEPS_PER_EXERCISE + 30
    records: dict[tuple[str, str], list[ItemRecord]] = {}
    with (
        _postgres_for_workers(),
        GradingPool(jobs or default_jobs(), task_seconds, isolated=isolated) as pool,
        tqdm(
            total=len(learners) * len(items),
            desc="grading",
            unit="item",
            disable=None if progress is None else not progress,
            file=sys.stderr,
        ) as bar,
    ):
        readings = [(learner.name, (learner,)) for learner in learners]
        read: dict[str, Submission | Failure] = dict(pool.run(read_submission, readings))
        tasks = []
        for name, submission in read.items():
            for item in items:
                tasks.append(((name, item), (item, _answer_for(submission, item), timeout)))
        for key, result in pool.run(grade_item, tasks):
            failed = isinstance(result, Failure)
            records[key] = failure_records(key[1], result.reason) if failed else result
            bar.update()
    in_course_order = [*EXERCISES, QUIZZES]
    readable = {name: found for name, found in read.items() if isinstance(found, Submission)}
    shared = shared_files(readable)
    return [
        LearnerRecord(
            learner.name,
            [record for item in in_course_order for record in records[(learner.name, item)]],
            refused=[
                *getattr(read[learner.name], "refused", []),
                *shared.get(learner.name, []),
            ],
        )
        for learner in learners
    ]


def _answer_for(submission: Submission | Failure, item: str) -> object:
    """What a task needs of the submission: the answer, or the quiz answers."""
    if isinstance(submission, Failure):
        return submission
    if item == QUIZZES:
        return (submission.quiz_answers, submission.quiz_problems)
    return submission.answers[item]


def grade_item(item: str, answer: object, timeout: float) -> list[ItemRecord]:
    """Grade one item in a worker: an exercise's answer, or every quiz answer."""
    if isinstance(answer, Failure):
        return failure_records(item, f"the folder could not be read ({answer.reason})")
    if item == QUIZZES:
        return grade_quizzes(*answer)
    return [grade_answer(item, answer, timeout)]


def failure_records(item: str, reason: str) -> list[ItemRecord]:
    """Zero-point records for an item the grader itself could not grade."""
    message = f"The grader could not grade this: {reason}. Ask your instructor to look."
    if item == QUIZZES:
        return [quiz_record(question, "error", message) for question in QUESTIONS.values()]
    exercise = EXERCISES[item]
    problem = AnswerProblem(Outcome.ERROR, message)
    report = exercise.problem_report(problem, [], hidden=True, duration=0.0)
    return [exercise_record(exercise, report, Answer(None, ""))]


@contextlib.contextmanager
def _postgres_for_workers() -> Iterator[None]:
    """One PostgreSQL server for every worker (each would start its own otherwise)."""
    variable = postgres.EXISTING_SERVER_VARIABLE
    if os.environ.get(variable):
        yield
        return
    try:
        postgres.start()
        url = postgres.require_passwords()
    except postgres.PostgresUnavailable:
        yield  # the PostgreSQL exercises report it, item by item
        return
    os.environ[variable] = url
    try:
        yield
    finally:
        del os.environ[variable]
        postgres.stop()
