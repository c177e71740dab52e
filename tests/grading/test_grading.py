"""Grading a class end to end through ``python -m checker grade``.

A generated class mixes right, partly right, wrong, broken and hostile submissions; each
learner's expected grade is derived from the exercises' declared points and from what
each case does (a problem after the history check keeps that one point, and so on).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from checker_command import SOLUTIONS, checker, grade
from class_builder import ROOT, learner_folder, notebook_for, with_answers
from quiz_answers import RIGHT, wrong_answer
from wrong_answers import WRONG_ANSWERS

from checker.content.catalogue import EXERCISES, QUESTIONS
from checker.grading.feedback import plain

POINTS = {exercise_id: exercise.max_points for exercise_id, exercise in EXERCISES.items()}
# the totals leave out the practice exercises, unless the settings name them
COUNTED = sum(points for i, points in POINTS.items() if not EXERCISES[i].practice)
FUNCTION = "01-missing-columns"
SCRIPT = "03-add-password-hash"
HISTORY_POINT = 1  # the history check passes before the learner's upgrade() first runs
TIMEOUT = 3


def with_upgrade(text: str) -> str:
    return SOLUTIONS[SCRIPT].replace("def upgrade():\n", f"def upgrade():\n{text}", 1)


WRONG_HISTORY = SOLUTIONS[SCRIPT].replace("down_revision = '5e1f0c2a9b01'", "down_revision = None")
ALWAYS_EMPTY = "def missing_columns(engine, metadata):\n    return set()\n"
EMPTY_CASES = sum(case.expected == frozenset() for case in EXERCISES[FUNCTION].cases)
RIGGED_EQ = """\
class Anything(set):
    def __eq__(self, other):
        return True

    __hash__ = set.__hash__


class Agreeable:
    def __eq__(self, other):
        return True


def missing_columns(engine, metadata):
    return Agreeable() if metadata.tables.get("order") is not None else Anything()
