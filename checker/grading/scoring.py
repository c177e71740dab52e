"""Points as the instructor sets them: a grading settings file and a list of overrides.

The checks give each item its automatic result; scoring turns results into points. The
settings file (TOML) may weight checks, set an exercise's or a quiz question's points,
make an exercise all-or-nothing, and say which items count::

    counted = ["0*", "1*"]          # ids (shell patterns) of the items in the totals
                                     # (default: every item but the practice exercises)

    [exercises."03-add-role"]
    points = 10                      # the exercise's points, shared by its checks' weights
    all_or_nothing = true            # every check must pass, or no point

    [exercises."08-display-name".checks]
    upgrade-data = 3                 # a check's weight (default: the points it declares)

    [quizzes]
    points = 0.5                     # every quiz question...

    [quizzes."01-create-all"]
    points = 2                       # ...but this one

    [late]                           # a late policy (``checker.grading.deadlines``)
    due = 2027-01-15T23:59:00+01:00
    penalty = 10                     # percent per started day late

An overrides file (CSV with ``learner,item,points,comment``) then replaces the points of a
learner's item, keeping the automatic points and the comment beside them.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import math
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..course import Course
from .deadlines import DeadlineError, LatePolicy, load_policy
from .records import (
    CheckRecord,
    ExerciseRecord,
    LearnerRecord,
    QuizRecord,
    cents,
    from_cents,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class SettingsError(ValueError):
    """A settings or overrides file that cannot be used; the message says what and where."""


@dataclass(frozen=True)
class Settings:
    """The grading settings; the defaults are a point per check and per quiz question."""

    counted: tuple[str, ...] | None = None
    exercises: dict[str, dict[str, Any]] = field(default_factory=dict)
    quiz_points: float = 1
    quizzes: dict[str, float] = field(default_factory=dict)
    late: LatePolicy | None = None

    def counts(self, item_id: str, *, practice: bool = False) -> bool:
        """Whether an item is in the totals: by default every item but the practice
        exercises; with ``counted``, the items its patterns match."""
        if self.counted is None:
            return not practice
        return any(fnmatch.fnmatchcase(item_id, pattern) for pattern in self.counted)


@dataclass(frozen=True)
class Override:
    """An instructor's points for one learner's item, and why."""

    learner: str
    item: str
    points: float
    comment: str
    line: int = 0


def load_settings(course: Course, path: Path | None) -> Settings:
    """The settings in a TOML file (the defaults when ``path`` is None), checked against the
    course: an unknown exercise, check or question is an error, not a silent no-op."""
    if path is None:
        return Settings()
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: {error}") from None
    unknown = set(document) - {"counted", "exercises", "quizzes", "late"}
    if unknown:
        raise SettingsError(f"{path}: unknown settings {sorted(unknown)}")
    counted = document.get("counted")
    if counted is not None and (
        not isinstance(counted, list) or not all(isinstance(p, str) for p in counted)
    ):
        raise SettingsError(f"{path}: counted must be a list of item ids or patterns")
    exercises = document.get("exercises", {})
    for exercise_id, options in exercises.items():
        exercise = course.exercises.get(exercise_id)
        if exercise is None:
            raise SettingsError(f"{path}: no exercise {exercise_id!r}")
        names = {check.name for check in exercise.checks()}
        for check_name, weight in options.get("checks", {}).items():
            if check_name not in names:
                raise SettingsError(f"{path}: {exercise_id} has no check {check_name!r}")
            require_points(path, f"{exercise_id}.{check_name}", weight)
        if "points" in options:
            require_points(path, exercise_id, options["points"])
        extra = set(options) - {"points", "all_or_nothing", "checks"}
        if extra:
            raise SettingsError(f"{path}: unknown settings for {exercise_id}: {sorted(extra)}")
    quizzes = dict(document.get("quizzes", {}))
    quiz_points = quizzes.pop("points", 1)
    require_points(path, "quizzes.points", quiz_points)
    per_question = {}
    for question_id, options in quizzes.items():
        if question_id not in course.questions:
            raise SettingsError(f"{path}: no quiz question {question_id!r}")
        require_points(path, question_id, options.get("points"))
        per_question[question_id] = options["points"]
    try:
        late = load_policy(path, document["late"]) if "late" in document else None
    except DeadlineError as error:
        raise SettingsError(str(error)) from None
    return Settings(
        None if counted is None else tuple(counted), exercises, quiz_points, per_question, late
    )


def require_points(path: Path, where: str, value: Any) -> None:
    """Points are a number, zero or more."""
    if type(value) not in (int, float) or value < 0:
        raise SettingsError(f"{path}: the points of {where} must be a number, 0 or more")


def load_overrides(course: Course, path: Path | None) -> list[Override]:
    """The overrides in a CSV file with the columns ``learner,item,points,comment``."""
    if path is None:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: {error}") from None
    rows = csv.DictReader(io.StringIO(text))
    if not {"learner", "item", "points"} <= set(rows.fieldnames or []):
        raise SettingsError(f"{path}: the columns must be learner,item,points,comment")
    overrides = []
    first_line: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows, start=2):
        try:
            points = float(row["points"])
        except (TypeError, ValueError):
            raise SettingsError(f"{path}, line {number}: points {row['points']!r}") from None
        if not math.isfinite(points) or points < 0:
            raise SettingsError(f"{path}, line {number}: points must be zero or more, not {points}")
        if row["item"] not in course.exercises and row["item"] not in course.questions:
            raise SettingsError(f"{path}, line {number}: no exercise or question {row['item']!r}")
        key = (row["learner"], row["item"])
        if key in first_line:
            raise SettingsError(
                f"{path}, line {number}: a second override for {key[0]!r} ({key[1]}); the first "
                f"is on line {first_line[key]}"
            )
        first_line[key] = number
        overrides.append(
            Override(row["learner"], row["item"], points, row.get("comment") or "", number)
        )
    return overrides


def score(
    course: Course, learners: list[LearnerRecord], settings: Settings, overrides: list[Override]
) -> list[str]:
    """Set every item's points from its checks, the settings and the overrides (in place).

    Returns a warning for each override naming a learner who is not in the class or giving
    more than the item's maximum, and for each ``counted`` pattern that matches no item.
    """
    by_key = {(o.learner, o.item): o for o in overrides}
    warnings: list[str] = []
    for learner in learners:
        for item in learner.items:
            if isinstance(item, ExerciseRecord):
                score_exercise(course, item, settings.exercises.get(item.id, {}))
            else:
                score_quiz(item, settings.quizzes.get(item.id, settings.quiz_points))
            exercise = course.exercises.get(item.id)
            item.counts = settings.counts(item.id, practice=bool(exercise and exercise.practice))
            item.automatic_points, item.comment = item.points, ""
            override = by_key.get((learner.learner, item.id))
            if override is not None:
                item.points, item.comment = from_cents(cents(override.points)), override.comment
                if override.points > item.max_points:
                    warnings.append(
                        f"override for {override.learner!r} ({override.item}, line "
                        f"{override.line}): {override.points:g} points, above the item's "
                        f"{item.max_points:g}"
                    )
    names = {learner.learner for learner in learners}
    warnings += [
        f"override for {o.learner!r} ({o.item}, line {o.line}): no such learner in the class"
        for o in overrides
        if o.learner not in names
    ]
    items = [*course.exercises, *course.questions]
    warnings += [
        f"counted pattern {pattern!r} matches no exercise or quiz question: a typo?"
        for pattern in settings.counted or ()
        if not any(fnmatch.fnmatchcase(item_id, pattern) for item_id in items)
    ]
    return warnings


def score_exercise(course: Course, item: ExerciseRecord, options: dict[str, Any]) -> None:
    """Each check's points from its weight and the exercise's points; all-or-nothing aside.

    Points are shared in hundredths so that they add up exactly: the exercise's points are
    split over its checks by weight, and the hundredths left over by rounding go to the
    checks with the largest remainders. Passing every check gives exactly the exercise's
    points, failing every check exactly zero, and the checks always add up to the item.
    """
    declared = {check.name: check.points for check in course.exercises[item.id].checks()}
    weights = {name: declared.get(name, 1) for name in (c.id.split("/", 1)[1] for c in item.checks)}
    weights |= options.get("checks", {})
    total = cents(options.get("points", sum(weights.values())))
    shares = apportion(total, [weights[check.id.split("/", 1)[1]] for check in item.checks])
    all_passed = all(check.outcome == "passed" for check in item.checks)
    lost_all = options.get("all_or_nothing") and not all_passed
    checks = []
    for check, share in zip(item.checks, shares, strict=True):
        earned = share if check.outcome == "passed" and not lost_all else 0
        checks.append(replace_points(check, from_cents(earned), from_cents(share)))
    item.checks = checks
    item.all_or_nothing = bool(options.get("all_or_nothing"))
    item.max_points = from_cents(total)
    item.points = from_cents(sum(cents(check.points) for check in checks))


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` hundredths in proportion to ``weights``: each share rounded down,
    then the hundredths left go one each to the largest remainders (earliest first on a
    tie), so the shares always add up to ``total`` (equally when every weight is 0)."""
    if not weights:
        return []
    if not any(weights):  # every check weighted 0: the points are shared equally
        weights = [1 for _ in weights]
    weight_sum = sum(Fraction(w) for w in weights)
    exact = [total * Fraction(w) / weight_sum for w in weights]
    shares = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def score_quiz(item: QuizRecord, points: float) -> None:
    """A quiz question is worth its points when right."""
    item.max_points = from_cents(cents(points))
    item.points = item.max_points if item.outcome == "passed" else 0


def replace_points(check: CheckRecord, points: float, possible: float) -> CheckRecord:
    """A check record with other points."""
    fields = {**check.__dict__, "points": points, "max_points": possible}
    return CheckRecord(**fields)
