"""``python -m checker``: a thin mirror of ``checker.api``, one command per function.

Each command declares its options, takes their defaults and its help from the API
function it calls, and prints the result. Exit status of ``check``: 0 the answer passed;
1 it failed, was not attempted, raised an error or timed out. ``grade`` exits 0 once every
output is written, whatever the grades. Both exit 2 when used wrongly.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import api
from .notebook.render import as_text

GRADE_DEFAULTS = api.grade.__kwdefaults__
GRADE_OUT_DEFAULT = api.grade.__defaults__[0]


def usage_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the API's ``UsageError`` into click's wrong-usage exit (status 2)."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except api.UsageError as error:
            raise click.BadParameter(str(error), param_hint=error.argument) from None
        except api.BoundaryUnavailable as error:
            raise click.ClickException(str(error)) from None

    return run


def stop_on_terminate(*_: object) -> None:
    """SIGTERM stops grading as Ctrl-C does: workers, children and servers are stopped."""
    raise KeyboardInterrupt


def help_of(function: Callable[..., Any]) -> str:
    """The first paragraph of an API function's docstring, for a command's help."""
    return (function.__doc__ or "").strip().split("\n\n")[0].replace("``", "")


@click.group()
def cli() -> None:
    """Check answers to the exercises of the migrations course, and grade a class."""


@cli.command("list", help=help_of(api.list_exercises))
def list_command() -> None:
    for exercise in api.list_exercises():
        click.echo(f"{exercise.id:<24} lesson {exercise.lesson}  {exercise.title}")


@cli.command("check", help=help_of(api.check))
@click.argument("exercise_id")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record instead of text.")
@usage_errors
def check_command(exercise_id: str, path: Path, as_json: bool) -> None:
    report = api.check(exercise_id, path)
    if as_json:
        click.echo(json.dumps(report.to_record(), ensure_ascii=False))
    else:
        click.echo(as_text(report, api.find_exercise(exercise_id).title))
    sys.exit(0 if report.passed else 1)


@cli.command("notebooks", help=help_of(api.generate_notebooks))
@click.argument("course", type=click.Path(path_type=Path), default=Path("."))
@usage_errors
def notebooks_command(course: Path) -> None:
    written = api.generate_notebooks(course)
    for path in written:
        click.echo(f"Wrote {path}")
    if not written:
        click.echo("Every generated notebook is up to date.")


@cli.command("grade", help=help_of(api.grade))
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=GRADE_OUT_DEFAULT,
    show_default=True,
    help="Folder for the outputs (created if needed); not inside SUBMISSIONS.",
)
@click.option(
    "--jobs",
    type=int,
    default=GRADE_DEFAULTS["jobs"],
    help="Learner answers graded at once [default: all cores].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=GRADE_DEFAULTS["timeout"],
    show_default=True,
    help="Seconds each run of learner code may take.",
)
@click.option(
    "--format",
    "formats",
    default=",".join(GRADE_DEFAULTS["formats"]),
    show_default=True,
    help=f"Comma-separated outputs to write, from: {', '.join(api.FORMATS)}.",
)
@click.option(
    "--trusted-submissions",
    is_flag=True,
    default=GRADE_DEFAULTS["trusted_submissions"],
    help="Grade without the Linux boundary around learner code (recorded in results.json).",
)
@usage_errors
def grade_command(
    submissions: Path,
    out: Path,
    jobs: int | None,
    timeout: float,
    formats: str,
    trusted_submissions: bool,
) -> None:
    chosen = tuple(name.strip() for name in formats.split(",") if name.strip())
    signal.signal(signal.SIGTERM, stop_on_terminate)
    try:
        run = api.grade(
            submissions,
            out,
            jobs=jobs,
            timeout=timeout,
            formats=chosen,
            trusted_submissions=trusted_submissions,
        )
    except KeyboardInterrupt:
        click.echo("Interrupted: grading stopped, and nothing was written.", err=True)
        sys.exit(130)
    plural = "" if len(run.learners) == 1 else "s"
    click.echo(
        f"Graded {len(run.learners)} learner{plural} ({run.items} exercises and quiz "
        f"questions) in {run.seconds:.1f} s; learner code isolated by: {run.isolation}."
    )
    for path in run.written:
        click.echo(f"Wrote {path}")
