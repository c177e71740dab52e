"""A failure of the grader's own infrastructure is never blamed on the learner: a judging
the PostgreSQL server could not serve is tried again, and reported as the grader's
trouble (which the batch never caches) if it persists."""

from __future__ import annotations

import pytest

from checker.content.catalogue import EXERCISES
from checker.grading.answer_choice import Answer
from checker.grading.items import ATTEMPTS, GraderTrouble, grade_answer
from checker.judge.outcomes import Outcome, Report

ENUM = "11-enum-column"
EXHAUSTED = "connection failed: FATAL:  sorry, too many clients already"


def judging_that_fails(times: int, calls: list[str]):
    """A stand-in for ``Exercise.judge``: the server is out of slots ``times`` times, then
    the answer passes."""

    def judge(source: str, **options: object) -> Report:
        calls.append(source)
        if len(calls) <= times:
            return Report(ENUM, Outcome.ERROR, "The upgrade failed.", detail=EXHAUSTED)
        return Report(ENUM, Outcome.PASSED, "All checks passed.")

    return judge


def test_a_passing_second_try_is_the_grade(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(EXERCISES[ENUM], "judge", judging_that_fails(1, calls))
    record = grade_answer(EXERCISES[ENUM], Answer("answer", "notebook"), timeout=5)
    assert calls == ["answer", "answer"] and record.outcome == "passed"


def test_a_server_that_stays_full_is_the_grader_s_trouble(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(EXERCISES[ENUM], "judge", judging_that_fails(ATTEMPTS, calls))
    with pytest.raises(GraderTrouble, match="graded again on the next run"):
        grade_answer(EXERCISES[ENUM], Answer("answer", "notebook"), timeout=5)
    assert len(calls) == ATTEMPTS
