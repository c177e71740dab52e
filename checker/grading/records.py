"""The records grading produces, one shape each: this file declares ``results.json``.

A ``LearnerRecord`` holds one ``ExerciseRecord`` per exercise (with a ``CheckRecord`` per
check, "not run" ones included) and one ``QuizRecord`` per quiz question. They are plain
data, so they cross process boundaries and become JSON unchanged, and are read back from
it (``LearnerRecord.from_json``) when a later run regrades only some learners.

An item's ``points`` are its final points: after the grading settings weighted its checks
and an instructor's override, if any, replaced ``automatic_points`` (with a ``comment``).
An item that does not ``count`` is graded and shown, but left out of the totals. A
learner's ``points`` are the items' points (``raw_points``) less the ``penalty`` a late
hand-in cost (``late`` says why); ``handin`` says where their work came from (the archive,
the LMS's ids for it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any

from .. import __version__


@dataclass(frozen=True)
class CheckRecord:
    """One check of one learner's exercise: ``id`` is ``<exercise id>/<check name>``."""

    id: str
    description: str
    outcome: str
    points: float
    max_points: float
    visibility: str
    message: str
    duration: float = 0.0


@dataclass
class GradedItem:
    """What every graded item has: an id, a title, an outcome, points and a message; the
    points before an override, the override's comment, and whether the item counts."""

    id: str
    title: str
    outcome: str
    points: float
    max_points: float
    message: str
    automatic_points: float | None = None
    comment: str = ""
    counts: bool = True


@dataclass
class ExerciseRecord(GradedItem):
    """One exercise of one learner: outcome, points and every planned check."""

    detail: str = ""
    graded_from: str = ""
    answer: str = ""
    all_or_nothing: bool = False
    notes: list[str] = field(default_factory=list)
    duration: float = 0.0
    checks: list[CheckRecord] = field(default_factory=list)
    kind: str = "exercise"
    checker_version: str = __version__


@dataclass
class QuizRecord(GradedItem):
    """One quiz question of one learner, judged again from the saved answer."""

    duration: float = 0.0
    kind: str = "quiz"
    checker_version: str = __version__


ItemRecord = ExerciseRecord | QuizRecord
ITEM_KEYS = (
    "id",
    "kind",
    "title",
    "outcome",
    "points",
    "max_points",
    "message",
    "automatic_points",
    "comment",
    "counts",
    "detail",
    "graded_from",
    "answer",
    "all_or_nothing",
    "notes",
    "duration",
    "checker_version",
    "checks",
)


@dataclass
class LearnerRecord:
    """Everything graded for one learner, in the course's order of items, and the files of
    their folder that were refused (links, files linked from elsewhere), with why."""

    learner: str
    items: list[ItemRecord] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    handin: dict[str, Any] = field(default_factory=dict)
    late: dict[str, Any] | None = None
    penalty: float = 0

    @property
    def raw_points(self) -> float:
        """Points earned over every item that counts, before any late penalty."""
        return total_points([item.points for item in self.items if item.counts])

    @property
    def points(self) -> float:
        """Points earned over every item that counts, less the late penalty."""
        return from_cents(cents(self.raw_points) - cents(self.penalty))

    @property
    def max_points(self) -> float:
        """Points possible over every item that counts."""
        return total_points([item.max_points for item in self.items if item.counts])

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> LearnerRecord:
        """A learner as ``results.json`` holds it (``to_json``), read back."""
        return cls(
            record["learner"],
            [item_from_json(item) for item in record["items"]],
            refused=list(record.get("refused", [])),
            handin=dict(record.get("handin", {})),
            late=record.get("late"),
            penalty=record.get("penalty", 0),
        )

    def to_json(self) -> dict[str, Any]:
        """The learner as ``results.json`` holds it."""
        return {
            "learner": self.learner,
            "points": self.points,
            "max_points": self.max_points,
            "raw_points": self.raw_points,
            "penalty": self.penalty,
            "late": self.late,
            "handin": dict(self.handin),
            "refused": list(self.refused),
            "items": [item_json(item) for item in self.items],
        }


def item_from_json(record: dict[str, Any]) -> ItemRecord:
    """An item as ``results.json`` holds it, read back."""
    fields = dict(record)
    if fields.get("kind") == "quiz":
        return QuizRecord(**fields)
    fields["checks"] = [CheckRecord(**check) for check in fields.get("checks", [])]
    return ExerciseRecord(**fields)


def item_json(item: ItemRecord) -> dict[str, Any]:
    """An item as ``results.json`` holds it, keys in a fixed order."""
    record = asdict(item)
    return {key: record[key] for key in ITEM_KEYS if key in record}


def tidy(points: float) -> float:
    """Points rounded to hundredths, whole numbers as integers (``7``, not ``7.0``)."""
    points = round(points, 2)
    return int(points) if points == int(points) else points


def cents(points: float) -> int:
    """Points in hundredths, the unit every total is added up in."""
    return round(Fraction(points) * 100)


def from_cents(hundredths: int) -> float:
    """Hundredths back to points, as records hold them (``7``, not ``7.0``)."""
    return tidy(hundredths / 100)


def total_points(points: list[float]) -> float:
    """The exact sum of points (each a whole number of hundredths)."""
    return from_cents(sum(cents(p) for p in points))
