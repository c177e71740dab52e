"""The checker's public API: list the exercises, check one answer, grade a class.

``python -m checker`` is a thin mirror of these functions: each command takes its options'
defaults from here and calls one function. Wrong use raises ``UsageError``, naming the
argument at fault. Every function works on one course (``checker.course``): ``course``
names an installed one (``CHECKER_COURSE``, else ``migrations``, when None) or is one.

It is over 300 lines because each public function turns every wrong argument into a
``UsageError`` beside the one call it makes; splitting would part the checks from the call.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import getpass
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import ModuleType

from .authoring import hub
from .authoring.notebooks import write_notebooks
from .authoring.release import ReleaseError, build_release
from .course import COURSE_VARIABLE as COURSE_VARIABLE
from .course import DEFAULT_COURSE as DEFAULT_COURSE
from .course import Course, CourseNotFound, load
from .engines import gradescope as gradescope_engine
from .engines import prairielearn as prairielearn_engine
from .engines.gradescope import build_autograder
from .engines.upload import UPLOAD_LEARNER, read_upload
from .grading import (
    answer_store,
    batch,
    cache,
    confinement,
    deadlines,
    handins,
    lms,
    outputs,
    overview,
    scoring,
)
from .grading.names import escaped
from .grading.records import LearnerRecord
from .grading.submission import not_a_class
from .judge import answers
from .judge.kinds import Exercise
from .judge.outcomes import AnswerProblem, Report

FORMATS = outputs.FORMATS
ENGINES = {"gradescope": gradescope_engine, "prairielearn": prairielearn_engine}
ISOLATIONS = confinement.ISOLATIONS
IsolationUnavailable = confinement.IsolationUnavailable


class UsageError(ValueError):
    """An argument is wrong; ``argument`` names it as the command line spells it."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument


@dataclass(frozen=True)
class GradingRun:
    """What ``grade`` did: the learners' records, the files it wrote, how long it took, and
    warnings for the instructor (control characters a learner's file name held escaped)."""

    learners: list[LearnerRecord]
    written: list[Path]
    seconds: float
    isolation: str
    judged: int = 0
    reused: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def items(self) -> int:
        """Exercises and quiz questions graded, over all learners."""
        return sum(len(learner.items) for learner in self.learners)


def get_course(course: str | Course | None = None) -> Course:
    """The course named (an installed one, or ``package.module:ATTRIBUTE``), or the chosen one."""
    if isinstance(course, Course):
        return course
    try:
        return load(course)
    except CourseNotFound as error:
        raise UsageError("--course", str(error)) from None


def generate_notebooks(
    folder: Path | None = None, *, course: str | Course | None = None
) -> list[Path]:
    """Write the exercise and solution notebooks, and the lessons' Challenge cells.

    They are generated from the course's lessons into its folder (or ``folder``); cells
    whose source did not change keep their outputs. Returns the notebooks written.
    """
    chosen = get_course(course)
    folder = Path(folder) if folder is not None else chosen.folder
    if not (folder / "notebooks").is_dir():
        raise UsageError("FOLDER", f"{folder} is not the course folder (it has no notebooks/)")
    return write_notebooks(chosen, folder)


def list_exercises(*, course: str | Course | None = None) -> list[Exercise]:
    """Every exercise of the course, in lesson order."""
    return list(get_course(course).exercises.values())


def find_exercise(exercise_id: str, *, course: str | Course | None = None) -> Exercise:
    """The exercise with this id, or a ``UsageError`` pointing at ``python -m checker list``."""
    exercise = get_course(course).exercises.get(exercise_id)
    if exercise is None:
        raise UsageError(
            "EXERCISE_ID", f"no exercise {exercise_id!r} (see: python -m checker list)"
        )
    return exercise


