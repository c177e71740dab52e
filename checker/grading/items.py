"""Grading one item of one learner: an exercise (hidden checks included) or their quizzes.

These functions run in the grader's worker processes and return plain records (JSON
values only), one per exercise or quiz question, with one point per check passed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from .. import __version__
from ..exercises import EXERCISES, Exercise
from ..outcomes import Report, Status
from ..quiz_bank import QUESTIONS
from ..quizzes import InvalidAnswer, Question, judge
from .submission import Answer, find_answer, quiz_answers

QUIZ_POINTS = 1


def grade_exercise(learner: Path, exercise_id: str, timeout: float | None) -> dict[str, Any]:
    """Find the learner's answer and check it, hidden checks included."""
    exercise = EXERCISES[exercise_id]
    started = time.perf_counter()
    answer = find_answer(learner, exercise)
    if answer.problem is not None:
        report = exercise.problem_report(answer.problem, [], hidden=True, duration=0.0)
    else:
        report = exercise.check_source(answer.source, hidden=True, timeout=timeout)
    report.duration = time.perf_counter() - started
    return exercise_record(exercise, report, answer)


def exercise_record(exercise: Exercise, report: Report, answer: Answer) -> dict[str, Any]:
    """An exercise's record: every planned check, those a problem stopped as "not run"."""
    checks = [
        check_record(exercise.id, c.name, c.description, c.status, c.hidden, c.message, c.duration)
        for c in report.checks
    ]
    ran = {check.name for check in report.checks}
    checks += [
        check_record(
            exercise.id, name, description, Status.NOT_RUN, hidden, f"Not run: {report.message}"
        )
        for name, description, hidden in exercise.planned_checks()
        if name not in ran
    ]
    return {
        "id": exercise.id,
        "kind": "exercise",
        "title": exercise.title,
        "outcome": report.outcome.value,
        "points": sum(check["points"] for check in checks),
        "max_points": exercise.max_points,
        "message": report.message,
        "detail": report.detail,
        "graded_from": answer.origin,
        "notes": answer.notes,
        "duration": round(report.duration, 4),
        "checker_version": __version__,
        "checks": checks,
    }


def check_record(
    exercise_id: str,
    name: str,
    description: str,
    status: Status,
    hidden: bool,
    message: str,
    duration: float = 0.0,
) -> dict[str, Any]:
    return {
        "id": f"{exercise_id}/{name}",
        "description": description,
        "outcome": status.value,
        "points": 1 if status is Status.PASSED else 0,
        "max_points": 1,
        "visibility": "hidden" if hidden else "visible",
        "message": message,
        "duration": duration,
    }


def grade_quizzes(learner: Path) -> list[dict[str, Any]]:
    """Judge every saved quiz answer again; a stored verdict is never read."""
    started = time.perf_counter()
    saved = quiz_answers(learner)
    records = []
    for question in QUESTIONS.values():
        answer = saved.get(question.id)
        if answer is None:
            records.append(quiz_record(question, "not attempted", "No answer was saved."))
            continue
        try:
            correct = judge(question, answer).correct
        except (InvalidAnswer, TypeError, ValueError):
            records.append(
                quiz_record(question, "error", "The saved answer does not fit the question.")
            )
            continue
        message = "Right." if correct else "Not the right answer."
        records.append(quiz_record(question, "passed" if correct else "failed", message))
    duration = round((time.perf_counter() - started) / max(len(records), 1), 4)
    for record in records:
        record["duration"] = duration
    return records


def quiz_record(question: Question, outcome: str, message: str) -> dict[str, Any]:
    return {
        "id": question.id,
        "kind": "quiz",
        "title": question.prompt,
        "outcome": outcome,
        "points": QUIZ_POINTS if outcome == "passed" else 0,
        "max_points": QUIZ_POINTS,
        "message": message,
        "duration": 0.0,
        "checker_version": __version__,
    }
