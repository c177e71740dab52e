"""The grader's own side, through ``python -m checker grade``: submissions read strictly,
bounded work on learner data, outputs nobody can inject into, and an interrupted grading
that leaves nothing running.

Each case is a learner graded beside Alice (all right): the case gains nothing, Alice
keeps the grade she gets alone and her files stay byte-identical, the batch finishes
within a stated time with its outputs written, and the grader's memory stays bounded.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from checker_command import SOLUTIONS
from class_builder import ROOT, learner_folder, with_answers
from quiz_answers import RIGHT

from checker.content.catalogue import EXERCISES, QUESTIONS
from checker.db import postgres
from checker.judge import boundary
from checker.judge.answers import MAX_NOTEBOOK_VALUES
from checker.judge.outcomes import TOO_DEEP

pytestmark = pytest.mark.skipif(boundary.probe() is not None, reason="needs Linux namespaces")
FUNCTION, SCRIPT = "01-missing-columns", "03-add-password-hash"
SCRIPT_NOTEBOOK = "exercises/03_first_migrations_exercises.ipynb"
FORMULA_NAME = '=HYPERLINK("attacker.example";"ok")'
LONG_NAME, SPACED_NAME = "m" * 150, "alice "
WIDE_NAME = "名" * 84  # 84 characters, 252 bytes
LOOK_ALIKE_NAME = "\u0430lice"  # a Cyrillic a first
BATCH_SECONDS = 180
PEAK_MEMORY_MB = 600


def in_upgrade(attack: str) -> str:
    return SOLUTIONS[SCRIPT].replace("def upgrade():\n", f"def upgrade():\n{attack}", 1)


def build_class(base: Path) -> tuple[Path, Path]:
    """Alice and one learner per case; returns the class folder and Alice's folder."""
    submissions = base / "class"
    alice = learner_folder(submissions, "alice", SOLUTIONS, RIGHT)
    for name, target in (
        ("links-to-solutions", ROOT / "solutions"),
        ("links-to-classmate", Path("../alice/exercises")),
    ):
        folder = learner_folder(submissions, name, {}, notebooks=[])
        shutil.rmtree(folder / "exercises")
        (folder / "exercises").symlink_to(target, target_is_directory=True)
    quiz_link = learner_folder(submissions, "links-classmate-quizzes", {}, notebooks=[])
    shutil.rmtree(quiz_link / "notebooks")
    (quiz_link / "notebooks").symlink_to(Path("../alice/notebooks"), target_is_directory=True)
    victim = learner_folder(submissions, "victim", SOLUTIONS, notebooks=[ROOT / SCRIPT_NOTEBOOK])
    hard = learner_folder(submissions, "hard-links-classmate", {}, notebooks=[])
    os.link(victim / SCRIPT_NOTEBOOK, hard / SCRIPT_NOTEBOOK)
    renamed = learner_folder(submissions, "hands-in-the-solutions", {}, notebooks=[])
    shutil.copy(ROOT / "solutions/03_first_migrations_solutions.ipynb", renamed / "exercises")

    tiny_cells = learner_folder(submissions, "huge-notebook", {FUNCTION: SOLUTIONS[FUNCTION]})
    path = tiny_cells / "exercises/01_why_migrations_exercises.ipynb"
    notebook = nbformat.read(path, as_version=4)
    filler = [nbformat.v4.new_code_cell("x", id=f"filler-{n}") for n in range(60_000)]
    notebook.cells = filler + notebook.cells  # ids of their own: random ones may collide
    nbformat.write(notebook, path)
    brackets = learner_folder(submissions, "empty-cells-notebook", {}, notebooks=[])
    (brackets / SCRIPT_NOTEBOOK).write_text(
        '{"cells": [' + ",".join(["{}"] * (MAX_NOTEBOOK_VALUES + 1)) + "]}"
    )
    huge_cell = "# " + "x" * 5 * 2**20 + "\n" + SOLUTIONS[SCRIPT]
    learner_folder(submissions, "huge-answer-cell", {SCRIPT: huge_cell})
    many_tables = (
        "    for n in range(400):\n        op.create_table(f't{n}', sa.Column('id', sa.Integer))\n"
    )
    learner_folder(submissions, "many-tables", {SCRIPT: in_upgrade(many_tables)})
    huge_view = (
        "    op.rename_table('user', 'people')\n"
        '    op.execute(\'CREATE VIEW "user" AS SELECT id, username, '
        "zeroblob(40000000) AS email FROM people')\n"
        "    return\n"
    )
    learner_folder(submissions, "huge-view", {SCRIPT: in_upgrade(huge_view)})

    markup = "raise RuntimeError('<script>alert(1)</script> ``` # heading [x](http://e)')\n"
    learner_folder(submissions, "markup-in-errors", {SCRIPT: in_upgrade(f"    {markup}")})
    values = (
        "    op.execute(\"UPDATE user SET email = '<script>alert(1)</script> # [x](e)' || id\")\n"
    )
    learner_folder(submissions, "markup-in-values", {SCRIPT: in_upgrade(values)})
    learner_folder(submissions, FORMULA_NAME, {})
    nested = learner_folder(submissions, "nested-progress", {}, RIGHT)
    deep = "[" * 100_000 + "]" * 100_000
    first = next(iter(QUESTIONS))
    (nested / f"notebooks/workspace/progress/{first}.json").write_text(
        f'{{"question": "{first}", "answer": {deep}}}'
    )
    deep = SOLUTIONS[SCRIPT].replace(
        "def upgrade():", "_W = " + "+".join(["1"] * 5_000) + "\n\n\ndef upgrade():", 1
    )
    learner_folder(submissions, "deep-expression", {SCRIPT: deep, FUNCTION: SOLUTIONS[FUNCTION]})
    nested_answer = learner_folder(submissions, "nested-answer", {}, RIGHT)
    second = list(QUESTIONS)[1]
    (nested_answer / f"notebooks/workspace/progress/{second}.json").write_text(
        f'{{"question": "{second}", "answer": {"[" * 600 + "1" + "]" * 600}}}'
    )
    generated = (
        "    op.execute('ALTER TABLE \"user\" ADD COLUMN zz TEXT GENERATED ALWAYS AS '\n"
        "               \"(instr(hex(zeroblob(100000000)), hex(zeroblob(500000)) || '1'))\")\n"
    )
    learner_folder(submissions, "generated-column", {SCRIPT: in_upgrade(generated)})
    texts = learner_folder(submissions, "many-texts-notebook", {}, notebooks=[])
    (texts / SCRIPT_NOTEBOOK).write_text(
        '{"cells": [' + ",".join(['"ab"'] * (MAX_NOTEBOOK_VALUES + 1)) + "]}"
    )
    halves = learner_folder(submissions, "half-characters", {}, RIGHT, notebooks=[])
    notebook = with_answers(ROOT / SCRIPT_NOTEBOOK, {SCRIPT: SOLUTIONS[SCRIPT] + "# \ud800\n"})
    (halves / SCRIPT_NOTEBOOK).write_text(json.dumps(notebook))  # escaped: "\\ud800"
    (halves / f"notebooks/workspace/progress/{first}.json").write_text(
        f'{{"question": "{first}", "answer": "\\ud800"}}'
    )
    for name in LONG_NAME, WIDE_NAME, SPACED_NAME, LOOK_ALIKE_NAME:
        learner_folder(submissions, name, SOLUTIONS, notebooks=[ROOT / SCRIPT_NOTEBOOK])
    commands = [q.id for q in QUESTIONS.values() if q.kind == "text"]
    long_commands = {question_id: "a= " * 330_000 + "flask db init" for question_id in commands}
    learner_folder(submissions, "long-typed-commands", {}, long_commands, notebooks=[])
    return submissions, alice


