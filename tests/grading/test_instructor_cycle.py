"""The instructor's cycle through the real commands: incremental grading and regrading one
learner, points from a settings file, overrides, hand-ins, LMS export and the Gradescope
autograder. (Releases are tested in ``tests/course/test_release.py``.)
"""

from __future__ import annotations

import csv
import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
from checker_command import SOLUTIONS, checker, grade
from class_builder import learner_folder, notebook_for, with_answers
from gradescope_layout import run_autograder, unpack_autograder
from quiz_answers import RIGHT
from wrong_answers import WRONG_ANSWERS

from checker.content.catalogue import EXERCISES, QUESTIONS
from checker.judge.answers import MAX_NOTEBOOK_BYTES

FUNCTION = "01-missing-columns"
SCRIPT = "03-add-password-hash"
ROLE = "03-add-role"
WRONG_SCRIPT = next(w.source for w in WRONG_ANSWERS if w.exercise_id == SCRIPT)
TASKS_PER_LEARNER = len(EXERCISES) + 1  # every exercise, and the quizzes as one task


def judged(result: subprocess.CompletedProcess) -> int:
    """How many items a run judged anew, from the summary it prints."""
    assert result.returncode == 0, result.stderr
    summary = result.stdout.splitlines()[0]
    return int(summary.split(": ", 1)[1].split(" judged")[0])


def results(out: Path) -> dict[str, dict]:
    document = json.loads((out / "results.json").read_text())
    return {learner["learner"]: learner for learner in document["learners"]}


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with (out / "grades.csv").open(newline="") as stream:
        return {row["learner"]: row for row in csv.DictReader(stream)}


def build_class(submissions: Path) -> None:
    learner_folder(
        submissions, "ada", {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: SOLUTIONS[SCRIPT]}, RIGHT
    )
    learner_folder(submissions, "ben", {SCRIPT: WRONG_SCRIPT}, {"01-create-all": "nonsense"})
    learner_folder(submissions, "cleo", {ROLE: SOLUTIONS[ROLE]})


def answer(submissions: Path, learner: str, exercise_id: str, source: str) -> None:
    """Change one answer in a learner's exercise notebook, as the learner would."""
    path = submissions / learner / "exercises" / notebook_for(exercise_id).name
    nbformat.write(with_answers(path, {exercise_id: source}), path)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("cycle")
    build_class(root / "class")
    first = grade(root / "class", root / "out")
    assert judged(first) == 3 * TASKS_PER_LEARNER
    return root


