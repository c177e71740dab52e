"""A learner's overview of their own work: per lesson, which exercises pass, fail or are
not attempted, and which quiz questions are answered.

It reads the course folder exactly as grading does (``submission.read_submission``) and
checks each answer as ``ex.check()`` does (visible checks only), so what it shows is what
a hand-in of the folder would be graded from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course
from ..judge.outcomes import Outcome
from .feedback import MARKS
from .submission import read_submission

LEGEND = "✔ passes its checks, ✘ fails one, ○ not attempted, ⚠ cannot be run, ⌛ too slow."


@dataclass
class LessonOverview:
    """One lesson: each exercise's outcome and message, and its quiz questions by state."""

    lesson: str
    exercises: list[tuple[str, str, str]] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)

    def quiz_state(self, quote: str) -> str:
        """How many questions are answered, and which are not yet (ids in ``quote``)."""
        total = len(self.answered) + len(self.unanswered)
        if not total:
            return "-"
        missing = ", ".join(f"{quote}{q}{quote}" for q in self.unanswered)
        return f"{len(self.answered)} of {total}" + (f" (not yet: {missing})" if missing else "")


@dataclass
class Overview:
    """Every lesson with an exercise or a quiz question, the files grading would refuse,
    and notes on which answer grading would take (by exercise id)."""

    lessons: list[LessonOverview]
    refused: list[str]
    notes: dict[str, list[str]] = field(default_factory=dict)

    def to_markdown(self) -> str:
        """The overview as Markdown, one table row per lesson."""
        lines = ["| Lesson | Exercises | Quiz questions answered |", "|---|---|---|"]
        for lesson in self.lessons:
            exercises = ", ".join(f"{MARKS[o]} `{e}`" for e, o, _ in lesson.exercises)
            lines.append(f"| {lesson.lesson} | {exercises or '-'} | {lesson.quiz_state('`')} |")
        lines += ["", LEGEND]
        if self.notes:
            lines += ["", "**Which answers grading will take:**", ""]
            lines += [f"- `{e}`: {note}" for e, notes in self.notes.items() for note in notes]
        if self.refused:
            lines += ["", "**Grading will not read these files:**", ""]
            lines += [f"- {reason}" for reason in self.refused]
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """The overview as plain text, for a terminal."""
        lines = []
        for lesson in self.lessons:
            lines.append(f"Lesson {lesson.lesson}")
            for exercise_id, outcome, message in lesson.exercises:
                lines.append(f"  {MARKS[outcome]} {exercise_id:<26} {outcome}: {message}")
            lines.append(f"  quiz questions answered: {lesson.quiz_state('')}")
        lines += ["", LEGEND]
        if self.notes:
            lines += ["", "Which answers grading will take:"]
            lines += [f"  {e}: {note}" for e, notes in self.notes.items() for note in notes]
        if self.refused:
            lines += ["", "Grading will not read these files:"]
            lines += [f"  {reason}" for reason in self.refused]
        return "\n".join(lines) + "\n"


def overview(
    course: Course, folder: Path, *, on_check: Callable[[str], None] | None = None
) -> Overview:
    """Check every answer in the course folder and list, per lesson, where each stands.

    ``on_check`` is called with each exercise id before its answer is checked (for a
    progress bar).
    """
    submission = read_submission(course, Path(folder))
    lessons: dict[str, LessonOverview] = {}
    for exercise_id, exercise in course.exercises.items():
        answer = submission.answers[exercise_id]
        if on_check is not None:
            on_check(exercise_id)
        if answer.problem is not None:
            outcome, message = answer.problem.outcome, answer.problem.message
        else:
            report = exercise.judge(answer.source or "", hidden=False)
            outcome, message = report.outcome, report.message
        number = course.lesson_of(exercise_id).number
        lesson = lessons.setdefault(number, LessonOverview(number))
        lesson.exercises.append((exercise_id, Outcome(outcome).value, message))
    for question_id in course.questions:
        number = course.lesson_of(question_id).number
        lesson = lessons.setdefault(number, LessonOverview(number))
        if question_id in submission.quiz_answers:
            lesson.answered.append(question_id)
        else:
            lesson.unanswered.append(question_id)
    notes = {e: answer.notes for e, answer in submission.answers.items() if answer.notes}
    return Overview([lessons[name] for name in sorted(lessons)], submission.refused, notes)
