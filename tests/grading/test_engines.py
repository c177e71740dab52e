"""The grading engines through their real entrypoints, in emulated layouts: Gradescope's
``run_autograder`` in ``/autograder`` and PrairieLearn's entrypoint in ``/grade``. Uploads
right, wrong and hostile; results checked against each engine's documented format; the
same points as local grading; due dates from Gradescope's metadata.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from checker_command import SOLUTIONS, checker
from class_builder import learner_folder
from gradescope_layout import unpack_autograder
from quiz_answers import RIGHT

from checker import api
from checker.content.catalogue import COURSE, EXERCISES
from checker.engines import prairielearn
from checker.engines.upload import listed
from checker.grading.handins import pack

FUNCTION = "01-missing-columns"
SCRIPT = "03-add-password-hash"
ROLE = "03-add-role"
SETTINGS = f"""
[exercises."{ROLE}"]
all_or_nothing = true

[late]
due = 2027-01-15T23:59:00+01:00
penalty = 10
"""


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """Both engines' files built from one settings file, and the uploads to try."""
    root = tmp_path_factory.mktemp("engines")
    (root / "settings.toml").write_text(SETTINGS)
    settings = f"--settings={root / 'settings.toml'}"
    assert checker("gradescope", "--out", str(root), settings).returncode == 0
    unpack_autograder(root / "autograder.zip", root / "gradescope-source")
    built = checker("prairielearn", "--out", str(root / "prairielearn"), settings)
    assert built.returncode == 0, built.stderr
    broken_role = SOLUTIONS[ROLE].replace("nullable=False", "nullable=True")
    answers = {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: SOLUTIONS[SCRIPT], ROLE: broken_role}
    learner_folder(root / "learners", "ada", answers, RIGHT)
    pack(COURSE, root / "learners" / "ada", "ada", root / "uploads")
    return root


def gradescope(kit: Path, root: Path, *uploads: Path, metadata: dict | None = None) -> dict:
    """Gradescope's run of one submission folder holding ``uploads``."""
    shutil.copytree(kit / "gradescope-source", root / "source")
    (root / "submission").mkdir(parents=True)
    for upload in uploads:
        shutil.copy(upload, root / "submission")
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "COURSE_PYTHON": sys.executable}
    run = subprocess.run(
        [str(root / "source" / "run_autograder")], env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    (root / "stdout").write_text(run.stdout)
    return json.loads((root / "results" / "results.json").read_text())


def metadata(created: str, due: str, *, own_due: str | None = None) -> dict:
    """``submission_metadata.json`` as Gradescope documents it."""
    user = {"email": "ada@example.edu", "id": 1, "name": "Ada"}
    if own_due:
        user["assignment"] = {"due_date": own_due, "late_due_date": None}
    return {
        "id": 1,
        "created_at": created,
        "assignment": {"due_date": due, "late_due_date": None, "title": "Migrations"},
        "users": [user],
        "previous_submissions": [],
    }


def test_gradescope_tests_add_up_to_the_score_with_the_penalty(kit, tmp_path):
    late = metadata("2027-01-17T10:00:00+01:00", "2027-01-15T23:59:00+01:00")
    results = gradescope(kit, tmp_path / "gs", kit / "uploads" / "ada.zip", metadata=late)
    scores = [test["score"] for test in results["tests"]]
    assert round(sum(scores), 2) == results["score"] > 0
    penalty = next(t for t in results["tests"] if t["name"] == "Late hand-in")
    assert penalty["score"] < 0 and "2 days late" in penalty["output"]
    assert "by Gradescope's submission time" in penalty["output"]
    role = [t for t in results["tests"] if t["name"].startswith(ROLE)]
    assert len(role) == 1 and role[0]["name"].endswith("(all or nothing)")
    assert role[0]["max_score"] == EXERCISES[ROLE].max_points and role[0]["score"] == 0
    practice = [t for t in results["tests"] if "(not counted)" in t["name"]]
    assert practice and all(t["score"] == t["max_score"] == 0 for t in practice)
    assert results["extra_data"]["isolation"]
    stdout = (tmp_path / "gs" / "stdout").read_text()
    assert stdout.startswith("Graded: ") and "learner code isolated by" in stdout


def test_gradescope_takes_a_learners_own_due_date_from_its_metadata(kit, tmp_path):
    extended = metadata(
        "2027-01-17T10:00:00+01:00", "2027-01-15T23:59:00+01:00",
        own_due="2027-01-18T23:59:00+01:00",
    )  # fmt: skip
    results = gradescope(kit, tmp_path / "gs", kit / "uploads" / "ada.zip", metadata=extended)
    assert not any(t["name"] == "Late hand-in" for t in results["tests"])
    assert "on time (due 2027-01-18T23:59:00+01:00" in results["output"]


def wrong_uploads(folder: Path) -> dict[str, tuple[list[Path], str]]:
    """Uploads that hold nothing to grade, with what the learner must be told."""
    folder.mkdir()
    (folder / "notes.ipynb").write_text("{}")
    (folder / "other.zip").write_bytes((folder / "notes.ipynb").read_bytes())
    with zipfile.ZipFile(folder / "random.zip", "w") as packed:
        packed.writestr("homework/answer.py", "print('hi')")
    with zipfile.ZipFile(folder / "second.zip", "w") as packed:
        packed.writestr("exercises/03_first_migrations_exercises.ipynb", "{}")
    return {
        "lone-notebook": (
            [folder / "notes.ipynb"],
            "Found notes.ipynb, none of which is a hand-in",
        ),
        "two-archives": ([folder / "random.zip", folder / "second.zip"], "Found 2 archives"),
        "random-zip": ([folder / "random.zip"], "holds homework/answer.py but none of the files"),
        "not-a-zip": ([folder / "other.zip"], "not a readable zip archive"),
        "nothing": ([], "Nothing was uploaded"),
    }


@pytest.mark.parametrize(
    "case", ["lone-notebook", "two-archives", "random-zip", "not-a-zip", "nothing"]
)
def test_a_wrong_upload_is_told_what_to_upload_with_no_check_listed(kit, tmp_path, case):
    uploads, words = wrong_uploads(tmp_path / "wrong")[case]
    results = gradescope(kit, tmp_path / "gs", *uploads)
    assert results["score"] == 0 and results["tests"] == []
    assert words in results["output"] and "handin/<your name>.zip" in results["output"]


def test_notebooks_uploaded_flat_are_graded_as_the_files_of_a_hand_in(kit, tmp_path):
    notebook = kit / "learners" / "ada" / "exercises" / "01_why_migrations_exercises.ipynb"
    results = gradescope(kit, tmp_path / "gs", notebook)
    function = [t for t in results["tests"] if t["name"].startswith(FUNCTION)]
    assert function and all(t["score"] == t["max_score"] for t in function)


def test_a_grader_that_cannot_start_tells_the_learner_briefly(kit, tmp_path):
    root = tmp_path / "gs"
    shutil.copytree(kit / "gradescope-source", root / "source")
    (root / "submission").mkdir(parents=True)
    shutil.copy(kit / "uploads" / "ada.zip", root / "submission")
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "COURSE_PYTHON": "/bin/false"}
    subprocess.run([str(root / "source" / "run_autograder")], env=environment, check=True)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "Traceback" not in results["output"]
    assert "your instructor sees what went wrong" in results["output"]