def grade_measured(submissions: Path, out: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    """Grade through the command; returns the result, its seconds and its peak memory (MB)."""
    measure = (
        "import resource, subprocess, sys; "
        "result = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stdout.write(result.stdout); sys.stderr.write(result.stderr); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
        "sys.exit(result.returncode)"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", measure, sys.executable, "-m", "checker", "grade",
         str(submissions), "--out", str(out), "--jobs", "2", "--timeout", "5"],
        capture_output=True, text=True, timeout=BATCH_SECONDS * 2,
    )  # fmt: skip
    return result, time.monotonic() - started, int(result.stdout.splitlines()[-1])


def results(out: Path) -> dict[str, dict]:
    document = json.loads((out / "results.json").read_text())
    return {learner["learner"]: learner for learner in document["learners"]}


def points(learner: dict) -> dict[str, int]:
    return {item["id"]: item["points"] for item in learner["items"]}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, alice_graded_alone):
    base = tmp_path_factory.mktemp("bounds")
    submissions, alice = build_class(base)
    before = {p: p.read_bytes() for p in alice.rglob("*") if p.is_file()}
    result, seconds, peak = grade_measured(submissions, base / "out")
    return {
        "result": result, "seconds": seconds, "peak": peak, "out": base / "out",
        "alone": alice_graded_alone, "alice": alice, "before": before,
    }  # fmt: skip


