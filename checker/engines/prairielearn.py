"""A PrairieLearn external grader for the course: a grader image, its entrypoint, and an
example question taking the hand-in.

PrairieLearn runs one container per submission from the question's image, with the
learner's uploaded files in ``/grade/student``, the question's ``tests/`` in
``/grade/tests``, the course's ``serverFilesCourse`` folders it names in
``/grade/serverFilesCourse``, and the job's data in ``/grade/data/data.json``; it reads
``/grade/results/results.json`` (``gradable``, ``score`` from 0 to 1, ``message``,
``output`` and ``tests[]`` with ``name``, ``points``, ``max_points``, ``message`` and
``output``), at most 1 MB of it. ``python -m checker prairielearn`` writes the image's
``Dockerfile`` (the course installed at its pinned versions), the entrypoint and settings
to put in ``serverFilesCourse``, and the question. The entrypoint takes its root from
``GRADE_ROOT`` and its Python from ``COURSE_PYTHON`` when they are set, so the round trip
can be tried on any machine.
"""

from __future__ import annotations

import json
import shlex
import shutil
import uuid
from pathlib import Path
from typing import Any

from ..course import Course
from ..grading.records import ExerciseRecord, LearnerRecord, QuizRecord
from ..grading.scoring import load_settings
from .gradescope import COURSE_ROOT, PACKAGED, SKIPPED_PARTS

NAME = "PrairieLearn"
UPLOAD = "student"
RESULTS = "results/results.json"
MAX_RESULTS_BYTES = 1_000_000
BASE_IMAGE = "python:3.13-slim"  # a public image PrairieLearn's documentation allows
GRADER_FOLDER = "migrations_grader"
FAILURE = (
    "The grader could not grade this submission. This is the grader's problem, not your "
    "answer's; your instructor can read what went wrong in the grading job's log."
)

DOCKERFILE = """\
# The grader image for the course's PrairieLearn questions: Python with the course's checker
# installed at its pinned versions. PrairieLearn runs images for linux/amd64; build and push:
#   docker build --platform linux/amd64 -t YOUR-REGISTRY/migrations-grader .
FROM {base}
COPY course /opt/course
RUN python3 -m pip install --no-cache-dir /opt/course && rm -rf /opt/course
"""

ENTRYPOINT = """\
#!/usr/bin/env bash
# Run by PrairieLearn for each submission: `python -m checker autograde prairielearn`
# grades /grade/student as local grading grades a class of one; what it prints is the
# grading job's log.
set -uo pipefail
ROOT="${{GRADE_ROOT:-/grade}}"
PYTHON="${{COURSE_PYTHON:-python3}}"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$ROOT/results"
rm -f "$ROOT/results/results.json"
"$PYTHON" -m checker --course {course} autograde prairielearn --root "$ROOT" \\
  --settings "$HERE/settings.toml" {isolation}2>&1
if [ ! -s "$ROOT/results/results.json" ]; then  # the checker could not even start
  echo {failure} >"$ROOT/results/results.json"
fi
exit 0
"""

QUESTION_HTML = """\
<pl-question-panel>
  <p>Hand in your work on the course {title}: in your course folder, run
  <code>handin("your-name")</code> in a notebook (or
  <code>python -m checker handin --learner your-name</code>), then upload the archive it
  wrote, <code>handin/your-name.zip</code> (or the notebooks and saved answers it holds).
  Every exercise and quiz question is graded, hidden checks included.</p>
  <pl-file-upload optional-file-patterns="*.zip,*.ipynb,*.py,*.json"></pl-file-upload>
</pl-question-panel>

<pl-submission-panel>
  <pl-external-grader-results></pl-external-grader-results>
  <pl-file-preview></pl-file-preview>
</pl-submission-panel>
"""


def build_grader(
    course: Course,
    destination: Path,
    settings: Path | None = None,
    *,
    trusted_submissions: bool = False,
) -> Path:
    """Write the image's files (``image/``), the ``serverFilesCourse`` folder and an
    example question (``questions/<course>/``) into ``destination``; returns it."""
    load_settings(course, settings)
    destination.mkdir(parents=True, exist_ok=True)
    image = destination / "image"
    copy_tree(COURSE_ROOT, PACKAGED, image / "course")
    (image / "Dockerfile").write_text(DOCKERFILE.format(base=BASE_IMAGE), encoding="utf-8")
    grader = destination / "serverFilesCourse" / GRADER_FOLDER
    grader.mkdir(parents=True, exist_ok=True)
    entrypoint = grader / "run.sh"
    entrypoint.write_text(
        ENTRYPOINT.format(
            course=shlex.quote(course.reference or course.name),
            isolation="--trusted-submissions " if trusted_submissions else "",
            failure=shlex.quote(failure_results().strip()),
        ),
        encoding="utf-8",
    )
    entrypoint.chmod(0o755)
    settings_text = Path(settings).read_text(encoding="utf-8") if settings else ""
    (grader / "settings.toml").write_text(settings_text, encoding="utf-8")
    question = destination / "questions" / course.name
    question.mkdir(parents=True, exist_ok=True)
    (question / "info.json").write_text(json.dumps(question_info(course), indent=2) + "\n")
    (question / "question.html").write_text(QUESTION_HTML.format(title=course.name))
    return destination


