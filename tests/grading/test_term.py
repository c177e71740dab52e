"""A simulated term through the real commands: a Canvas bulk download of hand-ins, a roster,
a late policy with extensions and hand-in times, the gradebook and feedback that say why,
the Canvas export with zeros and scaling, the feedback zip for "Re-upload Submissions",
the class report and the outputs' file modes.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from checker_command import SOLUTIONS, checker, grade
from class_builder import learner_folder
from quiz_answers import RIGHT

FUNCTION = "01-missing-columns"
SCRIPT = "03-add-password-hash"
# ada's own way of writing it (one loop, a name of her own), which eve hands in too
ADAS_FUNCTION = """from sqlalchemy import inspect


def missing_columns(engine, metadata):
    # what the models define, less what the database has
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    result = set()
    for table in metadata.tables.values():
        there = set()
        if table.name in existing:
            there = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in there:
                result.add(table.name + "." + column.name)
    return result
"""
SETTINGS = """
[late]
due = 2027-01-15T23:59:00+01:00
penalty = 10
per = "day"
cap = 25
last = 2027-01-22T23:59:00+01:00
"""
ROSTER = """learner,lms_id,name,section
ada,101,"Lovelace, Ada",A
ben,102,Ben Byte,A
cleo,103,Cleo Code,B
dan,104,Dan Dormant,B
eve,105,Eve Echo,B
"""
# Canvas's bulk download names: <sortable name>[_LATE]_<user id>_<file id>_<file's name>
CANVAS_NAMES = {
    "ada": "lovelaceada_101_9001_ada.zip",
    "ben": "byteben_LATE_102_9002_ben.zip",
    "cleo": "codecleo_LATE_103_9003_cleo-1.zip",
    "eve": "echoeve_LATE_105_9005_ada.zip",
}
# ben's older files, which a learner's own file name makes hard to read: one that cannot be
# unpacked as it is named, one that also reads as ada's, named to take over a terminal
CANVAS_NAMES_OF_NOTHING = (
    "byteben_102_8001_notes\\draft.txt",
    "byteben_102_8002_101_8003_\x1b[2J\x1b]0;owned\x07Graded: no warnings.txt",
)
TIMES = """lms_id,submitted_at
101,2027-01-15T20:00:00+01:00
102,2027-01-17T01:00:00+01:00
103,2027-01-19T12:00:00+01:00
105,2027-01-25T09:00:00Z
"""
EXTENSIONS = "learner,due,reason\ncleo,2027-01-20T23:59:00+01:00,illness\n"


@pytest.fixture(scope="module")
def term(tmp_path_factory) -> Path:
    """A term's files and one grading run of its Canvas bulk download."""
    root = tmp_path_factory.mktemp("term")
    answers = {FUNCTION: ADAS_FUNCTION, SCRIPT: SOLUTIONS[SCRIPT]}
    learner_folder(root / "folders", "ada", answers, RIGHT)
    learner_folder(root / "folders", "ben", {FUNCTION: SOLUTIONS[FUNCTION]})
    learner_folder(root / "folders", "cleo", {SCRIPT: SOLUTIONS[SCRIPT]})
    for name in ("ada", "ben", "cleo"):
        run = checker(
            "handin",
            str(root / "folders" / name),
            "--learner",
            name,
            "--out",
            str(root / "handins"),
        )
        assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(root / "submissions.zip", "w") as bulk:
        for learner, name in CANVAS_NAMES.items():
            source = "ada" if learner == "eve" else learner  # eve hands in ada's work, late
            bulk.write(root / "handins" / f"{source}.zip", name)
        bulk.writestr("zedzed_106_9006_04_moving_through_history_exercises.ipynb", "{}")
        for name in CANVAS_NAMES_OF_NOTHING:
            bulk.writestr(name, "notes")
    (root / "settings.toml").write_text(SETTINGS)
    (root / "roster.csv").write_text(ROSTER)
    (root / "times.csv").write_text(TIMES)
    (root / "extensions.csv").write_text(EXTENSIONS)
    graded = grade(
        root / "submissions.zip",
        root / "out",
        "--roster",
        root / "roster.csv",
        "--settings",
        root / "settings.toml",
        "--times",
        root / "times.csv",
        "--extensions",
        root / "extensions.csv",
    )
    assert graded.returncode == 0, graded.stderr
    (root / "grade.stderr").write_text(graded.stderr)
    return root


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with (out / "grades.csv").open(newline="") as stream:
        return {row["learner"]: row for row in csv.DictReader(stream)}