def check(
    exercise_id: str, path: Path, *, hidden: bool = False, course: str | Course | None = None
) -> Report:
    """Judge the answer in ``path``: a script or module, or a notebook's last ``%%answer`` cell."""
    exercise = find_exercise(exercise_id, course=course)
    path = Path(path)
    if not path.is_file():
        raise UsageError("PATH", f"file {str(path)!r} does not exist")
    if path.suffix != ".ipynb":
        return exercise.judge_file(path, hidden=hidden)
    try:
        source = answers.from_notebook(path, exercise_id)
    except AnswerProblem as problem:
        return exercise.problem_report(problem, [], hidden=hidden, duration=0.0)
    return exercise.judge(source, hidden=hidden)


def grade(
    submissions: Path,
    out: Path = Path("grades"),
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    formats: tuple[str, ...] = outputs.DEFAULT_FORMATS,
    progress: bool | None = None,
    trusted_submissions: bool = False,
    isolation: str = "auto",
    settings: Path | None = None,
    overrides: Path | None = None,
    roster: Path | None = None,
    times: Path | None = None,
    extensions: Path | None = None,
    learners: tuple[str, ...] = (),
    fresh: bool = False,
    share_with_group: bool = False,
    course: str | Course | None = None,
) -> GradingRun:
    """Grade every learner folder or hand-in in ``submissions`` and write ``formats`` into
    ``out``.

    Every exercise (hidden checks included) and quiz of every learner is graded from the
    files alone; the learners' files are only read. Learner code runs behind an
    operating-system boundary, ``isolation``: Linux namespaces, or where they are
    refused and the grader is root, a separate user per check ("auto" takes the stronger
    that works here); where there is none, grading stops unless ``trusted_submissions``
    says every submission is trusted. ``jobs`` answers are graded
    at once (all cores by default), learner code may run ``timeout`` seconds per step, and
    a progress bar shows on a terminal unless ``progress`` says otherwise.

    What was judged is kept in ``out``: a later run judges again only the answers that
    changed (all of them with ``fresh``), and ``learners`` grades just those learners,
    keeping everyone else as the last run left them. Points come from the ``settings``
    file (TOML, ``checker.grading.scoring``) and the ``overrides`` file (CSV: learner,
    item, points, comment).

    ``submissions`` may be Canvas's bulk download (its zip, or a folder of its files); the
    ``roster`` (CSV: learner, lms_id, name) maps its Canvas user ids to learners, and names
    those who handed in nothing. A late policy in the settings takes each hand-in's time
    from ``times`` (CSV: learner or lms_id, submitted_at) or the LMS's late mark, and each
    learner's own due date from ``extensions`` (CSV: learner, due, reason). The outputs are
    readable by their owner only, or by the owner's group too with ``share_with_group``.
    """
    chosen = get_course(course)
    unknown = sorted(set(formats) - set(outputs.FORMATS))
    if unknown or not formats:
        raise UsageError(
            "--format",
            f"unknown format {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(outputs.FORMATS)}",
        )
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs", "--jobs must be at least 1")
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    bulk_download = submissions.is_file() and submissions.suffix == ".zip"
    if not submissions.exists():
        raise UsageError("SUBMISSIONS", f"{str(submissions)!r} does not exist")
    if not submissions.is_dir() and not bulk_download:
        raise UsageError(
            "SUBMISSIONS",
            f"{str(submissions)!r} is neither a folder nor an LMS's bulk download (.zip)",
        )
    mistaken = None if bulk_download else not_a_class(submissions)
    if mistaken:
        raise UsageError("SUBMISSIONS", mistaken)
    if out == submissions or submissions in out.parents:
        raise UsageError(
            "--out",
            "the output folder must not be inside SUBMISSIONS (it would be graded as a learner)",
        )
    rules = term_rules(chosen, settings, overrides, roster, times, extensions)
    return grade_under(
        chosen,
        submissions,
        out,
        rules,
        jobs=jobs,
        timeout=timeout,
        formats=formats,
        progress=progress,
        trusted_submissions=trusted_submissions,
        isolation=isolation,
        learners=learners,
        fresh=fresh,
        share_with_group=share_with_group,
    )