def question_info(course: Course) -> dict[str, Any]:
    """The example question's ``info.json``: graded externally by the course's image."""
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"checker:{course.name}:handin")),
        "title": f"Hand in the course {course.name}",
        "topic": course.name,
        "type": "v3",
        "gradingMethod": "External",
        "singleVariant": True,
        "externalGradingOptions": {
            "image": "YOUR-REGISTRY/migrations-grader",
            "serverFilesCourse": [f"{GRADER_FOLDER}/"],
            "entrypoint": f"/grade/serverFilesCourse/{GRADER_FOLDER}/run.sh",
            "timeout": 600,
        },
    }


def copy_tree(root: Path, names: tuple[str, ...], into: Path) -> None:
    """Copy the entries ``names`` of ``root`` (files and whole folders) into ``into``."""
    for name in names:
        source = root / name
        files = [source] if source.is_file() else sorted(source.rglob("*"))
        for path in files:
            if path.is_file() and not SKIPPED_PARTS & set(path.parts):
                target = into / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def hand_in(root: Path) -> None:
    """PrairieLearn applies its own credit and deadline rules to each submission, so the
    course's late policy takes no time from it."""
    return None


def results(record: LearnerRecord, isolation: str, notes: list[str]) -> str:
    """PrairieLearn's ``results.json`` for the graded learner: a test per check and quiz
    question, the score as a share of the points possible, within 1 MB."""
    tests = []
    for item in record.items:
        counted = "" if item.counts else " (not counted)"
        if isinstance(item, QuizRecord):
            tests.append(pl_test(f"{item.id}{counted}", item.title, item, item.message))
            continue
        for check in item.checks:
            hidden = " (hidden check)" if check.visibility == "hidden" else ""
            tests.append(
                pl_test(
                    f"{item.id}: {check.description}{hidden}{counted}",
                    item.title,
                    check,
                    check.message,
                    counts=item.counts,
                )  # fmt: skip
            )
    score = record.points / record.max_points if record.max_points else 0
    message = f"{record.points} of {record.max_points} points."
    if record.late is not None:
        message += f" Hand-in: {record.late['in_words']}"
    details = [
        f"{item.id}: {item.message}\n{item.detail}"
        for item in record.items
        if isinstance(item, ExerciseRecord) and item.detail
    ]
    document = {
        "gradable": True,
        "score": round(min(max(score, 0), 1), 6),
        "message": message,
        "output": "\n\n".join([*notes, f"Learner code isolated by: {isolation}.", *details]),
        "tests": tests,
    }
    return within_limit(document)


def pl_test(
    name: str, description: str, graded: Any, message: str, *, counts: bool = True
) -> dict[str, Any]:
    """One PrairieLearn test from a record with points and an outcome."""
    return {
        "name": name,
        "description": description,
        "points": graded.points if counts else 0,
        "max_points": graded.max_points if counts else 0,
        "message": message if graded.outcome != "passed" else "",
        "output": "",
    }


def within_limit(document: dict[str, Any]) -> str:
    """The document as JSON within PrairieLearn's 1 MB: the longest texts are cut (and
    say so) until it fits; the points are never cut."""
    text = json.dumps(document, ensure_ascii=False)
    limit = 2**16
    while len(text.encode()) > MAX_RESULTS_BYTES and limit > 64:
        document["output"] = cut(document["output"], limit)
        for test in document["tests"]:
            test["message"], test["output"] = (
                cut(test["message"], limit),
                cut(test["output"], limit),
            )
        limit //= 2
        text = json.dumps(document, ensure_ascii=False)
    return text + "\n"


def cut(text: str, limit: int) -> str:
    """``text`` at most ``limit`` characters, saying when it was cut."""
    return text if len(text) <= limit else text[:limit] + " [cut: too long]"


def problem_results(problem: str) -> str:
    """Results for a submission with nothing to grade: not gradable (PrairieLearn counts
    no attempt), with what was found and what to upload."""
    return json.dumps({"gradable": False, "score": 0, "message": problem}) + "\n"


def failure_results() -> str:
    """Results when the grader itself failed: not gradable, a short message."""
    return json.dumps({"gradable": False, "score": 0, "message": FAILURE}) + "\n"
