"""The ``flask`` command as the course's text questions read a typed answer: Flask's own
options and Flask-Migrate's ``db`` commands, only parsed, never run."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup
from flask_migrate.cli import db

from ..judge.quizzes import CommandLine


def without_effects(option: click.Parameter) -> click.Option:
    """The same option as its parser reads it, without what parsing it does in Flask
    (loading a ``.env`` file, setting ``FLASK_DEBUG``, printing the version)."""
    declarations = list(option.opts)
    if option.secondary_opts:
        declarations = [f"{declarations[0]}/{option.secondary_opts[0]}"]
    return click.Option(declarations, is_flag=getattr(option, "is_flag", False))


FLASK = click.Group(
    "flask",
    params=[without_effects(option) for option in FlaskGroup().params],
    commands={"db": db},
)
# the app to load, the debug mode, a message or the new revision's id leave a command the same one
# the course's app keeps its migrations in the folder Flask-Migrate names by default, and
# `flask db init` takes the template named `flask` when none is given
FLASK_COMMAND_LINE = CommandLine(
    FLASK,
    frozenset({"app", "env_file", "debug", "message", "rev_id"}),
    defaults={"directory": "migrations", "template": "flask"},
)
