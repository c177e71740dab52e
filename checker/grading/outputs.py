"""What a grading run writes: the gradebook, every check, Gradescope results and feedback.

Everything here is a pure function of the learner records, written in a fixed order, so
grading the same submissions again writes the same grades and feedback (durations in the
JSON files aside).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: a grading there does not guard its output folder
    fcntl = None

from .. import __version__
from .feedback import feedback_markdown
from .records import ExerciseRecord, LearnerRecord, QuizRecord

FORMATS = ("csv", "json", "feedback", "gradescope")
DEFAULT_FORMATS = ("csv", "json", "feedback")
POSSIBLE_ROW = "(points possible)"
SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


LOCK = ".grading.lock"


class OutputBusy(RuntimeError):
    """Another grading is writing the same output folder; the message says which."""


@contextlib.contextmanager
def held(out: Path) -> Iterator[None]:
    """Hold the output folder for one grading run (creating it): a second run writing the
    same folder at once is refused, told which process holds it, instead of both running
    to the end and the last writer winning. The lock (``flock`` on ``out/.grading.lock``)
    is released when the holder ends, however it ends. A folder it created is removed again
    when the grading stops before writing anything (interrupted, or failed)."""
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    descriptor = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode(errors="replace").strip()
            raise OutputBusy(
                f"another grading is writing {out} ({holder or 'a process starting'}): wait "
                "for it to end, or choose another --out"
            ) from None
        os.ftruncate(descriptor, 0)
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.pwrite(descriptor, f"process {os.getpid()}, since {started}".encode(), 0)
        yield
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                (out / LOCK).unlink()
                out.rmdir()
        raise
    finally:
        os.close(descriptor)


def write(
    learners: list[LearnerRecord], out: Path, formats: tuple[str, ...], *, isolation: str
) -> list[Path]:
    """Write the chosen formats into ``out``; returns what was written.

    ``isolation`` says what stood between learner code and the grader; ``results.json``
    records it.
    """
    out.mkdir(parents=True, exist_ok=True)
    written = []
    if "csv" in formats:
        written.append(write_gradebook(learners, out / "grades.csv"))
    if "json" in formats:
        written.append(write_results(learners, out / "results.json", isolation))
    if "feedback" in formats:
        written.append(write_per_learner(learners, out / "feedback", "{}.md", feedback_markdown))
    if "gradescope" in formats:
        written.append(
            write_per_learner(
                learners,
                out / "gradescope",
                "{}/results.json",
                functools.partial(gradescope_json, isolation=isolation),
            )
        )
    return written


def write_gradebook(learners: list[LearnerRecord], path: Path) -> Path:
    """One row per learner: points per exercise and quiz question, total and maximum, and
    the items whose points an instructor set. The row after the header, ``(points
    possible)``, holds each column's maximum ("not counted" for items left out of totals)."""
    items = learners[0].items if learners else []
    item_ids = [item.id for item in items]
    possible = [item.max_points if item.counts else "not counted" for item in items]
    maximum = learners[0].max_points if learners else 0
    rows = [
        ["learner", *item_ids, "total", "max", "overridden"],
        [POSSIBLE_ROW, *possible, maximum, maximum, ""],
    ]
    for learner in learners:
        points = {item.id: item.points for item in learner.items}
        overridden = "; ".join(
            f"{item.id}: {item.automatic_points} -> {item.points}"
            for item in learner.items
            if item.automatic_points != item.points
        )
        rows.append(
            [
                spreadsheet_safe(learner.learner),
                *(points[i] for i in item_ids),
                learner.points,
                learner.max_points,
                overridden,
            ]
        )

    def render(stream) -> None:
        csv.writer(stream, lineterminator="\n").writerows(rows)

    _replace(path, render)
    return path


def spreadsheet_safe(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP's rule for CSV injection):
    one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``."""
    return "'" + cell if cell.startswith(SPREADSHEET_FORMULA_STARTS) else cell


def write_results(learners: list[LearnerRecord], path: Path, isolation: str) -> Path:
    """Every check of every learner, with outcome, points, visibility, message and time."""
    document = {
        "checker_version": __version__,
        "isolation": isolation,
        "learners": [learner.to_json() for learner in learners],
    }
    _replace(path, lambda stream: json.dump(document, stream, ensure_ascii=False, indent=1))
    return path


def write_per_learner(
    learners: list[LearnerRecord],
    folder: Path,
    name: str,
    render: Callable[[LearnerRecord], str],
) -> Path:
    """One file per learner; files of this kind left by earlier runs for others are removed."""
    current = set()
    for learner in learners:
        path = folder / name.format(learner.learner)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(learner)
        _replace(path, lambda stream, text=text: stream.write(text))
        current.add(path)
    for stale in set(folder.glob(name.format("*"))) - current:
        stale.unlink()
        if stale.parent != folder and not any(stale.parent.iterdir()):
            stale.parent.rmdir()
    return folder


def gradescope_json(learner: LearnerRecord, *, isolation: str) -> str:
    """A Gradescope autograder ``results.json``: one test per check or quiz question; its
    ``extra_data`` (stored, not shown to learners) says how learner code was isolated."""
    tests = []
    for item in learner.items:
        if isinstance(item, QuizRecord):  # a quiz question is its own test
            tests.append(
                gradescope_test(item.id, item.title, item, hidden=False, counts=item.counts)
            )
            continue
        for check in item.checks:
            hidden = check.visibility == "hidden"
            tests.append(
                gradescope_test(
                    item.id, check.description, check, hidden=hidden, counts=item.counts
                )
            )
    result = {
        "score": learner.points,
        "output_format": "text",
        "test_output_format": "text",
        "execution_time": round(sum(item.duration for item in learner.items), 2),
        "output": "\n\n".join(
            [f"{learner.points} of {learner.max_points} points."]
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


def gradescope_test(
    item_id: str, name: str, graded: Any, *, hidden: bool, counts: bool = True
) -> dict[str, Any]:
    """One Gradescope test from a check or quiz record (both have points and a message).
    An item that does not count shows 0 of 0 points and says so, so that the tests add up
    to the score."""
    return {
        "name": f"{item_id}: {name}" + ("" if counts else " (not counted)"),
        "score": graded.points if counts else 0,
        "max_score": graded.max_points if counts else 0,
        "status": "passed" if graded.outcome == "passed" else "failed",
        "output": graded.message,
        "visibility": "after_published" if hidden else "visible",
    }


def _replace(path: Path, render: Callable[[Any], None]) -> None:
    """Write a file atomically: a reader never sees half of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            render(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