def copy_of(graded_class: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(graded_class / "class", tmp_path / "class")
    shutil.copytree(graded_class / "out", tmp_path / "out")
    return tmp_path / "class", tmp_path / "out"


def test_a_rerun_judges_only_the_changed_answer(graded_class, tmp_path):
    submissions, out = copy_of(graded_class, tmp_path)
    before = {p.name: p.read_bytes() for p in (out / "feedback").iterdir()}
    earlier = results(out)
    assert judged(grade(submissions, out)) == 0
    assert {p.name: p.read_bytes() for p in (out / "feedback").iterdir()} == before

    answer(submissions, "ada", SCRIPT, WRONG_SCRIPT)
    assert judged(grade(submissions, out)) == 1
    now = results(out)
    assert now["ben"] == earlier["ben"] and now["cleo"] == earlier["cleo"]
    for name in ("ben.md", "cleo.md"):
        assert (out / "feedback" / name).read_bytes() == before[name]
    pairs = zip(now["ada"]["items"], earlier["ada"]["items"], strict=True)
    assert [item["id"] for item, before in pairs if item != before] == [SCRIPT]
    total = int(gradebook(out)["ada"]["total"])
    assert total < int(gradebook(graded_class / "out")["ada"]["total"])


def test_fresh_judges_everything_again(graded_class, tmp_path):
    submissions, out = copy_of(graded_class, tmp_path)
    assert judged(grade(submissions, out, "--fresh")) == 3 * TASKS_PER_LEARNER
    assert gradebook(out) == gradebook(graded_class / "out")


def test_one_learner_is_regraded_and_merged(graded_class, tmp_path):
    submissions, out = copy_of(graded_class, tmp_path)
    answer(submissions, "ben", SCRIPT, SOLUTIONS[SCRIPT])
    answer(submissions, "cleo", ROLE, SOLUTIONS[ROLE].replace("'member'", "'guest'"))
    run = grade(submissions, out, "--learner", "ben")
    assert judged(run) == 1
    book, earlier = gradebook(out), gradebook(graded_class / "out")
    assert sorted(book) == sorted(earlier)
    assert book["cleo"] == earlier["cleo"]  # her later change is not graded
    assert book["ada"] == earlier["ada"]
    assert book["ben"][SCRIPT] == str(EXERCISES[SCRIPT].max_points)

    again = grade(submissions, out, "--learner", "ben", "--fresh")
    assert judged(again) == TASKS_PER_LEARNER
    assert gradebook(out) == book  # judged anew, and nobody else lost
    assert judged(grade(submissions, out)) == 1  # cleo's change; the rest still cached

    missing = grade(submissions, out, "--learner", "nobody")
    assert missing.returncode == 2 and "no folder or hand-in of nobody" in missing.stderr


def test_settings_and_overrides_set_the_points(graded_class, tmp_path):
    submissions, out = copy_of(graded_class, tmp_path)
    settings = tmp_path / "settings.toml"
    settings.write_text(
        f'counted = ["{FUNCTION}", "{SCRIPT}", "01-*"]\n\n'
        f'[exercises."{SCRIPT}"]\npoints = 10\nall_or_nothing = true\n\n'
        f'[exercises."{FUNCTION}".checks]\nfinds-new-column = 3\n\n'
        '[quizzes]\npoints = 0.5\n\n[quizzes."01-create-all"]\npoints = 2\n'
    )
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(
        "learner,item,points,comment\n"
        f'ben,{SCRIPT},4,"Right idea; the downgrade lost a column"\n'
        "zoe,01-drift,1,left the course\n"
    )
    run = grade(submissions, out, f"--settings={settings}", f"--overrides={overrides}")
    assert judged(run) == 0  # points are not part of what was judged
    assert "override for 'zoe' (01-drift, line 3): no such learner" in run.stderr

    book = gradebook(out)
    possible = book.pop("(points possible)")
    function_checks = len(EXERCISES[FUNCTION].checks())
    assert possible[SCRIPT] == "10" and possible[FUNCTION] == str(function_checks + 2)
    assert possible["01-create-all"] == "2" and possible["01-drift"] == "0.5"
    assert possible[ROLE] == possible["02-init-app"] == "not counted"
    other_lesson_01 = [q for q in QUESTIONS if q.startswith("01-") and q != "01-create-all"]
    assert float(possible["max"]) == 10 + function_checks + 2 + 2 + 0.5 * len(other_lesson_01)
    assert book["ada"][SCRIPT] == "10" and book["ada"][FUNCTION] == str(function_checks + 2)
    assert float(book["ada"]["total"]) == float(possible["max"])
    assert book["cleo"][ROLE] == str(EXERCISES[ROLE].max_points)
    assert book["cleo"]["total"] == "0"  # her exercise does not count
    assert book["ben"][SCRIPT] == "4" and book["ben"]["overridden"] == f"{SCRIPT}: 0 -> 4"

    ben = {item["id"]: item for item in results(out)["ben"]["items"]}[SCRIPT]
    assert (ben["automatic_points"], ben["points"]) == (0, 4)
    assert ben["comment"] == "Right idea; the downgrade lost a column"
    feedback = (out / "feedback" / "ben.md").read_text()
    assert "4 points (the checks gave 0): Right idea; the downgrade lost a column" in feedback
    assert f"| ✎ | `{SCRIPT}`" in feedback  # marked as set by the instructor, not by its outcome
    # the quiz total is over the questions that count (lesson 01's), like the gradebook's
    lesson_01_quiz = 2 + 0.5 * len(other_lesson_01)
    assert f"## Quizzes: 0 of {lesson_01_quiz:g} points" in feedback
    assert "`02-init-app` (not counted)" in feedback


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ('[exercises."99-nothing"]\npoints = 1\n', "no exercise '99-nothing'"),
        (f'[exercises."{SCRIPT}".checks]\nnot-a-check = 1\n', "has no check 'not-a-check'"),
        ("[quizzes]\npoints = -1\n", "must be a number, 0 or more"),
        ("counted = [", "settings.toml"),
    ],
)
def test_a_wrong_settings_file_is_refused_and_nothing_is_written(tmp_path, settings, words):
    learner_folder(tmp_path / "class", "ada", {})
    path = tmp_path / "settings.toml"
    path.write_text(settings)
    run = grade(tmp_path / "class", tmp_path / "out", f"--settings={path}")
    assert run.returncode == 2 and words in run.stderr
    assert not (tmp_path / "out").exists()


