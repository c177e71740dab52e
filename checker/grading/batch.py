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
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..course import Course, load
from ..db import postgres
from ..judge.outcomes import AnswerProblem, Outcome
from ..judge.sandbox import NAMESPACES
from .cache import GradingCache, LearnerEntry, item_key
from .items import exercise_record, grade_answer, grade_quizzes, quiz_record
from .pool import Failure, GradingPool, worker_launcher
from .records import ItemRecord, LearnerRecord
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
    """Twice the cores this process may use: many checks spend their time waiting, on a
    database server's own processes or for a learner's lock timeout to run out, and
    another worker's check uses the core meanwhile."""
    if hasattr(os, "sched_getaffinity"):
        return 2 * len(os.sched_getaffinity(0))
    return 2 * (os.cpu_count() or 1)


@dataclass
class ClassGrading:
    """What grading a class gave: the learners' records as judged (before the grading
    settings set their points), the updated cache, and how many items were judged anew
    and how many were taken from earlier runs."""

    learners: list[LearnerRecord]
    cache: GradingCache
    judged: int
    reused: int


@dataclass
class Plan:
    """What a run must do: every learner's submission as read, the tasks still to judge
    (``((learner, task, key), arguments)``), and the cache holding everything reused."""

    course: Course
    tasks: list[str]
    read: dict[str, Submission | Failure]
    to_judge: list[tuple[tuple[str, str, str], tuple[Any, ...]]]
    updated: GradingCache


def grade_class(
    course: Course,
    submissions: Path,
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    progress: bool | None = None,
    isolation: str | None = NAMESPACES,
    previous: GradingCache | None = None,
    only: Collection[str] | None = None,
    notes: dict[str, list[str]] | None = None,
    fresh: bool = False,
) -> ClassGrading:
    """Grade the learner folders in ``submissions`` on ``course``; one record per learner.

    Items whose key (``cache.item_key``) is in ``previous`` are taken from it, not judged
    again, unless ``fresh`` says to judge everything graded in this run anew. ``only``
    grades just those learners and keeps every other learner of ``previous`` as it was.
    ``isolation`` is how learner code is confined (``sandbox.NAMESPACES`` or
    ``sandbox.SEPARATE_USER``; None trusts it);
    ``progress`` None shows a progress bar only when standard error is a terminal.
    ``notes`` are added to a learner's refusals (a hand-in that could not be unpacked, say).
    """
    if not course.reference:
        raise ValueError(f"grading needs a course found by course.load, not {course.name!r}")
    folders = [f for f in learner_folders(submissions) if only is None or f.name in only]
    task_seconds = timeout * STEPS_PER_EXERCISE + 30
    pool = GradingPool(
        jobs or default_jobs(), task_seconds, isolation=isolation, preload=course.child_preload
    )
    with pool:
        readings = [(folder.name, (course.reference, folder)) for folder in folders]
        read: dict[str, Submission | Failure] = dict(pool.run(read_learner, readings))
        plan = plan_grading(
            course,
            read,
            previous or GradingCache(),
            only,
            notes or {},
            fresh,
            timeout=timeout,
            isolation=isolation or "none",
        )
        judge(plan, pool, progress)
    return assemble(plan)


def plan_grading(
    course: Course,
    read: dict[str, Submission | Failure],
    previous: GradingCache,
    only: Collection[str] | None,
    notes: dict[str, list[str]],
    fresh: bool,
    *,
    timeout: float,
    isolation: str,
) -> Plan:
    """Which items must be judged, and which a previous run's cache already holds."""
    tasks = [*course.exercises, QUIZZES]
    kept = {} if only is None else {n: e for n, e in previous.learners.items() if n not in only}
    plan = Plan(course, tasks, read, [], GradingCache(kept))
    for name, submission in read.items():
        entry = plan.updated.learners.setdefault(name, LearnerEntry())
        entry.refused = list(notes.get(name, []))
        if isinstance(submission, Submission):
            entry.refused += submission.refused
            entry.hard_links = submission.hard_links
        for task in tasks:
            answer = _answer_for(submission, task)
            key = item_key(task, answer, timeout=timeout, isolation=isolation, course=course)
            found = None if fresh else previous.lookup(name, task, key)
            if found is None or isinstance(submission, Failure):
                plan.to_judge.append(((name, task, key), (course.reference, task, answer, timeout)))
            else:
                plan.updated.record(name, task, key, found)
    plan.to_judge.sort(key=lambda task: not _uses_postgres(course, task[0][1]))
    return plan