def test_a_grader_failure_goes_to_the_log_not_to_the_learner(kit, tmp_path, monkeypatch):
    def failing(*arguments, **options):
        raise RuntimeError("the grader's own bug")

    monkeypatch.setattr(api, "grade_under", failing)
    root = tmp_path / "gs"
    (root / "submission").mkdir(parents=True)
    shutil.copy(kit / "uploads" / "ada.zip", root / "submission")
    done = api.autograde("gradescope", root)
    assert "RuntimeError: the grader's own bug" in done.log[-1]
    learner_sees = json.loads(done.results.read_text())["output"]
    assert "own bug" not in learner_sees and "grader's problem" in learner_sees


def prairielearn_job(kit: Path, root: Path, *uploads: Path) -> dict:
    """PrairieLearn's grading job for one submission: ``/grade`` emulated under ``root``."""
    shutil.copytree(kit / "prairielearn" / "serverFilesCourse", root / "serverFilesCourse")
    (root / "student").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "data").mkdir()
    for upload in uploads:
        shutil.copy(upload, root / "student")
    (root / "data" / "data.json").write_text(json.dumps({"params": {}, "gradable": True}))
    entrypoint = root / "serverFilesCourse" / prairielearn.GRADER_FOLDER / "run.sh"
    environment = {**os.environ, "GRADE_ROOT": str(root), "COURSE_PYTHON": sys.executable}
    run = subprocess.run([str(entrypoint)], env=environment, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_prairielearn_writes_an_image_a_grader_folder_and_a_question(kit):
    built = kit / "prairielearn"
    dockerfile = (built / "image" / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and f"FROM {prairielearn.BASE_IMAGE}" in dockerfile
    assert (built / "image" / "course" / "checker" / "cli.py").is_file()
    entrypoint = built / "serverFilesCourse" / prairielearn.GRADER_FOLDER / "run.sh"
    assert os.access(entrypoint, os.X_OK)
    info = json.loads((built / "questions" / COURSE.name / "info.json").read_text())
    options = info["externalGradingOptions"]
    assert info["gradingMethod"] == "External" and options["image"]
    assert set(info) >= {"uuid", "type", "title", "topic"}  # what PrairieLearn's schema requires
    assert options["timeout"] <= 600  # PrairieLearn's most
    assert options["entrypoint"] == f"/grade/serverFilesCourse/{prairielearn.GRADER_FOLDER}/run.sh"
    assert options["serverFilesCourse"] == [f"{prairielearn.GRADER_FOLDER}/"]
    html = (built / "questions" / COURSE.name / "question.html").read_text()
    assert "<pl-file-upload" in html and "<pl-external-grader-results>" in html


def test_prairielearn_grades_as_local_grading_does(kit, tmp_path):
    results = prairielearn_job(kit, tmp_path / "grade", kit / "uploads" / "ada.zip")
    assert set(results) == {"gradable", "score", "message", "output", "tests"}
    assert results["gradable"] is True and 0 < results["score"] < 1
    for test in results["tests"]:
        assert {"name", "points", "max_points", "message", "output"} <= set(test)
    local = api.grade(
        kit / "uploads", tmp_path / "local", settings=kit / "settings.toml", progress=False
    )
    ada = local.learners[0]
    assert results["score"] == pytest.approx(ada.raw_points / ada.max_points, abs=1e-6)
    assert sum(t["points"] for t in results["tests"]) == pytest.approx(ada.raw_points)
    assert len(json.dumps(results).encode()) <= prairielearn.MAX_RESULTS_BYTES


def test_prairielearn_refuses_a_wrong_upload_as_not_gradable(kit, tmp_path):
    uploads, words = wrong_uploads(tmp_path / "wrong")["random-zip"]
    results = prairielearn_job(kit, tmp_path / "grade", *uploads)
    assert results["gradable"] is False and words in results["message"]


def test_prairielearn_results_stay_within_one_megabyte():
    test = {"name": "x", "points": 1, "max_points": 1, "message": "m" * 400_000, "output": ""}
    document = {"gradable": True, "score": 1, "message": "", "output": "o" * 900_000,
                "tests": [dict(test) for _ in range(4)]}  # fmt: skip
    text = prairielearn.within_limit(document)
    found = json.loads(text)
    assert len(text.encode()) <= prairielearn.MAX_RESULTS_BYTES
    assert [t["points"] for t in found["tests"]] == [1, 1, 1, 1]
    assert found["output"].endswith("[cut: too long]")


def test_a_hostile_answer_cannot_forge_prairielearns_results(kit, tmp_path):
    root = tmp_path / "grade"
    results, entrypoint = root / "results" / "results.json", root / "serverFilesCourse"
    hostile = SOLUTIONS[SCRIPT].replace(
        "def upgrade():\n",
        "def upgrade():\n"
        f"    open({str(results)!r}, 'w').write('{{\"gradable\": true, \"score\": 1}}')\n"
        f"    open({str(entrypoint / prairielearn.GRADER_FOLDER / 'run.sh')!r}, 'a').write('x')\n",
    )
    learner_folder(tmp_path / "learners", "mallory", {SCRIPT: hostile})
    pack(COURSE, tmp_path / "learners" / "mallory", "mallory", tmp_path / "uploads")
    found = prairielearn_job(kit, root, tmp_path / "uploads" / "mallory.zip")
    assert found["gradable"] is True and found["score"] < 0.1
    script = [t for t in found["tests"] if t["name"].startswith(SCRIPT)]
    assert script and not all(t["points"] == t["max_points"] for t in script)
    original = kit / "prairielearn" / "serverFilesCourse" / prairielearn.GRADER_FOLDER / "run.sh"
    copied = entrypoint / prairielearn.GRADER_FOLDER / "run.sh"
    assert copied.read_bytes() == original.read_bytes()


def test_a_due_date_moved_on_gradescope_moves_the_last_date_accepted(kit, tmp_path):
    settings = kit / "settings-last.toml"
    settings.write_text(
        SETTINGS.replace("penalty = 10", "penalty = 10\nlast = 2027-01-22T23:59:00+01:00")
    )
    root = tmp_path / "gs"
    (root / "submission").mkdir(parents=True)
    shutil.copy(kit / "uploads" / "ada.zip", root / "submission")
    extended = metadata(
        "2027-01-25T10:00:00+01:00", "2027-01-15T23:59:00+01:00",
        own_due="2027-01-30T23:59:00+01:00",
    )  # fmt: skip
    (root / "submission_metadata.json").write_text(json.dumps(extended))
    done = api.autograde("gradescope", root, settings=settings)
    results = json.loads(done.results.read_text())
    assert results["score"] > 0 and "on time (due 2027-01-30T23:59:00+01:00" in results["output"]


def test_an_archive_refused_whole_is_told_to_the_learner(kit, tmp_path):
    refused = tmp_path / "ada.zip"
    shutil.copy(kit / "uploads" / "ada.zip", refused)
    with zipfile.ZipFile(refused, "a") as packed:  # re-zipped on a Mac
        packed.writestr("__MACOSX/exercises/._01_why_migrations_exercises.ipynb", "x")
    results = gradescope(kit, tmp_path / "gs", refused)
    assert "Your upload was not read:" in results["output"] and "__MACOSX" in results["output"]


def test_an_upload_of_long_unprintable_names_is_told_so_in_a_few_lines():
    names = [letter + "\x01" * 65_000 for letter in "ABCDEFGH"] + ["more.txt"]
    said = listed(names)
    assert said.startswith("'A\\x01") and said.endswith(" and 1 more")
    assert len(said) < 1_000