def test_the_gradebook_shows_raw_points_the_penalty_and_the_total(term):
    rows = gradebook(term / "out")
    ada, ben, cleo, eve = (rows[name] for name in ("ada", "ben", "cleo", "eve"))
    assert (ada["penalty"], ada["late"], ada["total"]) == ("0", "on time", ada["raw"])
    # ben: 1 day and 61 minutes after the due date, two started days, 10% each
    assert ben["late"] == "2 days late (20%)"
    assert float(ben["penalty"]) == pytest.approx(float(ben["raw"]) * 0.2, abs=0.01)
    assert float(ben["total"]) == pytest.approx(float(ben["raw"]) - float(ben["penalty"]))
    # cleo: Canvas marked her late, but her extension runs past her hand-in's time
    assert (cleo["late"], cleo["penalty"]) == ("on time", "0")
    # eve: after the last date accepted, nothing counts
    assert float(eve["raw"]) > 0 and (eve["total"], eve["late"]) == ("0", "not accepted")


def test_the_feedback_says_why_and_shows_the_learners_own_clock_unused(term):
    ben = (term / "out" / "feedback" / "ben.md").read_text()
    assert "2 days late (due 2027-01-15T23:59:00+01:00): 20% of the points taken" in ben
    assert "by times.csv, line 3" in ben and "less" in ben
    assert "by your own computer's clock" in ben and "it is shown, not used" in ben
    cleo = (term / "out" / "feedback" / "cleo.html").read_text()
    assert "on time (due 2027-01-20T23:59:00+01:00 (extended: illness))" in cleo
    eve = (term / "out" / "feedback" / "eve.md").read_text()
    assert "after the last date accepted" in eve and "**0 of" in eve


def test_lms_names_map_to_the_roster_and_strangers_and_absentees_are_reported(term):
    warnings = (term / "grade.stderr").read_text()
    assert "Canvas user 106" in warnings and "graded as canvas-106" in warnings
    assert "on the roster, nothing handed in: dan" in warnings
    results = json.loads((term / "out" / "results.json").read_text())
    by_name = {learner["learner"]: learner for learner in results["learners"]}
    assert set(by_name) == {"ada", "ben", "cleo", "eve", "canvas-106"}
    assert by_name["cleo"]["handin"]["file"] == CANVAS_NAMES["cleo"]
    assert by_name["cleo"]["handin"]["marked_late"] is True
    assert any("no hand-in archive" in note for note in by_name["canvas-106"]["refused"])
    stranger = (term / "out" / "feedback" / "canvas-106.md").read_text()
    assert stranger.count("Nothing was handed in") == 1 and "also answered" not in stranger


def test_a_file_name_of_a_learner_s_own_costs_only_that_file_and_reaches_no_terminal(term):
    warnings = (term / "grade.stderr").read_text()
    assert "'byteben_102_8001_notes\\\\draft.txt' in submissions.zip was not read" in warnings
    assert "\x1b" not in warnings and "\x07" not in warnings
    assert "\\x1b[2J\\x1b]0;owned\\x07Graded: no warnings.txt reads as the file" in warnings
    results = json.loads((term / "out" / "results.json").read_text())
    handins = {learner["learner"]: learner["handin"] for learner in results["learners"]}
    assert handins["ben"]["file"] == CANVAS_NAMES["ben"]
    assert handins["ada"]["file"] == CANVAS_NAMES["ada"]


def test_the_canvas_export_gives_zeros_and_scales_when_asked(term, tmp_path):
    common = ("export", str(term / "out"), "--roster", str(term / "roster.csv"))
    plain = checker(*common, "--out", str(tmp_path / "plain.csv"))
    assert plain.returncode == 0, plain.stderr
    rows = list(csv.reader((tmp_path / "plain.csv").open()))
    assert rows[-2][1] == "104" and rows[-2][-1] == ""  # dan: left as it is in Canvas
    scaled = checker(
        *common,
        "--out",
        str(tmp_path / "scaled.csv"),
        "--missing-as-zero",
        "--points-possible",
        "20",
    )
    assert scaled.returncode == 0, scaled.stderr
    table = list(csv.reader((tmp_path / "scaled.csv").open()))
    assert table[1][-1] == "20"
    totals = {row[1]: row[-1] for row in table[2:]}
    book = gradebook(term / "out")
    possible = float(book["(points possible)"]["max"])
    assert totals["104"] == "0"
    assert float(totals["102"]) == pytest.approx(
        float(book["ben"]["total"]) * 20 / possible, abs=0.005
    )
    wrong = checker(*common, "--points-possible", "0")
    assert wrong.returncode == 2 and "--points-possible" in wrong.stderr


