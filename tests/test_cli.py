"""``python -m checker``: list, check a script or a notebook, exit statuses, JSON records."""

from __future__ import annotations

import json

import nbformat
import pytest
from checker_command import checker

from checker import __version__
from checker.content.catalogue import EXERCISES

EXERCISE = EXERCISES["03-add-password-hash"]


def notebook_with(path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)


def test_list_shows_every_exercise():
    result = checker("list")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == list(EXERCISES)
    practice = {line.split()[0] for line in result.stdout.splitlines() if "(practice" in line}
    assert practice == {e.id for e in EXERCISES.values() if e.practice}


def test_check_passing_script(tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(EXERCISE.solution)
    result = checker("check", EXERCISE.id, str(answer))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"✔ {EXERCISE.id} ({EXERCISE.title}): passed")
    assert "2 more checks run at grading." in result.stdout


def test_check_json_record(tmp_path):
    answer = tmp_path / "answer.py"
    answer.write_text(EXERCISE.starter)
    result = checker("check", EXERCISE.id, str(answer), "--json")
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert record["exercise_id"] == EXERCISE.id
    assert record["outcome"] == "not attempted"
    assert record["checker_version"] == __version__
    assert set(record) >= {"checks", "message", "duration", "hidden_not_run"}


def test_check_answer_cell_of_a_notebook(tmp_path):
    notebook = tmp_path / "exercises.ipynb"
    notebook_with(
        notebook,
        "print('hello')",
        f"%%answer {EXERCISE.id}\n{EXERCISE.starter}",
        f"%%answer {EXERCISE.id}\n{EXERCISE.solution}",
    )
    result = checker("check", EXERCISE.id, str(notebook), "--json")
    assert json.loads(result.stdout)["outcome"] == "passed", "the last answer cell counts"
    assert result.returncode == 0


def test_notebook_without_answer_cell_is_not_attempted(tmp_path):
    notebook = tmp_path / "exercises.ipynb"
    notebook_with(notebook, "print('no answer here')")
    result = checker("check", EXERCISE.id, str(notebook), "--json")
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert record["outcome"] == "not attempted"
    assert f"no '%%answer {EXERCISE.id}' cell" in record["message"]


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b'{"cells": 3}'])
def test_malformed_notebook_is_an_error_not_a_crash(tmp_path, content):
    notebook = tmp_path / "broken.ipynb"
    notebook.write_bytes(content)
    result = checker("check", EXERCISE.id, str(notebook), "--json")
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert record["outcome"] == "error"
    assert "broken.ipynb is not" in record["message"]
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(tmp_path):
    missing = checker("check", EXERCISE.id, str(tmp_path / "nowhere.py"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    answer = tmp_path / "answer.py"
    answer.write_text("x = 1\n")
    unknown = checker("check", "99-nope", str(answer))
    assert unknown.returncode == 2 and "no exercise '99-nope'" in unknown.stderr


def test_answers_lists_versions_and_restore_makes_one_current(tmp_path):
    from checker.grading.answer_store import course_store

    course = tmp_path / "course"
    (course / "notebooks").mkdir(parents=True)
    store = course_store(course)
    wrong = EXERCISE.solution.replace("length=128", "length=64")
    store.save(EXERCISE.id, wrong, EXERCISE.starter, "notebooks/03_first_migrations.ipynb")
    store.save(EXERCISE.id, EXERCISE.solution, EXERCISE.starter, "exercises/03.ipynb")
    listed = checker("answers", str(course))
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0] == EXERCISE.id
    assert lines[1].startswith("    version 1, saved ") and "03_first_migrations" in lines[1]
    assert lines[2].startswith("  * version 2, saved ")
    restored = checker("restore", EXERCISE.id, "1", str(course))
    assert restored.returncode == 0, restored.stderr
    assert "is now version 1" in restored.stdout and "version 2 is newer" in restored.stdout
    assert store.answer_path(EXERCISE.id).read_text() == wrong
    missing = checker("restore", EXERCISE.id, "9", str(course))
    assert missing.returncode == 2 and "has no version 9" in missing.stderr
    nothing = checker("answers", str(course), "--exercise", "03-add-role")
    assert nothing.stdout == "No answer has been saved yet.\n"
