"""Graded quiz answers carry what the learner saw in the notebook: the verdict, the feedback
of each option chosen, and the explanation once the answer is right."""

from __future__ import annotations

from quiz_answers import RIGHT, wrong_answer

from checker.content.catalogue import COURSE, QUESTIONS
from checker.grading.items import grade_quizzes
from checker.judge import quizzes

QUESTION = "13-lock-queue"


def graded_message(answer: object) -> tuple[str, str]:
    record = next(r for r in grade_quizzes(COURSE, {QUESTION: answer}, {}) if r.id == QUESTION)
    return record.outcome, record.message


def test_a_right_answer_carries_the_explanation():
    outcome, message = graded_message(RIGHT[QUESTION])
    assert outcome == "passed"
    assert message.startswith("Correct.") and QUESTIONS[QUESTION].explanation in message


def test_a_wrong_answer_carries_the_feedback_of_the_option_chosen():
    answer = wrong_answer(QUESTION)
    chosen = next(o for o in QUESTIONS[QUESTION].options if o.text == answer)
    outcome, message = graded_message(answer)
    assert outcome == "failed"
    assert message.startswith("Not quite.") and chosen.feedback in message
    assert QUESTIONS[QUESTION].explanation not in message


def test_the_notebook_and_the_grader_use_the_same_words():
    verdict = quizzes.judge(QUESTIONS[QUESTION], wrong_answer(QUESTION))
    assert graded_message(wrong_answer(QUESTION))[1] == verdict.in_words()
