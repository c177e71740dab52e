"""Which answer to an exercise grading takes from a learner's folder, and why.

The current answer of the course's answer store counts; a notebook cell only when nothing
real was saved. Whatever is chosen, the notes say what a learner or an instructor would
want to know: an unreadable notebook of the exercise's lesson and the answer used instead,
a saved starter passed over, another answer elsewhere, or a graded version older than
another one the learner saved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..course import Course
from ..judge.answers import MAGIC, MAX_ANSWER_BYTES
from ..judge.kinds.base import same_code
from ..judge.outcomes import AnswerProblem, Outcome
from .answer_store import shown_time

if TYPE_CHECKING:
    from .submission import LearnerFolder

ANSWER_STORES = ("workspace/answers", "exercises/workspace/answers", "notebooks/workspace/answers")
MAX_RECORD_BYTES = 2**20
OWN_NOTEBOOKS = (("exercises", "_exercises.ipynb"), ("notebooks", ".ipynb"))


@dataclass
class Answer:
    """The source to grade for one exercise, where it came from, and what was odd about it."""

    source: str | None
    origin: str
    notes: list[str] = field(default_factory=list)
    problem: AnswerProblem | None = None


def own_notebooks(course: Course, exercise_id: str) -> list[str]:
    """The notebooks of the exercise's own lesson: its exercise notebook and the lesson."""
    name = course.lesson_of(exercise_id).name
    return [f"{folder}/{name}{suffix}" for folder, suffix in OWN_NOTEBOOKS]


def find_answer(
    course: Course,
    folder: LearnerFolder,
    exercise_id: str,
    cells: dict[str, dict[str, list[str]]],
    problems: dict[str, AnswerProblem],
) -> Answer:
    """The learner's answer to an exercise, or the reason there is none.

    The current answer of the course's answer store counts (what the learner's last
    ``%%answer`` run saved, or the version they restored, and what their ``check()``
    judged); without one, or when it is still the starter, the last ``%%answer`` cell of
    whichever notebook changed last (a lesson's Challenge, or the exercise notebook). A
    notebook of the exercise's lesson that could not be read is always said, with the
    answer that was graded instead.
    """
    unreadable = [
        f"{problems[path].message.rstrip('.')}; "
        for path in own_notebooks(course, exercise_id)
        if path in problems
    ]
    starter = course.exercises[exercise_id].starter
    saved = read_saved_answer(folder, exercise_id)
    if saved is not None and (saved.problem is not None or not same_code(saved.source, starter)):
        differing = [
            path
            for path in cells
            if cells[path].get(exercise_id)
            and not same_code(cells[path][exercise_id][-1], starter)
            and not same_code(cells[path][exercise_id][-1], saved.source or "")
        ]
        saved.notes = [f"{note}graded the saved answer instead." for note in unreadable] + [
            *saved.notes
        ]
        if differing:
            saved.notes.append(
                f"{', '.join(differing)} holds another answer; graded the answer saved last, "
                f"{saved.origin} (what check() judged)."
            )
        return saved
    holding = [
        path
        for path in cells
        if cells[path].get(exercise_id) and not same_code(cells[path][exercise_id][-1], starter)
    ]
    if holding:
        own = own_notebooks(course, exercise_id)
        latest = max(holding, key=lambda path: (folder.mtimes[path], path in own))
        found = cells[latest][exercise_id]
        notes = [f"{note}graded {latest} instead." for note in unreadable]
        if saved is not None:
            notes.append(
                f"The saved answer, {saved.origin}, is still the starter; graded the "
                f"'{MAGIC} {exercise_id}' cell of {latest}."
            )
        if len(found) > 1:
            notes.append(
                f"{latest} has {len(found)} '{MAGIC} {exercise_id}' cells; the last one was graded."
            )
        others = [
            path
            for path in holding
            if path != latest and not same_code(cells[path][exercise_id][-1], found[-1])
        ]
        if others:
            notes.append(
                f"{', '.join(others)} holds another answer; graded {latest}, the notebook "
                "changed last."
            )
        return Answer(found[-1], latest, notes)
    if saved is not None and not unreadable:
        return saved
    if unreadable:
        message = "".join(unreadable).rstrip("; ")
        return Answer(
            None,
            "",
            [],
            AnswerProblem(
                Outcome.ERROR,
                f"{message}; no other notebook holds an answer to {exercise_id} and none was "
                "saved beyond the starter, so its answer cannot be graded.",
            ),
        )
    starters = [path for path in cells if cells[path].get(exercise_id)]
    if starters:
        latest = max(starters, key=lambda path: folder.mtimes[path])
        return Answer(cells[latest][exercise_id][-1], latest, [])
    return Answer(
        None,
        "",
        [],
        AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"No answer: no notebook in exercises/ or notebooks/ has a '{MAGIC} {exercise_id}' "
            "cell, and no answer was saved.",
        ),
    )


def read_saved_answer(folder: LearnerFolder, exercise_id: str) -> Answer | None:
    """The current answer of the answer store, with what its record says about it (which
    version, and whether a newer one exists); None when nothing was saved. The record is
    the learner's own and only ever read for notes, never for points."""
    for store in ANSWER_STORES:
        relative = f"{store}/{exercise_id}.py"
        saved = folder.read(relative, MAX_ANSWER_BYTES)
        if saved is None:
            continue
        record = folder.read(f"{store}/{exercise_id}.json", MAX_RECORD_BYTES)
        notes = version_notes(record, exercise_id)
        try:
            return Answer(saved.decode("utf-8"), relative, notes)
        except UnicodeDecodeError as error:
            problem = AnswerProblem(
                Outcome.ERROR, f"The answer is not UTF-8 text (byte {error.start} cannot be read)."
            )
            return Answer(None, relative, notes, problem)
    return None


def version_notes(record: bytes | None, exercise_id: str) -> list[str]:
    """A note when the graded answer is older than another saved version, and why."""
    try:
        fields = json.loads(record.decode("utf-8")) if record else {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []
    if not isinstance(fields, dict) or fields.get("exercise") != exercise_id:
        return []
    version, versions = fields.get("version"), fields.get("versions")
    if type(version) is not int or type(versions) is not int or version >= versions:
        return []
    why = "it is the current one"
    if fields.get("why") == "restored":
        when = shown_time(str(fields.get("at", "")))
        why = f"you made it current again on {when} (with .restore())"
    return [
        f"Graded version {version} of the {versions} you saved, as {why}; version {versions} "
        "is newer."
    ]
