"""Gradescope's autograder results format: one learner's record as ``results.json``.

Every check is a test, and every quiz question; an all-or-nothing exercise is one test
(its checks listed in its output), so that the tests always add up to the score. Items
that do not count show 0 of 0 points and say so.
"""

from __future__ import annotations

import json
from typing import Any

from .records import ExerciseRecord, LearnerRecord, QuizRecord


def gradescope_json(learner: LearnerRecord, *, isolation: str, notes: list[str] = ()) -> str:
    """A Gradescope autograder ``results.json``: one test per check or quiz question (per
    item when it is all-or-nothing or its points were set by hand), and one taking the late
    penalty, so that the tests add up to the score; ``notes`` open its output. Its
    ``extra_data`` (stored, not shown to learners) says how learner code was isolated."""
    tests = []
    for item in learner.items:
        if isinstance(item, QuizRecord):  # a quiz question is its own test
            tests.append(test(f"{item.id}: {item.title}", item, item.message, item.counts))
        elif item.all_or_nothing or item.automatic_points != item.points:
            tests.append(whole_item_test(item))
        else:
            tests += [
                test(
                    f"{item.id}: {check.description}",
                    check,
                    check.message,
                    item.counts,
                    hidden=check.visibility == "hidden",
                )  # fmt: skip
                for check in item.checks
            ]
    if learner.penalty:
        words = learner.late["in_words"] if learner.late else ""
        tests.append({"name": "Late hand-in", "score": -learner.penalty, "max_score": 0,
                      "status": "failed", "output": words, "visibility": "visible"})  # fmt: skip
    summary = f"{learner.points} of {learner.max_points} points."
    if learner.late is not None:
        summary += f" Hand-in: {learner.late['in_words']}"
    result = {
        "score": learner.points,
        "output_format": "text",
        "test_output_format": "text",
        "execution_time": round(sum(item.duration for item in learner.items), 2),
        "output": "\n\n".join(
            [*notes, summary]
            + [
                f"{item.id}: {item.message}\n{item.detail}"
                for item in learner.items
                if isinstance(item, ExerciseRecord) and item.detail
            ]
        ),
        "tests": tests,
        "extra_data": {"isolation": isolation},
    }
    return json.dumps(result, ensure_ascii=False, indent=1) + "\n"


def test(
    name: str, graded: Any, output: str, counts: bool, *, hidden: bool = False
) -> dict[str, Any]:
    """One Gradescope test from a record with points and an outcome. An item that does not
    count shows 0 of 0 points and says so."""
    return {
        "name": name + ("" if counts else " (not counted)"),
        "score": graded.points if counts else 0,
        "max_score": graded.max_points if counts else 0,
        "status": "passed" if graded.outcome == "passed" else "failed",
        "output": output,
        "visibility": "after_published" if hidden else "visible",
    }


def whole_item_test(item: ExerciseRecord) -> dict[str, Any]:
    """An exercise as one test, with its visible checks in the output: an all-or-nothing
    exercise, or one whose points the instructor set."""
    lines = [item.message]
    if item.automatic_points != item.points:
        lines.append(f"Points set by your instructor (the checks gave {item.automatic_points})"
                     + (f": {item.comment}" if item.comment else "."))  # fmt: skip
    hidden = 0
    for check in item.checks:
        if check.visibility == "hidden":
            hidden += 1
            continue
        mark = "✔" if check.outcome == "passed" else "✘"
        lines.append(
            f"{mark} {check.description}"
            + (f": {check.message}" if check.outcome != "passed" and check.message else "")
        )
    if hidden:
        lines.append(f"...and {hidden} hidden check{'s' if hidden != 1 else ''}.")
    kind = " (all or nothing)" if item.all_or_nothing else ""
    return test(f"{item.id}: {item.title}{kind}", item, "\n".join(lines), item.counts)