def test_the_feedback_zip_is_named_as_canvas_reads_it_back(term, tmp_path):
    run = checker(
        "export",
        str(term / "out"),
        "--roster",
        str(term / "roster.csv"),
        "--out",
        str(tmp_path / "canvas.csv"),
        "--feedback-zip",
        str(tmp_path / "feedback.zip"),
    )
    assert run.returncode == 0, run.stderr
    names = zipfile.ZipFile(tmp_path / "feedback.zip").namelist()
    assert len(names) == 5
    for name in names:
        # Canvas takes the first two parts made only of digits as the user and file ids
        user_id, file_id = [part for part in name.split("_") if re.fullmatch(r"\d+", part)][:2]
        handed_in = next(
            n
            for n in [*CANVAS_NAMES.values(), "zedzed_106_9006_x"]
            if f"_{user_id}_{file_id}_" in n
        )
        assert handed_in and name.endswith("_feedback.html")
    ben_page = next(n for n in names if "_102_9002_" in n)
    text = zipfile.ZipFile(tmp_path / "feedback.zip").read(ben_page).decode()
    assert text.startswith("<!DOCTYPE html>") and "20% of the points taken" in text


def test_the_class_report_shows_the_class_and_matching_answers(term):
    report = (term / "out" / "report.html").read_text()
    assert "<script" not in report and "http" not in report  # nothing fetched, nothing run
    assert report.count('<svg class="chart"') == 3  # distribution, pass rates, hand-ins
    assert f"<code>{SCRIPT}</code>" in report and "Checks failed most" in report
    pairs = re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>(.*?)</td></tr>", report)
    # ada and eve hand in the same answer written ada's way; the solution, handed in
    # word for word by ada, cleo and eve, is common and says nothing
    assert pairs == [("ada", "eve", f"<code>{FUNCTION}</code> identical")]


def test_outputs_are_private_unless_shared_with_the_group(term, tmp_path):
    mode = stat.S_IMODE((term / "out" / "grades.csv").stat().st_mode)
    assert mode == 0o600
    run = grade(
        term / "submissions.zip",
        tmp_path / "out",
        "--roster",
        term / "roster.csv",
        "--share-with-group",
    )
    assert run.returncode == 0, run.stderr
    for path in (tmp_path / "out" / "grades.csv", tmp_path / "out" / "feedback" / "ada.html"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "out" / "feedback").stat().st_mode) == 0o750


@pytest.mark.parametrize(
    ("option", "text", "words"),
    [
        ("--times", "learner,submitted_at\nada,yesterday\n", "line 2"),
        ("--times", "learner,submitted_at\nada,2027-01-15T20:00:00\n", "time zone"),
        (
            "--extensions",
            "learner,due\nada,2027-01-20T10:00:00Z\nada,2027-01-21T10:00:00Z\n",
            "line 3",
        ),
    ],
)
def test_wrong_times_or_extensions_are_refused_with_their_line(term, tmp_path, option, text, words):
    (tmp_path / "file.csv").write_text(text)
    run = grade(
        term / "submissions.zip",
        tmp_path / "out",
        "--settings",
        term / "settings.toml",
        option,
        tmp_path / "file.csv",
    )
    assert run.returncode == 2 and option in run.stderr and words in run.stderr
    assert not (tmp_path / "out").exists()


def test_times_without_a_late_policy_are_refused(term, tmp_path):
    run = grade(term / "submissions.zip", tmp_path / "out", "--times", term / "times.csv")
    assert run.returncode == 2 and "[late]" in run.stderr


def damaged(archive: Path, into: Path) -> Path:
    """A copy of a hand-in whose compressed data is damaged (the zip's structure intact)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as packed:
        entry = packed.infolist()[0]
    start = entry.header_offset + 30 + len(entry.filename.encode()) + len(entry.extra)
    data[start : start + 40] = bytes(40)
    into.write_bytes(bytes(data))
    return into


def test_a_damaged_archive_costs_its_learner_alone(term, tmp_path):
    class_ = tmp_path / "class"
    class_.mkdir()
    shutil.copy(term / "handins" / "ada.zip", class_ / "ada.zip")
    damaged(term / "handins" / "ben.zip", class_ / "ben.zip")
    run = grade(class_, tmp_path / "out")
    assert run.returncode == 0, run.stderr
    book = gradebook(tmp_path / "out")
    assert float(book["ada"]["total"]) > 0 and book["ben"]["total"] == "0"
    feedback = (tmp_path / "out" / "feedback" / "ben.md").read_text()
    assert "ben.zip was not read: not a readable zip archive" in feedback


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ("../escaped,101,Ada\n", "cannot name a learner"),
        ("ada/x,101,Ada\n", "cannot name a learner"),
        ("ada,101,Ada\neve,101,Eve\n", "lms_id '101' is on line 2 too"),
    ],
)
def test_a_roster_that_would_misfile_work_is_refused_with_its_line(term, tmp_path, rows, words):
    (tmp_path / "roster.csv").write_text("learner,lms_id,name\n" + rows)
    run = grade(term / "submissions.zip", tmp_path / "out", "--roster", tmp_path / "roster.csv")
    assert run.returncode == 2 and words in run.stderr and "--roster" in run.stderr
    assert not (tmp_path / "out").exists()