def handin(course: Path, learner: str, out: Path) -> Path:
    run = checker("handin", str(course), "--learner", learner, "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert f"Wrote {out / learner}.zip" in run.stdout
    return out / f"{learner}.zip"


def test_a_handin_is_graded_as_its_folder(graded_class, tmp_path):
    archive = handin(graded_class / "class" / "ada", "ada", tmp_path / "archives")
    run = checker("progress", str(graded_class / "class" / "ada"))
    assert f"✔ {SCRIPT}" in run.stdout and "quiz questions answered: 2 of 2" in run.stdout
    names = zipfile.ZipFile(archive).namelist()
    assert names and all(n.startswith(("exercises/", "notebooks/workspace/")) for n in names)

    assert judged(grade(tmp_path / "archives", tmp_path / "out", "--fresh")) == TASKS_PER_LEARNER
    from_archive, from_folder = (
        results(tmp_path / "out")["ada"],
        results(graded_class / "out")["ada"],
    )
    assert from_archive.pop("handin")["file"] == "ada.zip" and from_folder.pop("handin") == {}
    for item in (*from_archive["items"], *from_folder["items"]):
        item.pop("duration")
        for check in item.get("checks", []):
            check.pop("duration")
    assert from_archive == from_folder
    assert (tmp_path / "out" / "feedback" / "ada.md").read_text() == (
        graded_class / "out" / "feedback" / "ada.md"
    ).read_text()


def hostile_archives(folder: Path) -> dict[str, str]:
    """Archives that break one rule each, by learner, with the reason the feedback gives."""
    folder.mkdir()
    good = f"exercises/{notebook_for(SCRIPT).name}"

    def archive(name: str, *entries: tuple[zipfile.ZipInfo | str, bytes]) -> None:
        with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as packed:
            for entry, data in entries:
                packed.writestr(entry, data)

    link = zipfile.ZipInfo(good)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive("escapes", ("../../outside.txt", b"x"))
    archive("absolute", ("/tmp/absolute.txt", b"x"))
    archive("linked", (link, b"/etc/passwd"))
    archive("bomb", (good, b"\0" * (MAX_NOTEBOOK_BYTES + 1)))
    archive("unasked", ("sample_app/__init__.py", b"import os"))
    (folder / "garbage.zip").write_bytes(b"not a zip at all")
    return {
        "escapes": "is not part of a hand-in",
        "absolute": "is not part of a hand-in",
        "linked": "is a link",
        "bomb": "unpacks to more than",
        "unasked": "is not part of a hand-in",
        "garbage": "not a readable zip archive",
    }


def test_hostile_archives_are_refused_whole_and_harm_no_classmate(graded_class, tmp_path):
    submissions = tmp_path / "class"
    reasons = hostile_archives(submissions)
    shutil.copy(handin(graded_class / "class" / "ada", "ada", tmp_path), submissions)
    run = grade(submissions, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    graded = results(tmp_path / "out")
    for learner, words in reasons.items():
        refusal = " ".join(graded[learner]["refused"])
        assert f"{learner}.zip was not read" in refusal and words in refusal, refusal
        assert all(item["points"] == 0 for item in graded[learner]["items"])
    alone = results(graded_class / "out")["ada"]["items"]
    assert [i["points"] for i in graded["ada"]["items"]] == [i["points"] for i in alone]
    assert not (tmp_path / "outside.txt").exists() and not Path("/tmp/absolute.txt").exists()


def test_names_an_lms_gives_are_mapped_and_unwritable_names_refused(graded_class, tmp_path):
    """Bulk downloads name a resubmission ``ben (1).zip``: it is ben's latest hand-in. A
    name that names no learner, or a folder whose name would split a row of grades.csv,
    is left out with a warning; the rest of the class is graded."""
    submissions, archives = tmp_path / "class", tmp_path / "archives"
    submissions.mkdir()
    first = handin(graded_class / "class" / "ben", "ben", archives)
    shutil.copy(first, submissions / "ben.zip")
    resubmitted = handin(graded_class / "class" / "ada", "ada", archives)
    shutil.copy(resubmitted, submissions / "ben (1).zip")
    shutil.copy(first, submissions / "cleo (2).zip")
    shutil.copy(first, submissions / "not a name!.zip")
    for name in ("eve\nmallory,999", "trudy\u2028x", "tab\there", "(points possible)"):
        shutil.copytree(graded_class / "class" / "ada", submissions / name)
    shutil.copytree(graded_class / "class" / "ada", submissions / "ada")

    run = grade(submissions, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    book = gradebook(tmp_path / "out")
    assert set(book) == {"(points possible)", "ada", "ben", "cleo"}
    assert book["ben"]["total"] == book["ada"]["total"]  # ben (1).zip holds ada's answers
    lines = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert len(lines) == 1 + len(book)
    for words in (
        "ben (1).zip was graded as ben's hand-in, the latest of theirs (not ben.zip)",
        "cleo (2).zip was graded as cleo's hand-in.",
        "not a name!.zip was not graded",
        "'eve\\nmallory,999' was not graded: it holds the character",
        "'trudy\\u2028x' was not graded: it holds the character LINE SEPARATOR",
        "'tab\\there' was not graded",
        "'(points possible)' was not graded: it is the name of the grades' row of the points",
    ):
        assert words in run.stderr, run.stderr


def test_canvas_export_reports_who_is_missing(graded_class, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "learner,lms_id,name,section\n"
        'ada,1001,"Lovelace, Ada",A\nben,1002,=HYPERLINK(),B\nzoe,1004,Zoe,B\n'
    )
    out = tmp_path / "canvas.csv"
    run = checker("export", str(graded_class / "out"), "--roster", str(roster), "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert "zoe is on the roster but was not graded" in run.stderr
    assert "cleo was graded but is not on the roster" in run.stderr
    rows = list(csv.reader(out.open(newline="")))
    canvas = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]  # Canvas's own names
    assert rows[0] == [*canvas, "Migrations course"]
    totals = gradebook(graded_class / "out")
    assert rows[1] == ["Points Possible", "", "", "", "", totals["(points possible)"]["max"]]
    assert rows[2] == ["Lovelace, Ada", "1001", "", "", "A", totals["ada"]["total"]]
    assert rows[3][0] == "'=HYPERLINK()" and rows[4][5] == ""

    broken = checker("export", str(tmp_path), "--roster", str(roster))
    assert broken.returncode == 2 and "not the results of a grading run" in broken.stderr


def readme_settings() -> str:
    """The grading settings the README shows by example."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    return readme.split("```toml\ncounted = ", 1)[1].split("```", 1)[0].join(["counted = ", ""])


# Weights that do not divide the points: 12 over 3+1+1+1+1+1+1, and 8 over 7 checks.
UNEVEN_SETTINGS = (
    f'\n[exercises."{SCRIPT}"]\npoints = 12\n\n[exercises."{SCRIPT}".checks]\nhistory = 3\n'
    '\n[exercises."06-rename-bio"]\npoints = 8\n'
)


def test_gradescope_grades_each_upload_as_local_grading_does(tmp_path):
    """And a learner who passes everything gets exactly the maximum, in every output, under
    the README's settings with weights that do not divide the points."""
    settings = tmp_path / "settings.toml"
    settings.write_text(readme_settings() + UNEVEN_SETTINGS)
    assert len(EXERCISES[SCRIPT].checks()) == 7 == len(EXERCISES["06-rename-bio"].checks())
    assert checker("gradescope", "--out", str(tmp_path), f"--settings={settings}").returncode == 0
    source = unpack_autograder(tmp_path / "autograder.zip", tmp_path / "autograder")
    assert (source / "course" / "checker" / "cli.py").is_file()

    learners = tmp_path / "learners"
    root = tmp_path / "gradescope-root"
    forged = "echo '{\"score\": 1000}' > " + str(root / "results" / "results.json")
    hostile = SOLUTIONS[SCRIPT].replace(
        "def upgrade():\n",
        "def upgrade():\n"
        f"    open({str(root / 'results' / 'results.json')!r}, 'w').write('{{\"score\": 1000}}')\n"
        f"    open({str(root / 'source' / 'run_autograder')!r}, 'a').write({forged!r})\n",
    )
    learner_folder(learners, "right", SOLUTIONS, RIGHT)
    learner_folder(learners, "partly", {FUNCTION: SOLUTIONS[FUNCTION]}, {"01-drift": []})
    learner_folder(learners, "hostile", {SCRIPT: hostile, FUNCTION: SOLUTIONS[FUNCTION]})
    uploads = tmp_path / "uploads"
    for learner in ("right", "partly", "hostile"):
        handin(learners / learner, learner, uploads)
    local = grade(
        uploads,
        tmp_path / "local",
        "--format=csv,json,feedback,gradescope",
        f"--settings={settings}",
    )
    assert local.returncode == 0, local.stderr
    assert_exact_points(tmp_path / "local", "right", tmp_path / "canvas.csv")

    scores = {}
    for learner in ("right", "partly", "hostile"):
        shutil.rmtree(root, ignore_errors=True)
        remote = run_autograder(source, root, uploads / f"{learner}.zip")
        mine = json.loads(
            (tmp_path / "local" / "gradescope" / learner / "results.json").read_text()
        )
        assert remote["score"] == mine["score"], learner
        assert [t["score"] for t in remote["tests"]] == [t["score"] for t in mine["tests"]]
        assert any(t["visibility"] == "after_published" for t in remote["tests"])
        assert (root / "source" / "run_autograder").read_bytes() == (
            source / "run_autograder"
        ).read_bytes()
        scores[learner] = (remote["score"], sum(t["max_score"] for t in remote["tests"]))
    assert str(scores["right"][0]) == gradebook(tmp_path / "local")["right"]["max"]
    assert 0 < scores["partly"][0] < scores["right"][0]
    assert scores["hostile"][0] < scores["right"][0]


def assert_exact_points(out: Path, perfect: str, canvas: Path) -> None:
    """Every item's checks add up to its points, and ``perfect`` has exactly the maximum in
    the gradebook, results.json, the feedback, Gradescope's results and a Canvas export."""
    learners = results(out)
    for learner in learners.values():
        for item in learner["items"]:
            if item["kind"] == "exercise":
                assert round(sum(c["points"] for c in item["checks"]), 2) == item["points"]
                assert round(sum(c["max_points"] for c in item["checks"]), 2) == item["max_points"]
    record = learners[perfect]
    assert record["points"] == record["max_points"] > 0
    assert all(item["points"] == item["max_points"] for item in record["items"])
    book = gradebook(out)
    possible = book.pop("(points possible)")
    assert book[perfect]["total"] == book[perfect]["max"] == possible["max"]
    counted = [k for k, v in possible.items() if k != "learner" and v not in ("not counted", "")]
    assert [book[perfect][k] for k in counted] == [possible[k] for k in counted]
    maximum = possible["max"]
    feedback = (out / "feedback" / f"{perfect}.md").read_text()
    assert f"**{maximum} of {maximum} points**" in feedback
    gradescope = json.loads((out / "gradescope" / perfect / "results.json").read_text())
    assert str(gradescope["score"]) == maximum
    roster = canvas.with_suffix(".roster.csv")
    roster.write_text(f"learner,lms_id,name\n{perfect},1,Perfect\n")
    assert (
        checker("export", str(out), "--roster", str(roster), "--out", str(canvas)).returncode == 0
    )
    rows = list(csv.reader(canvas.open(newline="")))
    assert rows[1][-1] == rows[2][-1] == maximum
