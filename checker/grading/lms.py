"""Grades and feedback back to Canvas: a grade import and a feedback zip.

A roster (CSV with ``learner``, ``lms_id`` and ``name``; ``section``, ``sis_user_id`` and
``sis_login_id`` when the LMS has them) ties each learner folder to an LMS account. The
export has Canvas's columns (Student, ID, SIS User ID, SIS Login ID, Section), one column
for the assignment, and Canvas's "Points Possible" row. A learner on the roster with no
grade gets an empty cell (Canvas leaves that grade as it is), or 0 when asked; a graded
learner missing from the roster is left out. Both are reported. The totals may be scaled
to the Canvas assignment's points.

The feedback zip is what Canvas's "Re-upload Submissions" takes: one HTML page per learner
named ``<name>_<user id>_<file id>_feedback.html``, the ids of the file the learner handed
in (as the bulk download named it), which Canvas attaches to that submission as a comment.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from .feedback_page import feedback_html
from .names import LEARNER_NAME
from .outputs import spreadsheet_safe
from .records import LearnerRecord, cents, from_cents, tidy

ROSTER_COLUMNS = ("learner", "lms_id", "name")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


class ExportError(ValueError):
    """A roster or grading output that cannot be used; the message says what and where."""


class RosterError(ExportError):
    """The roster cannot be used."""


class GradesError(ExportError):
    """The grading output cannot be used."""


@dataclass(frozen=True)
class Export:
    """The file written, and the learners found on one side only."""

    path: Path
    not_graded: list[str]
    not_on_roster: list[str]
    feedback: Path | None = None
    without_feedback: list[str] = field(default_factory=list)


def read_roster(path: Path) -> list[dict[str, str]]:
    """The roster's rows, checked: the required columns, and each learner once."""
    try:
        rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"{path}: {error}") from None
    if not rows or not set(ROSTER_COLUMNS) <= set(rows[0]):
        raise RosterError(f"{path}: the roster needs the columns {', '.join(ROSTER_COLUMNS)}")
    learners: dict[str, int] = {}
    ids: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not row["learner"] or not row["lms_id"]:
            raise RosterError(f"{path}, line {number}: a learner and an LMS id are required")
        if not LEARNER_NAME.fullmatch(row["learner"]):
            raise RosterError(
                f"{path}, line {number}: {row['learner']!r} cannot name a learner (letters, "
                "digits and . _ @ + -, starting with a letter or digit, as folders are named)"
            )
        for column, seen in (("learner", learners), ("lms_id", ids)):
            if row[column] in seen:
                raise RosterError(
                    f"{path}, line {number}: {column} {row[column]!r} is on line "
                    f"{seen[row[column]]} too"
                )
            seen[row[column]] = number
    return rows


def read_learners(grades: Path) -> list[LearnerRecord]:
    """The learners of a grading run, from its ``results.json``."""
    path = Path(grades) / "results.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return [LearnerRecord.from_json(learner) for learner in document["learners"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GradesError(f"{path}: not the results of a grading run ({error})") from None


def scaled(points: float, maximum: float, points_possible: float | None) -> float:
    """Points on the LMS assignment's scale, to the hundredth (unchanged without one)."""
    if points_possible is None or not maximum:
        return points
    exact = Fraction(cents(points)) * Fraction(points_possible) / Fraction(cents(maximum))
    return from_cents(round(exact * 100))


def export_canvas(
    grades: Path,
    roster: Path,
    out: Path,
    assignment: str,
    *,
    missing_as_zero: bool = False,
    points_possible: float | None = None,
    feedback_zip: Path | None = None,
) -> Export:
    """Write ``out``, a Canvas grade import of the totals in ``grades`` for ``roster``;
    with ``feedback_zip``, the learners' feedback pages for "Re-upload Submissions"."""
    rows = read_roster(roster)
    learners = read_learners(grades)
    totals = {learner.learner: learner.points for learner in learners}
    possible = max((learner.max_points for learner in learners), default=0)
    shown_possible = possible if points_possible is None else tidy(points_possible)
    missing = 0 if missing_as_zero else ""
    table = [[*CANVAS_COLUMNS, assignment], ["Points Possible", "", "", "", "", shown_possible]]
    for row in rows:
        total = totals.get(row["learner"])
        table.append(
            [
                spreadsheet_safe(row["name"]),
                spreadsheet_safe(row["lms_id"]),
                spreadsheet_safe(row.get("sis_user_id") or ""),
                spreadsheet_safe(row.get("sis_login_id") or ""),
                spreadsheet_safe(row.get("section") or ""),
                missing if total is None else scaled(total, possible, points_possible),
            ]
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(table)
    on_roster = {row["learner"] for row in rows}
    without_feedback = write_feedback_zip(learners, Path(feedback_zip)) if feedback_zip else []
    return Export(
        out,
        sorted(on_roster - set(totals)),
        sorted(set(totals) - on_roster),
        Path(feedback_zip) if feedback_zip else None,
        without_feedback,
    )


def write_feedback_zip(learners: list[LearnerRecord], path: Path) -> list[str]:
    """Write the feedback zip for Canvas's "Re-upload Submissions"; returns the learners
    left out because their work did not come from a Canvas bulk download (no ids)."""
    left_out = []
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for learner in learners:
            user_id, file_id = learner.handin.get("lms_id"), learner.handin.get("lms_file_id")
            if learner.handin.get("lms") != "Canvas" or not user_id or not file_id:
                left_out.append(learner.learner)
                continue
            name = re.sub(r"[^A-Za-z]", "", learner.learner).lower() or "learner"
            packed.writestr(f"{name}_{user_id}_{file_id}_feedback.html", feedback_html(learner))
    return left_out
