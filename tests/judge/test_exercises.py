"""Every exercise: the solution passes, the starter is not attempted, wrong answers fail."""

from __future__ import annotations

import hashlib

import pytest
from right_answers import RIGHT_ANSWERS
from wrong_answers import WRONG_ANSWERS

from checker.content.catalogue import COURSE, EXERCISES
from checker.judge.outcomes import Outcome, Status

IDS = sorted(EXERCISES)


def all_text(report) -> str:
    parts = [report.message, report.detail] + [c.message for c in report.checks]
    return "\n".join(parts)


@pytest.mark.parametrize("exercise_id", IDS)
def test_solution_passes_every_check_including_hidden(exercise_id, tmp_path):
    exercise = EXERCISES[exercise_id]
    answer = tmp_path / "answer.py"
    answer.write_text(exercise.solution)
    report = exercise.judge_file(answer, hidden=True)
    assert report.outcome is Outcome.PASSED, all_text(report)
    assert all(c.status is Status.PASSED for c in report.checks)
    assert sum(c.hidden for c in report.checks) == exercise.hidden_checks > 0
    assert report.hidden_not_run == 0
    assert sum(check.points for check in report.checks) == exercise.max_points


@pytest.mark.parametrize("exercise_id", IDS)
def test_learner_mode_says_more_checks_run_at_grading(exercise_id):
    exercise = EXERCISES[exercise_id]
    report = exercise.judge(exercise.solution)
    assert report.passed
    assert not any(c.hidden for c in report.checks)
    assert report.hidden_not_run == exercise.hidden_checks


@pytest.mark.parametrize("exercise_id", IDS)
def test_untouched_starter_is_not_attempted(exercise_id, tmp_path):
    exercise = EXERCISES[exercise_id]
    answer = tmp_path / "answer.py"
    answer.write_text("# my notes\n" + exercise.starter)
    report = exercise.judge_file(answer)
    assert report.outcome is Outcome.NOT_ATTEMPTED
    assert report.message == "Not attempted yet: the answer is still the starter."


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_exercise_is_fully_described(exercise_id):
    exercise = EXERCISES[exercise_id]
    assert exercise.id == exercise_id and exercise.title
    lesson = COURSE.lesson_of(exercise_id)
    assert type(exercise).__module__.endswith(f".lesson{lesson.name}"), "declared in its lesson"
    assert len(exercise.hints) >= 2
    assert len(exercise.task) > 200


@pytest.mark.parametrize(
    "wrong", WRONG_ANSWERS, ids=[f"{w.exercise_id}: {w.label}" for w in WRONG_ANSWERS]
)
def test_known_wrong_answer_fails_with_the_right_message(wrong, tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(wrong.source)
    before = hashlib.sha256(answer.read_bytes()).hexdigest()
    report = EXERCISES[wrong.exercise_id].judge_file(answer, hidden=wrong.hidden)
    assert report.outcome.value == wrong.outcome, all_text(report)
    assert wrong.message in all_text(report)
    assert hashlib.sha256(answer.read_bytes()).hexdigest() == before


def test_every_migration_exercise_has_three_wrong_answers():
    migration_ids = [i for i, e in EXERCISES.items() if hasattr(e, "target_layout")]
    for exercise_id in migration_ids:
        assert sum(w.exercise_id == exercise_id for w in WRONG_ANSWERS) >= 3, exercise_id
    for exercise_id in EXERCISES:
        assert any(w.exercise_id == exercise_id for w in WRONG_ANSWERS), exercise_id


@pytest.mark.parametrize(
    "right", RIGHT_ANSWERS, ids=[f"{r.exercise_id}: {r.label}" for r in RIGHT_ANSWERS]
)
def test_a_right_answer_written_differently_passes(right):
    report = EXERCISES[right.exercise_id].judge(right.source, hidden=True)
    assert report.outcome is Outcome.PASSED, all_text(report)


def test_every_exercise_is_tried_with_right_and_wrong_answers():
    for exercise_id in EXERCISES:
        assert any(r.exercise_id == exercise_id for r in RIGHT_ANSWERS), exercise_id
        assert any(w.exercise_id == exercise_id for w in WRONG_ANSWERS), exercise_id


HIDDEN_DATA_CHECKS = {
    "other-data",
    "upgrade-again",
    "other-database",
    "several-tables",
    "database-only-columns",
    "catches-drift-in-a-type",  # 12-test-the-history: the models differ in a type, not a column
    "catches-a-longer-broken-history",  # the same breakage further from the base
    "catches-drift-in-a-second-table",  # drift in a column, in another table
    "catches-a-downgrade-declared-irreversible",  # a downgrade that raises, another exception
    "missing-table-named-otherwise",  # 01: names as the database's, in a missing table
    "name-in-another-table",  # 01: a missing column, named as another table's column
}


def test_hidden_checks_only_try_other_data():
    """Every requirement a statement states has a visible check; hidden ones add data."""
    for exercise in EXERCISES.values():
        hidden = {check.name for check in exercise.checks() if check.hidden}
        assert hidden and hidden <= HIDDEN_DATA_CHECKS, exercise.id


def test_an_error_in_a_later_case_keeps_the_points_of_earlier_ones():
    exercise = EXERCISES["01-missing-columns"]
    source = exercise.solution.replace(
        "    inspector = inspect(engine)\n",
        "    inspector = inspect(engine)\n"
        "    if 'order' in metadata.tables:\n"
        "        raise RuntimeError('not ready for shops')\n",
    )
    report = exercise.judge(source, hidden=True)
    statuses = {check.name: check.status for check in report.checks}
    assert statuses["finds-new-column"] is statuses["nothing-missing"] is Status.PASSED
    assert statuses["missing-tables"] is Status.FAILED
    assert report.outcome is Outcome.ERROR and "not ready for shops" in report.detail
