"""A Gradescope autograder for the course: each upload graded in its own container, by
the same code and with the same settings as local grading.

``autograder.zip`` holds ``setup.sh`` (run once when Gradescope builds the image: Python,
a virtual environment, the checker at its pinned versions and, when the course is a
distribution of its own, that too), ``run_autograder`` (run for each upload:
``python -m checker autograde gradescope``), the packages themselves and the grading
settings. Gradescope puts an upload in ``/autograder/submission``, its metadata (the
submission's time, the due dates) in ``/autograder/submission_metadata.json``, and reads
``/autograder/results/results.json``. ``run_autograder`` takes its root from
``AUTOGRADER_ROOT`` and its Python from ``COURSE_PYTHON`` when they are set, so the round
trip can be tried on any machine.
"""

from __future__ import annotations

import json
import shlex
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from ..course import Course
from ..grading.gradescope import gradescope_json
from ..grading.records import LearnerRecord
from ..grading.scoring import load_settings

COURSE_ROOT = Path(__file__).resolve().parents[2]
PACKAGED = ("pyproject.toml", "README.md", "checker", "sample_app")
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
SETTINGS_NAME = "settings.toml"

SETUP = """\
#!/usr/bin/env bash
# Run once by Gradescope when it builds the autograder's image (Ubuntu, as root).
set -euo pipefail
apt-get update -q
apt-get install -y -q python3 python3-venv python3-pip util-linux
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet /autograder/source/course
if [ -d /autograder/source/own-course ]; then
  /autograder/venv/bin/pip install --quiet --no-deps /autograder/source/own-course
fi
"""

RUN = """\
#!/usr/bin/env bash
# Run by Gradescope for each upload: `python -m checker autograde gradescope` grades it as
# local grading grades a class of one. What it prints is the autograder's output, which
# Gradescope shows to instructors.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{COURSE_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
cd "$ROOT/source/course"
"$PYTHON" -m checker --course {course} autograde gradescope --root "$ROOT" \\
  --settings "$ROOT/source/{settings}" {isolation}2>&1
if [ ! -s "$ROOT/results/results.json" ]; then  # the checker could not even start
  echo {failure} >"$ROOT/results/results.json"
fi
exit 0
"""
FAILURE = (
    "The autograder could not grade this upload. This is the grader's problem, not your "
    "answer's; your instructor sees what went wrong in the autograder's output."
)
NAME = "Gradescope"
UPLOAD = "submission"
RESULTS = "results/results.json"
METADATA = "submission_metadata.json"


def build_autograder(
    course: Course,
    destination: Path,
    settings: Path | None = None,
    *,
    trusted_submissions: bool = False,
) -> Path:
    """Write ``autograder.zip`` grading ``course`` into ``destination``; returns its path.

    ``settings`` (checked now, not at the first upload) sets the points, as in local
    grading; ``trusted_submissions`` grades without the Linux boundary, for containers
    that cannot create namespaces (each upload has its own container there, but learner
    code could then write its own results).
    """
    settings_text = Path(settings).read_text(encoding="utf-8") if settings else ""
    load_settings(course, settings)
    destination.mkdir(parents=True, exist_ok=True)
    archive = destination / "autograder.zip"
    isolation = "--trusted-submissions " if trusted_submissions else ""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        executable(packed, "setup.sh", SETUP)
        executable(
            packed,
            "run_autograder",
            RUN.format(
                settings=SETTINGS_NAME,
                isolation=isolation,
                course=shlex.quote(course.reference or course.name),
                failure=shlex.quote(failure_results().strip()),
            ),
        )
        packed.writestr(SETTINGS_NAME, settings_text)
        pack_folder(packed, COURSE_ROOT, PACKAGED, "course")
        own = course.folder.resolve()
        if own != COURSE_ROOT and (own / "pyproject.toml").is_file():
            pack_folder(packed, own, ("pyproject.toml", *course.shipped), "own-course")
    return archive


def pack_folder(packed: zipfile.ZipFile, root: Path, names: tuple[str, ...], into: str) -> None:
    """Add the entries ``names`` of ``root`` (files and whole folders) under ``into``."""
    for name in names:
        source = root / name
        files = [source] if source.is_file() else sorted(source.rglob("*"))
        for path in files:
            if path.is_file() and not SKIPPED_PARTS & set(path.parts):
                packed.write(path, f"{into}/{path.relative_to(root)}")


def executable(packed: zipfile.ZipFile, name: str, text: str) -> None:
    """Add a script that unpacks as executable."""
    entry = zipfile.ZipInfo(name)
    entry.external_attr = 0o100755 << 16
    packed.writestr(entry, text)


def hand_in(root: Path) -> tuple[datetime, datetime | None, datetime | None] | None:
    """When Gradescope received the upload, and the due date and late due date it holds
    for these learners (an extension included, the latest of a group's), from
    ``submission_metadata.json``; None when there is none to read."""
    try:
        metadata = json.loads((root / METADATA).read_text(encoding="utf-8"))
        submitted = datetime.fromisoformat(metadata["created_at"])
        assignment = metadata.get("assignment") or {}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    dues = [assignment.get("due_date")]
    lates = [assignment.get("late_due_date")]
    for user in metadata.get("users") or []:
        own = user.get("assignment") if isinstance(user, dict) else None
        if isinstance(own, dict):
            dues.append(own.get("due_date"))
            lates.append(own.get("late_due_date"))
    return submitted, latest(dues), latest(lates)


def latest(values: list[Any]) -> datetime | None:
    """The latest of the date-times given as ISO 8601 text (others ignored), or None."""
    found = []
    for value in values:
        try:
            found.append(datetime.fromisoformat(value))
        except (TypeError, ValueError):
            continue
    aware = [value for value in found if value.tzinfo is not None]
    return max(aware, default=None)


def results(record: LearnerRecord, isolation: str, notes: list[str]) -> str:
    """Gradescope's ``results.json`` for the graded learner."""
    return gradescope_json(record, isolation=isolation, notes=notes)


def problem_results(problem: str) -> str:
    """The results of an upload that holds nothing to grade: what was found and what to
    upload, and no test."""
    return json.dumps({"score": 0, "output": problem, "tests": []}, ensure_ascii=False) + "\n"


def failure_results() -> str:
    """The results when the grader itself failed: a short message for the learner (the
    log went to the autograder's output, which instructors see)."""
    return json.dumps({"score": 0, "output": FAILURE, "tests": []}) + "\n"