"""
MONKEYPATCH_CELL = """\
import checker.judge.kinds.base as base
from checker.judge import quizzes
base.summarise = lambda exercise_id, results: None
quizzes.judge = lambda question, answer: type("V", (), {"correct": True})()
"""
HIDDEN_FAILURE = next(w for w in WRONG_ANSWERS if w.label.startswith("fitted to the visible data"))
QUIZ_IDS = list(QUESTIONS)
HALF = QUIZ_IDS[: len(QUIZ_IDS) // 2]


def right_quiz(ids=QUIZ_IDS):
    return {question_id: RIGHT[question_id] for question_id in ids}


def wrong_quiz():
    return {question_id: wrong_answer(question_id) for question_id in QUIZ_IDS}


def lesson_notebooks(*exercise_ids: str) -> list[Path]:
    return sorted({notebook_for(exercise_id) for exercise_id in exercise_ids})


# learner -> (answers, quiz answers, notebooks to hand in (None: all), expected total)
CLASS = {
    "all-right": (SOLUTIONS, right_quiz(), None, COUNTED + len(QUIZ_IDS)),
    "partly-right": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: SOLUTIONS[SCRIPT]},
        {**wrong_quiz(), **right_quiz(HALF)},
        None,
        POINTS[FUNCTION] + POINTS[SCRIPT] + len(HALF),
    ),
    "wrong": ({FUNCTION: ALWAYS_EMPTY, SCRIPT: WRONG_HISTORY}, wrong_quiz(), None, EMPTY_CASES),
    "fails-hidden": (
        {HIDDEN_FAILURE.exercise_id: HIDDEN_FAILURE.source},
        {},
        None,
        POINTS[HIDDEN_FAILURE.exercise_id] - 1,
    ),
    "malformed-json": ({FUNCTION: SOLUTIONS[FUNCTION]}, {}, None, POINTS[FUNCTION]),
    "duplicated-cells": ({SCRIPT: SOLUTIONS[SCRIPT]}, {}, None, POINTS[SCRIPT]),
    "deleted-cells": ({SCRIPT: SOLUTIONS[SCRIPT]}, {}, None, POINTS[SCRIPT]),
    "missing-notebooks": (
        {FUNCTION: SOLUTIONS[FUNCTION]},
        {},
        lesson_notebooks(FUNCTION),
        POINTS[FUNCTION],
    ),
    "syntax-error": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: with_upgrade("    if True\n")},
        {},
        None,
        POINTS[FUNCTION],
    ),
    "endless-loop": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: with_upgrade("    while True:\n        pass\n")},
        {},
        None,
        POINTS[FUNCTION] + HISTORY_POINT,
    ),
    "memory-bomb": (
        {
            FUNCTION: SOLUTIONS[FUNCTION],
            SCRIPT: with_upgrade("    hoard = 'x' * (4 * 1024 ** 3)\n"),
        },
        {},
        None,
        POINTS[FUNCTION] + HISTORY_POINT,
    ),
    "sys-exit": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: "import sys\nsys.exit(3)\n" + SOLUTIONS[SCRIPT]},
        {},
        None,
        POINTS[FUNCTION],
    ),
    "os-exit": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: with_upgrade("    import os\n    os._exit(7)\n")},
        {},
        None,
        POINTS[FUNCTION] + HISTORY_POINT,
    ),
    "fork": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: with_upgrade("    import os\n    os.fork()\n")},
        {},
        None,
        POINTS[FUNCTION] + HISTORY_POINT,
    ),
    "writes-outside": ({FUNCTION: SOLUTIONS[FUNCTION]}, {}, None, POINTS[FUNCTION] + HISTORY_POINT),
    "huge-output": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: with_upgrade("    print('x' * 50_000_000)\n")},
        {},
        None,
        POINTS[FUNCTION] + POINTS[SCRIPT],
    ),
    "non-utf8": (
        {FUNCTION: SOLUTIONS[FUNCTION], SCRIPT: SOLUTIONS[SCRIPT]},
        {},
        None,
        POINTS[SCRIPT],
    ),
    "monkeypatch": ({SCRIPT: WRONG_HISTORY}, wrong_quiz(), None, 0),
    "quiz-tamper": ({}, wrong_quiz(), None, 0),
    "rigged-eq": ({FUNCTION: RIGGED_EQ}, {}, None, 0),
}

# (learner, item) -> (outcome, words the message, detail or notes must contain)
REASONS = {
    ("all-right", "11-enum-column"): ("passed", "All 7 checks passed"),
    ("wrong", SCRIPT): ("failed", "down_revision is None"),
    ("fails-hidden", HIDDEN_FAILURE.exercise_id): ("failed", HIDDEN_FAILURE.message),
    ("malformed-json", SCRIPT): ("error", "is not a readable notebook"),
    ("malformed-json", "03-add-role"): ("error", "is not a readable notebook"),
    ("duplicated-cells", SCRIPT): ("passed", f"2 '%%answer {SCRIPT}' cells"),
    ("deleted-cells", "03-add-role"): ("not attempted", "or notebooks/ has"),
    ("missing-notebooks", SCRIPT): ("not attempted", "no notebook in exercises/ or"),
    ("syntax-error", SCRIPT): ("error", "syntax error"),
    ("endless-loop", SCRIPT): ("timed out", f"ran for more than {TIMEOUT} s"),
    ("memory-bomb", SCRIPT): ("error", "ran out of memory"),
    ("sys-exit", SCRIPT): ("error", "sys.exit(3)"),
    ("os-exit", SCRIPT): ("error", "ended the checking process abruptly"),
    ("fork", SCRIPT): ("error", "starting processes is not allowed"),
    ("writes-outside", SCRIPT): ("error", "writing outside the scratch folder is not allowed"),
    ("non-utf8", FUNCTION): ("error", "is not UTF-8 text"),
    ("monkeypatch", SCRIPT): ("failed", "down_revision is None"),
    ("rigged-eq", FUNCTION): ("failed", "returned a"),
    ("quiz-tamper", "03-version-rows"): ("error", "does not fit the question"),
}


def build_class(submissions: Path) -> None:
    for name, (answers, quiz, notebooks, _) in CLASS.items():
        learner_folder(submissions, name, answers, quiz, notebooks=notebooks)
    rewrite_notebooks(submissions)
    tamper_with_quizzes(submissions / "quiz-tamper")


def rewrite_notebooks(submissions: Path) -> None:
    """The cases that live in the notebook files rather than in the answers."""
    lesson03 = notebook_for(SCRIPT).name
    lesson01 = notebook_for(FUNCTION).name
    (submissions / "malformed-json" / "exercises" / lesson03).write_text('{"cells": [')

    duplicated = with_answers(notebook_for(SCRIPT), {SCRIPT: WRONG_HISTORY})
    answer_cell = next(c for c in duplicated.cells if c.source.startswith(f"%%answer {SCRIPT}"))
    right = nbformat.v4.new_code_cell(f"%%answer {SCRIPT}\n{SOLUTIONS[SCRIPT]}")
    duplicated.cells.insert(duplicated.cells.index(answer_cell) + 1, right)
    nbformat.write(duplicated, submissions / "duplicated-cells" / "exercises" / lesson03)

    deleted = with_answers(notebook_for(SCRIPT), {SCRIPT: SOLUTIONS[SCRIPT]})
    deleted.cells = [c for c in deleted.cells if not c.source.startswith("%%answer 03-add-role")]
    nbformat.write(deleted, submissions / "deleted-cells" / "exercises" / lesson03)

    target = submissions / "writes-outside" / "exercises" / lesson03
    hostile = with_upgrade(f"    open({str(target)!r}, 'w').write('gone')\n")
    nbformat.write(with_answers(notebook_for(SCRIPT), {SCRIPT: hostile}), target)

    huge = with_answers(notebook_for(FUNCTION), {FUNCTION: SOLUTIONS[FUNCTION]})
    first_code = next(c for c in huge.cells if c.cell_type == "code")
    first_code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * 20_000_000)]
    nbformat.write(huge, submissions / "huge-output" / "exercises" / lesson01)

    path = submissions / "non-utf8" / "exercises" / lesson01
    path.write_bytes(path.read_bytes().replace(b"missing_columns", b"missing_columns\xe9", 1))

    patched = with_answers(notebook_for(SCRIPT), {SCRIPT: WRONG_HISTORY})
    patched.cells.insert(0, nbformat.v4.new_code_cell(MONKEYPATCH_CELL))
    nbformat.write(patched, submissions / "monkeypatch" / "exercises" / lesson03)


def tamper_with_quizzes(learner: Path) -> None:
    """Wrong answers whose files claim they were right, and one answer of the wrong form."""
    progress = learner / "notebooks" / "workspace" / "progress"
    for path in progress.glob("*.json"):
        record = json.loads(path.read_text())
        record.update(correct=True, points=100)
        path.write_text(json.dumps(record))
    record = {"question": "03-version-rows", "answer": {"evil": True}, "correct": True}
    (progress / "03-version-rows.json").write_text(json.dumps(record))


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(path.relative_to(folder)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    submissions = root / "submissions"
    build_class(submissions)
    before = snapshot(submissions)
    formats = "--format=csv,json,feedback,gradescope"
    first = grade(submissions, root / "out", f"--timeout={TIMEOUT}", formats)
    assert first.returncode == 0, first.stderr
    return root, submissions, before, first


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    """The learners' rows of grades.csv, by learner (the points-possible row left out)."""
    with (out / "grades.csv").open(newline="") as stream:
        rows = {row["learner"]: row for row in csv.DictReader(stream)}
    assert rows.pop("(points possible)")["overridden"] == ""
    return rows


