"""No course action loses a saved answer: the starter and known versions never replace the
current answer, every version is kept, listed and restorable, and what is graded says so."""

from __future__ import annotations

import json
import os
import shutil

import nbformat
import pytest
from kernel_sockets import AsyncLocalSocketKernelManager
from nbclient import NotebookClient
from notebook_tools import ROOT

from checker import api, lessons, notebook
from checker.content.catalogue import COURSE, EXERCISES
from checker.grading.answer_store import AnswerStore
from checker.grading.submission import read_submission

EXERCISE = EXERCISES["03-add-role"]
WRONG = EXERCISE.solution.replace("server_default='member'", "server_default='guest'")


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A learner's course folder, the kernel in its exercise notebooks' folder."""
    folder = tmp_path / "course"
    for name in ("notebooks", "exercises"):
        (folder / name).mkdir(parents=True)
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", folder / "exercises")
    monkeypatch.delenv(notebook.COURSE_DIR_VARIABLE, raising=False)
    return folder


def run_cell(source: str, capsys) -> str:
    notebook.answer_magic(EXERCISE.id, source)
    return capsys.readouterr().out


def current_text(course) -> str:
    return (course / "workspace" / "answers" / f"{EXERCISE.id}.py").read_text()


def test_the_starter_never_replaces_a_saved_answer(course, capsys):
    assert "version 1" in run_cell(EXERCISE.solution, capsys)
    printed = run_cell(EXERCISE.starter, capsys)
    assert printed.startswith("Not saved: this cell still holds the starter.")
    assert "Your saved answer is kept: version 1, saved" in printed
    assert current_text(course) == EXERCISE.solution
    assert notebook.exercise(EXERCISE.id).check().report.passed


def test_the_starter_alone_saves_nothing(course, capsys):
    printed = run_cell("# my notes\n" + EXERCISE.starter, capsys)
    assert printed.startswith(f"Not saved: this cell still holds the starter of {EXERCISE.id}.")
    assert not (course / "workspace").exists()


def test_a_cell_identical_to_a_saved_version_changes_nothing(course, capsys):
    run_cell(WRONG, capsys)
    assert "as version 2" in run_cell(EXERCISE.solution, capsys)
    printed = run_cell(WRONG + "\n\n", capsys)
    assert printed.startswith("Not saved again: this cell is version 1, saved")
    assert "Your saved answer is kept: version 2" in printed and ".restore(1)" in printed
    assert current_text(course) == EXERCISE.solution
    assert run_cell(EXERCISE.solution, capsys).startswith("Already saved: this cell is your")
    assert [
        v.number for v in AnswerStore(course / "workspace" / "answers").versions(EXERCISE.id)
    ] == [
        1,
        2,
    ]


def test_every_version_is_listed_and_an_earlier_one_restored(course, capsys):
    run_cell(WRONG, capsys)
    run_cell(EXERCISE.solution, capsys)
    handle = notebook.exercise(EXERCISE.id)
    listing = repr(handle.versions())
    assert "| 1 |" in listing and "| 2 |" in listing
    assert "(current: version 2" in listing and listing.count("| current |") == 1
    restored = repr(handle.restore(1))
    assert "now version 1, saved" in restored and "made current again" in restored
    assert "version 2 is newer" in restored
    assert current_text(course) == WRONG
    assert not handle.check().report.passed
    assert repr(handle.restore(7)) == (
        f"Nothing changed: {EXERCISE.id} has no version 7; its versions are 1 to 2."
    )
    handle.restore(2)
    assert current_text(course) == EXERCISE.solution and handle.check().report.passed


def test_nothing_saved_yet_has_no_versions(course):
    handle = notebook.exercise(EXERCISE.id)
    assert repr(handle.versions()) == f"No answer to `{EXERCISE.id}` has been saved yet."
    assert repr(handle.restore(1)) == (
        f"Nothing changed: no answer to {EXERCISE.id} has been saved yet."
    )


def test_an_answer_the_store_did_not_write_is_kept_as_a_version(course, capsys):
    answers = course / "workspace" / "answers"
    answers.mkdir(parents=True)
    (answers / f"{EXERCISE.id}.py").write_text(EXERCISE.solution)
    (answers / f"{EXERCISE.id}.json").write_text(
        json.dumps({"exercise": EXERCISE.id, "saved": "2026-11-20T10:00:00+00:00", "notebook": ""})
    )
    assert "as version 2" in run_cell(WRONG, capsys)
    store = AnswerStore(answers)
    assert store.source(EXERCISE.id, 1) == EXERCISE.solution
    assert store.versions(EXERCISE.id)[0].saved == "2026-11-20T10:00:00+00:00"
    (answers / f"{EXERCISE.id}.py").write_text(WRONG + "# edited by hand\n")
    assert store.current(EXERCISE.id).version.number == 3
    assert store.source(EXERCISE.id, 3).endswith("# edited by hand\n")


def test_the_solutions_notebooks_never_touch_the_learners_answers(course, capsys, monkeypatch):
    run_cell(WRONG, capsys)
    (course / "solutions").mkdir()
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", course / "solutions")
    assert "workspace/solutions/answers" in run_cell(EXERCISE.solution, capsys)
    assert notebook.exercise(EXERCISE.id).check().report.passed
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", course / "exercises")
    assert current_text(course) == WRONG


def test_progress_and_handin_say_when_the_graded_answer_is_older(course, capsys):
    run_cell(EXERCISE.solution, capsys)
    run_cell(WRONG, capsys)
    notebook.exercise(EXERCISE.id).restore(1)
    answer = read_submission(COURSE, course).answers[EXERCISE.id]
    assert answer.source == EXERCISE.solution
    [note] = answer.notes
    assert note.startswith("Graded version 1 of the 2 you saved, as you made it current again on")
    assert note.endswith("version 2 is newer.")
    text = repr(notebook.handin("ada"))
    assert "Which answers grading will take" in text and "Graded version 1 of the 2" in text


def test_an_exercise_notebook_run_after_the_lesson_was_solved_keeps_the_answers(tmp_path):
    """A learner solved both exercises of lesson 03 (in the lesson), then opens the exercise
    notebook, still holding the starters, and runs it top to bottom in a fresh kernel, twice."""
    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    exercises = course / "exercises"
    exercises.mkdir()
    name = "03_first_migrations_exercises.ipynb"
    shutil.copy(ROOT / "exercises" / name, exercises / name)
    store = AnswerStore(course / "workspace" / "answers")
    solved = [EXERCISES["03-add-password-hash"], EXERCISE]
    for exercise in solved:
        store.save(exercise.id, exercise.solution, exercise.starter, "notebooks/03.ipynb")
    for _ in range(2):
        book = nbformat.read(exercises / name, as_version=4)
        client = NotebookClient(
            book,
            timeout=120,
            resources={"metadata": {"path": str(exercises)}},
            kernel_manager_class=AsyncLocalSocketKernelManager,
        )
        client.execute(env={k: v for k, v in os.environ.items() if k != "COURSE_DIR"})
        printed = [
            "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in c.outputs)
            for c in book.cells
            if c.cell_type == "code"
        ]
        assert sum("Your saved answer is kept: version 1" in text for text in printed) == 2
        assert sum("passed" in text for text in printed) == 2, printed
    for exercise in solved:
        assert store.current(exercise.id).version.number == 1
        assert len(store.versions(exercise.id)) == 1
    overview = api.progress(course)
    marks = {e: o for lesson in overview.lessons for e, o, _ in lesson.exercises}
    assert marks["03-add-password-hash"] == marks[EXERCISE.id] == "passed"
