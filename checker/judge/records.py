"""The records grading produces, one shape each: this file declares ``results.json``.

A ``LearnerRecord`` holds one ``ExerciseRecord`` per exercise (with a ``CheckRecord`` per
check, "not run" ones included) and one ``QuizRecord`` per quiz question. They are plain
data, so they cross process boundaries and become JSON unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .. import __version__


@dataclass(frozen=True)
class CheckRecord:
    """One check of one learner's exercise: ``id`` is ``<exercise id>/<check name>``."""

    id: str
    description: str
    outcome: str
    points: int
    max_points: int
    visibility: str
    message: str
    duration: float = 0.0


@dataclass
class GradedItem:
    """What every graded item has: an id, a title, an outcome, points and a message."""

    id: str
    title: str
    outcome: str
    points: int
    max_points: int
    message: str


@dataclass
class ExerciseRecord(GradedItem):
    """One exercise of one learner: outcome, points and every planned check."""

    detail: str
    graded_from: str
    notes: list[str]
    duration: float
    checks: list[CheckRecord]
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
    "detail",
    "graded_from",
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

    @property
    def points(self) -> int:
        """Points earned over every item."""
        return sum(item.points for item in self.items)

    @property
    def max_points(self) -> int:
        """Points possible over every item."""
        return sum(item.max_points for item in self.items)

    def to_json(self) -> dict[str, Any]:
        """The learner as ``results.json`` holds it."""
        return {
            "learner": self.learner,
            "points": self.points,
            "max_points": self.max_points,
            "refused": list(self.refused),
            "items": [item_json(item) for item in self.items],
        }


def item_json(item: ItemRecord) -> dict[str, Any]:
    """An item as ``results.json`` holds it, keys in a fixed order."""
    record = asdict(item)
    return {key: record[key] for key in ITEM_KEYS if key in record}
