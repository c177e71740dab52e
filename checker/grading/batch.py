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

from tqdm import tqdm

from ..content.catalogue import EXERCISES, QUESTIONS
from ..db import postgres
from ..judge.outcomes import AnswerProblem, Outcome
from ..judge.records import ItemRecord, LearnerRecord
from ..judge.sandbox import NAMESPACES
from .cache import GradingCache, LearnerEntry, item_key
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


@dataclass
class ClassGrading:
    """What grading a class gave: the learners' records as judged (before the grading
    settings set their points), the updated cache, and how many items were judged anew
    and how many were taken from earlier runs."""

    learners: list[LearnerRecord]
    cache: GradingCache
    judged: int
    reused: int


def grade_class(
    submissions: Path,
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    progress: bool | None = None,
    boundary: str | None = NAMESPACES,
    previous: GradingCache | None = None,
    only: Collection[str] | None = None,
    notes: dict[str, list[str]] | None = None,
    fresh: bool = False,
) -> ClassGrading:
    """Grade the learner folders in ``submissions``; one record per learner, by name.

    Items whose key (``cache.item_key``) is in ``previous`` are taken from it, not judged
    again, unless ``fresh`` says to judge everything graded in this run anew. ``only``
    grades just those learners and keeps every other learner of ``previous`` as it was.
    ``boundary`` is how learner code is confined (``sandbox.NAMESPACES`` or
    ``sandbox.SEPARATE_USER``; None trusts it);
    ``progress`` None shows a progress bar only when standard error is a terminal.
    ``notes`` are added to a learner's refusals (a hand-in that could not be unpacked, say).
    """
    previous = previous or GradingCache()
    notes = notes or {}
    folders = [f for f in learner_folders(submissions) if only is None or f.name in only]
    isolation = boundary or "none"
    tasks_in_order = [*EXERCISES, QUIZZES]
    task_seconds = timeout * STEPS_PER_EXERCISE + 30
    updated = GradingCache(
        {}
        if only is None
        else {name: entry for name, entry in previous.learners.items() if name not in only}
    )
    with GradingPool(jobs or default_jobs(), task_seconds, boundary=boundary) as pool:
        readings = [(folder.name, (folder,)) for folder in folders]
        read: dict[str, Submission | Failure] = dict(pool.run(read_submission, readings))
        to_judge = []
        for name, submission in read.items():
            entry = updated.learners.setdefault(name, LearnerEntry())
            entry.refused = list(notes.get(name, []))
            if isinstance(submission, Submission):
                entry.refused += submission.refused
                entry.hard_links = submission.hard_links
            for task in tasks_in_order:
                answer = _answer_for(submission, task)
                key = item_key(task, answer, timeout=timeout, isolation=isolation)
                found = None if fresh else previous.lookup(name, task, key)
                if found is None or isinstance(submission, Failure):
                    to_judge.append(((name, task, key), (task, answer, timeout)))
                else:
                    updated.record(name, task, key, found)
        needs_postgres = any(_uses_postgres(task) for (_, task, _), _ in to_judge)
        with (
            _postgres_for_workers(pool, needs_postgres),
            tqdm(
                total=len(to_judge),
                desc="grading",
                unit="item",
                disable=None if progress is None else not progress,
                file=sys.stderr,
            ) as bar,
        ):
            to_judge.sort(key=lambda task: not _uses_postgres(task[0][1]))
            for (name, task, key), result in pool.run(grade_item, to_judge):
                if isinstance(result, Failure):  # kept for this run only, never cached
                    result = failure_records(task, result.reason)
                    updated.learners[name].items[task] = ("", result)
                else:
                    updated.record(name, task, key, result)
                bar.update()
    shared = shared_files({n: e.hard_links for n, e in updated.learners.items()})
    learners = []
    for name in sorted(updated.learners):
        record = updated.learner_record(name, tasks_in_order)
        if isinstance(read.get(name), Failure):
            record.refused.append(f"The folder could not be read ({read[name].reason}).")
        record.refused += shared.get(name, [])
        learners.append(record)
    judged = len(to_judge)
    reused = len(read) * len(tasks_in_order) - judged
    return ClassGrading(learners, updated, judged, reused)


def _uses_postgres(task: str) -> bool:
    return task in EXERCISES and getattr(EXERCISES[task], "database_kind", "") == "postgresql"


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
