"""What a grading run writes: the gradebook, every check, feedback, the class report and
Gradescope results.

Everything here is a pure function of the learner records, written in a fixed order, so
grading the same submissions again writes the same grades and feedback (durations in the
JSON files aside). Files are readable by their owner only (they hold learners' grades and
work), or by the owner's group too when the run is asked to share them (``GROUP_MODE``),
so that teaching assistants in that group can read them.
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
from .class_report import report_html
from .feedback import feedback_markdown
from .feedback_page import feedback_html
from .gradescope import gradescope_json
from .records import LearnerRecord

FORMATS = ("csv", "json", "feedback", "report", "gradescope")
DEFAULT_FORMATS = ("csv", "json", "feedback", "report")
OWNER_MODE, GROUP_MODE = 0o600, 0o640
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
    learners: list[LearnerRecord],
    out: Path,
    formats: tuple[str, ...],
    *,
    isolation: str,
    share_with_group: bool = False,
) -> list[Path]:
    """Write the chosen formats into ``out``; returns what was written.

    ``isolation`` says what stood between learner code and the grader; ``results.json``
    records it. ``share_with_group`` makes every file readable by the owner's group.
    """
    out.mkdir(parents=True, exist_ok=True)
    mode = GROUP_MODE if share_with_group else OWNER_MODE
    per_learner = functools.partial(write_per_learner, mode=mode)
    written = []
    if "csv" in formats:
        written.append(write_gradebook(learners, out / "grades.csv", mode))
    if "json" in formats:
        written.append(write_results(learners, out / "results.json", isolation, mode))
    if "feedback" in formats:
        per_learner(learners, out / "feedback", "{}.md", feedback_markdown)
        written.append(per_learner(learners, out / "feedback", "{}.html", feedback_html))
    if "report" in formats:
        report = out / "report.html"
        text = report_html(learners, isolation=isolation)
        _replace(report, lambda stream: stream.write(text), mode)
        written.append(report)
    if "gradescope" in formats:
        written.append(
            per_learner(
                learners,
                out / "gradescope",
                "{}/results.json",
                functools.partial(gradescope_json, isolation=isolation),
            )
        )
    if share_with_group:
        for folder in (out, *(path for path in out.rglob("*") if path.is_dir())):
            folder.chmod(0o750)
    return written


def write_gradebook(learners: list[LearnerRecord], path: Path, mode: int = OWNER_MODE) -> Path:
    """One row per learner: points per exercise and quiz question, total and maximum, and
    the items whose points an instructor set. The row after the header, ``(points
    possible)``, holds each column's maximum ("not counted" for items left out of totals).
    Under a late policy, the points earned (``raw``) and the ``penalty`` come before the
    total, and a last column says when the hand-in came."""
    items = learners[0].items if learners else []
    item_ids = [item.id for item in items]
    possible = [item.max_points if item.counts else "not counted" for item in items]
    maximum = learners[0].max_points if learners else 0
    late = any(learner.late is not None for learner in learners)
    rows = [
        [
            "learner",
            *item_ids,
            *(["raw", "penalty"] if late else []),
            "total",
            "max",
            "overridden",
            *(["late"] if late else []),
        ],
        [
            POSSIBLE_ROW,
            *possible,
            *([maximum, ""] if late else []),
            maximum,
            maximum,
            "",
            *([""] if late else []),
        ],
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
                *([learner.raw_points, learner.penalty] if late else []),
                learner.points,
                learner.max_points,
                overridden,
                *([late_cell(learner)] if late else []),
            ]
        )

    def render(stream) -> None:
        csv.writer(stream, lineterminator="\n").writerows(rows)

    _replace(path, render, mode)
    return path


def late_cell(learner: LearnerRecord) -> str:
    """The gradebook's lateness cell: on time, N periods late, not accepted, or no time."""
    late = learner.late
    if late is None:
        return ""
    if not late["accepted"]:
        return "not accepted"
    if late["periods_late"]:
        unit = late["per"] + ("s" if late["periods_late"] != 1 else "")
        return f"{late['periods_late']} {unit} late ({late['percent']:g}%)"
    return "on time" if late["submitted"] or late["time_source"] else "no time known"


def spreadsheet_safe(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP's rule for CSV injection):
    one starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``."""
    return "'" + cell if cell.startswith(SPREADSHEET_FORMULA_STARTS) else cell


def write_results(
    learners: list[LearnerRecord], path: Path, isolation: str, mode: int = OWNER_MODE
) -> Path:
    """Every check of every learner, with outcome, points, visibility, message and time."""
    document = {
        "checker_version": __version__,
        "isolation": isolation,
        "learners": [learner.to_json() for learner in learners],
    }
    _replace(path, lambda stream: json.dump(document, stream, ensure_ascii=False, indent=1), mode)
    return path


def write_per_learner(
    learners: list[LearnerRecord],
    folder: Path,
    name: str,
    render: Callable[[LearnerRecord], str],
    mode: int = OWNER_MODE,
) -> Path:
    """One file per learner; files of this kind left by earlier runs for others are removed."""
    current = set()
    for learner in learners:
        path = folder / name.format(learner.learner)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = render(learner)
        _replace(path, lambda stream, text=text: stream.write(text), mode)
        current.add(path)
    for stale in set(folder.glob(name.format("*"))) - current:
        stale.unlink()
        if stale.parent != folder and not any(stale.parent.iterdir()):
            stale.parent.rmdir()
    return folder


def _replace(path: Path, render: Callable[[Any], None], mode: int = OWNER_MODE) -> None:
    """Write a file atomically (a reader never sees half of it) with the given mode."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            render(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
