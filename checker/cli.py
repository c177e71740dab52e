"""``python -m checker``: list the exercises and check answers from a shell.

Exit status: 0 the answer passed; 1 it failed, was not attempted, raised an error or timed
out; 2 the command was used wrongly (unknown exercise, missing file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import answers
from .exercises import EXERCISES
from .outcomes import AnswerProblem
from .render import as_text


@click.group()
def cli() -> None:
    """Check answers to the exercises of the migrations course."""


@cli.command("list")
def list_command() -> None:
    """List the exercises: id, lesson and title."""
    for exercise in EXERCISES.values():
        click.echo(f"{exercise.id:<24} lesson {exercise.lesson}  {exercise.title}")


@cli.command("check")
@click.argument("exercise_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record instead of text.")
def check_command(exercise_id: str, path: Path, as_json: bool) -> None:
    """Check PATH, a migration script or module, or a notebook with a %%answer cell."""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        raise click.BadParameter(
            f"no exercise {exercise_id!r} (see: python -m checker list)", param_hint="EXERCISE_ID"
        )
    if path.suffix == ".ipynb":
        try:
            report = exercise.check_source(answers.from_notebook(path, exercise_id))
        except AnswerProblem as problem:
            report = exercise.problem_report(problem, [], hidden=False, duration=0.0)
    else:
        report = exercise.check(path)
    if as_json:
        click.echo(json.dumps(report.to_record(), ensure_ascii=False))
    else:
        click.echo(as_text(report, exercise.title))
    sys.exit(0 if report.passed else 1)
