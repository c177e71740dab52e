"""Grading a whole class in parallel: one task per learner and exercise, one for their quizzes.

Tasks run in a pool of worker processes; each worker checks answers through its own
sandboxed children, so learner code never runs in a worker. A task that fails in the
grader itself, or whose worker dies, becomes an "error" record for that item alone: the
batch always finishes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ..content.catalogue import EXERCISES, QUESTIONS
from ..db import postgres
from ..judge import sandbox
from ..judge.outcomes import AnswerProblem, Outcome
from ..judge.records import ItemRecord, LearnerRecord
from .items import exercise_record, grade_exercise, grade_quizzes, quiz_record
from .submission import Answer

QUIZZES = "quizzes"
MAX_ATTEMPTS = 2
CHILD_PRELOAD = ["checker.content.layouts"]  # table layouts only: no statement, case or answer


@dataclass(frozen=True)
class Task:
    """One unit of work for the pool: a learner's exercise, or all their quizzes."""

    learner: str
    item: str


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
    timeout: float | None = None,
    progress: bool | None = None,
    isolated: bool = True,
) -> list[LearnerRecord]:
    """Grade every learner folder in ``submissions``; one record per learner, by name.

    ``isolated`` runs learner code behind the Linux boundary (``checker.judge.boundary``);
    ``progress`` None shows a progress bar only when standard error is a terminal.
    """
    learners = learner_folders(submissions)
    slow_first = sorted(
        EXERCISES, key=lambda i: getattr(EXERCISES[i], "database_kind", "") != "postgresql"
    )
    tasks = [Task(str(learner), item) for item in [*slow_first, QUIZZES] for learner in learners]
    records: dict[Task, list[ItemRecord]] = {}
    with (
        _postgres_for_workers(),
        tqdm(
            total=len(tasks), desc="grading", unit="item", disable=_quiet(progress), file=sys.stderr
        ) as bar,
    ):
        for task, result in _run_all(tasks, jobs or default_jobs(), timeout, isolated):
            records[task] = result
            bar.update()
    return [_learner_record(learner, records) for learner in learners]


def _quiet(progress: bool | None) -> bool | None:
    return None if progress is None else not progress


def _run_all(
    tasks: list[Task], jobs: int, timeout: float | None, isolated: bool
) -> Iterator[tuple[Task, list[ItemRecord]]]:
    """Run tasks in a pool, starting a new pool when a worker dies; yield each result."""
    attempts = dict.fromkeys(tasks, 0)
    pending = list(tasks)
    while pending:
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=_worker_context(),
            initializer=_start_worker,
            initargs=(isolated,),
        ) as pool:
            futures = {pool.submit(run_task, t.learner, t.item, timeout): t for t in pending}
            pending = []
            for future in as_completed(futures):
                task = futures[future]
                try:
                    yield task, future.result()
                except BrokenProcessPool:
                    attempts[task] += 1
                    if attempts[task] < MAX_ATTEMPTS:
                        pending.append(task)
                    else:
                        yield task, failure_records(task.item, "its grading process died")


def _worker_context():
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*sandbox.PRELOAD, "checker.grading.items"])
    return context


def _start_worker(isolated: bool) -> None:
    """In each worker: learner code behind the boundary, from a clean helper of its own."""
    if isolated:
        sandbox.use_boundary(CHILD_PRELOAD)


@contextlib.contextmanager
def _postgres_for_workers() -> Iterator[None]:
    """One PostgreSQL server for every worker (each would start its own otherwise)."""
    variable = postgres.EXISTING_SERVER_VARIABLE
    if os.environ.get(variable):
        yield
        return
    try:
        url = postgres.start()
    except postgres.PostgresUnavailable:
        yield  # the PostgreSQL exercises report it, item by item
        return
    os.environ[variable] = url
    try:
        yield
    finally:
        del os.environ[variable]
        postgres.stop()


def run_task(learner: str, item: str, timeout: float | None) -> list[ItemRecord]:
    """Grade one item of one learner in a worker; a grader failure becomes an error record."""
    try:
        if item == QUIZZES:
            return grade_quizzes(Path(learner))
        return [grade_exercise(Path(learner), item, timeout)]
    except Exception as error:  # whatever went wrong, the batch goes on
        return failure_records(item, f"{type(error).__name__}: {error}")


def failure_records(item: str, reason: str) -> list[ItemRecord]:
    """Zero-point records for an item the grader itself could not grade."""
    message = f"The grader could not grade this: {reason}. Ask your instructor to look."
    if item == QUIZZES:
        return [quiz_record(question, "error", message) for question in QUESTIONS.values()]
    exercise = EXERCISES[item]
    problem = AnswerProblem(Outcome.ERROR, message)
    report = exercise.problem_report(problem, [], hidden=True, duration=0.0)
    return [exercise_record(exercise, report, Answer(None, ""))]


def _learner_record(learner: Path, records: dict[Task, list[ItemRecord]]) -> LearnerRecord:
    items = [
        record for item in [*EXERCISES, QUIZZES] for record in records[Task(str(learner), item)]
    ]
    return LearnerRecord(learner.name, items)
