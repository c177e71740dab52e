"""Several ``flask`` commands run one after the other in one process, for ``Lesson.setup``.

Each command goes through Flask's own command line (the group the ``flask`` script runs),
exactly as typed after ``flask``. Starting a process and importing Flask, SQLAlchemy,
Alembic and the app takes most of a command's second; here it is paid once per setup
instead of once per command. After each command that succeeds, a line holding ``DONE`` is
printed; the first command that fails ends the run with its exit status.

Run as ``python -m checker.lessons.setup_commands COMMAND...`` from the workspace, in the
environment ``Workspace.environ`` gives.
"""

from __future__ import annotations

import shlex
import sys

DONE = "\x1ecourse setup: command done\x1e"


def exit_status(stop: SystemExit) -> int:
    """The status a process ending with ``stop`` would have (a message means 1)."""
    if stop.code is None or isinstance(stop.code, int):
        return stop.code or 0
    print(stop.code, file=sys.stderr)
    return 1


def run(commands: list[str]) -> int:
    """Run each command until one fails; returns the failed one's exit status, or 0."""
    from flask.cli import cli

    for command in commands:
        try:
            cli.main(args=shlex.split(command), prog_name="flask")
            status = 0
        except SystemExit as stop:
            status = exit_status(stop)
        if status:
            return status
        print(DONE, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
