"""The learner's API in a notebook: handles, hints, solutions and the %%answer magic."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from kernel_sockets import AsyncLocalSocketKernelManager, LocalSocketKernelManager
from nbclient import NotebookClient

from checker import lessons, notebook
from checker.content.catalogue import EXERCISES

EXERCISE = EXERCISES["03-add-role"]


@pytest.fixture(autouse=True)
def notebook_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", tmp_path)
    monkeypatch.delenv(notebook.COURSE_DIR_VARIABLE, raising=False)
    return tmp_path


def test_check_before_any_answer_is_not_attempted():
    feedback = notebook.exercise(EXERCISE.id).check()
    assert feedback.report.outcome.value == "not attempted"
    assert "Run the %%answer cell" in repr(feedback)


def test_answer_magic_saves_the_cell_and_check_reads_it(notebook_dir, capsys):
    notebook.answer_magic(f" {EXERCISE.id} ", EXERCISE.solution)
    saved = notebook_dir / "workspace" / "answers" / f"{EXERCISE.id}.py"
    assert saved.read_text() == EXERCISE.solution
    assert capsys.readouterr().out == (
        f"Saved your answer to {EXERCISE.id} as version 1, in the course's "
        f"workspace/answers/{EXERCISE.id}.py. Check it with .check().\n"
    )
    feedback = notebook.exercise(EXERCISE.id).check()
    assert feedback.report.passed
    assert "✔ Passed" in feedback._repr_html_()
    assert "2 more checks run at grading." in repr(feedback)


def test_answer_magic_with_unknown_id_saves_nothing(notebook_dir, capsys):
    notebook.answer_magic("99-nope", "x = 1")
    assert "Unknown exercise '99-nope'" in capsys.readouterr().out
    assert not (notebook_dir / "workspace").exists()


def test_hints_are_progressive():
    handle = notebook.exercise(EXERCISE.id)
    first, second = repr(handle.hint()), repr(handle.hint())
    assert first.startswith("**Hint 1 of 3:**") and "Ask again" in first
    assert second.startswith("**Hint 2 of 3:**")
    assert repr(handle.hint(3)).startswith("**Hint 3 of 3:**")
    assert repr(handle.hint(9)) == "There are 3 hints: ask for 1 to 3."


def test_task_and_solution_render_as_markdown():
    handle = notebook.exercise(EXERCISE.id)
    assert f"%%answer {EXERCISE.id}" in handle.task()._repr_markdown_()
    assert EXERCISE.solution in handle.solution()._repr_markdown_()


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="the exercises are: 01-missing-columns"):
        notebook.exercise("99-nope")


def test_one_store_for_the_whole_course(tmp_path, monkeypatch):
    course = tmp_path / "course"
    for folder in ("notebooks", "exercises"):
        (course / folder).mkdir(parents=True)
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", course / "notebooks")
    notebook.answer_magic(EXERCISE.id, EXERCISE.solution)
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", course / "exercises")
    assert notebook.exercise(EXERCISE.id).check().report.passed
    record = json.loads((course / "workspace/answers" / f"{EXERCISE.id}.json").read_text())
    assert record["exercise"] == EXERCISE.id and record["saved"] and record["version"] == 1


def test_the_solution_is_a_whole_cell_ready_to_paste():
    shown = repr(notebook.exercise(EXERCISE.id).solution())
    cell = shown.split("```python\n", 1)[1].rsplit("```", 1)[0]
    assert cell == f"%%answer {EXERCISE.id}\n{EXERCISE.solution}"


def test_the_answer_magic_works_in_a_fresh_course_kernel_before_any_import(tmp_path):
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(f"%%answer {EXERCISE.id}\n{EXERCISE.solution}")]
    client = NotebookClient(
        book,
        timeout=60,
        resources={"metadata": {"path": str(tmp_path)}},
        kernel_manager_class=AsyncLocalSocketKernelManager,
    )
    client.execute()
    output = book.cells[0].outputs[0]
    assert output.output_type == "stream" and output.text.startswith("Saved your answer")
    assert (tmp_path / "workspace" / "answers" / f"{EXERCISE.id}.py").read_text() == (
        EXERCISE.solution
    )


def test_a_course_kernel_that_ran_a_check_stops_at_once_and_leaves_nothing(tmp_path):
    """The check's fork server and multiprocessing's resource tracker are the kernel's
    children: ipykernel ends them at shutdown but never collects them, and waited for them
    until it was killed (by Jupyter, at half its ``shutdown_wait_time``; here given a minute,
    ipykernel's own last try comes after some 15 s), leaving its temporary folder behind."""
    kernel_tmp = Path(tempfile.mkdtemp(prefix="k-"))  # short: sockets are made in it
    manager = LocalSocketKernelManager(shutdown_wait_time=60)
    manager.start_kernel(cwd=str(tmp_path), env={**os.environ, "TMPDIR": str(kernel_tmp)})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(
            f"%%answer {EXERCISE.id}\n{EXERCISE.solution}", timeout=60
        )
        assert reply["content"]["status"] == "ok"
        reply = client.execute_interactive(
            f"from checker.notebook import exercise\nexercise({EXERCISE.id!r}).check()",
            timeout=120,
        )
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        started = time.monotonic()
        manager.shutdown_kernel(now=False)
    assert time.monotonic() - started < 10
    left = list(kernel_tmp.iterdir())
    shutil.rmtree(kernel_tmp)
    assert left == []