def grade_under(
    chosen: Course,
    submissions: Path,
    out: Path,
    rules: TermRules,
    *,
    jobs: int | None,
    timeout: float,
    formats: tuple[str, ...],
    progress: bool | None,
    trusted_submissions: bool,
    isolation: str,
    learners: tuple[str, ...],
    fresh: bool,
    share_with_group: bool,
    hidden: tuple[Path, ...] = (),
) -> GradingRun:
    """``grade`` once its arguments are checked and its files read into ``rules``; learner
    code sees none of ``hidden`` either (an engine's folder)."""
    with contextlib.ExitStack() as holding_out:
        with unpacked_submissions(chosen, submissions, rules.canvas_ids) as unpacked:
            names = {folder.name for folder in batch.learner_folders(unpacked.folder)}
            if not names:
                raise UsageError(
                    "SUBMISSIONS", f"{submissions} holds no learner folders or hand-ins"
                )
            missing = sorted(set(learners) - names)
            if missing:
                raise UsageError("--learner", f"no folder or hand-in of {', '.join(missing)}")
            if isolation not in ISOLATIONS:
                raise UsageError(
                    "--isolation", f"choose the isolation from {', '.join(ISOLATIONS)}"
                )
            chosen_isolation, described = confinement.choose(trusted_submissions, isolation)
            try:
                holding_out.enter_context(outputs.held(out))
            except outputs.OutputBusy as busy:
                raise UsageError("--out", str(busy)) from None
            started = time.perf_counter()
            unseen = [submissions, unpacked.folder, out, *course_files(chosen), *hidden]
            with confinement.hidden_from_learner_code(chosen_isolation, unseen):
                graded = batch.grade_class(
                    chosen,
                    unpacked.folder,
                    jobs=jobs,
                    timeout=timeout,
                    progress=progress,
                    isolation=chosen_isolation,
                    previous=cache.load(out),
                    only=set(learners) or None,
                    notes=unpacked.notes,
                    fresh=fresh,
                )
        cache.save(graded.cache, out)
        records = copy.deepcopy(graded.learners)
        for record in records:
            record.handin = unpacked.handed_in.get(record.learner, {})
        warnings = [escaped(w) for w in unpacked.warnings + rules.apply(chosen, records)]
        written = outputs.write(
            records, out, tuple(formats), isolation=described, share_with_group=share_with_group
        )
        seconds = time.perf_counter() - started
    return GradingRun(records, written, seconds, described, graded.judged, graded.reused, warnings)


@dataclass(frozen=True)
class TermRules:
    """What sets a class's points beyond the checks: the settings, the overrides, the
    roster's Canvas ids and names, the hand-in times and the extensions, each file read and
    checked before any grading starts."""

    settings: scoring.Settings
    overrides: list[scoring.Override]
    roster: list[str]
    canvas_ids: dict[str, str]
    times: dict[str, deadlines.HandInTime]
    extensions: dict[str, deadlines.Extension]

    def apply(self, course: Course, records: list[LearnerRecord]) -> list[str]:
        """Set every record's points (in place); returns what the instructor should know."""
        warnings = scoring.score(course, records, self.settings, self.overrides)
        if self.settings.late is not None:
            warnings += deadlines.apply(self.settings.late, records, self.times, self.extensions)
        graded = {record.learner for record in records}
        nothing = [name for name in self.roster if name not in graded]
        if nothing:
            warnings.append(f"on the roster, nothing handed in: {', '.join(nothing)}")
        return warnings


