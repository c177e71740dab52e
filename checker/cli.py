"""``python -m checker``: a thin mirror of ``checker.api``, one command per function.

Each command declares its options, takes their defaults and its help from the API
function it calls, and prints the result. Exit status of ``check``: 0 the answer passed;
1 it failed, was not attempted, raised an error or timed out. ``grade`` exits 0 once every
output is written, whatever the grades. Both exit 2 when used wrongly.

It is over 300 lines because it declares every command's options beside the one API call
each makes; splitting it would part a command from its options.
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
        except api.IsolationUnavailable as error:
            raise click.ClickException(str(error)) from None

    return run


def stop_on_terminate(*_: object) -> None:
    """SIGTERM stops grading as Ctrl-C does: workers, children and servers are stopped."""
    raise KeyboardInterrupt


def help_of(function: Callable[..., Any]) -> str:
    """The first paragraph of an API function's docstring, for a command's help."""
    return (function.__doc__ or "").strip().split("\n\n")[0].replace("``", "")


@click.group()
@click.option(
    "--course",
    envvar=api.COURSE_VARIABLE,
    help=f"The course, by its installed name [default: {api.DEFAULT_COURSE}].",
)
def cli(course: str | None) -> None:
    """Check answers to a course's exercises (the migrations course by default), and grade
    a class."""


def chosen_course() -> str | None:
    """The course given to ``--course`` (or ``CHECKER_COURSE``), None for the default."""
    return click.get_current_context().find_root().params.get("course")


@cli.command("list", help=help_of(api.list_exercises))
@usage_errors
def list_command() -> None:
    course = api.get_course(chosen_course())
    for exercise in course.exercises.values():
        lesson = course.lesson_of(exercise.id).number
        practice = "  (practice: not counted by default)" if exercise.practice else ""
        click.echo(f"{exercise.id:<24} lesson {lesson}  {exercise.title}{practice}")


@cli.command("check", help=help_of(api.check))
@click.argument("exercise_id")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record instead of text.")
@usage_errors
def check_command(exercise_id: str, path: Path, as_json: bool) -> None:
    report = api.check(exercise_id, path, course=chosen_course())
    if as_json:
        click.echo(json.dumps(report.to_record(), ensure_ascii=False))
    else:
        click.echo(as_text(report, api.find_exercise(exercise_id, course=chosen_course()).title))
    sys.exit(0 if report.passed else 1)


@cli.command("notebooks", help=help_of(api.generate_notebooks))
@click.argument("folder", type=click.Path(path_type=Path), required=False)
@usage_errors
def notebooks_command(folder: Path | None) -> None:
    written = api.generate_notebooks(folder, course=chosen_course())
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
    help="Learner answers graded at once [default: twice the cores].",
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
@click.option(
    "--isolation",
    type=click.Choice(api.ISOLATIONS),
    default=GRADE_DEFAULTS["isolation"],
    show_default=True,
    help="How learner code is confined: Linux namespaces, or a separate user per check "
    "(as root where namespaces are refused); auto takes the stronger that works here.",
)
@click.option(
    "--settings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Grading settings (TOML): points per exercise, check and quiz question; what counts.",
)
@click.option(
    "--overrides",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Points set by hand (CSV: learner,item,points,comment).",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV learner,lms_id,name: maps Canvas user ids to learners; names who handed in nothing.",
)
@click.option(
    "--times",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Hand-in times for the late policy (CSV: learner or lms_id, submitted_at).",
)
@click.option(
    "--extensions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Learners' own due dates (CSV: learner,due,reason).",
)
@click.option(
    "--share-with-group",
    is_flag=True,
    help="Make the outputs readable by your group (e.g. teaching assistants), not only you.",
)
@click.option(
    "--learner",
    "learners",
    multiple=True,
    help="Grade just this learner (repeatable); the others stay as the last run left them.",
)
@click.option("--fresh", is_flag=True, help="Judge every answer again, ignoring earlier runs.")
@usage_errors
def grade_command(
    submissions: Path,
    out: Path,
    jobs: int | None,
    timeout: float,
    formats: str,
    trusted_submissions: bool,
    isolation: str,
    settings: Path | None,
    overrides: Path | None,
    roster: Path | None,
    times: Path | None,
    extensions: Path | None,
    share_with_group: bool,
    learners: tuple[str, ...],
    fresh: bool,
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
            isolation=isolation,
            settings=settings,
            overrides=overrides,
            roster=roster,
            times=times,
            extensions=extensions,
            share_with_group=share_with_group,
            learners=learners,
            fresh=fresh,
            course=chosen_course(),
        )
    except KeyboardInterrupt:
        click.echo("Interrupted: grading stopped, and nothing was written.", err=True)
        sys.exit(130)
    plural = "" if len(run.learners) == 1 else "s"
    click.echo(
        f"Graded {len(run.learners)} learner{plural} ({run.items} exercises and quiz "
        f"questions) in {run.seconds:.1f} s: {run.judged} judged, {run.reused} unchanged "
        f"since the last run; learner code isolated by: {run.isolation}."
    )
    for warning in run.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for path in run.written:
        click.echo(f"Wrote {path}")


@cli.command("handin", help=help_of(api.handin))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--learner", help="Your name as your instructor knows it [default: login name].")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the archive [default: FOLDER/handin].",
)
@usage_errors
def handin_command(folder: Path, learner: str | None, out: Path | None) -> None:
    archive, summary = api.handin(folder, learner, out, course=chosen_course())
    click.echo(summary.to_text())
    click.echo(f"Wrote {archive}: hand this file in.")


@cli.command("progress", help=help_of(api.progress))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@usage_errors
def progress_command(folder: Path) -> None:
    click.echo(api.progress(folder, course=chosen_course()).to_text())


@cli.command("answers", help=help_of(api.answer_versions))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--exercise", "exercise_id", help="Only this exercise's answer.")
@usage_errors
def answers_command(folder: Path, exercise_id: str | None) -> None:
    listed = api.answer_versions(folder, exercise_id, course=chosen_course())
    if not listed:
        click.echo("No answer has been saved yet.")
    for listed_id, (current, versions) in listed.items():
        click.echo(listed_id)
        for version in versions:
            mark = "*" if current and current.version.number == version.number else " "
            click.echo(f"  {mark} {version.describe()}")
        if current:
            click.echo(f"    current: {current.describe()}")


@cli.command("restore", help=help_of(api.restore_answer))
@click.argument("exercise_id")
@click.argument("number", type=click.IntRange(min=1))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@usage_errors
def restore_command(exercise_id: str, number: int, folder: Path) -> None:
    current = api.restore_answer(exercise_id, number, folder, course=chosen_course())
    click.echo(f"The current answer to {exercise_id} is now {current.describe()}.")


@cli.command("release", help=help_of(api.release))
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--from",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="The course folder to release from [default: the course's own].",
)
@click.option(
    "--solutions/--no-solutions",
    default=False,
    show_default=True,
    help="Include the solutions (for self-study), or leave them out (for graded work).",
)
@click.option("--git", is_flag=True, help="Make the release a git repository, ready to push.")
@click.option("--hub", help="A JupyterHub's address: print the nbgitpuller link for it.")
@click.option("--repository", help="Where the release is pushed (for the nbgitpuller link).")
@click.option("--branch", default="main", show_default=True, help="The branch pushed.")
@usage_errors
def release_command(
    destination: Path,
    folder: Path | None,
    solutions: bool,
    git: bool,
    hub: str | None,
    repository: str | None,
    branch: str,
) -> None:
    if bool(hub) != bool(repository):
        raise click.UsageError("--hub and --repository go together")
    written = api.release(destination, folder, solutions=solutions, git=git, course=chosen_course())
    which = "with" if solutions else "without"
    kind = "a git repository " if git else ""
    click.echo(f"Wrote the course, {which} solutions, to {kind}{written}")
    if hub and repository:
        link = api.nbgitpuller_link(hub, repository, branch=branch, folder=written)
        click.echo(f"Push it to {repository} ({branch}); learners open: {link}")


def engine_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command for a grading engine: the settings, and whether to
    trust the submissions."""
    command = click.option(
        "--trusted-submissions",
        is_flag=True,
        help="Grade without the Linux boundary (recorded in the results).",
    )(command)
    return click.option(
        "--settings",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Grading settings (TOML), as for grade.",
    )(command)


