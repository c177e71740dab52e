"""Which answer grading takes, and that it always says so: a notebook that cannot be read
is named with the answer used instead, and a saved starter never hides a real answer."""

from __future__ import annotations

import ast
import os
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from class_builder import ROOT, with_answers
from IPython.core.inputtransformer2 import TransformerManager

from checker.content.catalogue import COURSE, EXERCISES
from checker.grading.answer_store import course_store
from checker.grading.overview import overview
from checker.grading.submission import read_submission
from checker.judge.answers import answer_cells, parse_notebook

SCRIPT = EXERCISES["03-add-password-hash"]
LESSON = "notebooks/03_first_migrations.ipynb"
EXERCISE_NOTEBOOK = "exercises/03_first_migrations_exercises.ipynb"


def course_with(tmp_path, answers: dict[str, dict[str, str]], truncated: tuple[str, ...] = ()):
    """A learner's course folder: the given notebooks with answers, some cut short as a
    crashed save leaves them."""
    course = tmp_path / "course"
    for relative, filled in answers.items():
        path = course / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(with_answers(ROOT / relative, filled), path)
    for relative in truncated:
        path = course / relative
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    return course


def test_a_broken_exercise_notebook_is_named_with_the_answer_used_instead(tmp_path):
    course = course_with(
        tmp_path,
        {LESSON: {SCRIPT.id: SCRIPT.solution}, EXERCISE_NOTEBOOK: {}},
        truncated=(EXERCISE_NOTEBOOK,),
    )
    answer = read_submission(COURSE, course).answers[SCRIPT.id]
    assert answer.source == SCRIPT.solution and answer.origin == LESSON
    [note] = answer.notes
    assert note.startswith(f"{EXERCISE_NOTEBOOK} is not a readable notebook (")
    assert note.endswith(f"graded {LESSON} instead.")
    assert note in overview(COURSE, course).to_markdown()


def test_a_broken_notebook_with_the_only_answer_is_an_error_not_a_starter(tmp_path):
    course = course_with(
        tmp_path,
        {LESSON: {}, EXERCISE_NOTEBOOK: {SCRIPT.id: SCRIPT.solution}},
        truncated=(EXERCISE_NOTEBOOK,),
    )
    answer = read_submission(COURSE, course).answers[SCRIPT.id]
    assert answer.problem is not None and answer.problem.outcome.value == "error"
    assert answer.problem.message.startswith(f"{EXERCISE_NOTEBOOK} is not a readable notebook")
    assert "its answer cannot be graded" in answer.problem.message
    assert "starter" not in answer.problem.message.split(";")[0]


def test_a_broken_notebook_beside_a_saved_answer_is_said(tmp_path):
    course = course_with(tmp_path, {EXERCISE_NOTEBOOK: {}}, truncated=(EXERCISE_NOTEBOOK,))
    course_store(course).save(SCRIPT.id, SCRIPT.solution, SCRIPT.starter)
    answer = read_submission(COURSE, course).answers[SCRIPT.id]
    assert answer.source == SCRIPT.solution
    assert answer.notes[0].endswith("graded the saved answer instead.")


def test_the_lesson_of_an_exercise_is_its_own_not_its_id(tmp_path):
    renamed = EXERCISES["04-rename-username"]
    assert COURSE.lesson_of(renamed.id).number == "06"
    notebook = "exercises/06_manual_renames_exercises.ipynb"
    course = course_with(tmp_path, {notebook: {}}, truncated=(notebook,))
    problem = read_submission(COURSE, course).answers[renamed.id].problem
    assert problem.outcome.value == "error" and notebook in problem.message


def test_a_saved_starter_never_hides_a_real_answer_in_a_notebook(tmp_path):
    course = course_with(tmp_path, {EXERCISE_NOTEBOOK: {SCRIPT.id: SCRIPT.solution}})
    answers = course / "workspace" / "answers"
    answers.mkdir(parents=True)
    (answers / f"{SCRIPT.id}.py").write_text(SCRIPT.starter)  # what older courses saved
    answer = read_submission(COURSE, course).answers[SCRIPT.id]
    assert answer.source == SCRIPT.solution and answer.origin == EXERCISE_NOTEBOOK
    assert answer.notes == [
        f"The saved answer, workspace/answers/{SCRIPT.id}.py, is still the starter; graded "
        f"the '%%answer {SCRIPT.id}' cell of {EXERCISE_NOTEBOOK}."
    ]


@pytest.mark.parametrize(
    "cell",
    [
        f"\n%%answer {SCRIPT.id}\n{SCRIPT.solution}",
        f"  \n\t\n%%answer {SCRIPT.id}\n{SCRIPT.solution}",
        textwrap.indent(f"%%answer {SCRIPT.id}\n{SCRIPT.solution}", "    "),
    ],
    ids=["an-empty-line-first", "lines-of-spaces-first", "indented-as-a-whole"],
)
def test_an_answer_cell_is_read_as_ipython_runs_it(cell):
    ran = TransformerManager().transform_cell(cell)
    assert ran.startswith("get_ipython().run_cell_magic('answer',")
    body = ast.literal_eval(ast.parse(ran).body[0].value.args[2])
    notebook = {"cells": [{"cell_type": "code", "source": cell.splitlines(keepends=True)}]}
    assert answer_cells(notebook) == {SCRIPT.id: [body]}
    assert ast.dump(ast.parse(body)) == ast.dump(ast.parse(SCRIPT.solution))


def test_a_file_that_is_not_regular_is_refused_unopened(tmp_path, monkeypatch):
    course = course_with(tmp_path, {LESSON: {}})
    (course / "exercises").mkdir()
    os.mkfifo(course / EXERCISE_NOTEBOOK)
    opened: list[str] = []
    real_open = os.open

    def watched_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", watched_open)
    submission = read_submission(COURSE, course)
    assert f"{EXERCISE_NOTEBOOK}: not a regular file; not read" in submission.refused
    assert Path(EXERCISE_NOTEBOOK).name not in opened


def test_an_answer_cell_after_a_million_blank_lines_is_read_in_one_pass():
    cell = "\n" * 1_000_000 + f"%%answer {SCRIPT.id}\n{SCRIPT.solution}"
    started = time.process_time()
    found = answer_cells({"cells": [{"cell_type": "code", "source": cell}]})
    assert found == {SCRIPT.id: [SCRIPT.solution]}
    assert time.process_time() - started < 5  # a line at a time from the front: minutes


def test_a_notebook_that_printed_a_long_list_is_read():
    notebook = nbformat.v4.new_notebook()
    printed = nbformat.v4.new_output("stream", text=", ".join(["1"] * 2_000_000))
    cell = nbformat.v4.new_code_cell(f"%%answer {SCRIPT.id}\n{SCRIPT.solution}")
    cell.outputs = [printed]
    notebook.cells = [cell]
    data = nbformat.writes(notebook).encode()
    assert answer_cells(parse_notebook(data, "printed.ipynb")) == {SCRIPT.id: [SCRIPT.solution]}
