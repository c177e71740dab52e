"""The learner's side of the checker in a notebook.

    from checker.notebook import exercise
    ex = exercise("03-add-password-hash")
    ex.task()                # the statement
    %%answer 03-add-password-hash      (first line of the cell holding the answer)
    ex.check()               # judge the saved answer
    ex.hint(), ex.hint(2)    # progressive hints
    ex.solution()

    quiz("01-create-all")                  # a question, as a form
    answer("01-create-all", "...")         # or answered from code

    progress()                             # where you stand, lesson by lesson
    handin("ada")                          # pack your work into handin/ada.zip

Nothing is added to the notebook's namespace: ``%%answer`` is a cell magic, registered
when this module is imported in IPython. It saves the cell's text under
``workspace/answers/`` next to the notebook; the checks read that copy.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import lessons
from ..content.catalogue import EXERCISES, get_exercise, get_question
from ..grading import handins, overview
from ..judge import quizzes
from ..judge.answers import MAGIC
from ..judge.kinds import Exercise, SolutionNotShipped
from . import quiz_store
from .quiz_form import QuizView, verdict_markdown
from .render import Feedback, Text


def course_dir() -> Path:
    """The course folder (the one holding ``notebooks/`` and ``exercises/``) above the
    running notebook; the notebook's own folder when there is none."""
    here = Path(lessons.NOTEBOOK_DIR)
    for folder in (here, *list(here.parents)[:2]):
        if (folder / "notebooks").is_dir() and (folder / "exercises").is_dir():
            return folder
    return here


def answers_dir() -> Path:
    """The course's one answer store, ``workspace/answers/``: every ``%%answer`` cell, in a
    lesson or an exercise notebook, saves there, and grading reads it first."""
    return course_dir() / "workspace" / "answers"


def answer_path(exercise_id: str) -> Path:
    """The file an exercise's saved answer is kept in."""
    return answers_dir() / f"{exercise_id}.py"


class ExerciseHandle:
    """One exercise, as the learner uses it in a notebook."""

    def __init__(self, exercise: Exercise) -> None:
        self._exercise = exercise
        self._hints_shown = 0

    def __repr__(self) -> str:
        return (
            f"Exercise {self._exercise.id}: {self._exercise.title}. "
            "Use .task(), .check(), .hint() and .solution()."
        )

    def task(self) -> Text:
        """The statement: what to write, where it starts, and what must be preserved."""
        ex = self._exercise
        return Text(
            f"**Exercise `{ex.id}`: {ex.title}**\n\n{ex.task}\n"
            f"Put your answer in a code cell whose first line is `{MAGIC} {ex.id}`, run that "
            "cell, then run `.check()`. Here is the starting point:\n\n"
            f"```python\n{ex.starter}```\n"
        )

    def check(self) -> Feedback:
        """Check the saved answer, on scratch copies of a seeded database."""
        report = self._exercise.judge_file(answer_path(self._exercise.id))
        return Feedback(report, self._exercise.title)

    def hint(self, number: int | None = None) -> Text:
        """The next hint, or hint ``number`` (1 is the gentlest)."""
        hints = self._exercise.hints
        if number is None:
            number = min(self._hints_shown + 1, len(hints))
        if not 1 <= number <= len(hints):
            return Text(f"There are {len(hints)} hints: ask for 1 to {len(hints)}.")
        self._hints_shown = max(self._hints_shown, number)
        more = " Ask again for the next one." if number < len(hints) else ""
        return Text(f"**Hint {number} of {len(hints)}:** {hints[number - 1]}{more}")

    def solution(self) -> Text:
        """A complete answer that passes every check, as a whole cell ready to paste."""
        try:
            solution = self._exercise.solution
        except SolutionNotShipped:
            return Text("Solutions are not part of this release of the course.")
        cell = f"{MAGIC} {self._exercise.id}\n{solution}"
        return Text(
            f"**Solution to `{self._exercise.id}`** (paste it over your answer cell, run it, "
            f"then check):\n\n```python\n{cell}```\n"
        )


def exercise(exercise_id: str) -> ExerciseHandle:
    """The exercise with this id (``python -m checker list`` lists them)."""
    return ExerciseHandle(get_exercise(exercise_id))


def quiz(question_id: str) -> QuizView:
    """Show a quiz question as a form; your answer is saved when you press Check."""
    return QuizView(get_question(question_id), course_dir())


def answer(question_id: str, value: Any) -> Text:
    """Answer a quiz question from code: judged, saved, and the feedback returned."""
    question = get_question(question_id)
    try:
        verdict = quizzes.judge(question, value)
    except quizzes.InvalidAnswer as problem:
        return Text(f"That answer cannot be judged: {problem}.")
    quiz_store.save(course_dir(), verdict)
    return Text(verdict_markdown(verdict))


def progress() -> Text:
    """Where you stand, lesson by lesson: each exercise checked as ``check()`` does, and the
    quiz questions answered; read from your files exactly as grading will read them."""
    return Text(overview.overview(course_dir()).to_markdown())


def handin(learner: str | None = None) -> Text:
    """Check every exercise, then pack what grading reads into ``handin/<learner>.zip``
    (``learner`` is your login name unless given): hand that file in."""
    name = learner or getpass.getuser()
    try:
        handins.require_learner_name(name)
    except handins.HandinError as error:
        return Text(f"No hand-in written: {error}.")
    summary = overview.overview(course_dir()).to_markdown()
    archive, _ = handins.pack(course_dir(), name, course_dir() / "handin")
    where = archive.relative_to(course_dir())
    return Text(f"{summary}\n**Wrote `{where}`**: hand this file in.")


def save_answer(exercise_id: str, source: str) -> Path:
    """Save an answer where ``check()`` and grading read it, with when and from which
    notebook it was saved (beside it, in ``<id>.json``); returns the answer's path."""
    get_exercise(exercise_id)
    path = answer_path(exercise_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    record = {
        "exercise": exercise_id,
        "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notebook": os.environ.get("JPY_SESSION_NAME", ""),
    }
    path.with_suffix(".json").write_text(json.dumps(record), encoding="utf-8")
    return path


def answer_magic(line: str, cell: str) -> None:
    """``%%answer EXERCISE_ID``: save this cell as the answer to that exercise."""
    exercise_id = line.strip()
    if exercise_id not in EXERCISES:
        print(f"Unknown exercise {exercise_id!r}. The exercises are: {', '.join(EXERCISES)}.")
        return
    path = save_answer(exercise_id, cell)
    shown = path.relative_to(course_dir()).as_posix()
    print(f"Saved your answer to {exercise_id} in the course's {shown}. Check it with .check().")


def load_ipython_extension(shell: Any) -> None:
    """Register ``%%answer`` in an IPython shell; the course's kernels load this at start
    (``.ipython/profile_default/ipython_kernel_config.py``), so it works after a restart."""
    shell.register_magic_function(answer_magic, "cell", MAGIC.lstrip("%"))


def _register_magic() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        load_ipython_extension(shell)


_register_magic()