@cli.command("gradescope", help=help_of(api.gradescope))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for autograder.zip.",
)
@engine_options
@usage_errors
def gradescope_command(out: Path, settings: Path | None, trusted_submissions: bool) -> None:
    archive = api.gradescope(
        out, settings=settings, trusted_submissions=trusted_submissions, course=chosen_course()
    )
    click.echo(f"Wrote {archive}: upload it as the assignment's autograder on Gradescope.")


@cli.command("prairielearn", help=help_of(api.prairielearn))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=api.prairielearn.__defaults__[0],
    show_default=True,
    help="Folder for the image, serverFilesCourse and the question.",
)
@engine_options
@usage_errors
def prairielearn_command(out: Path, settings: Path | None, trusted_submissions: bool) -> None:
    written = api.prairielearn(
        out, settings=settings, trusted_submissions=trusted_submissions, course=chosen_course()
    )
    click.echo(
        f"Wrote {written}: build image/ as the grader image, copy serverFilesCourse/ and "
        "questions/ into your PrairieLearn course (see the README)."
    )


@cli.command("autograde", help=help_of(api.autograde))
@click.argument("engine", type=click.Choice(sorted(api.ENGINES)))
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The engine's folder: /autograder on Gradescope, /grade on PrairieLearn.",
)
@engine_options
@click.option(
    "--isolation",
    type=click.Choice(api.ISOLATIONS),
    default="auto",
    show_default=True,
    help="How learner code is confined, as for grade.",
)
@usage_errors
def autograde_command(
    engine: str, root: Path, settings: Path | None, trusted_submissions: bool, isolation: str
) -> None:
    done = api.autograde(
        engine,
        root,
        settings=settings,
        trusted_submissions=trusted_submissions,
        isolation=isolation,
        course=chosen_course(),
    )
    for line in done.log:
        click.echo(line)
    click.echo(f"Wrote {done.results}")