def term_rules(
    course: Course,
    settings: Path | None,
    overrides: Path | None,
    roster: Path | None,
    times: Path | None,
    extensions: Path | None,
) -> TermRules:
    """The files that set points, read and checked; each wrong one a ``UsageError``."""
    try:
        scoring_settings = scoring.load_settings(course, settings)
    except scoring.SettingsError as error:
        raise UsageError("--settings", str(error)) from None
    try:
        override_list = scoring.load_overrides(course, overrides)
    except scoring.SettingsError as error:
        raise UsageError("--overrides", str(error)) from None
    try:
        rows = lms.read_roster(roster) if roster else []
    except lms.RosterError as error:
        raise UsageError("--roster", str(error)) from None
    ids = {row["lms_id"]: row["learner"] for row in rows}
    for option, given in (("--times", times), ("--extensions", extensions)):
        if given is not None and scoring_settings.late is None:
            raise UsageError(option, f"{option} needs a late policy: a [late] table in --settings")
    try:
        hand_in_times = deadlines.load_times(times, ids)
    except deadlines.DeadlineError as error:
        raise UsageError("--times", str(error)) from None
    try:
        extension_list = deadlines.load_extensions(extensions)
    except deadlines.DeadlineError as error:
        raise UsageError("--extensions", str(error)) from None
    roster_names = [row["learner"] for row in rows]
    return TermRules(
        scoring_settings, override_list, roster_names, ids, hand_in_times, extension_list
    )


@dataclass(frozen=True)
class Autograded:
    """What ``autograde`` wrote, and its log for the instructor (the engine shows it to
    instructors: Gradescope's autograder output, PrairieLearn's job log)."""

    results: Path
    log: list[str]


def autograde(
    engine: str,
    root: Path,
    *,
    settings: Path | None = None,
    trusted_submissions: bool = False,
    isolation: str = "auto",
    course: str | Course | None = None,
) -> Autograded:
    """Grade the one upload an engine hands over in ``root`` and write the engine's results.

    The upload is read first: nothing, two archives or files the course does not read get
    results saying what was found and what to upload. Otherwise it is graded as ``grade``
    grades a class of one, with the same ``settings``; under a late policy, the time and
    due dates come from the engine's metadata (Gradescope's). If the grader itself fails,
    the learner reads a short message and the log holds the traceback.
    """
    chosen, layout = get_course(course), ENGINES.get(engine)
    if layout is None:
        raise UsageError("ENGINE", f"choose the engine from {', '.join(ENGINES)}")
    root = Path(root).resolve()
    results = root / layout.RESULTS
    rules = term_rules(chosen, settings, None, None, None, None)
    results.parent.mkdir(parents=True, exist_ok=True)
    log: list[str] = []
    try:
        upload = read_upload(chosen, root / layout.UPLOAD)
        if upload.problem:
            log.append(f"Not graded: {upload.problem}")
            results.write_text(layout.problem_results(upload.problem), encoding="utf-8")
            return Autograded(results, log)
        with tempfile.TemporaryDirectory(prefix="course-upload-") as work:
            run = grade_under(
                chosen,
                upload.as_learner_folder(Path(work) / "class"),
                Path(work) / "out",
                engine_rules(rules, layout, root),
                jobs=None,
                timeout=10.0,
                formats=("json",),
                progress=False,
                trusted_submissions=trusted_submissions,
                isolation=isolation,
                learners=(),
                fresh=True,
                share_with_group=False,
                hidden=(root,),
            )
        record = run.learners[0]
        notes = [f"Not read (not part of a hand-in): {name}" for name in upload.ignored]
        notes += [
            reason.replace(UPLOAD_LEARNER + ".zip", "Your upload") for reason in record.refused
        ]
        results.write_text(layout.results(record, run.isolation, notes), encoding="utf-8")
        log.append(
            f"Graded: {record.points} of {record.max_points} points in {run.seconds:.1f} s; "
            f"learner code isolated by: {run.isolation}."
        )
        log += [f"Warning: {warning}" for warning in run.warnings]
    except Exception:  # the grader's own failure: the learner is told, the log has it
        log.append(traceback.format_exc())
        results.write_text(layout.failure_results(), encoding="utf-8")
    return Autograded(results, log)


