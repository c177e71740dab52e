"""Late policies: periods started, the cap, the last date accepted, extensions moving it,
the LMS's late mark, and the points taken rounded in the learner's favour."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from checker.grading.deadlines import (
    DeadlineError,
    Extension,
    HandInTime,
    LatePolicy,
    apply,
    lateness,
    load_policy,
)
from checker.grading.records import ExerciseRecord, LearnerRecord

DUE = datetime(2027, 1, 15, 23, 59, tzinfo=timezone(timedelta(hours=1)))
POLICY = LatePolicy(DUE, penalty=10, per="day", cap=25, last=DUE + timedelta(days=7))


def at(**after_due: float) -> HandInTime:
    return HandInTime(DUE + timedelta(**after_due), "times.csv, line 2")


@pytest.mark.parametrize(
    ("handed_in", "periods", "percent", "accepted"),
    [
        (at(seconds=0), 0, 0, True),  # at the due time itself: on time
        (at(seconds=1), 1, 10, True),  # a second late starts a day
        (at(days=1), 1, 10, True),
        (at(days=1, seconds=1), 2, 20, True),
        (at(days=5), 5, 25, True),  # capped
        (at(days=7), 7, 25, True),  # the last date accepted itself
        (at(days=7, seconds=1), 8, 100, False),
        (at(hours=-3), 0, 0, True),
    ],
)
def test_each_started_period_costs_the_penalty_up_to_the_cap(handed_in, periods, percent, accepted):
    found = lateness(POLICY, handed_in, None)
    assert (found.periods, found.percent, found.accepted) == (periods, percent, accepted)


def test_hours_are_counted_when_the_policy_says_so():
    hourly = LatePolicy(DUE, penalty=2, per="hour")
    assert lateness(hourly, at(hours=3, minutes=1), None).percent == 8


def test_an_extension_moves_the_due_date_and_the_last_date_with_it():
    extension = Extension(DUE + timedelta(days=3), "illness", 2)
    on_time = lateness(POLICY, at(days=2), extension)
    assert (on_time.periods, on_time.extension) == (0, "extended: illness")
    still_taken = lateness(POLICY, at(days=9), extension)  # last date moved by 3 days
    assert still_taken.accepted and still_taken.periods == 6


def test_the_lms_late_mark_counts_as_one_period_unless_extended():
    marked = HandInTime(marked_late=True, source="Canvas's late mark")
    assert lateness(POLICY, marked, None).periods == 1
    assert lateness(POLICY, marked, Extension(DUE + timedelta(days=1), "", 2)).periods == 0


def test_the_points_taken_are_rounded_down_and_nothing_counts_after_the_last_date():
    def learner(name: str, points: float) -> LearnerRecord:
        item = ExerciseRecord("01-x", "x", "passed", points, 10, "")
        item.automatic_points = points
        return LearnerRecord(name, [item])

    learners = [learner("ann", 3.33), learner("bob", 7), learner("cat", 9), learner("dot", 21)]
    times = {"ann": at(hours=1), "bob": at(days=30), "dot": at(hours=1)}
    warnings = apply(POLICY, learners, times, {"nobody": Extension(DUE, "", 4)})
    ann, bob, cat, _ = learners
    assert (ann.penalty, ann.points) == (0.33, 3)  # 10% of 3.33 is 0.333: 0.33 taken
    assert (bob.penalty, bob.points) == (7, 0)
    assert learners[3].penalty == 2.1  # 10% of 21: exactly, not a cent short through floats
    assert (cat.penalty, cat.late["in_words"].startswith("no hand-in time known")) == (0, True)
    assert any("no hand-in time for cat" in w for w in warnings)
    assert any("'nobody' (line 4): no such learner" in w for w in warnings)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"penalty": 10}, "needs a due date"),
        ({"due": datetime(2027, 1, 15, 23, 59)}, "time zone"),
        ({"due": DUE, "last": DUE - timedelta(days=1)}, "before late.due"),
        ({"due": DUE, "per": "week"}, "late.per"),
        ({"due": DUE, "penalty": 120}, "late.penalty"),
        ({"due": DUE, "grace": 5}, "unknown settings"),
    ],
)
def test_a_wrong_late_policy_is_refused_with_what_is_wrong(table, words):
    with pytest.raises(DeadlineError, match=words):
        load_policy(Path("grading.toml"), table)