def test_the_batch_finishes_in_time_with_bounded_memory(graded):
    assert graded["result"].returncode == 0, graded["result"].stderr
    assert graded["seconds"] < BATCH_SECONDS
    assert graded["peak"] < PEAK_MEMORY_MB


def test_the_classmate_keeps_her_grade_and_her_files(graded):
    assert points(results(graded["out"])["alice"]) == points(results(graded["alone"])["alice"])
    after = {p: p.read_bytes() for p in graded["alice"].rglob("*") if p.is_file()}
    assert after == graded["before"]


@pytest.mark.parametrize(
    ("learner", "refusal"),
    [
        ("links-to-solutions", "exercises/: a symbolic link"),
        ("links-to-classmate", "exercises/: a symbolic link"),
        ("links-classmate-quizzes", "notebooks/: a symbolic link"),
        ("hard-links-classmate", f"{SCRIPT_NOTEBOOK}: a file linked from elsewhere"),
    ],
)
def test_linked_files_earn_nothing_and_the_feedback_says_why(graded, learner, refusal):
    record = results(graded["out"])[learner]
    assert sum(points(record).values()) == 0
    assert any(note.startswith(refusal) for note in record["refused"]), record["refused"]
    feedback = (graded["out"] / "feedback" / f"{learner}.md").read_text()
    assert "## Files not read" in feedback
    assert "symbolic link" in feedback or "hard link" in feedback


def test_a_file_shared_through_a_hard_link_is_flagged_in_both_folders(graded):
    learners = results(graded["out"])
    assert sum(points(learners["hard-links-classmate"]).values()) == 0
    assert (
        f"{SCRIPT_NOTEBOOK} is the same file as victim's {SCRIPT_NOTEBOOK}."
        in (learners["hard-links-classmate"]["refused"])
    )
    assert any("hard-links-classmate's" in note for note in learners["victim"]["refused"])


def test_only_the_course_notebook_names_are_answers(graded):
    assert sum(points(results(graded["out"])["hands-in-the-solutions"]).values()) == 0


def test_a_notebook_of_many_cells_is_read_once_and_graded(graded):
    record = results(graded["out"])["huge-notebook"]
    assert points(record)[FUNCTION] == EXERCISES[FUNCTION].max_points


@pytest.mark.parametrize(
    ("learner", "earned", "message"),
    [
        ("huge-answer-cell", 0, "larger than 1 MB; not read"),
        ("many-tables", 1, "tables; the checker inspects at most 50"),
        ("huge-view", 1, "table user is missing"),
        ("empty-cells-notebook", 0, "JSON values (objects, arrays, texts, numbers); not read"),
        ("many-texts-notebook", 0, "JSON values (objects, arrays, texts, numbers); not read"),
        ("generated-column", 1, "the database has a generated column"),
    ],
)
def test_work_on_learner_data_is_bounded(graded, learner, earned, message):
    item = next(i for i in results(graded["out"])[learner]["items"] if i["id"] == SCRIPT)
    assert item["points"] == earned
    text = json.dumps(item)
    assert message in text and len(text) < 20_000


def test_no_cell_of_the_gradebook_is_a_formula(graded):
    with open(graded["out"] / "grades.csv", newline="") as stream:
        names = [row[0] for row in csv.reader(stream)]
    assert f"'{FORMULA_NAME}" in names
    assert not [name for name in names if name.startswith(("=", "+", "-", "@"))]


def test_learner_text_in_feedback_is_escaped(graded):
    feedback = (graded["out"] / "feedback" / "markup-in-errors.md").read_text()
    outside, _, rest = feedback.partition("\n````text\n")
    inside, fence, after = rest.partition("\n````\n")
    assert fence, "the error is shown in a block its own backticks cannot close"
    assert "```" in inside and "<script>" in inside
    assert "<script>" not in outside + after
    values = (graded["out"] / "feedback" / "markup-in-values.md").read_text()
    assert "<script>" not in values
    assert "&lt;script&gt;alert(1)&lt;/script&gt; # \\[x\\](e)" in values