def engine_rules(rules: TermRules, layout: ModuleType, root: Path) -> TermRules:
    """The rules for one upload: under a late policy, the submission's time and due dates
    from the engine's metadata, when it hands any over."""
    received = layout.hand_in(root) if rules.settings.late is not None else None
    if received is None:
        return rules
    submitted, due, last = received
    policy = rules.settings.late
    if last is None and policy.last is not None and due is not None:
        last = policy.last + max(due - policy.due, timedelta(0))  # moved as an extension moves it
    policy = dataclasses.replace(policy, due=due or policy.due, last=last or policy.last)
    source = f"{layout.NAME}'s submission time"
    return dataclasses.replace(
        rules,
        settings=dataclasses.replace(rules.settings, late=policy),
        times={UPLOAD_LEARNER: deadlines.HandInTime(submitted, source)},
    )


def release(
    destination: Path,
    folder: Path | None = None,
    *,
    solutions: bool = False,
    git: bool = False,
    course: str | Course | None = None,
) -> Path:
    """Build the folder learners receive from the course's folder (or ``folder``): lessons,
    exercises and what the course ships, with the solutions only when asked; without them,
    no solution text is in any file. With ``git``, the folder is a git repository of one
    commit, ready to push for nbgitpuller."""
    chosen = get_course(course)
    source = Path(folder) if folder is not None else chosen.folder
    try:
        built = build_release(chosen, source, Path(destination), solutions=solutions)
    except ReleaseError as error:
        raise UsageError("DESTINATION", str(error)) from None
    if git:
        try:
            hub.as_git_repository(built)
        except hub.HubError as error:
            raise UsageError("--git", str(error)) from None
    return built


def nbgitpuller_link(
    hub_url: str,
    repository: str,
    *,
    branch: str = "main",
    folder: Path | None = None,
    course: str | Course | None = None,
) -> str:
    """The nbgitpuller link that pulls a release's ``repository`` into each learner's home
    on the JupyterHub at ``hub_url`` and opens the course's first notebook (that of
    ``folder``, the release, or of the course's own folder)."""
    source = Path(folder) if folder is not None else get_course(course).folder
    notebooks = sorted((source / "notebooks").glob("*.ipynb"))
    if not notebooks:
        raise UsageError("--hub", f"{source} has no notebooks/ to open")
    start = notebooks[0].relative_to(source).as_posix()
    try:
        return hub.nbgitpuller_link(hub_url, repository, start, branch)
    except hub.HubError as error:
        raise UsageError("--hub", str(error)) from None


def gradescope(
    out: Path = Path("."),
    *,
    settings: Path | None = None,
    trusted_submissions: bool = False,
    course: str | Course | None = None,
) -> Path:
    """Write a Gradescope autograder, ``autograder.zip``: each upload graded in its own
    container with the same checks and ``settings`` as local grading."""
    chosen = get_course(course)
    try:
        return build_autograder(
            chosen, Path(out), settings, trusted_submissions=trusted_submissions
        )
    except scoring.SettingsError as error:
        raise UsageError("--settings", str(error)) from None


def prairielearn(
    out: Path = Path("prairielearn"),
    *,
    settings: Path | None = None,
    trusted_submissions: bool = False,
    course: str | Course | None = None,
) -> Path:
    """Write a PrairieLearn external grader: the grader image's files, the folder for
    ``serverFilesCourse`` and an example question, grading each submission with the same
    checks and ``settings`` as local grading."""
    chosen = get_course(course)
    try:
        return prairielearn_engine.build_grader(
            chosen, Path(out), settings, trusted_submissions=trusted_submissions
        )
    except scoring.SettingsError as error:
        raise UsageError("--settings", str(error)) from None