@cli.command("export", help=help_of(api.export_canvas))
@click.argument("grades", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV with the columns learner, lms_id, name (and section, sis_user_id, sis_login_id).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=api.export_canvas.__defaults__[0],
    show_default=True,
    help="The file to write.",
)
@click.option(
    "--assignment",
    default=api.export_canvas.__kwdefaults__["assignment"],
    show_default=True,
    help='The assignment\'s column; "Name (id)" updates an existing Canvas assignment.',
)
@click.option(
    "--missing-as-zero",
    is_flag=True,
    help="Give 0 to roster members with nothing graded (default: leave their grade empty).",
)
@click.option(
    "--points-possible",
    type=float,
    help="Scale the totals to the Canvas assignment's points.",
)
@click.option(
    "--feedback-zip",
    type=click.Path(dir_okay=False, path_type=Path),
    help='Also write the feedback pages as a zip for Canvas\'s "Re-upload Submissions".',
)
@usage_errors
def export_command(
    grades: Path,
    roster: Path,
    out: Path,
    assignment: str,
    missing_as_zero: bool,
    points_possible: float | None,
    feedback_zip: Path | None,
) -> None:
    export = api.export_canvas(
        grades,
        roster,
        out,
        assignment=assignment,
        missing_as_zero=missing_as_zero,
        points_possible=points_possible,
        feedback_zip=feedback_zip,
    )
    click.echo(f"Wrote {export.path}")
    if export.feedback is not None:
        click.echo(f"Wrote {export.feedback}: upload it with Re-upload Submissions in Canvas.")
    if export.without_feedback:
        click.echo(
            f"Warning: no Canvas file ids for {', '.join(export.without_feedback)} (not graded "
            "from Canvas's bulk download): their feedback is not in the zip.",
            err=True,
        )
    for learner in export.not_graded:
        click.echo(f"Warning: {learner} is on the roster but was not graded.", err=True)
    for learner in export.not_on_roster:
        click.echo(f"Warning: {learner} was graded but is not on the roster.", err=True)
