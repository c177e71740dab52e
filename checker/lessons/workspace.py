"""Scratch workspaces: private, disposable copies of the sample app.

Lessons and checks never work on ``sample_app/`` itself. Each gets a folder of its own
holding a copy of the app package and, once a command has run, its own SQLite database
and ``migrations/`` folder. Resetting a workspace deletes only folders that this module
created (they carry a marker file), so a mistyped path can never wipe a learner's files.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

MARKER = ".course-workspace"
APP_PACKAGE = "sample_app"


class WorkspaceError(Exception):
    """A workspace cannot be created or reset safely."""


@dataclass(frozen=True)
class Workspace:
    """A folder holding a private copy of the sample app and its database."""

    path: Path

    @property
    def app_dir(self) -> Path:
        return self.path / APP_PACKAGE

    @property
    def migrations_dir(self) -> Path:
        return self.path / "migrations"

    @property
    def database_path(self) -> Path:
        return self.path / "instance" / "app.db"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database_path.as_posix()}"

    def environ(self) -> dict[str, str]:
        """Environment variables that point ``flask`` at this workspace's app and database.

        The interpreter's own ``bin`` folder comes first on ``PATH`` so that ``flask`` is the
        one installed next to the running Python, even when the shell's ``PATH`` lacks it.
        """
        scripts = str(Path(sys.executable).parent)
        path = os.environ.get("PATH", "")
        if path.split(os.pathsep)[0] != scripts:
            path = os.pathsep.join([scripts, path]) if path else scripts
        return {"FLASK_APP": APP_PACKAGE, "DATABASE_URL": self.database_url, "PATH": path}


def app_template() -> Path:
    """The folder of the installed ``sample_app`` package, which workspaces copy."""
    spec = importlib.util.find_spec(APP_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WorkspaceError(f"the {APP_PACKAGE!r} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def reset(path: Path, template: Path | None = None) -> Workspace:
    """Make ``path`` a fresh workspace: a pristine copy of the app and nothing else."""
    path = Path(path).resolve()
    template = (template or app_template()).resolve()
    if path == template or template in path.parents or path in template.parents:
        raise WorkspaceError(f"refusing to use {path} as a workspace: it overlaps {template}")
    if path.exists():
        if not (path / MARKER).is_file():
            raise WorkspaceError(
                f"{path} exists but is not a course workspace (no {MARKER} file); "
                "move it away or choose another name"
            )
        shutil.rmtree(path)
    path.mkdir(parents=True)
    shutil.copytree(
        template, path / APP_PACKAGE, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    (path / "instance").mkdir()
    (path / MARKER).write_text("A scratch copy of the sample app; reset deletes this folder.\n")
    return Workspace(path)
