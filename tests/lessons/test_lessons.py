"""The lesson helpers: start() gives a fresh workspace every time; views print the real state."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from checker import lessons


@pytest.fixture
def notebook_dir(tmp_path: Path, monkeypatch) -> Path:
    """Pretend the notebook lives in tmp_path; undo the chdir and environment changes after."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lessons, "NOTEBOOK_DIR", tmp_path)
    for key in ("FLASK_APP", "DATABASE_URL", "PATH"):
        monkeypatch.setenv(key, os.environ.get(key, ""))
    return tmp_path


def test_start_moves_into_a_fresh_workspace(notebook_dir, capsys):
    lesson = lessons.start("01_demo")
    assert Path.cwd() == notebook_dir / "workspace" / "01_demo"
    assert os.environ["DATABASE_URL"] == lesson.workspace.database_url
    assert "Fresh workspace: workspace/01_demo/" in capsys.readouterr().out


def test_start_again_from_inside_the_workspace_starts_over(notebook_dir):
    first = lessons.start("01_demo")
    (first.workspace.path / "leftover.txt").write_text("x")
    second = lessons.start("01_demo")
    assert second.workspace.path == first.workspace.path
    assert not (second.workspace.path / "leftover.txt").exists()
    assert not (notebook_dir / "workspace" / "01_demo" / "workspace").exists()


def test_views_before_any_database(notebook_dir, capsys):
    lesson = lessons.start("01_demo")
    capsys.readouterr()
    lesson.schema()
    lesson.rows("user")
    lesson.tree("migrations")
    assert capsys.readouterr().out == (
        "(no database yet: instance/app.db does not exist)\n"
        "(no database yet: instance/app.db does not exist)\n"
        "(no folder migrations/)\n"
    )
    assert not lesson.workspace.database_path.exists()


def test_setup_migrations_and_views(notebook_dir, capsys):
    lesson = lessons.start("03_demo")
    lesson.setup("db init", 'db migrate -m "create user table"', "db upgrade", "seed")
    capsys.readouterr()

    lesson.schema()
    schema = capsys.readouterr().out
    assert "table user\n" in schema and "UNIQUE uq_user_email (email)" in schema

    lesson.rows("user")
    assert capsys.readouterr().out.splitlines()[-1] == "(5 rows)"

    (revision,) = lesson.revisions()
    lesson.show_migration("head")
    script = capsys.readouterr().out
    assert script.startswith(f"--- migrations/versions/{revision}_create_user_table.py ---")
    assert "op.create_table('user'" in script


def test_setup_stops_at_a_failing_command(notebook_dir, capsys):
    """The commands before it are done, its output is shown, and those after it never run."""
    lesson = lessons.start("02_demo")
    capsys.readouterr()
    with pytest.raises(lessons.LessonSetupError, match="`flask db init` failed"):
        lesson.setup("db init", "db init", "db upgrade")
    shown = capsys.readouterr().out
    assert shown.startswith("done: flask db init\n") and shown.count("done:") == 1
    assert "already exists and is not empty" in shown
    with sqlite3.connect(lesson.workspace.database_path) as database:
        assert database.execute("SELECT name FROM sqlite_master").fetchall() == []