def judge(plan: Plan, pool: GradingPool, progress: bool | None) -> None:
    """Judge every planned item in the pool, PostgreSQL ones first, into the plan's cache;
    an item the grader could not judge is kept for this run only."""
    needs_postgres = any(_uses_postgres(plan.course, task) for (_, task, _), _ in plan.to_judge)
    with (
        _postgres_for_workers(pool, needs_postgres),
        tqdm(
            total=len(plan.to_judge),
            desc="grading",
            unit="item",
            disable=None if progress is None else not progress,
            file=sys.stderr,
        ) as bar,
    ):
        for (name, task, key), result in pool.run(grade_item, plan.to_judge):
            if isinstance(result, Failure):  # kept for this run only, never cached
                records = failure_records(plan.course, task, result.reason)
                plan.updated.learners[name].items[task] = ("", records)
            else:
                plan.updated.record(name, task, key, result)
            bar.update()


def assemble(plan: Plan) -> ClassGrading:
    """One record per learner, by name, with what reading their folder had to say."""
    updated = plan.updated
    shared = shared_files({n: e.hard_links for n, e in updated.learners.items()})
    learners = []
    for name in sorted(updated.learners):
        record = updated.learner_record(name, plan.tasks)
        submission = plan.read.get(name)
        if isinstance(submission, Failure):
            record.refused.append(f"The folder could not be read ({submission.reason}).")
        record.refused += shared.get(name, [])
        learners.append(record)
    judged = len(plan.to_judge)
    reused = len(plan.read) * len(plan.tasks) - judged
    return ClassGrading(learners, updated, judged, reused)


def _uses_postgres(course: Course, task: str) -> bool:
    exercise = course.exercises.get(task)
    return getattr(exercise, "database_kind", "") == "postgresql"


def _answer_for(submission: Submission | Failure, item: str) -> object:
    """What a task needs of the submission: the answer, or the quiz answers."""
    if isinstance(submission, Failure):
        return submission
    if item == QUIZZES:
        return (submission.quiz_answers, submission.quiz_problems)
    return submission.answers[item]


def read_learner(course_reference: str, folder: Path) -> Submission:
    """Read one learner's folder in a worker."""
    return read_submission(load(course_reference), folder)


def grade_item(
    course_reference: str, item: str, answer: object, timeout: float
) -> list[ItemRecord]:
    """Grade one item in a worker: an exercise's answer, or every quiz answer."""
    course = load(course_reference)
    if isinstance(answer, Failure):
        return failure_records(course, item, f"the folder could not be read ({answer.reason})")
    if item == QUIZZES:
        return grade_quizzes(course, *answer)
    return [grade_answer(course.exercises[item], answer, timeout, worker_launcher())]


def failure_records(course: Course, item: str, reason: str) -> list[ItemRecord]:
    """Zero-point records for an item the grader itself could not grade."""
    message = f"The grader could not grade this: {reason}. Ask your instructor to look."
    if item == QUIZZES:
        return [quiz_record(question, "error", message) for question in course.questions.values()]
    exercise = course.exercises[item]
    problem = AnswerProblem(Outcome.ERROR, message)
    report = exercise.problem_report(problem, [], hidden=True, duration=0.0)
    return [exercise_record(exercise, report, Answer(None, ""))]


@contextlib.contextmanager
def _postgres_for_workers(pool: GradingPool, needed: bool) -> Iterator[None]:
    """One PostgreSQL server for every worker (each would start its own otherwise)."""
    variable = postgres.EXISTING_SERVER_VARIABLE
    if not needed or os.environ.get(variable):
        yield
        return
    try:
        postgres.start()
        url = postgres.require_passwords()
    except postgres.PostgresUnavailable:
        yield  # the PostgreSQL exercises report it, item by item
        return
    pool.environment[variable] = url
    try:
        yield
    finally:
        del pool.environment[variable]
        postgres.stop()
