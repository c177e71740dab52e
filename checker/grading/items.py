"""Grading one item of one learner: an exercise (hidden checks included) or their quizzes.

These functions run in the grader's worker processes and return records (plain data),
one per exercise or quiz question, with each check worth the points it declares.
"""

from __future__ import annotations

import time
from typing import Any

from ..course import Course
from ..judge import sandbox
from ..judge.kinds import Exercise
from ..judge.outcomes import CheckResult, Outcome, Report, Status
from ..judge.quizzes import InvalidAnswer, Question, judge
from .records import CheckRecord, ExerciseRecord, QuizRecord
from .submission import Answer

QUIZ_POINTS = 1
ATTEMPTS = 3
SERVER_EXHAUSTED = ("too many clients already", "remaining connection slots are reserved")


def server_exhausted(report: Report) -> bool:
    """Whether a report shows the server refusing connections for want of slots."""
    texts = [report.message, report.detail, *(check.message for check in report.checks)]
    return any(marker in text for text in texts for marker in SERVER_EXHAUSTED)


class GraderTrouble(RuntimeError):
    """The grader's own infrastructure failed an answer: never the learner's fault, never
    kept in the cache (the item is graded again next run)."""


def grade_answer(
    exercise: Exercise,
    answer: Answer,
    timeout: float | None,
    launcher: sandbox.Launcher = sandbox.IN_PROCESS,
) -> ExerciseRecord:
    """Judge a learner's answer, hidden checks included, its code started by ``launcher``
    (isolated at grading). A judging that the PostgreSQL
    server could not serve (no free connection slot) is tried again, then reported as the
    grader's trouble."""
    started = time.perf_counter()
    if answer.problem is not None:
        report = exercise.problem_report(answer.problem, [], hidden=True, duration=0.0)
    else:
        for _ in range(ATTEMPTS):
            report = exercise.judge(
                answer.source or "", hidden=True, timeout=timeout, launcher=launcher
            )
            if not server_exhausted(report):
                break
        else:
            raise GraderTrouble(
                f"the PostgreSQL server had no free connection in {ATTEMPTS} tries; it will "
                "be graded again on the next run"
            )
    report.duration = time.perf_counter() - started
    return exercise_record(exercise, report, answer)


def exercise_record(exercise: Exercise, report: Report, answer: Answer) -> ExerciseRecord:
    """An exercise's record: every planned check, those a problem stopped as "not run"."""
    checks = [check_record(exercise.id, result) for result in report.checks]
    ran = {result.name for result in report.checks}
    checks += [
        check_record(
            exercise.id,
            CheckResult(
                planned.name,
                planned.description,
                Status.NOT_RUN,
                f"Not run: {report.message}",
                planned.hidden,
                points=planned.points,
            ),
        )
        for planned in exercise.checks()
        if planned.name not in ran
    ]
    return ExerciseRecord(
        id=exercise.id,
        title=exercise.title,
        outcome=report.outcome.value,
        points=sum(check.points for check in checks),
        max_points=exercise.max_points,
        message=report.message,
        detail=report.detail,
        graded_from=answer.origin,
        answer="" if report.outcome is Outcome.NOT_ATTEMPTED else answer.source or "",
        notes=answer.notes,
        duration=round(report.duration, 4),
        checks=checks,
    )


def check_record(exercise_id: str, result: CheckResult) -> CheckRecord:
    """One check's record: its points only when it passed."""
    return CheckRecord(
        id=f"{exercise_id}/{result.name}",
        description=result.description,
        outcome=result.status.value,
        points=result.points if result.status is Status.PASSED else 0,
        max_points=result.points,
        visibility="hidden" if result.hidden else "visible",
        message=result.message,
        duration=result.duration,
    )


def grade_quizzes(
    course: Course, saved: dict[str, Any], problems: dict[str, str]
) -> list[QuizRecord]:
    """Judge every saved quiz answer again; a stored verdict is never read."""
    started = time.perf_counter()
    records = []
    for question in course.questions.values():
        answer = saved.get(question.id)
        if question.id in problems:
            records.append(quiz_record(question, "error", problems[question.id]))
            continue
        if answer is None:
            records.append(quiz_record(question, "not attempted", "No answer was saved."))
            continue
        try:
            verdict = judge(question, answer)
        except InvalidAnswer as problem:
            message = f"The saved answer does not fit the question: {problem}."
            records.append(quiz_record(question, "error", message))
            continue
        except (TypeError, ValueError, RecursionError):
            records.append(
                quiz_record(question, "error", "The saved answer does not fit the question.")
            )
            continue
        outcome = "passed" if verdict.correct else "failed"
        records.append(quiz_record(question, outcome, verdict.in_words()))
    duration = round((time.perf_counter() - started) / max(len(records), 1), 4)
    for record in records:
        record.duration = duration
    return records


def quiz_record(question: Question, outcome: str, message: str) -> QuizRecord:
    """One quiz question's record: a point when it passed."""
    return QuizRecord(
        id=question.id,
        title=question.prompt,
        outcome=outcome,
        points=QUIZ_POINTS if outcome == "passed" else 0,
        max_points=QUIZ_POINTS,
        message=message,
    )
