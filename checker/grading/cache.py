"""What earlier grading runs judged, so a run judges again only what changed.

A judged item (one exercise of one learner, or all their quiz answers) is stored under a
key made of everything its result depends on: the answer as read (source, where it came
from, the notes on it, or why there is none), the checker's code, the item, the time
limit and what stood between learner code and the grader. Points are not part of it:
the grading settings and overrides are applied to every item afresh on each run, so
changing them never costs a judging.

The cache lives in the output folder, which only the instructor writes; learner code
never runs with access to it. A cache that cannot be read is ignored (the run judges
everything), never trusted in part.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..course import Course
from .records import ItemRecord, LearnerRecord, item_from_json, item_json

CACHE_NAME = ".grading-cache.json"
CHECKER_ROOT = Path(__file__).resolve().parents[1]


@cache
def fingerprint(course: Course) -> str:
    """The checker's version and a digest of its code and of the course's packages
    (exercises, cases, migrations, solutions, and an app whose conventions judging reads):
    an author's edit changes it without a version bump. Computed once per process."""
    digest = hashlib.sha256(__version__.encode())
    outside = [f for f in course.package_folders() if CHECKER_ROOT not in (f, *f.parents)]
    for root in [CHECKER_ROOT, *outside]:
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{root.name}/{path.relative_to(root)}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def item_key(item: str, answer: Any, *, timeout: float, isolation: str, course: Course) -> str:
    """The key of one judged item: a digest of everything its result depends on."""
    described = json.dumps(
        [fingerprint(course), course.name, item, timeout, isolation, describe(answer)],
        ensure_ascii=False,
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(described.encode("utf-8", "surrogatepass")).hexdigest()


def describe(answer: Any) -> Any:
    """An answer as plain data: a dataclass by its fields (a problem by outcome and message)."""
    if hasattr(answer, "__dataclass_fields__"):
        return {name: describe(getattr(answer, name)) for name in answer.__dataclass_fields__}
    if isinstance(answer, BaseException):
        return [type(answer).__name__, *map(str, answer.args)]
    if isinstance(answer, (list, tuple)):
        return [describe(part) for part in answer]
    if isinstance(answer, dict):
        return {str(key): describe(value) for key, value in answer.items()}
    return answer


@dataclass
class LearnerEntry:
    """One learner as the last run left them: judged items by task, and their refusals."""

    items: dict[str, tuple[str, list[ItemRecord]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    hard_links: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class GradingCache:
    """Judged items by learner; ``load`` and ``save`` keep it in the output folder."""

    learners: dict[str, LearnerEntry] = field(default_factory=dict)

    def lookup(self, learner: str, task: str, key: str) -> list[ItemRecord] | None:
        """The records judged under this key, or None when the item must be judged."""
        entry = self.learners.get(learner)
        if entry is None or task not in entry.items:
            return None
        stored_key, records = entry.items[task]
        return records if stored_key == key else None

    def record(self, learner: str, task: str, key: str, records: list[ItemRecord]) -> None:
        """Keep what a task judged, under its key."""
        self.learners.setdefault(learner, LearnerEntry()).items[task] = (key, records)

    def learner_record(self, learner: str, tasks: list[str]) -> LearnerRecord:
        """The learner as last graded: their items in the order of ``tasks``."""
        entry = self.learners[learner]
        items = [record for task in tasks for record in entry.items[task][1]]
        return LearnerRecord(learner, items, refused=list(entry.refused))


def load(out: Path) -> GradingCache:
    """The cache in ``out``; empty when there is none or it cannot be read."""
    try:
        document = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
        return GradingCache(
            {
                name: LearnerEntry(
                    {
                        task: (key, [item_from_json(record) for record in records])
                        for task, (key, records) in entry["items"].items()
                    },
                    list(entry["refused"]),
                    {path: tuple(inode) for path, inode in entry["hard_links"].items()},
                )
                for name, entry in document["learners"].items()
            }
        )
    except (OSError, ValueError, KeyError, TypeError):
        return GradingCache()


def save(grading_cache: GradingCache, out: Path) -> Path:
    """Write the cache into ``out`` atomically."""
    document = {
        "learners": {
            name: {
                "items": {
                    task: [key, [item_json(record) for record in records]]
                    for task, (key, records) in entry.items.items()
                },
                "refused": entry.refused,
                "hard_links": entry.hard_links,
            }
            for name, entry in sorted(grading_cache.learners.items())
        }
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / CACHE_NAME
    handle, temporary = tempfile.mkstemp(dir=out, prefix=f"{CACHE_NAME}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
