"""A second course, ``tests/tiny_course`` (notes and tags: two lessons, a migration exercise,
a function exercise, a quiz question, its own tiny app), served by the same commands as the
migrations course: listed, checked, turned into notebooks, released and graded.

It is installed the way any course is, as a distribution declaring a ``checker.courses``
entry point (its ``.dist-info`` is found on ``PYTHONPATH``), and chosen with ``--course``.
Each test works on a copy of its folder, so that the commands write there.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from notebook_tools import ROOT

from checker.judge.answers import MAGIC

TINY = ROOT / "tests" / "tiny_course"
SOLUTION_LINE = "batch_op.add_column(sa.Column('body', sa.Text(), nullable=True))"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A copy of the tiny course's folder, the one its commands see as the course's own."""
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def checker(tiny: Path, *arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m checker --course tiny ...`` with the tiny course installed."""
    environment = {k: v for k, v in os.environ.items() if k != "CHECKER_COURSE"}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(tiny), *filter(None, [environment.get("PYTHONPATH")])]
    )
    return subprocess.run(
        [sys.executable, "-m", "checker", "--course", "tiny", *arguments],
        capture_output=True,
        text=True,
        cwd=cwd or tiny,
        env=environment,
        timeout=300,
    )


def test_the_tiny_course_is_listed_with_its_own_exercises(tiny):
    listed = checker(tiny, "list")
    assert listed.returncode == 0, listed.stderr
    lines = [line.split()[:3] for line in listed.stdout.splitlines()]
    assert lines == [["01-add-body", "lesson", "01"], ["02-missing-tables", "lesson", "02"]]
    unknown = checker(tiny, "--course", "nope", "list")
    assert unknown.returncode == 2 and "the courses are:" in unknown.stderr
    assert "tiny" in unknown.stderr and "migrations" in unknown.stderr


def test_its_solutions_pass_and_its_starters_do_not(tiny):
    lessons = tiny / "tiny_course" / "lessons"
    for exercise_id in ("01-add-body", "02-missing-tables"):
        solved = checker(
            tiny, "check", exercise_id, str(lessons / "solutions" / f"{exercise_id}.py")
        )
        assert solved.returncode == 0, solved.stdout + solved.stderr
        started = checker(
            tiny, "check", exercise_id, str(lessons / "starters" / f"{exercise_id}.py")
        )
        assert started.returncode == 1 and "Not attempted" in started.stdout, started.stdout


def test_a_wrong_answer_fails_with_a_message_in_the_course_s_own_words(tiny, tmp_path):
    wrong = tmp_path / "wrong.py"
    solution = (tiny / "tiny_course/lessons/solutions/01-add-body.py").read_text()
    wrong.write_text(solution.replace("        batch_op.drop_column('body')", "        pass"))
    report = json.loads(checker(tiny, "check", "01-add-body", str(wrong), "--json").stdout)
    failed = {
        check["name"]: check["message"] for check in report["checks"] if check["status"] == "failed"
    }
    assert "downgrade-schema" in failed and "body" in failed["downgrade-schema"]


def generated(tiny: Path) -> None:
    """The exercise and solution notebooks written anew by ``notebooks``."""
    for folder in ("exercises", "solutions"):
        shutil.rmtree(tiny / folder)
    written = checker(tiny, "notebooks")
    assert written.returncode == 0, written.stderr
    again = checker(tiny, "notebooks")
    assert again.stdout.strip() == "Every generated notebook is up to date."


def answer_cells(path: Path) -> dict[str, str]:
    cells = nbformat.read(path, as_version=4).cells
    return {
        c.source.split("\n", 1)[0].split()[1]: c.source.split("\n", 1)[1]
        for c in cells
        if c.source.startswith(MAGIC)
    }


def test_its_notebooks_are_generated_from_its_lessons(tiny):
    generated(tiny)
    exercises = answer_cells(tiny / "exercises" / "01_notes_exercises.ipynb")
    solutions = answer_cells(tiny / "solutions" / "01_notes_solutions.ipynb")
    assert list(exercises) == list(solutions) == ["01-add-body"]
    assert (
        SOLUTION_LINE in solutions["01-add-body"] and SOLUTION_LINE not in exercises["01-add-body"]
    )
    assert list(answer_cells(tiny / "exercises" / "02_tags_exercises.ipynb")) == [
        "02-missing-tables"
    ]
    challenge = answer_cells(tiny / "notebooks" / "01_notes.ipynb")
    assert list(challenge) == ["01-add-body"], "the lesson's Challenge holds its first exercise"


def test_its_release_withholds_its_solutions(tiny, tmp_path):
    generated(tiny)
    release = tmp_path / "release"
    built = checker(tiny, "release", str(release))
    assert built.returncode == 0, built.stderr
    assert (release / "notebooks" / "01_notes.ipynb").is_file()
    assert (release / "tiny_course" / "layouts.py").is_file()
    assert not (release / "solutions").exists()
    assert not list((release / "tiny_course" / "lessons" / "solutions").iterdir())
    texts = [p.read_text(errors="replace") for p in release.rglob("*") if p.is_file()]
    assert not [text for text in texts if SOLUTION_LINE in text or "Subtract them from" in text]
    assert not (release / "checker").exists(), "the engine is not part of another course's release"


def test_a_class_of_the_tiny_course_is_graded(tiny, tmp_path):
    generated(tiny)
    submissions = tmp_path / "class"
    for learner in ("ada", "ben"):
        shutil.copytree(tiny / "exercises", submissions / learner / "exercises")
    for name in ("01_notes", "02_tags"):  # ada's exercise notebooks hold the solutions
        shutil.copy(
            tiny / "solutions" / f"{name}_solutions.ipynb",
            submissions / "ada" / "exercises" / f"{name}_exercises.ipynb",
        )
    progress = submissions / "ada" / "workspace" / "progress"
    progress.mkdir(parents=True)
    (progress / "02-apply.json").write_text(
        json.dumps({"question": "02-apply", "answer": "flask db upgrade"})
    )
    out = tmp_path / "grades"
    graded = checker(tiny, "grade", str(submissions), "--out", str(out), cwd=tmp_path)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    with (out / "grades.csv").open(newline="") as stream:
        book = {row["learner"]: row for row in csv.DictReader(stream)}
    assert book["ada"]["01-add-body"] == "7" and book["ada"]["02-missing-tables"] == "3"
    assert book["ada"]["02-apply"] == "1" and book["ada"]["total"] == "11"
    assert book["ben"]["total"] == "0"
    assert set(book["ada"]) >= {"01-add-body", "02-missing-tables", "02-apply"}
    assert not [column for column in book["ada"] if column.startswith(("03-", "14-"))]
