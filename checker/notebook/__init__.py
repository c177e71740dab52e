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
    ex.versions(), ex.restore(2)           # every saved version; make one current again

Nothing is added to the notebook's namespace: ``%%answer`` is a cell magic, registered
when this module is imported in IPython. It saves the cell's text in the course's answer
store (``checker.grading.answer_store``), which keeps every version and never lets the
starter, or a version already saved, replace the current answer; the checks read that.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from .. import lessons
from ..course import Course, load
from ..grading import handins, overview
from ..grading.answer_store import AnswerStore, SaveResult, StoreError, shown_time
from ..judge import quizzes
from ..judge.answers import MAGIC
from ..judge.kinds import Exercise, SolutionNotShipped
from . import quiz_store
from .quiz_form import QuizView, verdict_markdown
from .render import Feedback, Text

COURSE_DIR_VARIABLE = "COURSE_DIR"


def course() -> Course:
    """The course this kernel works on: the one ``CHECKER_COURSE`` names, else the default."""
    return load()


def course_dir() -> Path:
    """The course folder (the one holding ``notebooks/`` and ``exercises/``) above the
    running notebook, the notebook's own folder when there is none, or the folder named by
    the ``COURSE_DIR`` environment variable when it is set."""
    if os.environ.get(COURSE_DIR_VARIABLE):
        return Path(os.environ[COURSE_DIR_VARIABLE])
    here = Path(lessons.NOTEBOOK_DIR)
    for folder in (here, *list(here.parents)[:2]):
        if (folder / "notebooks").is_dir() and (folder / "exercises").is_dir():
            return folder
    return here


def answers_dir() -> Path:
    """The course's one answer store, ``workspace/answers/``: every ``%%answer`` cell, in a
    lesson or an exercise notebook, saves there, and grading reads it first.

    The solutions notebooks keep theirs apart, in ``workspace/solutions/answers/``, which
    nothing grades: running a solution never replaces a learner's own answer.
    """
    workspace = course_dir() / "workspace"
    if Path(lessons.NOTEBOOK_DIR).name == "solutions":
        return workspace / "solutions" / "answers"
    return workspace / "answers"


def answer_store() -> AnswerStore:
    """The answer store the running notebook saves into."""
    return AnswerStore(answers_dir())


def answer_path(exercise_id: str) -> Path:
    """The file an exercise's current answer is kept in."""
    return answer_store().answer_path(exercise_id)


