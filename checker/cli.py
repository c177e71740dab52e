"""``python -m checker``: list the exercises, check an answer, grade a class.

Exit status of ``check``: 0 the answer passed; 1 it failed, was not attempted, raised an
error or timed out. ``grade`` exits 0 once every output is written, whatever the grades.
Either exits 2 when used wrongly (unknown exercise, missing file or folder).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from . import answers
from .exercises import EXERCISES
from .grading import batch, outputs
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


@cli.command("grade")
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("grades"),
    show_default=True,
    help="Folder for the outputs (created if needed).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Learner answers graded at once [default: all cores].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds each run of learner code may take [default: 10].",
)
@click.option(
    "--format",
    "formats",
    default=",".join(outputs.DEFAULT_FORMATS),
    show_default=True,
    help=f"Comma-separated outputs to write, from: {', '.join(outputs.FORMATS)}.",
)
def grade_command(
    submissions: Path, out: Path, jobs: int | None, timeout: float | None, formats: str
) -> None:
    """Grade SUBMISSIONS: a folder with one copy of the course folder per learner.

    Every exercise (hidden checks included) and quiz of every learner is graded from the
    files alone; the learners' files are only read.
    """
    chosen = tuple(name.strip() for name in formats.split(",") if name.strip())
    unknown = sorted(set(chosen) - set(outputs.FORMATS))
    if unknown or not chosen:
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(outputs.FORMATS)}",
            param_hint="--format",
        )
    submissions, out = submissions.resolve(), out.resolve()
    if out == submissions or submissions in out.parents:
        raise click.BadParameter(
            "the output folder must not be inside SUBMISSIONS (it would be graded as a learner)",
            param_hint="--out",
        )
    if not batch.learner_folders(submissions):
        raise click.BadParameter(
            f"{submissions} holds no learner folders", param_hint="SUBMISSIONS"
        )
    started = time.perf_counter()
    learners = batch.grade_class(submissions, jobs=jobs, timeout=timeout)
    written = outputs.write(learners, out, chosen)
    items = sum(len(learner["items"]) for learner in learners)
    plural = "" if len(learners) == 1 else "s"
    click.echo(
        f"Graded {len(learners)} learner{plural} ({items} exercises and quiz questions) in "
        f"{time.perf_counter() - started:.1f} s."
    )
    for path in written:
        click.echo(f"Wrote {path}")
