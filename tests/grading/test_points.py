"""Points are exact: shared in hundredths, adding up to the item, the maximum for a perfect
answer and zero for a failed all-or-nothing one."""

from __future__ import annotations

import pytest

from checker.content.catalogue import COURSE, EXERCISES
from checker.grading.records import CheckRecord, ExerciseRecord, total_points
from checker.grading.scoring import apportion, load_settings, score_exercise
from checker.notebook import ExerciseHandle

SCRIPT = "03-add-password-hash"


def record(outcomes: list[str]) -> ExerciseRecord:
    checks = [
        CheckRecord(f"{SCRIPT}/{check.name}", check.description, outcome, 0, 1, "visible", "")
        for check, outcome in zip(EXERCISES[SCRIPT].checks(), outcomes, strict=True)
    ]
    return ExerciseRecord(SCRIPT, "", "passed", 0, 0, "", checks=checks)


@pytest.mark.parametrize(
    ("options", "maximum"),
    [
        ({"points": 12, "checks": {"history": 3}}, 12),
        ({"points": 8}, 8),
        ({"points": 0.1}, 0.1),
        ({"points": 100, "checks": {"history": 0.7, "upgrade-data": 2.9}}, 100),
    ],
)
def test_passing_every_check_gives_exactly_the_maximum(options, maximum):
    item = record(["passed"] * 7)
    score_exercise(COURSE, item, options)
    assert item.points == item.max_points == maximum
    assert total_points([c.points for c in item.checks]) == maximum
    assert total_points([c.max_points for c in item.checks]) == maximum


def test_the_checks_always_add_up_to_the_item():
    item = record(["passed", "failed", "passed", "not run", "passed", "failed", "passed"])
    score_exercise(COURSE, item, {"points": 12, "checks": {"history": 3}})
    assert item.points == total_points([c.points for c in item.checks]) == 4 + 1.34 + 1.33 + 1.33
    assert [c.max_points for c in item.checks] == [4, 1.34, 1.34, 1.33, 1.33, 1.33, 1.33]


def test_a_failed_all_or_nothing_item_shows_no_points_on_any_check():
    item = record(["passed"] * 6 + ["failed"])
    score_exercise(COURSE, item, {"points": 10, "all_or_nothing": True})
    assert item.points == 0 and all(c.points == 0 for c in item.checks)
    assert item.max_points == 10


def test_apportioning_never_loses_a_hundredth():
    for total in (0, 1, 799, 1200, 11550):
        for weights in ([1] * 7, [3, 1, 1, 1, 1, 1, 1], [0.5, 0.25, 2], [1, 0, 1]):
            assert sum(apportion(total, weights)) == total
    assert apportion(100, [0, 0]) == [50, 50] and apportion(5, []) == []


PRACTICE = sorted(e.id for e in EXERCISES.values() if e.practice)


def test_exercises_whose_answer_a_lesson_shows_are_practice():
    assert PRACTICE == ["04-rename-username", "04-restore-lost-revision"]


def test_practice_exercises_count_only_when_the_settings_name_them(tmp_path):
    default = load_settings(COURSE, None)
    assert not any(default.counts(i, practice=True) for i in PRACTICE)
    assert default.counts(SCRIPT, practice=False)
    named = tmp_path / "settings.toml"
    named.write_text('counted = ["*"]\n')
    assert all(load_settings(COURSE, named).counts(i, practice=True) for i in PRACTICE)


def test_a_practice_exercise_says_so_in_its_statement():
    task = str(ExerciseHandle(EXERCISES[PRACTICE[0]]).task())
    assert "Practice: not counted in grading unless your instructor says so" in task
    assert "Practice" not in str(ExerciseHandle(EXERCISES[SCRIPT]).task())
