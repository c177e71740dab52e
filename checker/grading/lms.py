"""The gradebook in the columns a Canvas grade import expects.

A roster (CSV with ``learner``, ``lms_id`` and ``name``; ``section``, ``sis_user_id`` and
``sis_login_id`` when the LMS has them) ties each learner folder to an LMS account. The
export has Canvas's columns (Student, ID, SIS User ID, SIS Login ID, Section), one column
for the assignment, and Canvas's "Points Possible" row. A learner on the roster with no
grade gets an empty cell (Canvas leaves that grade as it is); a graded learner missing
from the roster is left out. Both are reported.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .outputs import spreadsheet_safe

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


def read_roster(path: Path) -> list[dict[str, str]]:
    """The roster's rows, checked: the required columns, and each learner once."""
    try:
        rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"{path}: {error}") from None
    if not rows or not set(ROSTER_COLUMNS) <= set(rows[0]):
        raise RosterError(f"{path}: the roster needs the columns {', '.join(ROSTER_COLUMNS)}")
    seen = set()
    for number, row in enumerate(rows, start=2):
        if not row["learner"] or not row["lms_id"]:
            raise RosterError(f"{path}, line {number}: a learner and an LMS id are required")
        if row["learner"] in seen:
            raise RosterError(f"{path}, line {number}: {row['learner']!r} is listed twice")
        seen.add(row["learner"])
    return rows


def read_totals(grades: Path) -> tuple[dict[str, float], float]:
    """Each learner's total and the points possible, from a grading run's ``results.json``."""
    path = Path(grades) / "results.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        learners = document["learners"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GradesError(f"{path}: not the results of a grading run ({error})") from None
    totals = {learner["learner"]: learner["points"] for learner in learners}
    possible = max((learner["max_points"] for learner in learners), default=0)
    return totals, possible


def export_canvas(grades: Path, roster: Path, out: Path, assignment: str) -> Export:
    """Write ``out``, a Canvas grade import of the totals in ``grades`` for ``roster``."""
    rows = read_roster(roster)
    totals, possible = read_totals(grades)
    table = [[*CANVAS_COLUMNS, assignment], ["Points Possible", "", "", "", "", possible]]
    for row in rows:
        table.append(
            [
                spreadsheet_safe(row["name"]),
                spreadsheet_safe(row["lms_id"]),
                spreadsheet_safe(row.get("sis_user_id") or ""),
                spreadsheet_safe(row.get("sis_login_id") or ""),
                spreadsheet_safe(row.get("section") or ""),
                totals.get(row["learner"], ""),
            ]
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(table)
    on_roster = {row["learner"] for row in rows}
    return Export(
        out,
        sorted(on_roster - set(totals)),
        sorted(set(totals) - on_roster),
    )
