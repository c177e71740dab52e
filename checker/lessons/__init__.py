"""What the lesson notebooks call: a fresh workspace per lesson, and plain-text views of it.

A lesson starts with ``lesson = lessons.start("03_first_migrations")``. That resets the
lesson's own scratch copy of the app under ``workspace/`` next to the notebook, moves the
kernel into it and points ``flask`` at it, so the notebook's ``!flask db ...`` cells act
on that copy only. Running the first cell again starts the lesson over.

Shell commands (``!...``) in a lesson run without a terminal, their error output merged
into their output. A terminal would make Alembic wrap long lines at its width, so the
same command would print differently on different machines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from ..db import reading
from . import setup_commands, workspace

NOTEBOOK_DIR = Path.cwd()


class LessonSetupError(Exception):
    """A preparation command of a lesson failed."""


def start(name: str) -> Lesson:
    """Reset the workspace of lesson ``name`` and make it the kernel's working folder."""
    os.chdir(NOTEBOOK_DIR)
    space = workspace.reset(NOTEBOOK_DIR / "workspace" / name)
    os.environ.update(space.environ())
    os.chdir(space.path)
    _run_shell_commands_without_terminal()
    print(f"Fresh workspace: workspace/{name}/ holds a copy of sample_app and no database yet.")
    print("The flask commands below run there.")
    return Lesson(space)


def _run_shell_commands_without_terminal() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def system(command: str) -> None:
        expanded = shell.var_expand(command, depth=1)
        process = subprocess.Popen(
            expanded,
            shell=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        for line in process.stdout:
            sys.stdout.write(line)
        shell.user_ns["_exit_code"] = process.wait()
        sys.stdout.flush()

    shell.system = system


class Lesson:
    """Views of one lesson's workspace: its files, migrations, schema and rows."""

    def __init__(self, space: workspace.Workspace) -> None:
        self.workspace = space

    def setup(self, *commands: str) -> None:
        """Run ``flask`` commands quietly, in the same environment as the notebook's ``!``
        lines, one after the other in one process (``setup_commands``); the first that
        fails stops the rest, and its output is shown."""
        process = subprocess.Popen(
            [sys.executable, "-u", "-m", "checker.lessons.setup_commands", *commands],
            cwd=self.workspace.path,
            env=dict(os.environ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        done, output = 0, []
        for line in process.stdout:
            if setup_commands.DONE in line:  # after a last line without its newline, too
                print(f"done: flask {commands[done]}")
                done, output = done + 1, []
            else:
                output.append(line)
        status = process.wait()
        if status != 0:
            print("".join(output))
            failed = commands[min(done, len(commands) - 1)]
            raise LessonSetupError(f"`flask {failed}` failed (exit {status})")

    def show(self, pattern: str) -> None:
        """Print the files of the workspace matching ``pattern`` (a path or a glob)."""
        matches = sorted(self.workspace.path.glob(pattern))
        if not matches:
            print(f"(no file matches {pattern})")
        for path in matches:
            self._print_file(path)

    def show_migration(self, revision: str = "head") -> None:
        """Print the migration script of a revision (``head`` by default)."""
        script = ScriptDirectory(str(self.workspace.migrations_dir)).get_revision(revision)
        self._print_file(Path(script.path))

    def revisions(self) -> list[str]:
        """Revision ids from the first migration to the newest."""
        scripts = ScriptDirectory(str(self.workspace.migrations_dir))
        return [script.revision for script in reversed(list(scripts.walk_revisions()))]

    def tree(self, folder: str = "migrations") -> None:
        """Print the files under ``folder``, as a learner would see them in a file browser."""
        root = self.workspace.path / folder
        if not root.is_dir():
            print(f"(no folder {folder}/)")
            return
        print(f"{folder}/")
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if "__pycache__" in relative.parts:
                continue
            indent = "    " * len(relative.parts)
            print(f"{indent}{relative.name}{'/' if path.is_dir() else ''}")

    def schema(self, database_url: str | None = None) -> None:
        """Print every table of the lesson's database (or another) with columns and constraints."""
        engine = self._engine(database_url)
        if engine is None:
            return
        tables = reading.describe(engine)
        if not tables:
            print("(the database has no tables)")
        for described in tables.values():
            print(f"table {described.name}")
            width = max(len(c.name) for c in described.columns)
            for col in described.columns:
                flags = ["NOT NULL" if not col.nullable else "NULL"]
                if col.primary_key:
                    flags.append("PRIMARY KEY")
                if col.server_default is not None:
                    flags.append(f"DEFAULT {col.server_default}")
                print(f"    {col.name:<{width}}  {col.type:<13} {' '.join(flags)}")
            for constraint_name, columns in described.unique_constraints:
                print(f"    UNIQUE {constraint_name or '(unnamed)'} ({', '.join(columns)})")

    def rows(self, table_name: str = "user", database_url: str | None = None) -> None:
        """Print every row of a table of the lesson's database (or another)."""
        engine = self._engine(database_url)
        if engine is None:
            return
        if not inspect(engine).has_table(table_name):
            print(f"(no table {table_name!r} in the database)")
            return
        columns, rows = reading.fetch_rows(engine, table_name)
        cells = [columns] + [["NULL" if v is None else str(v) for v in row] for row in rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
        for row in cells:
            print(
                "  ".join(
                    value.ljust(width) for value, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        print(f"({len(rows)} {'row' if len(rows) == 1 else 'rows'})")

    def _engine(self, database_url: str | None = None):
        try:
            return reading.open_readonly(database_url or self.workspace.database_url)
        except FileNotFoundError:
            shown = "instance/app.db" if database_url is None else database_url
            print(f"(no database yet: {shown} does not exist)")
            return None

    def _print_file(self, path: Path) -> None:
        print(f"--- {path.relative_to(self.workspace.path).as_posix()} ---")
        print(path.read_text(), end="")