def test_an_answer_nested_too_deeply_costs_only_itself(graded):
    earned = points(results(graded["out"])["deep-expression"])
    assert earned[FUNCTION] == EXERCISES[FUNCTION].max_points
    assert earned[SCRIPT] == 0
    item = next(i for i in results(graded["out"])["deep-expression"]["items"] if i["id"] == SCRIPT)
    assert item["message"] == TOO_DEEP


def test_a_typed_answer_longer_than_a_command_is_refused_unread(graded):
    record = results(graded["out"])["long-typed-commands"]
    typed = [
        item
        for item in record["items"]
        if item["kind"] == "quiz" and item["outcome"] != "not attempted"
    ]
    assert len(typed) == 3
    for item in typed:
        assert item["points"] == 0
        assert "at most 1000 characters" in item["message"], item


def test_names_a_reader_could_misread_are_refused_or_graded_with_a_warning(graded):
    learners = results(graded["out"])
    assert not {LONG_NAME, WIDE_NAME, SPACED_NAME} & set(learners)
    said = graded["result"].stdout + graded["result"].stderr
    for name in LONG_NAME, WIDE_NAME:
        assert f"Folder '{name}' was not graded: it is longer than 100 characters" in said
    assert f"Folder '{SPACED_NAME}' was not graded: it begins or ends with a space" in said
    assert points(learners[LOOK_ALIKE_NAME])[SCRIPT] == EXERCISES[SCRIPT].max_points
    assert f"Folder '{LOOK_ALIKE_NAME}' mixes CYRILLIC and LATIN letters" in said
    assert (graded["out"] / "report.html").is_file()


def test_a_quiz_answer_of_no_answer_s_shape_costs_only_its_question(graded):
    record = results(graded["out"])["nested-answer"]
    quizzes = {item["id"]: item for item in record["items"] if item["kind"] == "quiz"}
    second = quizzes.pop(list(QUESTIONS)[1])
    assert second["points"] == 0
    assert "is not a saved answer to this question" in json.dumps(second)
    assert sum(item["points"] for item in quizzes.values()) == len(QUESTIONS) - 1


def test_half_a_character_costs_only_its_answers(graded):
    record = results(graded["out"])["half-characters"]
    script = next(item for item in record["items"] if item["id"] == SCRIPT)
    assert script["outcome"] == "error" and "is not Unicode" in json.dumps(script)
    quizzes = [item for item in record["items"] if item["kind"] == "quiz"]
    assert sum(item["points"] for item in quizzes) == len(QUESTIONS) - 1


def test_a_malformed_progress_file_costs_only_its_question(graded):
    record = results(graded["out"])["nested-progress"]
    quizzes = [item for item in record["items"] if item["kind"] == "quiz"]
    assert [item["outcome"] for item in quizzes].count("error") == 1
    assert sum(item["points"] for item in quizzes) == len(QUESTIONS) - 1


def servers_of(owner: int) -> set[int]:
    """The processes of the PostgreSQL servers ``owner`` started (other tests' are not)."""
    folders = [str(f) for f, recorded in postgres.course_servers() if recorded["owner"] == owner]
    return {
        p.pid
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "postgres"
        and any(folder in " ".join(p.info["cmdline"] or ()) for folder in folders)
    }


def still_running(pids: set[int]) -> list[int]:
    """The processes of ``pids`` still alive (a zombie is over, only not yet collected)."""
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


def test_an_interrupted_grading_leaves_nothing_running(graded, tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "grade", str(graded["alice"].parent),
         "--out", str(tmp_path / "out"), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    grader = psutil.Process(process.pid)
    deadline = time.monotonic() + 60  # a loaded machine takes long to import and start workers
    while not grader.children(recursive=True) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3)  # the workers' checks start their children and servers
    started = {child.pid for child in grader.children(recursive=True)}
    servers = servers_of(process.pid)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "Interrupted" in stderr
    deadline = time.monotonic() + 15  # a server's fast shutdown takes a moment
    while (alive := still_running(started | servers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert started and not alive
    assert not (tmp_path / "out").exists()
