"""A Gradescope autograder for the course: each upload graded in its own container, by
the same command and with the same settings as local grading.

``autograder.zip`` holds ``setup.sh`` (run once when Gradescope builds the image: Python,
a virtual environment, the checker at its pinned versions and, when the course is a
distribution of its own, that too), ``run_autograder`` (run for each upload), the packages
themselves and the grading settings. Gradescope
puts an upload in ``/autograder/submission`` (a hand-in archive is unpacked there, or
left as the archive) and reads ``/autograder/results/results.json``. ``run_autograder``
takes its root from ``AUTOGRADER_ROOT`` and its Python from ``COURSE_PYTHON`` when they
are set, so the round trip can be tried on any machine. ``gradescope_json`` renders one
learner's record in that results format.
"""

from __future__ import annotations

import json
import shlex
import zipfile
from pathlib import Path
from typing import Any

from ..course import Course
from .records import ExerciseRecord, LearnerRecord, QuizRecord
from .scoring import load_settings

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
# Run by Gradescope for each upload: grade it as `python -m checker grade` grades a class of one.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{COURSE_PYTHON:-$ROOT/venv/bin/python}}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/class" "$ROOT/results"
shopt -s nullglob
archives=("$ROOT"/submission/*.zip)
if [ "${{#archives[@]}}" -eq 1 ]; then
  cp "${{archives[0]}}" "$WORK/class/submission.zip"
else
  cp -r "$ROOT/submission" "$WORK/class/submission"
fi
cd "$ROOT/source/course"
"$PYTHON" -m checker --course {course} grade "$WORK/class" --out "$WORK/out" --format gradescope \\
  --settings "$ROOT/source/{settings}" {isolation}>"$WORK/log" 2>&1 || {{
  "$PYTHON" -c 'import json, sys; print(json.dumps({{"score": 0, "output": "The autograder \\
could not grade this upload; your instructor has been told:\\n" + open(sys.argv[1]).read()}}))' \\
    "$WORK/log" >"$ROOT/results/results.json"
  exit 0
}}
cp "$WORK/out/gradescope/submission/results.json" "$ROOT/results/results.json"
"""


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
