"""Scratch workspaces: a pristine copy each time, and never a deletion of foreign files."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from checker.lessons import workspace


def tree_is_identical(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])
    if comparison.left_only or comparison.right_only or comparison.diff_files:
        return False
    return all(tree_is_identical(left / d, right / d) for d in comparison.common_dirs)


def test_reset_copies_the_app_and_nothing_else(space):
    assert tree_is_identical(space.app_dir, workspace.app_template())
    assert sorted(p.name for p in space.path.iterdir()) == [
        workspace.MARKER,
        "instance",
        "sample_app",
    ]
    assert not space.database_path.exists()


def test_reset_undoes_everything_a_lesson_did(space):
    (space.app_dir / "models.py").write_text("broken = True\n")
    space.database_path.write_bytes(b"not a database")
    (space.migrations_dir / "versions").mkdir(parents=True)
    again = workspace.reset(space.path)
    assert again.path == space.path
    assert tree_is_identical(again.app_dir, workspace.app_template())
    assert not again.database_path.exists()
    assert not again.migrations_dir.exists()


def test_reset_refuses_a_folder_it_did_not_create(tmp_path):
    foreign = tmp_path / "my_project"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("precious")
    with pytest.raises(workspace.WorkspaceError, match="not a course workspace"):
        workspace.reset(foreign)
    assert (foreign / "notes.txt").read_text() == "precious"


def test_reset_refuses_to_work_inside_the_app_itself():
    with pytest.raises(workspace.WorkspaceError, match="overlaps"):
        workspace.reset(workspace.app_template() / "scratch")


def test_environ_points_flask_at_the_workspace(space):
    env = space.environ()
    assert env["FLASK_APP"] == "sample_app"
    assert env["DATABASE_URL"] == f"sqlite:///{space.database_path.as_posix()}"


def test_app_template_is_the_installed_package():
    assert (workspace.app_template() / "models.py").is_file()
