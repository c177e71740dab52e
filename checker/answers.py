"""Where answers live: a file, or the ``%%answer ID`` cells of a notebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .outcomes import AnswerProblem, Outcome

MAGIC = "%%answer"


def answer_cells(notebook: nbformat.NotebookNode, exercise_id: str) -> list[str]:
    """The sources (without the magic line) of every ``%%answer ID`` cell, in order."""
    sources = []
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        first, _, rest = cell.get("source", "").partition("\n")
        if first.split() == [MAGIC, exercise_id]:
            sources.append(rest)
    return sources


def from_notebook(path: Path, exercise_id: str) -> str:
    """The answer a notebook gives to an exercise: its last ``%%answer`` cell for it."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except (json.JSONDecodeError, UnicodeDecodeError, nbformat.reader.NotJSONError) as error:
        raise AnswerProblem(
            Outcome.ERROR, f"{path.name} is not a readable notebook: {error}"
        ) from None
    except Exception as error:  # nbformat raises assorted validation errors
        raise AnswerProblem(
            Outcome.ERROR, f"{path.name} is not a valid notebook: {type(error).__name__}"
        ) from None
    cells = answer_cells(notebook, exercise_id)
    if not cells:
        raise AnswerProblem(
            Outcome.NOT_ATTEMPTED,
            f"{path.name} has no '{MAGIC} {exercise_id}' cell: no answer to check.",
        )
    return cells[-1]