def items(out: Path) -> dict[tuple[str, str], dict]:
    document = json.loads((out / "results.json").read_text())
    return {
        (learner["learner"], item["id"]): item
        for learner in document["learners"]
        for item in learner["items"]
    }


def test_every_learner_gets_the_expected_grade(graded):
    root, *_ = graded
    rows = gradebook(root / "out")
    assert sorted(rows) == sorted(CLASS)
    maximum = COUNTED + len(QUIZ_IDS)
    for learner, (*_, expected) in CLASS.items():
        assert (int(rows[learner]["total"]), int(rows[learner]["max"])) == (expected, maximum), (
            learner
        )
        columns = [c for c in rows[learner] if c not in ("learner", "total", "max", "overridden")]
        assert columns == [*EXERCISES, *QUIZ_IDS]
        practice = [c for c in columns if c in EXERCISES and EXERCISES[c].practice]
        assert sum(int(rows[learner][c]) for c in columns if c not in practice) == expected


def test_each_failure_has_its_reason(graded):
    root, *_ = graded
    graded_items = items(root / "out")
    for (learner, item_id), (outcome, words) in REASONS.items():
        item = graded_items[(learner, item_id)]
        messages = [check["message"] for check in item.get("checks", [])]
        text = " ".join(
            [item["message"], item.get("detail", ""), *item.get("notes", []), *messages]
        )
        assert item["outcome"] == outcome, (learner, item_id, text)
        assert words in text, (learner, item_id, text)


def test_learner_files_are_never_changed(graded):
    _, submissions, before, _ = graded
    assert snapshot(submissions) == before


def test_results_list_every_check_with_its_facts(graded):
    root, *_ = graded
    document = json.loads((root / "out" / "results.json").read_text())
    assert document["checker_version"]
    everything = next(le for le in document["learners"] if le["learner"] == "all-right")
    for item in everything["items"]:
        assert item["points"] == item["max_points"], item["id"]
        if item["kind"] == "exercise":
            assert sum(check["max_points"] for check in item["checks"]) == item["max_points"]
            assert {c["visibility"] for c in item["checks"]} == {"visible", "hidden"}
            for check in item["checks"]:
                assert check.keys() >= {"id", "outcome", "points", "max_points", "message"}
                assert check["duration"] >= 0 and item["checker_version"]


def test_feedback_explains_failures_but_shows_no_hidden_code(graded):
    root, *_ = graded
    text = (root / "out" / "feedback" / "fails-hidden.md").read_text()
    assert "(hidden check)" in text and plain(HIDDEN_FAILURE.message) in text
    assert "def " not in text and "lambda" not in text and "assert" not in text
    endless = (root / "out" / "feedback" / "endless-loop.md").read_text()
    assert f"ran for more than {TIMEOUT} s" in endless


