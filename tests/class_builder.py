"""Learner folders as instructors collect them, built from the course's own notebooks.

Used by the grading tests and the grading benchmark. A learner folder holds copies of
``exercises/*.ipynb`` whose ``%%answer`` cells carry the learner's answers (the starter
where none is given), and the quiz answers saved under ``notebooks/workspace/progress/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from checker.judge.answers import MAGIC

ROOT = Path(__file__).resolve().parents[1]
EXERCISE_NOTEBOOKS = sorted((ROOT / "exercises").glob("*.ipynb"))


def notebook_for(exercise_id: str) -> Path:
    """The course's exercise notebook holding the exercise's ``%%answer`` cell."""
    return next(path for path in EXERCISE_NOTEBOOKS if path.name.startswith(exercise_id[:2]))


def with_answers(path: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A course notebook with the ``%%answer`` cells of ``answers`` filled in."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        first, _, _ = cell.source.partition("\n")
        parts = first.split()
        if (
            cell.cell_type == "code"
            and len(parts) == 2
            and parts[0] == MAGIC
            and parts[1] in answers
        ):
            cell.source = f"{first}\n{answers[parts[1]]}"
    return notebook


def learner_folder(
    submissions: Path,
    name: str,
    answers: dict[str, str],
    quiz: dict[str, Any] | None = None,
    *,
    notebooks: list[Path] | None = None,
) -> Path:
    """Write one learner's folder: every exercise notebook (or ``notebooks``) and quiz answers."""
    folder = submissions / name
    (folder / "exercises").mkdir(parents=True)
    for path in EXERCISE_NOTEBOOKS if notebooks is None else notebooks:
        nbformat.write(with_answers(path, answers), folder / "exercises" / path.name)
    progress = folder / "notebooks" / "workspace" / "progress"
    progress.mkdir(parents=True)
    for question_id, answer in (quiz or {}).items():
        record = {"question": question_id, "answer": answer, "correct": False, "saved": "2026"}
        (progress / f"{question_id}.json").write_text(json.dumps(record), encoding="utf-8")
    return folder
