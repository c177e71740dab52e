"""Reading one learner's folder: their answers and their quiz answers, never changing a file.

A learner's folder is a copy of their course folder. Answers are the ``%%answer ID`` cells
of the notebooks in ``exercises/`` (the lesson's own notebook first); when no notebook has
a cell for an exercise, the answer the cell last saved (``exercises/workspace/answers/``)
is used. Quiz answers are the files in ``*/workspace/progress/``; only the answer is read
from them, never the verdict stored beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..judge.answers import MAGIC, answer_cells, read_answer, read_notebook
from ..judge.kinds import Exercise
from ..judge.outcomes import AnswerProblem, Outcome

MAX_PROGRESS_BYTES = 2**20
PROGRESS_FOLDERS = ("notebooks", "exercises")


@dataclass
class Answer:
    """The source to grade for one exercise, where it came from, and what was odd about it."""

    source: str | None
    origin: str
    notes: list[str] = field(default_factory=list)
    problem: AnswerProblem | None = None


def exercise_notebooks(learner: Path, lesson: str) -> list[Path]:
    """Notebooks of ``exercises/`` that may hold answers, the lesson's own first."""
    folder = learner / "exercises"
    if not folder.is_dir():
        return []
    notebooks = sorted(path for path in folder.glob("*.ipynb") if _regular(path))
    return sorted(notebooks, key=lambda path: not path.name.startswith(f"{lesson}_"))


def find_answer(learner: Path, exercise: Exercise) -> Answer:
    """The learner's answer to ``exercise``, or the reason there is none to grade."""
    unreadable = []
    for notebook_path in exercise_notebooks(learner, exercise.lesson):
        relative = notebook_path.relative_to(learner).as_posix()
        try:
            notebook = read_notebook(notebook_path)
        except AnswerProblem as problem:
            if notebook_path.name.startswith(f"{exercise.lesson}_"):
                unreadable.append(problem)  # the lesson's own notebook: its answer is lost
            continue
        cells = answer_cells(notebook, exercise.id)
        if cells:
            notes = []
            if len(cells) > 1:
                notes.append(
                    f"{relative} has {len(cells)} '{MAGIC} {exercise.id}' cells; "
                    "the last one was graded."
                )
            return Answer(cells[-1], relative, notes)
    saved = learner / "exercises" / "workspace" / "answers" / f"{exercise.id}.py"
    if _regular(saved):
        relative = saved.relative_to(learner).as_posix()
        notes = [f"No notebook has a '{MAGIC} {exercise.id}' cell; graded the saved {relative}."]
        try:
            return Answer(read_answer(saved), relative, notes)
        except AnswerProblem as problem:
            return Answer(None, relative, notes, problem)
    if unreadable:
        return Answer(None, "", [], unreadable[0])
    return Answer(
        None,
        "",
        [],
        AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"No answer: no notebook in exercises/ has a '{MAGIC} {exercise.id}' cell.",
        ),
    )


def quiz_answers(learner: Path) -> dict[str, Any]:
    """The saved answer to each quiz question, by question id (unreadable files skipped)."""
    found: dict[str, Any] = {}
    for folder_name in PROGRESS_FOLDERS:
        folder = learner / folder_name / "workspace" / "progress"
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            if not _regular(path) or path.stat().st_size > MAX_PROGRESS_BYTES:
                continue
            try:
                record = json.loads(path.read_bytes().decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue
            if isinstance(record, dict) and record.get("question") == path.stem:
                found.setdefault(path.stem, record.get("answer"))
    return found


def _regular(path: Path) -> bool:
    """A regular file that is not a symbolic link (links could point anywhere)."""
    return path.is_file() and not path.is_symlink()