class ExerciseHandle:
    """One exercise, as the learner uses it in a notebook."""

    def __init__(self, exercise: Exercise) -> None:
        self._exercise = exercise
        self._hints_shown = 0

    def __repr__(self) -> str:
        return (
            f"Exercise {self._exercise.id}: {self._exercise.title}. "
            "Use .task(), .check(), .hint(), .solution(), .versions() and .restore(n)."
        )

    def task(self) -> Text:
        """The statement: what to write, where it starts, and what must be preserved."""
        ex = self._exercise
        practice = (
            f"*Practice: not counted in grading unless your instructor says so "
            f"({ex.practice}).*\n\n"
            if ex.practice
            else ""
        )
        return Text(
            f"**Exercise `{ex.id}`: {ex.title}**\n\n{practice}{ex.task}\n"
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

    def versions(self) -> Text:
        """Every version of your answer the course saved, and which one is current."""
        return Text(versions_markdown(answer_store(), self._exercise.id))

    def restore(self, number: int) -> Text:
        """Make version ``number`` of your answer the current one (nothing is deleted)."""
        try:
            current = answer_store().restore(self._exercise.id, number)
        except StoreError as error:
            return Text(f"Nothing changed: {error}.")
        return Text(
            f"Your current answer to `{self._exercise.id}` is now {current.describe()}. "
            "Check it with `.check()`; the other versions are kept."
        )


def exercise(exercise_id: str) -> ExerciseHandle:
    """The exercise with this id (``python -m checker list`` lists them)."""
    return ExerciseHandle(course().exercise(exercise_id))


def quiz(question_id: str) -> QuizView:
    """Show a quiz question as a form; your answer is saved when you press Check."""
    return QuizView(course().question(question_id), course_dir())


def answer(question_id: str, value: Any) -> Text:
    """Answer a quiz question from code: judged, saved, and the feedback returned."""
    question = course().question(question_id)
    try:
        verdict = quizzes.judge(question, value)
    except quizzes.InvalidAnswer as problem:
        return Text(f"That answer cannot be judged: {problem}.")
    quiz_store.save(course_dir(), verdict)
    return Text(verdict_markdown(verdict))


def progress() -> Text:
    """Where you stand, lesson by lesson: each exercise checked as ``check()`` does, and the
    quiz questions answered; read from your files exactly as grading will read them."""
    return Text(overview.overview(course(), course_dir()).to_markdown())


def handin(learner: str | None = None) -> Text:
    """Check every exercise, then pack what grading reads into ``handin/<learner>.zip``
    (``learner`` is your login name unless given): hand that file in."""
    name = learner or getpass.getuser()
    try:
        handins.require_learner_name(name)
    except handins.HandinError as error:
        return Text(f"No hand-in written: {error}.")
    summary = overview.overview(course(), course_dir()).to_markdown()
    archive, _ = handins.pack(course(), course_dir(), name, course_dir() / "handin")
    where = archive.relative_to(course_dir())
    return Text(f"{summary}\n**Wrote `{where}`**: hand this file in.")


def versions_markdown(store: AnswerStore, exercise_id: str) -> str:
    """A table of an answer's versions, the current one marked."""
    versions = store.versions(exercise_id)
    if not versions:
        return f"No answer to `{exercise_id}` has been saved yet."
    current = store.current(exercise_id)
    lines = [
        f"**Versions of your answer to `{exercise_id}`**"
        + (f" (current: {current.describe()})" if current else ""),
        "",
        "| version | saved | from | |",
        "|---|---|---|---|",
    ]
    for version in versions:
        mark = "current" if current and current.version.number == version.number else ""
        saved, notebook = shown_time(version.saved), version.notebook or "-"
        lines.append(f"| {version.number} | {saved} | {notebook} | {mark} |")
    lines += ["", "Make an earlier one current with `.restore(NUMBER)`."]
    return "\n".join(lines) + "\n"


def save_answer(exercise_id: str, source: str) -> SaveResult:
    """Save a cell as an answer where ``check()`` and grading read it, with when and from
    which notebook; the starter, or a version already saved, changes nothing."""
    exercise = course().exercise(exercise_id)
    notebook = os.environ.get("JPY_SESSION_NAME", "")
    return answer_store().save(exercise_id, source, exercise.starter, notebook)


def save_message(exercise_id: str, result: SaveResult) -> str:
    """What the ``%%answer`` cell prints: what it saved, or why not, and what it kept."""
    current = result.current
    kept = f"Your saved answer is kept: {current.describe()}." if current else ""
    if result.action == "starter":
        if current is None:
            return (
                f"Not saved: this cell still holds the starter of {exercise_id}. Write your "
                "answer in it, run it again, then check it with .check()."
            )
        return f"Not saved: this cell still holds the starter. {kept} .check() checks it."
    assert result.version is not None
    if result.action == "unchanged":
        return (
            f"Already saved: this cell is your current answer to {exercise_id} "
            f"({result.version.describe()}). Check it with .check()."
        )
    if result.action == "known":
        return (
            f"Not saved again: this cell is {result.version.describe()}. {kept} To make this "
            f"cell your answer again, run .restore({result.version.number}) on the exercise."
        )
    shown = answers_dir().relative_to(course_dir()).as_posix()
    earlier = result.version.number - 1
    kept_versions = {0: "", 1: " Version 1 is kept."}.get(
        earlier, f" Versions 1 to {earlier} are kept."
    )
    return (
        f"Saved your answer to {exercise_id} as version {result.version.number}, in the "
        f"course's {shown}/{exercise_id}.py.{kept_versions} Check it with .check()."
    )


def answer_magic(line: str, cell: str) -> None:
    """``%%answer EXERCISE_ID``: save this cell as the answer to that exercise."""
    exercise_id = line.strip()
    known = course().exercises
    if exercise_id not in known:
        print(f"Unknown exercise {exercise_id!r}. The exercises are: {', '.join(known)}.")
        return
    print(save_message(exercise_id, save_answer(exercise_id, cell)))


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