def test_gradescope_results_match_the_gradebook(graded):
    root, *_ = graded
    rows = gradebook(root / "out")
    for learner in CLASS:
        result = json.loads((root / "out" / "gradescope" / learner / "results.json").read_text())
        assert result["score"] == int(rows[learner]["total"])
        assert sum(test["max_score"] for test in result["tests"]) == int(rows[learner]["max"])
        assert sum(test["score"] for test in result["tests"]) == result["score"]


def test_grading_again_gives_identical_grades_and_feedback(graded):
    root, submissions, _, _ = graded
    again = grade(submissions, root / "again", "--jobs=1", f"--timeout={TIMEOUT}")
    assert again.returncode == 0, again.stderr
    assert (root / "again" / "grades.csv").read_text() == (root / "out" / "grades.csv").read_text()
    for learner in CLASS:
        name = f"feedback/{learner}.md"
        assert (root / "again" / name).read_text() == (root / "out" / name).read_text()


def test_quiet_without_a_terminal(graded):
    *_, first = graded
    assert first.stderr == ""
    assert first.stdout.startswith(f"Graded {len(CLASS)} learners")


def test_example_class_in_the_readme(tmp_path):
    example = ROOT / "tests" / "example_class"
    result = grade(example, tmp_path / "grades", "--format=csv,json,feedback,gradescope")
    assert result.returncode == 0, result.stderr
    expected = (example.parent / "example_class_grades.csv").read_text()
    assert (tmp_path / "grades" / "grades.csv").read_text() == expected
    cleo = items(tmp_path / "grades")
    assert cleo[("cleo", FUNCTION)]["outcome"] == "error"  # her lesson 01 notebook is broken
    assert cleo[("cleo", "04-rename-username")]["outcome"] == "not attempted"


def test_outputs_of_learners_no_longer_graded_are_removed(tmp_path):
    smaller = tmp_path / "smaller"
    shutil.copytree(ROOT / "tests" / "example_class", smaller)
    out = tmp_path / "grades"
    assert grade(smaller, out, "--format=feedback,gradescope").returncode == 0
    shutil.rmtree(smaller / "cleo")
    assert grade(smaller, out, "--format=feedback,gradescope").returncode == 0
    assert sorted(p.name for p in (out / "feedback").iterdir()) == [
        "ada.html",
        "ada.md",
        "ben.html",
        "ben.md",
    ]
    assert sorted(p.name for p in (out / "gradescope").iterdir()) == ["ada", "ben"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["does-not-exist"], "does not exist"),
        (["{empty}"], "holds no learner folders"),
        (["{class}", "--out", "{class}/out"], "must not be inside SUBMISSIONS"),
        (["{class}", "--format", "csv,pdf"], "unknown format pdf"),
        (["{class}", "--jobs", "0"], "--jobs"),
    ],
)
def test_wrong_use_is_a_clear_error(tmp_path, arguments, message):
    (tmp_path / "empty").mkdir()
    learner_folder(tmp_path / "class", "solo", {}, notebooks=[])
    filled = [
        a.format(empty=tmp_path / "empty", **{"class": tmp_path / "class"}) for a in arguments
    ]
    result = checker("grade", *filled)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "class" / "out").exists()


def test_answers_are_graded_where_the_course_invites_them(tmp_path):
    """A lesson's Challenge cell counts; the answer saved last wins, and the feedback says so."""
    submissions = tmp_path / "class"
    lesson = ROOT / "notebooks" / "03_first_migrations.ipynb"
    challenge = learner_folder(submissions, "challenge-only", {}, notebooks=[])
    (challenge / "notebooks").mkdir(exist_ok=True)
    answered = with_answers(lesson, {SCRIPT: SOLUTIONS[SCRIPT]})
    nbformat.write(answered, challenge / "notebooks" / lesson.name)
    saved = learner_folder(submissions, "saved-wins", {SCRIPT: WRONG_HISTORY})
    store = saved / "workspace" / "answers"
    store.mkdir(parents=True)
    (store / f"{SCRIPT}.py").write_text(SOLUTIONS[SCRIPT])
    assert grade(submissions, tmp_path / "out").returncode == 0
    found = items(tmp_path / "out")
    for learner, origin in (
        ("challenge-only", "notebooks/03_first_migrations.ipynb"),
        ("saved-wins", f"workspace/answers/{SCRIPT}.py"),
    ):
        item = found[(learner, SCRIPT)]
        assert item["points"] == POINTS[SCRIPT] and item["graded_from"] == origin, item
    assert "saved last" in " ".join(found[("saved-wins", SCRIPT)]["notes"])