def export_canvas(
    grades: Path,
    roster: Path,
    out: Path = Path("canvas.csv"),
    *,
    assignment: str = "Migrations course",
    missing_as_zero: bool = False,
    points_possible: float | None = None,
    feedback_zip: Path | None = None,
) -> lms.Export:
    """Write the totals of a grading run (its output folder) as a Canvas grade import for
    the learners of a roster (CSV: learner, lms_id, name), and say who is on one side only.

    Roster members with no grade get an empty cell (0 with ``missing_as_zero``); totals are
    scaled to ``points_possible`` when given. ``feedback_zip`` also writes every learner's
    feedback page, named for Canvas's "Re-upload Submissions", for those graded from
    Canvas's bulk download.
    """
    if points_possible is not None and points_possible <= 0:
        raise UsageError("--points-possible", "--points-possible must be more than 0")
    try:
        return lms.export_canvas(
            Path(grades),
            Path(roster),
            Path(out),
            assignment,
            missing_as_zero=missing_as_zero,
            points_possible=points_possible,
            feedback_zip=feedback_zip,
        )
    except lms.RosterError as error:
        raise UsageError("--roster", str(error)) from None
    except lms.GradesError as error:
        raise UsageError("GRADES", str(error)) from None


def progress(folder: Path = Path("."), *, course: str | Course | None = None) -> overview.Overview:
    """Check every exercise in a course folder and list, per lesson, which pass, fail or are
    not attempted and which quiz questions are answered."""
    return overview.overview(get_course(course), require_folder(folder))


def handin(
    folder: Path = Path("."),
    learner: str | None = None,
    out: Path | None = None,
    *,
    course: str | Course | None = None,
) -> tuple[Path, overview.Overview]:
    """Check every exercise, then pack exactly what grading reads into ``<learner>.zip``.

    The archive goes into ``out`` (the course's ``handin/`` folder by default); the
    learner's name is the login name unless given.
    """
    chosen, folder = get_course(course), require_folder(folder)
    name = learner or getpass.getuser()
    try:
        handins.require_learner_name(name)
    except handins.HandinError as error:
        raise UsageError("--learner", str(error)) from None
    summary = overview.overview(chosen, folder)
    archive, _ = handins.pack(chosen, folder, name, Path(out) if out else folder / "handin")
    return archive, summary


def answer_versions(
    folder: Path = Path("."),
    exercise_id: str | None = None,
    *,
    course: str | Course | None = None,
) -> dict[str, tuple[answer_store.Current | None, list[answer_store.Version]]]:
    """List every saved version of each answer in a course folder (or of one exercise's),
    and which one is current: what ``check()`` judges and grading takes."""
    store = answer_store.course_store(require_folder(folder))
    exercises = get_course(course).exercises
    chosen = [find_exercise(exercise_id, course=course).id] if exercise_id else list(exercises)
    listed = {e: (store.current(e), store.versions(e)) for e in chosen}
    return {e: found for e, found in listed.items() if found[1]}


def restore_answer(
    exercise_id: str,
    number: int,
    folder: Path = Path("."),
    *,
    course: str | Course | None = None,
) -> answer_store.Current:
    """Make version ``number`` of an exercise's saved answer the current one again; no
    version is deleted."""
    store = answer_store.course_store(require_folder(folder))
    try:
        return store.restore(find_exercise(exercise_id, course=course).id, number)
    except answer_store.StoreError as error:
        raise UsageError("NUMBER", str(error)) from None


def course_files(course: Course) -> list[Path]:
    """The course's content and packages: what learner code must never read."""
    return [course.content, *course.package_folders()]


def require_folder(folder: Path) -> Path:
    """A course folder: one holding ``notebooks/`` (a learner's copy of the course)."""
    folder = Path(folder).resolve()
    if not (folder / "notebooks").is_dir():
        raise UsageError("FOLDER", f"{folder} is not a course folder (it has no notebooks/)")
    return folder


@contextlib.contextmanager
def unpacked_submissions(
    course: Course, submissions: Path, canvas_ids: dict[str, str]
) -> Iterator[handins.Unpacked]:
    """The submissions as learner folders, hand-in archives unpacked."""
    try:
        with handins.unpacked(course, submissions, canvas_ids) as unpacked:
            yield unpacked
    except handins.HandinError as error:
        raise UsageError("SUBMISSIONS", str(error)) from None
